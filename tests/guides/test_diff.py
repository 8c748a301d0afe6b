"""What changed between revisions, as accessible HTML."""

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.guides import diff


def soup(html) -> BeautifulSoup:
    return BeautifulSoup(str(html), "html.parser")


def test_words_marks_added_and_removed_with_text_labels(app):
    with app.test_request_context():
        html = soup(diff.words("Gather the reports.", "Gather all school reports."))
    assert [d.get_text() for d in html.find_all("del")] == ["[removed:] the"]
    assert [i.get_text() for i in html.find_all("ins")] == ["[added:] all school"]
    assert html.get_text() == "Gather [removed:] the[added:] all school reports."
    for tag in html.find_all(["ins", "del"]):
        assert "govuk-visually-hidden" in tag.span["class"]


def test_lines_fold_unchanged_text_and_number_the_hunks(app):
    before = "\n".join(f"Line {n}." for n in range(1, 21))
    after = before.replace("Line 10.", "Line ten.").replace("Line 20.", "Line 20.\nA new last line.")
    with app.test_request_context():
        hunks = diff.lines(before, after)
    assert [h.first for h in hunks] == [8, 19]
    assert [line.kind for line in hunks[0].lines] == ["same", "same", "changed", "same", "same"]
    assert [line.kind for line in hunks[1].lines] == ["same", "same", "added"]
    assert "ten" in soup(hunks[0].lines[2].html).ins.get_text()


def test_removed_lines(app):
    with app.test_request_context():
        [hunk] = diff.lines("One.\nTwo.\nThree.", "One.\nThree.")
    assert [(line.kind, soup(line.html).get_text()) for line in hunk.lines] == [
        ("same", "One."),
        ("removed", "[removed:] Two."),
        ("same", "Three."),
    ]


def test_fields_lists_only_what_changed(app):
    labels = {"title": "Title", "summary": "Summary"}
    with app.test_request_context():
        changes = diff.fields({"title": "A", "summary": "S"}, {"title": "B", "summary": "S"}, labels)
    assert [c.label for c in changes] == ["Title"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200), st.text(max_size=200))
def test_markup_in_either_text_is_always_escaped(app, before, after):
    before, after = "<script>x</script>" + before, after + "<img src=x onerror=alert(1)>"
    with app.test_request_context():
        html = "".join(str(line.html) for hunk in diff.lines(before, after) for line in hunk.lines)
        html += str(diff.words(before, after))
    tags = {t.name for t in soup(html).find_all(True)}
    assert tags <= {"ins", "del", "span"}
