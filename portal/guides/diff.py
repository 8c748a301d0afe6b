"""What changed between two revisions, as accessible HTML: lines compared, then words within changed lines.

Added words are in <ins>, removed words in <del>, each with a visually hidden "added:"/"removed:" label
for screen readers (which do not announce ins and del) and the browser's underline and strike-through
for everyone else, so nothing depends on colour. Unchanged lines far from a change are folded away.
"""

import difflib
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

CONTEXT = 2
TOKEN = re.compile(r"\s+|[^\W_]+|[^\w\s]|_")


@dataclass
class Line:
    html: Markup
    kind: str  # "same", "added", "removed", "changed"


@dataclass
class Hunk:
    """A run of changed lines with a little unchanged text around it."""

    first: int  # line number in the newer text (1-based)
    lines: list[Line]


@dataclass
class FieldChange:
    label: str
    html: Markup


def _ins(text: str) -> Markup:
    label = escape(_("added:"))
    return Markup(f'<ins><span class="govuk-visually-hidden">[{label}] </span>{escape(text)}</ins>')


def _del(text: str) -> Markup:
    label = escape(_("removed:"))
    return Markup(f'<del><span class="govuk-visually-hidden">[{label}] </span>{escape(text)}</del>')


def _blank() -> Line:
    return Line(Markup(""), "same")


def words(before: str, after: str) -> Markup:
    """One line (or field) compared word by word."""
    old, new = TOKEN.findall(before), TOKEN.findall(after)
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(_del("".join(old[i1:i2])))
        if op in ("insert", "replace"):
            out.append(_ins("".join(new[j1:j2])))
    return Markup("").join(out)


def lines(before: str, after: str, context: int = CONTEXT) -> list[Hunk]:
    """The body compared line by line; a changed line is compared word by word with the line it replaces."""
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        shown: list[Line] = []
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                shown.extend(Line(escape(line), "same") for line in new[j1:j2])
                continue
            removed, added = old[i1:i2], new[j1:j2]
            paired = min(len(removed), len(added)) if op == "replace" else 0
            for a, b in zip(removed[:paired], added[:paired], strict=True):
                shown.append(Line(words(a, b), "changed"))
            # A blank line added or taken away only spaces out paragraphs: shown blank, not as a change.
            shown.extend(
                Line(_del(line), "removed") if line.strip() else _blank() for line in removed[paired:]
            )
            shown.extend(Line(_ins(line), "added") if line.strip() else _blank() for line in added[paired:])
        hunks.append(Hunk(group[0][3] + 1, shown))
    return hunks


def fields(before: dict[str, str], after: dict[str, str], labels: dict[str, str]) -> list[FieldChange]:
    """Short fields (title, summary, topics…) that differ, each compared word by word."""
    return [
        FieldChange(str(labels[name]), words(before.get(name, ""), after.get(name, "")))
        for name in labels
        if before.get(name, "") != after.get(name, "")
    ]
