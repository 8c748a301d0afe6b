"""Demo data: a week of mediation slots from today and one request (idempotent; called by `flask demo`)."""

from datetime import time, timedelta

from sqlalchemy import select

from portal.accounts.service import find_user
from portal.extensions import db
from portal.mediation.deadlines import today_in_england
from portal.mediation.models import MediationRequest, Slot

DEMO_TOKEN = "demo-mediation-request-parent"
DEMO_PLACE = "Mereford Family Centre, 12 Station Road, Mereford"  # fictional


def seed() -> None:
    """Safe to run more than once: slots and the request are only added when missing."""
    mediator = find_user("mediator@example.org")
    parent = find_user("parent@example.org")
    if mediator is None or parent is None:
        return
    today = today_in_england()
    have = set(
        db.session.execute(
            select(Slot.day, Slot.starts).where(Slot.mediator_id == mediator.id, Slot.day >= today)
        ).all()
    )
    times = [(time(10, 0), "in_person", DEMO_PLACE), (time(14, 0), "video", "Video link sent by email")]
    for offset in range(1, 8):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for starts, mode, place in times:
            if (day, starts) not in have:
                db.session.add(
                    Slot(mediator_id=mediator.id, day=day, starts=starts, minutes=120, mode=mode, place=place)
                )
    exists = db.session.scalar(
        select(MediationRequest.id).where(MediationRequest.idempotency_token == DEMO_TOKEN)
    )
    if exists is None:
        db.session.add(
            MediationRequest(
                reference="MED-DEMO01",
                idempotency_token=DEMO_TOKEN,
                family_id=parent.id,
                mediator_id=mediator.id,
                decision="plan_contents",
                letter_date=today - timedelta(days=12),
                areas="education,health",
                access_needs="A quiet room, and breaks every 40 minutes.",
                interpreter=False,
                wants_mediation=True,
                told_on=today - timedelta(days=5),
            )
        )
    db.session.commit()
