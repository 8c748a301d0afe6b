"""Demo data: views for the demo family (idempotent; called by `flask demo` after the plans demo).

- Jordan (young.person@example.org) sent his views last spring, and the council has asked for new views
  before his next annual review (an open request on /my-views/).
- parent@example.org sent views on Sam's plan, and helped Sam give his.
"""

from datetime import date, timedelta

from sqlalchemy import select

from portal.accounts.service import find_user
from portal.extensions import db
from portal.plans.models import Plan
from portal.timeutil import utcnow
from portal.voice.models import ViewAnswer, ViewRequest, ViewSet

JORDAN = "EHC-DEMO-0107"
SAM = "EHC-DEMO-0042"

JORDAN_ANSWERS = {
    "like": {"text": "I am good at fixing bikes.\nPeople say I am calm.", "cards": "helpful hard_working"},
    "important_now": {
        "text": "My dog Bailey. Going to the gym with my brother.",
        "cards": "family pets sport",
    },
    "support": {"text": "Tell me the plan for the day in the morning.", "cards": "what_happens_next breaks"},
    "hard": {"cards": "noise crowds changes"},
    "hopes_school": {
        "text": "I want to do the bike mechanics course at college.",
        "cards": "college",
        "scale": 4,
    },
    "hopes_work": {"text": "Work in a bike shop.", "cards": "paid_work"},
    "hopes_home": {"skipped": True},
    "hopes_health": {"text": "Sleep better.", "cards": "sleep exercise", "scale": 3},
}
SAM_ANSWERS = {
    "like": {"text": "Sam is funny and loves trains.", "cards": "funny"},
    "support": {"text": "Pictures of what will happen, and a quiet corner.", "cards": "pictures quiet_place"},
}
PARENT_ANSWERS = {
    "like": {"text": "Sam is affectionate and notices everything about trains and timetables."},
    "hard": {"text": "Changes to routine, and busy lunch halls.", "cards": "changes crowds noise"},
    "hopes_school": {"text": "That he stays in his local school with the right help.", "scale": 2},
}


def _plan(reference: str) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.reference == reference))


def _sent_set(plan: Plan, kind: str, author, answers: dict, *, days_ago: int, helper=None) -> None:
    exists = db.session.scalar(
        select(ViewSet.id).where(
            ViewSet.plan_id == plan.id, ViewSet.kind == kind, ViewSet.author_id == author.id
        )
    )
    if exists:
        return
    sent_at = utcnow() - timedelta(days=days_ago)
    view_set = ViewSet(
        plan_id=plan.id,
        kind=kind,
        author_id=author.id,
        helper_id=helper.id if helper else None,
        created_at=sent_at - timedelta(days=2),
        updated_at=sent_at,
        sent_at=sent_at,
        sent_by_id=author.id,
    )
    view_set.answers = [
        ViewAnswer(
            question=key,
            text=value.get("text", ""),
            cards=value.get("cards", ""),
            scale=value.get("scale"),
            skipped=value.get("skipped", False),
            updated_at=sent_at,
        )
        for key, value in answers.items()
    ]
    db.session.add(view_set)


def seed() -> None:
    """Create the demo views once; running again changes nothing."""
    young = find_user("young.person@example.org")
    parent = find_user("parent@example.org")
    caseworker = find_user("caseworker@example.org")
    jordan, sam = _plan(JORDAN), _plan(SAM)
    if young is not None and jordan is not None:
        _sent_set(jordan, "young_person", young, JORDAN_ANSWERS, days_ago=200)
        asked = db.session.scalar(select(ViewRequest.id).where(ViewRequest.plan_id == jordan.id))
        if not asked:
            review = (
                jordan.next_review_due
                if jordan.next_review_due and jordan.next_review_due > date.today()
                else None
            )
            db.session.add(
                ViewRequest(
                    plan_id=jordan.id,
                    asks="both",
                    review_date=review or date.today() + timedelta(days=42),
                    requested_by_id=caseworker.id if caseworker else None,
                )
            )
    if parent is not None and sam is not None:
        _sent_set(sam, "parent", parent, PARENT_ANSWERS, days_ago=30)
        _sent_set(sam, "young_person", parent, SAM_ANSWERS, days_ago=29, helper=parent)
    db.session.commit()
