"""Query counts on the mediation pages stay at or under 10 whatever the data size; demo data is idempotent."""

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.mediation import demo, service
from portal.mediation.models import MediationRequest, Slot

LIMIT = 10


@pytest.fixture
def busy(app, people, make_request, make_slots):
    """Many requests (some booked) for one family and one mediator, and many slots."""
    slots = make_slots(people.mediator.id, 30)
    ids = [make_request(people.family.id, people.mediator.id) for _ in range(12)]
    with app.app_context():
        for request_id, slot_id in zip(ids[:6], slots, strict=False):
            service.book(request_id, slot_id, people.family.id)
    return ids


def _count(client, count_queries, path):
    with count_queries() as counter:
        client.get(path)
    return counter.count


def test_family_pages(client, sign_in, people, busy, count_queries):
    sign_in(people.family)
    for path in [
        "/mediation/",
        "/mediation/requests/",
        f"/mediation/requests/{busy[0]}",
        f"/mediation/requests/{busy[0]}/booking",
        f"/mediation/requests/{busy[-1]}/book",
        f"/mediation/requests/{busy[0]}/cancel",
        "/mediation/request/decision",
    ]:
        assert _count(client, count_queries, path) <= LIMIT, path


def test_mediator_and_caseworker_pages(client, app, sign_in, people, busy, count_queries, make_user):
    sign_in(people.mediator)
    for path in ["/mediator/", "/mediator/slots", f"/mediator/requests/{busy[0]}", "/mediator/data-return"]:
        assert _count(client, count_queries, path) <= LIMIT, path
    from tests.pages import Client

    caseworker = Client(app.test_client())
    sign_in(people.caseworker, client=caseworker)
    for path in ["/mediation/requests/", f"/mediation/requests/{busy[0]}"]:
        assert _count(caseworker, count_queries, path) <= LIMIT, path


def test_demo_seed_is_idempotent(app, make_user):
    make_user("parent@example.org", roles=("parent",))
    make_user("mediator@example.org", roles=("mediator",))
    with app.app_context():
        demo.seed()
        slots = db.session.scalar(select(func.count()).select_from(Slot))
        demo.seed()
        assert db.session.scalar(select(func.count()).select_from(Slot)) == slots >= 8
        request = db.session.scalars(select(MediationRequest)).one()
        assert request.family.email == "parent@example.org"
        assert request.mediator.email == "mediator@example.org"
        assert len(service.free_slots(request.mediator_id)) == slots


def test_demo_seed_without_the_demo_accounts_does_nothing(app):
    with app.app_context():
        demo.seed()
        assert db.session.scalar(select(func.count()).select_from(MediationRequest)) == 0
