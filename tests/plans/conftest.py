"""Plan fixtures: a demo plan imported from content/plans, and people in every role around it."""

import json
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from portal.extensions import db
from portal.plans.cli import import_document
from portal.plans.models import Child, Plan, PlanAccess
from portal.timeutil import utcnow

EXAMPLE = Path(__file__).resolve().parents[2] / "content" / "plans" / "sam-taylor.json"


def example_data() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def make_plan(app):
    """Import the example plan (or `data`); returns its id."""

    def make(data: dict | None = None, date_of_birth: date | None = None) -> int:
        with app.app_context():
            plan, _made = import_document(data or example_data())
            if date_of_birth:
                plan.child.date_of_birth = date_of_birth
            db.session.commit()
            return plan.id

    return make


@pytest.fixture
def grant(app):
    """Give someone access to a plan directly (as an accepted invitation would)."""

    def do(plan_id: int, user, role: str, *, expires_at=None, starts_at=None, purpose=None) -> int:
        with app.app_context():
            row = PlanAccess(
                plan_id=plan_id,
                user_id=user.id,
                role=role,
                purpose=purpose,
                expires_at=expires_at,
                starts_at=starts_at or utcnow() - timedelta(minutes=1),
            )
            db.session.add(row)
            db.session.commit()
            return row.id

    return do


@pytest.fixture
def link_young_person(app):
    def do(plan_id: int, user) -> None:
        with app.app_context():
            plan = db.session.get(Plan, plan_id)
            db.session.get(Child, plan.child_id).young_person_id = user.id
            db.session.commit()

    return do


@pytest.fixture
def people(make_user):
    """One person in every role that matters to plans."""
    return SimpleNamespace(
        parent=make_user("parent@example.org", roles=("parent",)),
        other_parent=make_user("other.parent@example.org", roles=("parent",)),
        young=make_user("young.person@example.org", roles=("young_person",)),
        professional=make_user("professional@example.org", roles=("professional",)),
        caseworker=make_user("caseworker@example.org", roles=("caseworker",)),
        editor=make_user("editor@example.org", roles=("forum_editor",)),
        mediator=make_user("mediator@example.org", roles=("mediator",)),
        service_editor=make_user("services@example.org", roles=("service_editor",)),
        admin=make_user("admin@example.org", roles=("admin",)),
    )
