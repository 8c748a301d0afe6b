"""The only place that turns text into HTML: markdown rendered, then cleaned by an allow-list.

Nothing else in the code imports markdown or bleach, so a later move from bleach to nh3 changes one file.
"""

import bleach
import markdown as md
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "dd", "details", "dl", "dt", "em", "h2", "h3", "h4",
        "hr", "li", "ol", "p", "pre", "strong", "summary", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "lang", "hreflang"], "abbr": ["title"], "th": ["scope"]}
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
    raw = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = bleach.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    for plain, styled in _CLASSES.items():
        clean = clean.replace(plain, styled)
    return Markup(clean)
