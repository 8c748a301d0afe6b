"""Only the family who asked, their assigned mediator and caseworkers see a request: everyone else gets
404 on every request, booking, certificate and calendar URL, whatever the method."""

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.extensions import db
from portal.mediation import service
from portal.mediation.models import MediationRequest
from tests.pages import Client

FAMILY_GETS = ["", "/confirmation", "/book", "/booking", "/booking.ics", "/cancel", "/certificate.pdf"]
SHARED_GETS = ["", "/booking", "/booking.ics", "/certificate.pdf"]  # mediator and caseworkers too
FAMILY_POSTS = ["/book", "/cancel"]
MEDIATOR_POSTS = ["/confirm", "/outcome", "/certificate"]


@pytest.fixture
def world(app, people, make_request, make_slots):
    """A request by `family`, assigned to `mediator`, booked, with a certificate."""
    request_id = make_request(people.family.id, people.mediator.id)
    slots = make_slots(people.mediator.id, 2)
    with app.app_context():
        service.book(request_id, slots[0], people.family.id)
        request = db.session.get(MediationRequest, request_id)
        service.issue_certificate(request, db.session.get(User, people.mediator.id))
    return request_id, slots


def _client(app, sign_in, person):
    client = Client(app.test_client())
    sign_in(person, client=client)
    return client


def _token(client):
    return client.get("/mediation/").csrf_token()


OUTSIDERS = ["other_family", "young_person", "other_mediator", "professional", "admin"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_every_request_url(app, sign_in, people, world, who):
    request_id, slots = world
    client = _client(app, sign_in, getattr(people, who))
    base = f"/mediation/requests/{request_id}"
    for suffix in FAMILY_GETS:
        assert client.raw.get(base + suffix).status_code == 404, suffix
    assert client.raw.get(f"/mediator/requests/{request_id}").status_code == 404
    token = _token(client)
    for suffix in [*FAMILY_POSTS, "/assign"]:
        response = client.raw.post(
            base + suffix, data={"csrf_token": token, "slot": str(slots[1]), "mediator": "1"}
        )
        assert response.status_code == 404, suffix
    for suffix in MEDIATOR_POSTS:
        response = client.raw.post(f"/mediator/requests/{request_id}{suffix}", data={"csrf_token": token})
        assert response.status_code == 404, suffix
    with app.app_context():
        # Nothing changed, and every refusal was logged.
        request = db.session.get(MediationRequest, request_id)
        assert request.mediator_id == people.mediator.id and request.held_on is None
        assert service.active_booking(request_id).slot_id == slots[0]
        refused = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused")).all()
        assert len(refused) >= len(FAMILY_GETS) + 1 + 3 + 3


def test_unknown_request_ids_are_404_too(app, sign_in, people):
    client = _client(app, sign_in, people.caseworker)
    for suffix in FAMILY_GETS:
        assert client.raw.get(f"/mediation/requests/999{suffix}").status_code == 404


def test_the_family_sees_every_family_url(app, sign_in, people, world):
    request_id, _slots = world
    client = _client(app, sign_in, people.family)
    for suffix in FAMILY_GETS:
        response = client.raw.get(f"/mediation/requests/{request_id}{suffix}")
        assert response.status_code == 200, suffix
    # ...but not the mediator's pages, nor the caseworker's assignment.
    assert client.raw.get(f"/mediator/requests/{request_id}").status_code == 404
    token = _token(client)
    assert (
        client.raw.post(f"/mediation/requests/{request_id}/assign", data={"csrf_token": token}).status_code
        == 404
    )
    for suffix in MEDIATOR_POSTS:
        assert (
            client.raw.post(
                f"/mediator/requests/{request_id}{suffix}", data={"csrf_token": token}
            ).status_code
            == 404
        )


@pytest.mark.parametrize("who", ["mediator", "caseworker"])
def test_mediator_and_caseworker_see_the_request_but_cannot_act_for_the_family(
    app, sign_in, people, world, who
):
    request_id, slots = world
    client = _client(app, sign_in, getattr(people, who))
    for suffix in SHARED_GETS:
        assert client.raw.get(f"/mediation/requests/{request_id}{suffix}").status_code == 200, suffix
    for suffix in ["/confirmation", "/book", "/cancel"]:
        assert client.raw.get(f"/mediation/requests/{request_id}{suffix}").status_code == 404, suffix
    token = _token(client)
    for suffix in FAMILY_POSTS:
        response = client.raw.post(
            f"/mediation/requests/{request_id}{suffix}", data={"csrf_token": token, "slot": str(slots[1])}
        )
        assert response.status_code == 404, suffix
    expected = 200 if who == "mediator" else 404
    assert client.raw.get(f"/mediator/requests/{request_id}").status_code == expected
    with app.app_context():
        assert service.active_booking(request_id).slot_id == slots[0]


def test_only_the_mediator_who_offers_a_slot_can_withdraw_it(app, sign_in, people, world):
    _request_id, slots = world
    for who in ["other_mediator"]:
        client = _client(app, sign_in, getattr(people, who))
        response = client.raw.post(
            f"/mediator/slots/{slots[1]}/withdraw", data={"csrf_token": _token(client)}
        )
        assert response.status_code == 404
    client = _client(app, sign_in, people.mediator)
    assert (
        client.raw.post(
            f"/mediator/slots/{slots[1]}/withdraw", data={"csrf_token": _token(client)}
        ).status_code
        == 303
    )


@pytest.mark.parametrize("who", ["family", "caseworker", "professional", "admin"])
def test_mediator_pages_need_the_mediator_role(app, sign_in, people, who):
    client = _client(app, sign_in, getattr(people, who))
    assert client.raw.get("/mediator/").status_code == 403
    assert client.raw.get("/mediator/slots").status_code == 403


@pytest.mark.parametrize("who", ["family", "young_person", "professional", "admin"])
def test_the_data_return_is_for_mediators_and_caseworkers(app, sign_in, people, who):
    client = _client(app, sign_in, getattr(people, who))
    assert client.raw.get("/mediator/data-return").status_code == 403
    assert client.raw.get("/mediator/data-return.csv").status_code == 403


@pytest.mark.parametrize("who", ["mediator", "caseworker", "professional", "admin"])
def test_only_families_start_a_request(app, sign_in, people, who):
    client = _client(app, sign_in, getattr(people, who))
    assert client.raw.get("/mediation/request").status_code == 403
    assert client.raw.get("/mediation/request/decision").status_code == 403


def test_lists_show_only_what_each_person_may_see(app, sign_in, people, make_request, world):
    request_id, _slots = world
    other = make_request(people.other_family.id, people.other_mediator.id)
    with app.app_context():
        mine, theirs = (db.session.get(MediationRequest, i).reference for i in (request_id, other))
    family = _client(app, sign_in, people.family).get("/mediation/requests/").text()
    assert mine in family and theirs not in family
    mediator = _client(app, sign_in, people.mediator).get("/mediator/").text()
    assert mine in mediator and theirs not in mediator
    caseworker = _client(app, sign_in, people.caseworker).get("/mediation/requests/").text()
    assert mine in caseworker and theirs in caseworker
