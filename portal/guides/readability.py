"""How easy a page is to read, for editors: reading scores (textstat) and plain-English warnings.

Warnings: sentences over LONG_SENTENCE words, glossary jargon whose first use is not explained, and
images without alt text. The text checked is what readers see: the markdown rendered by portal.markdown,
split into its blocks (paragraphs, list items, headings, table cells) so a list is not one long sentence.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import yaml

from portal.markdown import render

GLOSSARY = Path(__file__).resolve().parent.parent.parent / "content" / "glossary.yml"
LONG_SENTENCE = 25
QUOTE_WORDS = 8
BLOCKS = {"p", "li", "h2", "h3", "h4", "td", "th", "dt", "dd", "blockquote", "pre", "summary"}
IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*([^)\s]*)[^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+")


@dataclass(frozen=True)
class Term:
    term: str
    meaning: str
    pattern: re.Pattern


@dataclass
class Report:
    """What the readability panel shows."""

    words: int = 0
    reading_ease: float | None = None
    reading_age: int | None = None
    long_sentences: list[tuple[int, str]] = field(default_factory=list)  # (words, first words…)
    jargon: list[Term] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)  # the image addresses

    @property
    def warnings(self) -> int:
        return len(self.long_sentences) + len(self.jargon) + len(self.images_without_alt)


@cache
def glossary(path: Path = GLOSSARY) -> tuple[Term, ...]:
    """The glossary's terms, longest first (so "EHC plan" is matched before shorter terms)."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    terms = []
    for entry in entries:
        term = str(entry["term"])
        flags = 0 if entry.get("case") else re.IGNORECASE
        pattern = re.compile(r"(?<![\w-])" + re.escape(term).replace(r"\ ", r"\s+") + r"(?![\w-])", flags)
        terms.append(Term(term, str(entry.get("meaning", "")), pattern))
    return tuple(sorted(terms, key=lambda t: -len(t.term)))


class _Blocks(HTMLParser):
    """The text of each block element, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS or tag in ("br", "ul", "ol"):
            self._flush()

    def handle_endtag(self, tag):
        if tag in BLOCKS or tag in ("ul", "ol"):
            self._flush()

    def handle_data(self, data):
        self._current.append(data)

    def _flush(self):
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def close(self):
        super().close()
        self._flush()


def blocks(body: str) -> list[str]:
    parser = _Blocks()
    parser.feed(str(render(body)))
    parser.close()
    return parser.blocks


def sentences(block: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(block) if s.strip()]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:['\u2019][^\W_]+)*", text)


def long_sentences(parts: list[str], limit: int = LONG_SENTENCE) -> list[tuple[int, str]]:
    found = []
    for block in parts:
        for sentence in sentences(block):
            count = len(_words(sentence))
            if count > limit:
                start = sentence.split()[:QUOTE_WORDS]
                found.append((count, " ".join(start) + "…"))
    return found


def unexplained_jargon(body: str, terms: tuple[Term, ...] | None = None) -> list[Term]:
    """Glossary terms whose first use has no explanation: none in brackets just after it, the term not
    in brackets after its explanation, not defined by its own sentence ("X is a…", "X means…"), and not
    a link to the glossary."""
    terms = glossary() if terms is None else terms
    text = LINK.sub(_link_text, IMAGE.sub("", body))
    found = []
    taken: list[tuple[int, int]] = []  # "EHC plan" is one term: its "EHC" is not checked again
    for term in terms:
        match = next(
            (m for m in term.pattern.finditer(text) if not any(a <= m.start() < b for a, b in taken)), None
        )
        if match is None:
            continue
        taken.extend((m.start(), m.end()) for m in term.pattern.finditer(text))
        if _explained(text, match):
            continue
        found.append(term)
    return sorted(found, key=lambda t: term_position(text, t))


def term_position(text: str, term: Term) -> int:
    match = term.pattern.search(text)
    return match.start() if match else 0


def _link_text(match: re.Match) -> str:
    # A link to the glossary explains its words: mark them so _explained can tell.
    if "glossary" in match.group(2).lower():
        return "\x01" + match.group(1) + "\x02"
    return match.group(1)


# "An EHC plan is a legal document…", "SENCO stands for…": the sentence itself explains the term.
DEFINES = re.compile(r"(is an?|is the|are|means|stands for)\s", re.IGNORECASE)


def _explained(text: str, match: re.Match) -> bool:
    after = text[match.end() :].lstrip("*_ \t")  # **bold** or _emphasised_ terms too
    before = text[: match.start()].rstrip("*_ \t")
    if after.startswith(("(", "\x02")) or DEFINES.match(after):
        return True
    # "education, health and care plan (EHCP)": the term in brackets, after its explanation.
    if before.endswith("(") and after.startswith(")") and len(_words(before)) > 1:
        return True
    return before.endswith("\x01")


def images_without_alt(body: str) -> list[str]:
    return [m.group(2) or "?" for m in IMAGE.finditer(body) if not m.group(1).strip()]


def _offline_syllables() -> None:
    """textstat counts English syllables with NLTK's CMU dictionary and downloads it when it is missing.
    A page must never wait on the network, so without the dictionary installed it counts with pyphen."""
    import nltk
    from textstat.backend.counts import _count_syllables

    try:
        nltk.data.find("corpora/cmudict")
    except LookupError:
        _count_syllables.get_cmudict = lambda _lang: None


@cache
def _textstat():
    _offline_syllables()
    import textstat

    return textstat


def check(body: str, language: str = "en") -> Report:
    """The readability report for a page's markdown. Scores and jargon are for English text only."""
    parts = blocks(body)
    report = Report(
        words=sum(len(_words(p)) for p in parts),
        long_sentences=long_sentences(parts),
        images_without_alt=images_without_alt(body),
    )
    if language == "en":
        report.jargon = unexplained_jargon(body)
        # Blocks without their own full stop (headings, list items) still end a sentence.
        prose = " ".join(p if p.endswith((".", "!", "?", ":")) else p + "." for p in parts)
        if report.words:
            textstat = _textstat()
            report.reading_ease = round(textstat.flesch_reading_ease(prose), 1)
            report.reading_age = max(5, round(textstat.flesch_kincaid_grade(prose) + 5))
    return report
