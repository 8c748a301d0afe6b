"""A family, a plan and the people around it, for the views tests."""

import base64
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from portal.extensions import db
from portal.plans.models import Child, Plan, PlanAccess, PlanVersion
from portal.timeutil import utcnow

STORAGE_KEY = base64.b64encode(b"k" * 32).decode()


@pytest.fixture
def app_config(app_config, tmp_path):
    return {**app_config, "PORTAL_STORAGE_KEY": STORAGE_KEY, "PORTAL_STORAGE_PATH": str(tmp_path / "uploads")}


def make_plan(
    app, *, young_person_id=None, parents=(), professionals=(), born=date(2012, 5, 1), name="Amira"
):
    """A plan with a draft version, its child, and parents and professionals with current access."""
    with app.app_context():
        child = Child(
            full_name=f"{name} Example",
            preferred_name=name,
            date_of_birth=born,
            young_person_id=young_person_id,
        )
        plan = Plan(child=child, next_review_due=date.today() + timedelta(days=60))
        db.session.add(plan)
        db.session.flush()
        db.session.add(PlanVersion(plan_id=plan.id, number=1, status="draft"))
        for parent in parents:
            db.session.add(PlanAccess(plan_id=plan.id, user_id=parent.id, role="parent"))
        for professional in professionals:
            db.session.add(
                PlanAccess(
                    plan_id=plan.id,
                    user_id=professional.id,
                    role="professional",
                    purpose="Speech and language advice",
                    expires_at=utcnow() + timedelta(days=30),
                )
            )
        db.session.commit()
        return plan.id


@pytest.fixture
def family(app, make_user):
    """Amira (her own account), her parent, a caseworker, and people who must never see her views."""
    young = make_user("amira@example.org", roles=("young_person",))
    parent = make_user("parent@example.org", roles=("parent",))
    caseworker = make_user("caseworker@example.org", roles=("caseworker",))
    professional = make_user("senco@example.org", roles=("professional",))
    other_parent = make_user("other.parent@example.org", roles=("parent",))
    other_young = make_user("other.young@example.org", roles=("young_person",))
    editor = make_user("editor@example.org", roles=("forum_editor",))
    mediator = make_user("mediator@example.org", roles=("mediator",))
    admin = make_user("admin@example.org", roles=("admin",))
    plan_id = make_plan(app, young_person_id=young.id, parents=[parent], professionals=[professional])
    other_plan_id = make_plan(app, young_person_id=other_young.id, parents=[other_parent], name="Ben")
    return SimpleNamespace(
        young=young,
        parent=parent,
        caseworker=caseworker,
        professional=professional,
        other_parent=other_parent,
        other_young=other_young,
        editor=editor,
        mediator=mediator,
        admin=admin,
        plan_id=plan_id,
        other_plan_id=other_plan_id,
    )
