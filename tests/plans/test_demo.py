"""The demo plans load, can be loaded twice, and show the demo family what they should see."""

from sqlalchemy import func, select

from portal.accounts.service import find_user
from portal.cli import create_demo_accounts
from portal.extensions import db
from portal.plans import access, demo
from portal.plans.models import Plan, PlanAccess, PlanVersion


def test_seed_is_idempotent_and_links_the_demo_accounts(app):
    with app.app_context():
        create_demo_accounts()
        demo.seed()
        demo.seed()
        assert db.session.scalar(select(func.count(Plan.id))) == 3
        assert db.session.scalar(select(func.count(PlanVersion.id))) == 4
        assert db.session.scalar(select(func.count(PlanAccess.id))) == 4
        parent = find_user("parent@example.org")
        young = find_user("young.person@example.org")
        professional = find_user("professional@example.org")
        editor = find_user("editor@example.org")
        assert len(access.plans_for(parent)) == 3
        young_plans = access.plans_for(young)
        assert [p.child.full_name for p in young_plans] == ["Jordan Ahmed"]
        assert young_plans[0].child.age() > 16
        assert access.is_transferred_young_person(young, young_plans[0])
        sam = db.session.scalar(select(Plan).where(Plan.reference == "EHC-DEMO-0042"))
        assert [v.number for v in sam.versions if v.is_published] == [1, 2]
        assert access.plans_for(professional) == [sam]
        row = db.session.scalar(select(PlanAccess).where(PlanAccess.user_id == professional.id))
        assert row.purpose and row.expires_at
        assert access.plans_for(editor) == []
