"""Mediation fixtures: people in every role, a request, and offered slots."""

from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest

from portal.extensions import db
from portal.mediation.deadlines import today_in_england
from portal.mediation.models import MediationRequest, Slot

ANSWERS = {
    "decision": "plan_contents",
    "letter_date": "",  # filled in per test
    "areas": ["education", "health"],
    "access_needs": "Step-free access",
    "interpreter": "yes",
    "language": "Polish",
    "wants": "mediation",
}


@pytest.fixture
def people(make_user):
    return SimpleNamespace(
        family=make_user("family@example.org", roles=("parent",)),
        other_family=make_user("other.family@example.org", roles=("parent",)),
        young_person=make_user("young@example.org", roles=("young_person",)),
        mediator=make_user("mediator@example.org", roles=("mediator",)),
        other_mediator=make_user("other.mediator@example.org", roles=("mediator",)),
        caseworker=make_user("caseworker@example.org", roles=("caseworker",)),
        professional=make_user("professional@example.org", roles=("professional",)),
        admin=make_user("admin@example.org", roles=("admin",)),
    )


@pytest.fixture
def make_request(app):
    """A request made straight in the database (the journey has its own tests)."""
    counter = iter(range(1, 10_000))

    def make(
        family_id,
        mediator_id=None,
        *,
        wants=True,
        letter_date=None,
        told_on=None,
        decision="plan_contents",
        held_on=None,
        outcome=None,
    ):
        n = next(counter)
        with app.app_context():
            request = MediationRequest(
                reference=f"MED-T{n:05d}",
                idempotency_token=f"token-{n}-{family_id}",
                family_id=family_id,
                mediator_id=mediator_id,
                decision=decision,
                letter_date=letter_date or today_in_england() - timedelta(days=10),
                areas="education",
                wants_mediation=wants,
                told_on=told_on or today_in_england(),
                held_on=held_on,
                outcome=outcome,
            )
            db.session.add(request)
            db.session.commit()
            return request.id

    return make


@pytest.fixture
def make_slots(app):
    def make(mediator_id, count=3, *, start: date | None = None, mode="video", place="Link by email"):
        first = start or today_in_england() + timedelta(days=2)
        with app.app_context():
            slots = [
                Slot(
                    mediator_id=mediator_id,
                    day=first + timedelta(days=i),
                    starts=time(10, 0),
                    mode=mode,
                    place=place,
                )
                for i in range(count)
            ]
            db.session.add_all(slots)
            db.session.commit()
            return [s.id for s in slots]

    return make
