"""Content pages kept as markdown files: content/pages/<slug>/<lang>.md with a small front matter."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from portal.guides.content import parse
from portal.i18n import CODES
from portal.markdown import render

CONTENT = Path(__file__).resolve().parent.parent.parent / "content" / "pages"


@dataclass
class Page:
    title: str
    body: object
    lang: str
    reviewed: date | None
    available: list[str]


def load_page(slug: str, language: str) -> Page | None:
    """The page in the asked language, else in English (its `lang` says which it really is)."""
    folder = CONTENT / slug
    available = [code for code in CODES if (folder / f"{code}.md").exists()]
    if not available:
        return None
    lang = language if language in available else "en"
    front, body = parse((folder / f"{lang}.md").read_text(encoding="utf-8"))
    return Page(
        title=front.get("title", slug),
        body=render(body),
        lang=lang,
        reviewed=front.get("reviewed"),
        available=available,
    )
