"""Plan rules: school year, the age-16 transfer on its exact dates, published versions never change,
comparing versions, the 20-week timeline and the annual review date."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from portal.extensions import db
from portal.plans import access, service
from portal.plans.models import (
    Need,
    Plan,
    PlanVersion,
    PublishedVersionError,
    SectionAEntry,
    school_year,
    transfer_date,
)
from tests.plans.conftest import example_data


@pytest.mark.parametrize(
    ("born", "today", "year"),
    [
        (date(2021, 8, 31), date(2026, 9, 1), 1),  # youngest in the year: 5 on 31 August, so Year 1
        (date(2021, 9, 1), date(2026, 9, 1), 0),  # oldest in the year: Reception
        (date(2021, 9, 1), date(2026, 8, 31), -1),  # the day before Reception starts
        (date(2010, 8, 31), date(2026, 8, 31), 11),  # the last day of Year 11
        (date(2010, 8, 31), date(2026, 9, 1), 12),
        (date(2010, 9, 1), date(2026, 11, 23), 11),
        (date(2008, 2, 29), date(2024, 3, 1), 11),
    ],
)
def test_school_year_in_england(born, today, year):
    assert school_year(born, today) == year


@pytest.mark.parametrize(
    ("born", "transfer"),
    [
        (date(2010, 8, 31), date(2026, 9, 1)),  # 16 on the last day of the school year
        (date(2010, 9, 1), date(2027, 9, 1)),  # 16 on the first day of the next one
        (date(2011, 1, 15), date(2027, 9, 1)),
        (date(2008, 2, 29), date(2024, 9, 1)),  # leap-day birthday
    ],
)
def test_transfer_date_is_the_end_of_the_school_year_they_turn_16(born, transfer):
    assert transfer_date(born) == transfer


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
def test_transfer_follows_year_11(born):
    """The rights pass on the first day the child would be in Year 12, and they are at least 16 then."""
    day = transfer_date(born)
    assert (day.month, day.day) == (9, 1)
    assert school_year(born, day) == 12
    assert school_year(born, day - timedelta(days=1)) == 11
    assert day.year - born.year - ((day.month, day.day) < (born.month, born.day)) >= 16


def test_the_young_person_sees_the_plan_from_the_transfer_date_exactly(
    app, make_plan, people, link_young_person
):
    plan_id = make_plan(date_of_birth=date(2010, 8, 31))
    link_young_person(plan_id, people.young)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        young = db.session.get(type(plan.child.young_person), people.young.id)
        young.is_authenticated  # noqa: B018  (a real user object)
        assert not access.is_transferred_young_person(young, plan, date(2026, 8, 31))
        assert access.is_transferred_young_person(young, plan, date(2026, 9, 1))
        assert access.role_on_plan(young, plan, date(2026, 8, 31)) is None
        assert access.role_on_plan(young, plan, date(2026, 9, 1)) == "young_person"


def test_before_16_a_caseworker_can_give_the_child_access(app, make_plan, people, grant, link_young_person):
    plan_id = make_plan(date_of_birth=date(2014, 5, 12))
    link_young_person(plan_id, people.young)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        young = plan.child.young_person
        assert not access.can_see(young, plan)
    grant(plan_id, people.young, "child")
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        assert access.role_on_plan(plan.child.young_person, plan) == "child"
        assert not access.can_upload(plan.child.young_person, plan)


def test_a_published_version_never_changes(app, make_plan):
    plan_id = make_plan()
    with app.app_context():
        version = db.session.scalar(
            select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.number == 1)
        )
        for change in (
            lambda v: setattr(v, "placement_name", "Somewhere else"),
            lambda v: setattr(v, "status", "draft"),
            lambda v: setattr(v.needs[0], "text", "Changed"),
            lambda v: v.needs.append(Need(ref="B9", section="B", area="cognition_learning", text="New")),
            lambda v: db.session.delete(v.views[0]),
            lambda v: setattr(v.outcomes[0], "needs", []),
            lambda v: setattr(v.provision[0], "outcomes", []),
            lambda v: db.session.delete(v),
        ):
            change(version)
            with pytest.raises(PublishedVersionError):
                db.session.flush()
            db.session.rollback()
            version = db.session.get(PlanVersion, version.id)
        # A new row pointing at a published version by id is refused too.
        db.session.add(SectionAEntry(version_id=version.id, text="Sneaked in"))
        with pytest.raises(PublishedVersionError):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(PublishedVersionError):
            access.add_to_section_a(db.session.get(PlanVersion, version.id), "Words", "Somewhere", None)


def test_add_to_section_a_quotes_views_into_a_draft(app, make_plan, people):
    plan_id = make_plan()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        draft = service.start_version(plan, None)
        before = len(draft.views)
        access.add_to_section_a(draft, "  I want a quiet room.  ", "Sent through My views", None)
        db.session.commit()
        draft = db.session.get(PlanVersion, draft.id)
        assert len(draft.views) == before + 1
        assert (draft.views[-1].text, draft.views[-1].source) == (
            "I want a quiet room.",
            "Sent through My views",
        )
        with pytest.raises(ValueError):
            access.add_to_section_a(draft, "   ", "x", None)


def test_a_new_version_copies_the_latest_and_compare_finds_the_changes(app, make_plan):
    plan_id = make_plan()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        one, two = service.load_version(plan, 1), service.load_version(plan, 2)
        changes = {c.letter: c for c in service.compare(one, two)}
        assert not changes["C"].changed and not changes["D"].changed
        assert changes["I"].changed
        assert any("Northgate Academy" in line for line in changes["I"].added)
        assert any("Riverside Primary School" in line for line in changes["I"].removed)
        assert any("big school" in line for line in changes["A"].added)
        assert changes["H2"].added and not changes["H2"].removed
        assert changes["J"].added
        draft = service.start_version(plan, None)
        db.session.commit()
        assert draft.number == 3 and not draft.is_published
        same = service.compare(two, service.load_version(plan, 3, published=False))
        assert not any(c.changed for c in same)
        assert service.start_version(plan, None).id == draft.id  # one working copy at a time


def test_an_amended_final_needs_a_reason(app, make_plan):
    plan_id = make_plan()
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        draft = service.start_version(plan, None)
        assert service.publish_problem(draft, "final", "") == "Enter why the plan is being amended"
        assert service.publish_problem(draft, "draft", "") is None
        service.publish(draft, None, status="final", issued_on=date(2027, 3, 20), reason="After review")
        db.session.commit()
        assert db.session.get(PlanVersion, draft.id).is_published
        # The example's review was due on 14 March 2027: the amended final starts the 12 months again.
        assert db.session.get(Plan, plan_id).next_review_due == date(2028, 3, 19)


def test_the_20_week_timeline():
    plan = Plan(assessment_requested_on=date(2026, 1, 5))
    steps = {m.key: m for m in service.timeline(plan, today=date(2026, 3, 1), published=[])}
    assert steps["decision"].due == date(2026, 2, 16)  # 6 weeks
    assert steps["advice"].due == date(2026, 3, 30)  # 6 weeks after the decision deadline
    assert steps["final"].due == date(2026, 5, 25)  # 20 weeks
    assert steps["draft"].due == date(2026, 5, 10)  # 15 days before the final deadline
    assert steps["decision"].state(date(2026, 3, 1)) == "overdue"
    plan.assessment_decided_on = date(2026, 2, 10)
    steps = {m.key: m for m in service.timeline(plan, published=[])}
    assert steps["decision"].state(date(2026, 3, 1)) == "done"
    assert steps["advice"].due == date(2026, 3, 24)
    assert service.timeline(Plan(), published=[]) is None


def test_annual_review_is_within_12_months():
    assert service.annual_review_from(date(2026, 4, 2)) == date(2027, 4, 1)
    assert service.annual_review_from(date(2024, 2, 29)) == date(2025, 2, 28)


def test_example_file_is_valid():
    from portal.plans import importer

    assert importer.problems(example_data()) == []
