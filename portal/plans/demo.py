"""Demo data: fictional plans for the demo accounts (idempotent; called by `flask demo`).

- Sam Taylor (12): a published plan with two versions; parent@ is his parent; professional@ is invited for a
  stated purpose until a date 60 days from seeding.
- Jordan Ahmed (17, past the end of the school year he turned 16): the plan is his (young.person@); parent@
  still sees it because Jordan has not withdrawn access.
- Amira Begum (6): an assessment in progress on the 20-week timeline, with a draft plan sent for comment.
"""

import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from portal.accounts.service import find_user
from portal.extensions import db
from portal.plans.cli import import_document
from portal.plans.models import Child, Plan, PlanAccess
from portal.timeutil import utcnow

CONTENT = Path(__file__).resolve().parent.parent.parent / "content" / "plans"
IN_PROGRESS_REFERENCE = "EHC-DEMO-0233"


def _load(name: str) -> dict:
    return json.loads((CONTENT / name).read_text(encoding="utf-8"))


def _plan(reference: str) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.reference == reference))


def _grant(plan: Plan, user, role: str, *, purpose: str | None = None, days: int | None = None) -> None:
    exists = db.session.scalar(
        select(PlanAccess).where(PlanAccess.plan_id == plan.id, PlanAccess.user_id == user.id)
    )
    if exists is None:
        db.session.add(
            PlanAccess(
                plan_id=plan.id,
                user_id=user.id,
                role=role,
                purpose=purpose,
                starts_at=utcnow() - timedelta(minutes=1),
                expires_at=utcnow() + timedelta(days=days) if days else None,
            )
        )


def _in_progress() -> dict:
    """A plan whose assessment was asked for 17 weeks ago, with a draft plan issued last week."""
    today = date.today()
    requested = today - timedelta(weeks=17)
    return {
        "format": "send-portal-ehc-plan/1",
        "child": {"full_name": "Amira Begum", "preferred_name": None, "date_of_birth": "2020-06-18"},
        "plan": {
            "reference": IN_PROGRESS_REFERENCE,
            "assessment_requested_on": requested.isoformat(),
            "assessment_decided_on": (requested + timedelta(weeks=5)).isoformat(),
        },
        "versions": [
            {
                "status": "draft",
                "published": True,
                "issued_on": (today - timedelta(days=6)).isoformat(),
                "section_a": [
                    {"text": "I like singing and the sand tray.", "source": "Amira, with her key worker"},
                ],
                "needs": [
                    {
                        "ref": "B1",
                        "section": "B",
                        "area": "communication_interaction",
                        "text": "Amira uses single words and signs; she is learning to join two words.",
                    }
                ],
                "outcomes": [
                    {
                        "ref": "E1",
                        "text": "Amira will ask for what she wants using two-word phrases.",
                        "by_when": "By the end of Year 1",
                        "steps": "Daily small-group language sessions.",
                        "needs": ["B1"],
                    }
                ],
                "provision": [
                    {
                        "section": "F",
                        "what": "Small-group language sessions",
                        "who": "Teaching assistant trained by the speech and language therapist",
                        "how_often": "15 minutes every school day",
                        "how_long": "One year",
                        "funded_by": "School and council top-up funding",
                        "outcomes": ["E1"],
                    }
                ],
                "placement": {"name": None, "type": None, "notes": "To be named in the final plan."},
            }
        ],
    }


def seed() -> None:
    """Create the demo plans once; running again changes nothing."""
    parent = find_user("parent@example.org")
    young = find_user("young.person@example.org")
    professional = find_user("professional@example.org")
    if parent is None:
        return
    sam = _plan("EHC-DEMO-0042")
    if sam is None:
        sam, _made = import_document(_load("sam-taylor.json"))
    _grant(sam, parent, "parent")
    if professional is not None:
        _grant(
            sam,
            professional,
            "professional",
            purpose="Speech and language therapy advice for the next annual review",
            days=60,
        )
    jordan = _plan("EHC-DEMO-0107")
    if jordan is None:
        jordan, _made = import_document(_load("jordan-ahmed.json"))
    _grant(jordan, parent, "parent")
    if young is not None:
        db.session.get(Child, jordan.child_id).young_person_id = young.id
    amira = _plan(IN_PROGRESS_REFERENCE)
    if amira is None:
        amira, _made = import_document(_in_progress())
    _grant(amira, parent, "parent")
    db.session.flush()
    if professional is not None:
        from portal.plans.documents import seed_demo_document

        seed_demo_document(
            sam,
            professional,
            "Speech and language therapy report",
            "Fictional demo report. Sam understands short spoken instructions best when they come with a "
            "picture or a gesture. Recommended: a weekly 30-minute session with the speech and language "
            "therapist, and a visual timetable in every lesson.",
        )
    db.session.commit()
