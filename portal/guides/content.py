"""Guides and provision pages as text files (content/) and as published revisions in the database.

`flask content import` loads content/ (a new published revision only where the text changed);
`flask content export` writes the published revisions back, so content can be reviewed as text.
"""

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from markupsafe import Markup
from sqlalchemy import or_, select

from portal.extensions import db
from portal.guides.models import ContentPage, ContentRevision
from portal.i18n import CODES
from portal.markdown import render_with_contents
from portal.timeutil import utcnow

CONTENT = Path(__file__).resolve().parent.parent.parent / "content"
GUIDE_KEYS = ("title", "summary", "audience", "topics", "reviewed", "co_produced_with")
PROVISION_KEYS = ("title", "summary", "area", "phase", "reviewed", "co_produced_with")
HEADING = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)


def parse(text: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        raise ValueError("a content file starts with front matter between --- lines")
    _start, front, body = text.split("---\n", 2)
    return yaml.safe_load(front) or {}, body.lstrip("\n")


def dump(front: dict, body: str) -> str:
    """The one canonical way a content file is written (import then export is byte-identical)."""
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{header}---\n{body.rstrip()}\n"


def _files(root: Path):
    for path in sorted((root / "guides").glob("*/*.md")):
        yield "guide", path.parent.name, path.stem, path
    for path in sorted((root / "provision").glob("*/*/*.md")):
        yield "provision", f"{path.parent.parent.name}/{path.parent.name}", path.stem, path


def published(page: ContentPage, language: str) -> ContentRevision | None:
    return db.session.scalar(
        select(ContentRevision).where(
            ContentRevision.page_id == page.id,
            ContentRevision.language == language,
            ContentRevision.status == "published",
        )
    )


def publish(revision: ContentRevision) -> None:
    """Make a revision the published one for its language; the one before is superseded, never deleted."""
    current = published(revision.page, revision.language)
    if current is not None and current.id != revision.id:
        current.status = "superseded"
    revision.status = "published"
    revision.published_at = utcnow()


def import_content(root: Path = CONTENT) -> dict[str, int]:
    """Load every content file; unchanged files add nothing. English first, so translations can cite it."""
    counts = {"pages": 0, "revisions": 0}
    entries = sorted(_files(root), key=lambda e: (e[2] != "en", e[0], e[1], e[2]))
    for kind, slug, language, path in entries:
        if language not in CODES:
            continue
        front, body = parse(path.read_text(encoding="utf-8"))
        page = db.session.scalar(
            select(ContentPage).where(ContentPage.kind == kind, ContentPage.slug == slug)
        )
        if page is None:
            page = ContentPage(kind=kind, slug=slug)
            db.session.add(page)
            counts["pages"] += 1
        if language == "en":
            page.audience = list(front.get("audience") or [])
            page.topics = list(front.get("topics") or [])
            page.area = front.get("area")
            page.phase = front.get("phase")
        db.session.flush()
        reviewed = front.get("reviewed")
        values = {
            "title": str(front.get("title", slug)),
            "summary": str(front.get("summary", "")),
            "body": body.rstrip() + "\n",
            "reviewed": reviewed if isinstance(reviewed, date) else None,
            "co_produced_with": str(front.get("co_produced_with", "")),
        }
        current = published(page, language)
        if current is not None and all(getattr(current, k) == v for k, v in values.items()):
            continue
        source = published(page, "en") if language != "en" else None
        revision = ContentRevision(page=page, language=language, **values)
        revision.source_revision_id = source.id if source else None
        db.session.add(revision)
        db.session.flush()
        publish(revision)
        counts["revisions"] += 1
    db.session.commit()
    return counts


def export_content(root: Path = CONTENT) -> int:
    """Write every published revision to its file. Returns the number of files written."""
    written = 0
    rows = db.session.execute(
        select(ContentPage, ContentRevision)
        .join(ContentRevision, ContentRevision.page_id == ContentPage.id)
        .where(ContentRevision.status == "published")
        .order_by(ContentPage.kind, ContentPage.slug, ContentRevision.language)
    )
    for page, revision in rows:
        keys = GUIDE_KEYS if page.kind == "guide" else PROVISION_KEYS
        source = {
            "title": revision.title,
            "summary": revision.summary,
            "audience": page.audience,
            "topics": page.topics,
            "area": page.area,
            "phase": page.phase,
            "reviewed": revision.reviewed,
            "co_produced_with": revision.co_produced_with,
        }
        if revision.language != "en":
            keys = tuple(k for k in keys if k not in ("audience", "topics", "area", "phase"))
        folder = root / ("guides" if page.kind == "guide" else "provision") / page.slug
        folder.mkdir(parents=True, exist_ok=True)
        front = {k: source[k] for k in keys if source[k] not in (None, "")}
        (folder / f"{revision.language}.md").write_text(dump(front, revision.body), encoding="utf-8")
        written += 1
    return written


# Reading.


@dataclass
class Shown:
    """A page as a reader sees it: the revision in their language, or English with the languages it has."""

    page: ContentPage
    revision: ContentRevision
    languages: list[str]
    out_of_date: bool

    @property
    def lang(self) -> str:
        return self.revision.language


def show(page: ContentPage, language: str) -> Shown | None:
    revisions = {
        r.language: r
        for r in db.session.scalars(
            select(ContentRevision).where(
                ContentRevision.page_id == page.id, ContentRevision.status == "published"
            )
        )
    }
    revision = revisions.get(language) or revisions.get("en")
    if revision is None:
        return None
    english = revisions.get("en")
    out_of_date = bool(
        revision.language != "en" and english and revision.source_revision_id not in (None, english.id)
    )
    return Shown(page, revision, [code for code in CODES if code in revisions], out_of_date)


def guide(slug: str) -> ContentPage | None:
    return db.session.scalar(select(ContentPage).where(ContentPage.kind == "guide", ContentPage.slug == slug))


def pages(kind: str) -> list[ContentPage]:
    return list(
        db.session.scalars(select(ContentPage).where(ContentPage.kind == kind).order_by(ContentPage.slug))
    )


def shown_pages(kind: str, language: str) -> list[Shown]:
    """Every page of a kind with its text for this reader, in one query."""
    rows = db.session.execute(
        select(ContentPage, ContentRevision)
        .join(ContentRevision, ContentRevision.page_id == ContentPage.id)
        .where(
            ContentPage.kind == kind,
            ContentRevision.status == "published",
            ContentRevision.language.in_({language, "en"}),
        )
    ).all()
    chosen: dict[int, tuple[ContentPage, ContentRevision]] = {}
    for page, revision in rows:
        if page.id not in chosen or revision.language == language:
            chosen[page.id] = (page, revision)
    shown = [Shown(page, revision, [], False) for page, revision in chosen.values()]
    return sorted(shown, key=lambda s: s.revision.title.lower())


def search(text: str, language: str) -> list[Shown]:
    """Guides and provision pages whose title, summary or text has every word (this language or English)."""
    words = [w for w in re.findall(r"[^\W_]+", text.lower()) if len(w) > 2][:6]
    if not words:
        return []
    statement = (
        select(ContentPage, ContentRevision)
        .join(ContentRevision, ContentRevision.page_id == ContentPage.id)
        .where(ContentRevision.status == "published", ContentRevision.language.in_({language, "en"}))
    )
    for word in words:
        pattern = f"%{word}%"
        statement = statement.where(
            or_(
                ContentRevision.title.ilike(pattern),
                ContentRevision.summary.ilike(pattern),
                ContentRevision.body.ilike(pattern),
            )
        )
    chosen: dict[int, Shown] = {}
    for page, revision in db.session.execute(statement):
        if page.id not in chosen or revision.language == language:
            chosen[page.id] = Shown(page, revision, [], False)
    return sorted(chosen.values(), key=lambda s: (s.page.kind, s.revision.title.lower()))


def contents(body: str) -> list[str]:
    """The page's contents list: its level-2 headings."""
    return HEADING.findall(body)


# Rendered pages. A published revision's text never changes (an edit makes a new revision), so its HTML and
# contents list are worked out once per process and kept. The key holds the revision's id, when it was
# published and a digest of its text: a newly published revision has a new key and shows at once, and a
# database restored or rebuilt with the same ids can never be shown another text's HTML. Drafts and
# revisions in review are rendered each time and never kept (editors' previews change with every save).
RENDERED_ENTRIES = 256  # every guide and provision page in every language, with room to spare
_rendered: OrderedDict[tuple, tuple[Markup, tuple[tuple[str, str], ...]]] = OrderedDict()
_rendered_lock = threading.Lock()


def rendered(revision: ContentRevision) -> tuple[Markup, list[tuple[str, str]]]:
    """A revision's safe HTML and contents list (id, heading), from the cache when it is published."""
    if revision.status != "published":
        return render_with_contents(revision.body)
    digest = hashlib.sha256((revision.body or "").encode()).hexdigest()
    key = (revision.id, revision.published_at, digest)
    with _rendered_lock:
        hit = _rendered.get(key)
        if hit is not None:
            _rendered.move_to_end(key)
    if hit is None:
        html, headings = render_with_contents(revision.body)
        hit = (html, tuple(headings))
        with _rendered_lock:
            _rendered[key] = hit
            while len(_rendered) > RENDERED_ENTRIES:
                _rendered.popitem(last=False)
    return hit[0], list(hit[1])


def clear_rendered() -> None:
    with _rendered_lock:
        _rendered.clear()
