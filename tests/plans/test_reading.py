"""Families read a plan: contents, sections, outcomes with their provision, history, compare, print, PDF."""

from portal.extensions import db
from portal.plans.models import Plan


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
