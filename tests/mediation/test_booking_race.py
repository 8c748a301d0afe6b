"""Many families press "Book" on the same slot at the same moment: exactly one booking wins.

Real threads, each with its own app context, session and database connection, released together by a
barrier; run on SQLite and on PostgreSQL (the `app` fixture is parametrised over both).
"""

import threading

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.mediation import service
from portal.mediation.models import Booking

THREADS = 24


@pytest.fixture
def app_config(app_config):
    # Enough pooled connections for every thread to hold its own at the same moment.
    return {**app_config, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS + 2, "max_overflow": 0}}


def test_exactly_one_of_many_simultaneous_bookings_wins(app, make_user, make_request, make_slots):
    mediator = make_user("mediator@example.org", roles=("mediator",))
    families = [make_user(f"family.{n}@example.org") for n in range(THREADS)]
    requests = [make_request(f.id, mediator.id) for f in families]
    slot_id, other_slot = make_slots(mediator.id, 2)
    barrier = threading.Barrier(THREADS)
    results: dict[int, str] = {}
    lock = threading.Lock()

    def attempt(request_id: int, user_id: int):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                service.book(request_id, slot_id, user_id)
                outcome = "won"
            except service.SlotTaken:
                outcome = "taken"
            except Exception as error:  # anything else is a failure the assertion below reports
                outcome = f"error: {type(error).__name__}: {error}"
            finally:
                db.session.remove()
            with lock:
                results[user_id] = outcome

    threads = [
        threading.Thread(target=attempt, args=(request_id, family.id))
        for request_id, family in zip(requests, families, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == THREADS
    assert sorted(results.values()) == ["taken"] * (THREADS - 1) + ["won"], results
    with app.app_context():
        rows = db.session.scalars(select(Booking).where(Booking.slot_id == slot_id)).all()
        assert len(rows) == 1 and rows[0].active_slot_id == slot_id
        winner = next(user for user, outcome in results.items() if outcome == "won")
        assert rows[0].booked_by == winner
        # The losers can still book the other slot: the failed attempt left nothing behind.
        loser = next(i for i, f in enumerate(families) if f.id != winner)
        booking = service.book(requests[loser], other_slot, families[loser].id)
        assert booking.active_slot_id == other_slot
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 2


def test_the_same_family_pressing_twice_at_once_gets_one_booking(app, make_user, make_request, make_slots):
    mediator = make_user("mediator@example.org", roles=("mediator",))
    family = make_user("family@example.org")
    request_id = make_request(family.id, mediator.id)
    (slot_id,) = make_slots(mediator.id, 1)
    barrier = threading.Barrier(8)
    booked: list[int] = []

    def attempt():
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                booked.append(service.book(request_id, slot_id, family.id).id)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(booked) == 8 and len(set(booked)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


def test_the_same_request_form_sent_many_times_at_once_makes_one_request(app, make_user):
    from portal.accounts.models import User
    from portal.mediation.models import MediationRequest

    family = make_user("family@example.org")
    answers = {
        "decision": "cease_plan",
        "letter_date": "2026-11-02",
        "areas": ["education"],
        "access_needs": "",
        "interpreter": "no",
        "wants": "mediation",
    }
    barrier = threading.Barrier(8)
    made: list[int] = []

    def attempt():
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                made.append(service.create_request(db.session.get(User, family.id), answers, "one-token").id)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(made) == 8 and len(set(made)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MediationRequest)) == 1
