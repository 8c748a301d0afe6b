"""Families read a plan: contents, sections, outcomes with their provision, history, compare, print, PDF."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.plans import importer
from tests.plans.conftest import example_data


def test_parent_reads_the_contents_and_a_section(app, client, sign_in, people, make_plan, grant):
    plan_id = make_plan()
    grant(plan_id, people.parent, "parent")
    sign_in(people.parent)
    page = client.get(f"/plans/{plan_id}")
    assert page.h1 == "EHC plan for Sam"
    assert "Section E: Outcomes" in page.text()
    assert "Version 2" in page.text()
    page = client.get(f"/plans/{plan_id}/sections/e")
    assert page.h1 == "Section E: Outcomes"
    text = page.text()
    assert "Sam will move to secondary school" in text
    assert "Transition support: three visits" in text
    assert "What this section is for" in text
    assert any("Section F: Special educational provision" in label for label in page.links())
    page = client.get(f"/plans/{plan_id}/sections/g")
    assert "This provision is not linked to any outcome in section E." in page.text()
    page = client.get(f"/plans/{plan_id}/sections/b?lang=ur")
    assert page.soup.html["dir"] == "rtl"


def test_history_compare_print_and_pdf(app, client, sign_in, people, make_plan, grant):
    plan_id = make_plan()
    grant(plan_id, people.parent, "parent")
    sign_in(people.parent)
    page = client.get(f"/plans/{plan_id}/history")
    assert [a.get_text() for a in page.soup.select("main table a")] == ["Version 2", "Version 1"]
    page = client.get(f"/plans/{plan_id}/compare?from=1&to=2")
    assert page.h1 == "What changed"
    text = page.text()
    assert "From version 1 to version 2." in text
    assert "Northgate Academy" in text and "Riverside Primary School" in text
    assert client.get(f"/plans/{plan_id}/compare?from=2&to=1").text() == text  # the order is fixed
    assert "From version 1 to version 2." in client.get(f"/plans/{plan_id}/compare?from=x&to=99").text()
    page = client.get(f"/plans/{plan_id}/print")
    assert len(page.soup.select("main h2")) == 12
    response = client.raw.get(f"/plans/{plan_id}/download")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"%PDF")
    page = client.get(f"/plans/{plan_id}/access")
    text = page.text()
    for label in ("Plan viewed", "Plan opened for printing", "Plan downloaded as PDF", "parent@example.org"):
        assert label in text, label
    assert "Parent or carer" in text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=200).filter(lambda t: t.strip()))
def test_any_words_in_a_plan_are_shown_as_text(app, client, sign_in, people, make_plan, grant, words):
    data = example_data()
    data["versions"] = [
        dict(
            data["versions"][0], section_a=[{"text": f"<b>{words}</b><script>x()</script>", "source": words}]
        )
    ]
    if importer.problems(data):
        return  # not a valid plan (for example, only whitespace after the schema trims nothing)
    plan_id = make_plan(data)
    grant(plan_id, people.parent, "parent")
    if client.raw.get("/plans/").status_code != 200:
        sign_in(people.parent)
    page = client.get(f"/plans/{plan_id}/sections/a")
    assert not page.soup.select("main blockquote b") and not page.soup.select("main script")
    assert "<script>x()</script>" in page.soup.select_one("main blockquote").get_text()
