"""The one place that turns text into HTML keeps to its allow-list, whatever it is given."""

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.markdown import ALLOWED_TAGS, render

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    '<p style="color:red" onclick="x()">hi</p>',
    "<svg><script>alert(1)</script></svg>",
]


def assert_clean(html: str):
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name in ALLOWED_TAGS, tag.name
        for attribute, value in tag.attrs.items():
            assert not attribute.startswith("on"), attribute
            assert attribute != "style"
            if attribute == "href":
                assert not str(value).strip().lower().startswith(("javascript:", "data:", "vbscript:"))


def test_markdown_renders_with_govuk_classes():
    html = render("## Heading\n\nSome *text* and a [link](https://example.org).\n\n- one\n- two")
    assert '<h2 class="govuk-heading-l" id="heading">Heading</h2>' in html
    assert '<a class="govuk-link" rel="noopener" href="https://example.org">link</a>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html


def test_known_attacks_are_removed():
    for attack in ATTACKS:
        html = render(attack)
        assert_clean(html)
        soup = BeautifulSoup(html, "html.parser")
        assert soup.find("script") is None and soup.find(attrs={"onerror": True}) is None
        assert "&lt;" in html or "<a>" in html  # raw HTML is shown as text; a bad link loses its href


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=400))
def test_any_text_renders_to_allowed_html(text):
    assert_clean(render(text))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([*ATTACKS, "**b**", "\n\n", "[a](", "](x)", "<", ">", "'", '"']), max_size=12)
)
def test_mixed_attacks_stay_clean(parts):
    assert_clean(render("".join(parts)))
