"""The only place that turns text into HTML: markdown rendered, then cleaned by an allow-list.

Nothing else in the code imports markdown or bleach, so a later move from bleach to nh3 changes one file.
"""

import re

import bleach
import markdown as md
from markdown.extensions.toc import slugify_unicode
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "dd", "details", "dl", "dt", "em", "h2", "h3", "h4",
        "hr", "li", "ol", "p", "pre", "strong", "summary", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "lang", "hreflang"],
    "abbr": ["title"],
    "th": ["scope"],
    "h2": ["id"],
    "h3": ["id"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})

# GOV.UK Frontend classes, so content looks like the rest of the page without inline styles.
_CLASSES = {
    "<h2>": '<h2 class="govuk-heading-l">',
    "<h3>": '<h3 class="govuk-heading-m">',
    "<h4>": '<h4 class="govuk-heading-s">',
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
    "<table>": '<table class="govuk-table">',
    "<a ": '<a class="govuk-link" ',
}


def render(text: str) -> Markup:
    """Markdown to safe HTML. Headings start at h2: the page's own h1 is the title."""
    return render_with_contents(text)[0]


def render_with_contents(text: str) -> tuple[Markup, list[tuple[str, str]]]:
    """Safe HTML and its contents list: (id, heading) for each level-2 heading, in order."""
    converter = md.Markdown(
        extensions=["tables", "sane_lists", "toc"],
        extension_configs={"toc": {"slugify": slugify_unicode, "toc_depth": "2-3"}},
        output_format="html",
    )
    # Raw HTML in the text is shown as text, never passed through (bleach then checks what markdown made).
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    raw = converter.convert(text or "")
    contents = [(token["id"], token["name"]) for token in _level_two(converter.toc_tokens)]
    clean = bleach.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    clean = re.sub(r"<h([23]) id=", _heading_class, clean)
    for plain, styled in _CLASSES.items():
        clean = clean.replace(plain, styled)
    # Links to other sites must not be able to reach back to this page.
    clean = clean.replace(
        '<a class="govuk-link" href="http', '<a class="govuk-link" rel="noopener" href="http'
    )
    return Markup(clean), contents  # cleaned by the allow-list above


def _heading_class(match: re.Match) -> str:
    size = {"2": "l", "3": "m"}[match.group(1)]
    return f'<h{match.group(1)} class="govuk-heading-{size}" id='


def _level_two(tokens: list[dict]) -> list[dict]:
    found = []
    for token in tokens:
        if token["level"] == 2:
            found.append(token)
        found.extend(_level_two(token.get("children", [])))
    return found
