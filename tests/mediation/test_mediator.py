"""The mediator's pages: offering slots, confirming bookings, recording the outcome, issuing the
certificate, with deadline warnings; and the caseworker assigning a request."""

from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.mediation import service
from portal.mediation.deadlines import add_working_days, today_in_england
from portal.mediation.models import Certificate, MediationRequest, Slot


def _parts(day):
    return [str(day.day), str(day.month), str(day.year)]


def test_offer_a_single_and_a_repeating_slot(app, client, sign_in, people):
    sign_in(people.mediator)
    day = today_in_england() + timedelta(days=3)
    page = client.submit(
        "/mediator/slots",
        {
            "day": _parts(day),
            "starts": "09:30",
            "minutes": "90",
            "mode": "video",
            "place": "Link by email",
            "weeks": "1",
        },
    )
    assert page.h1 == "Times you offer"
    assert "Slots offered: 1." in page.text()
    page = client.submit(
        "/mediator/slots",
        {
            "day": _parts(day),
            "starts": "14:00",
            "minutes": "120",
            "mode": "in_person",
            "place": "Family Centre, Mereford",
            "weeks": "4",
        },
    )
    assert "Slots offered: 4." in page.text()
    with app.app_context():
        slots = db.session.scalars(select(Slot).order_by(Slot.day, Slot.starts)).all()
        assert len(slots) == 5
        weekly = [s for s in slots if s.series]
        assert [s.day for s in weekly] == [day + timedelta(weeks=n) for n in range(4)]
        assert len({s.series for s in weekly}) == 1
    # The same time again is not offered twice.
    page = client.submit(
        "/mediator/slots",
        {"day": _parts(day), "starts": "9.30", "minutes": "90", "mode": "video", "place": "", "weeks": "1"},
    )
    assert "You already offer that time." in page.text()


def test_slot_form_errors(client, sign_in, people):
    sign_in(people.mediator)
    page = client.submit(
        "/mediator/slots",
        {
            "day": _parts(today_in_england() - timedelta(days=1)),
            "starts": "25:00",
            "minutes": "5",
            "mode": "in_person",
            "place": "",
            "weeks": "13",
        },
    )
    assert page.error_summary() == [
        "The date must be today or in the future",
        "Enter the start time like 09:30 or 14:00",
        "The length must be between 15 and 480 minutes",
        "Enter the address for an in-person meeting",
        "Enter a number of weeks between 1 and 12",
    ]


def test_caseworker_assigns_a_request_to_a_mediator(app, client, sign_in, people, make_request):
    request_id = make_request(people.family.id, None)
    sign_in(people.caseworker)
    page = client.get(f"/mediation/requests/{request_id}")
    assert "Not assigned yet" in page.text()
    token = page.csrf_token()
    response = client.raw.post(
        f"/mediation/requests/{request_id}/assign",
        data={"csrf_token": token, "mediator": str(people.mediator.id)},
        follow_redirects=True,
    )
    assert "The request has been given to the mediator." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(MediationRequest, request_id).mediator_id == people.mediator.id
    # Someone who is not a mediator cannot be assigned.
    client.raw.post(
        f"/mediation/requests/{request_id}/assign",
        data={"csrf_token": token, "mediator": str(people.professional.id)},
    )
    with app.app_context():
        assert db.session.get(MediationRequest, request_id).mediator_id == people.mediator.id


def test_mediator_confirms_records_the_outcome_and_issues_the_certificate(
    app, client, sign_in, people, make_request, make_slots
):
    request_id = make_request(people.family.id, people.mediator.id)
    (slot_id,) = make_slots(people.mediator.id, 1)
    with app.app_context():
        service.book(request_id, slot_id, people.family.id)
    sign_in(people.mediator)
    page = client.get("/mediator/")
    assert page.h1 == "Your mediations"
    token = client.get(f"/mediator/requests/{request_id}").csrf_token()
    from tests.pages import Page

    page = Page(
        client.raw.post(
            f"/mediator/requests/{request_id}/confirm", data={"csrf_token": token}, follow_redirects=True
        )
    ).check()
    assert "Booking confirmed. The family has been told." in page.text()
    assert "Confirmed by the mediator" in page.text()

    held = today_in_england()
    response = client.raw.post(
        f"/mediator/requests/{request_id}/outcome",
        data={"csrf_token": page.csrf_token(), "held_on": _parts(held), "outcome": "agreed"},
        follow_redirects=True,
    )
    assert "Outcome recorded" in response.get_data(as_text=True)
    response = client.raw.post(
        f"/mediator/requests/{request_id}/certificate",
        data={"csrf_token": page.csrf_token()},
        follow_redirects=True,
    )
    assert "Certificate issued" in response.get_data(as_text=True)
    # Pressing again issues nothing new.
    client.raw.post(f"/mediator/requests/{request_id}/certificate", data={"csrf_token": page.csrf_token()})
    with app.app_context():
        request = db.session.get(MediationRequest, request_id)
        assert request.held_on == held and request.outcome == "agreed"
        certificates = db.session.scalars(select(Certificate)).all()
        assert len(certificates) == 1 and certificates[0].after_mediation
    pdf = client.raw.get(f"/mediation/requests/{request_id}/certificate.pdf")
    assert pdf.data.startswith(b"%PDF")


def test_outcome_form_errors_are_shown_on_the_request_page(client, sign_in, people, make_request):
    request_id = make_request(people.family.id, people.mediator.id)
    sign_in(people.mediator)
    token = client.get(f"/mediator/requests/{request_id}").csrf_token()
    response = client.raw.post(f"/mediator/requests/{request_id}/outcome", data={"csrf_token": token})
    from tests.pages import Page

    page = Page(response).check()
    assert page.error_summary() == ["Enter the date mediation took place", "Select the outcome"]


def test_certificate_without_mediation(app, client, sign_in, people, make_request):
    told = today_in_england() - timedelta(days=1)
    request_id = make_request(people.family.id, people.mediator.id, wants=False, told_on=told)
    sign_in(people.mediator)
    page = client.get(f"/mediator/requests/{request_id}")
    assert add_working_days(told, 3).strftime("%-d %B %Y") in page.text()
    client.raw.post(f"/mediator/requests/{request_id}/certificate", data={"csrf_token": page.csrf_token()})
    with app.app_context():
        certificate = db.session.scalars(select(Certificate)).one()
        assert not certificate.after_mediation and certificate.issued_on == today_in_england()


def test_deadline_warnings_when_near_or_missed(client, sign_in, people, make_request):
    today = today_in_england()
    missed = make_request(people.family.id, people.mediator.id, told_on=today - timedelta(days=31))
    near = make_request(people.family.id, people.mediator.id, told_on=today - timedelta(days=28))
    sign_in(people.mediator)
    page = client.get("/mediator/")
    rows = {
        row.select_one("a").get_text(strip=True): row.get_text(" ", strip=True)
        for row in page.soup.select("tbody tr")
    }
    assert len(rows) == 2
    texts = list(rows.values())
    assert any("Missed" in t for t in texts) and any("Soon" in t for t in texts)
    page = client.get(f"/mediator/requests/{missed}")
    warning = page.soup.select_one(".govuk-warning-text").get_text(" ", strip=True)
    assert "Latest date for mediation to take place" in warning and "missed" in warning
    page = client.get(f"/mediator/requests/{near}")
    assert "soon" in page.soup.select_one(".govuk-warning-text").get_text(" ", strip=True)


def test_withdraw_a_free_slot_but_not_a_booked_one(app, client, sign_in, people, make_request, make_slots):
    request_id = make_request(people.family.id, people.mediator.id)
    free, booked = make_slots(people.mediator.id, 2)
    with app.app_context():
        service.book(request_id, booked, people.family.id)
    sign_in(people.mediator)
    token = client.get("/mediator/slots").csrf_token()
    client.raw.post(f"/mediator/slots/{free}/withdraw", data={"csrf_token": token})
    client.raw.post(f"/mediator/slots/{booked}/withdraw", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Slot, free).withdrawn
        assert not db.session.get(Slot, booked).withdrawn
        assert service.free_slots(people.mediator.id) == []
