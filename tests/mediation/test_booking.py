"""Booking, changing and cancelling a mediation time; the confirmation, the email and the .ics file."""

from datetime import datetime, time, timedelta

from icalendar import Calendar
from sqlalchemy import select

from portal.extensions import db
from portal.mediation import service
from portal.mediation.deadlines import ENGLAND, today_in_england
from portal.mediation.models import Booking, Slot
from portal.outbox import OutboxMessage


def _emails(app, address):
    with app.app_context():
        return db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == address).order_by(OutboxMessage.id)
        ).all()


def test_book_change_and_cancel(app, client, sign_in, people, make_request, make_slots):
    request_id = make_request(people.family.id, people.mediator.id)
    first, second, third = make_slots(people.mediator.id, 3)
    sign_in(people.family)
    page = client.get(f"/mediation/requests/{request_id}/book")
    assert page.h1 == "Choose a time for mediation"
    assert len(page.soup.select("input[name=slot]")) == 3

    page = client.submit(f"/mediation/requests/{request_id}/book", {"slot": str(first)})
    assert page.h1 == "Your mediation appointment"
    assert "Your mediation appointment is booked." in page.text()
    assert "Booked, waiting for the mediator to confirm" in page.text()
    assert "Add to your calendar (.ics file)" in page.links()
    family_mail = _emails(app, people.family.email)
    assert family_mail[-1].subject == "Your mediation appointment"
    assert f"/mediation/requests/{request_id}/booking" in family_mail[-1].body
    assert "Link by email" not in family_mail[-1].body  # no detail in the email: the portal shows it
    assert _emails(app, people.mediator.email)[-1].subject == "A mediation appointment to confirm"

    # Change: the new slot is held and the old one is free for others again.
    page = client.get(f"/mediation/requests/{request_id}/book")
    assert "Choosing a new time replaces it" in page.text()
    offered = {i["value"] for i in page.soup.select("input[name=slot]")}
    assert offered == {str(second), str(third)}
    page = client.submit(f"/mediation/requests/{request_id}/book", {"slot": str(second)})
    assert page.h1 == "Your mediation appointment"
    with app.app_context():
        assert service.active_booking(request_id).slot_id == second
        assert service.active_booking_for_slot(first) is None
        statuses = db.session.scalars(select(Booking.status).order_by(Booking.id)).all()
        assert statuses == ["changed", "booked"]

    # Cancel: asked first, then done; the slot is offered again.
    page = client.get(f"/mediation/requests/{request_id}/cancel")
    assert page.h1 == "Are you sure you want to cancel your mediation appointment?"
    page = client.submit(f"/mediation/requests/{request_id}/cancel", {})
    assert "Your mediation appointment is cancelled" in page.text()
    with app.app_context():
        assert service.active_booking(request_id) is None
        assert len(service.free_slots(people.mediator.id)) == 3
    assert _emails(app, people.family.email)[-1].subject == "Your mediation appointment is cancelled"
    assert _emails(app, people.mediator.email)[-1].subject == "A mediation appointment was cancelled"


def test_a_slot_taken_a_moment_earlier_is_explained_kindly_with_other_times(
    app, client, sign_in, people, make_request, make_slots
):
    mine = make_request(people.family.id, people.mediator.id)
    theirs = make_request(people.other_family.id, people.mediator.id)
    first, second = make_slots(people.mediator.id, 2)
    sign_in(people.family)
    form_page = client.get(f"/mediation/requests/{mine}/book")
    with app.app_context():
        service.book(theirs, first, people.other_family.id)  # someone else presses first
    response = client.raw.post(
        f"/mediation/requests/{mine}/book", data={"csrf_token": form_page.csrf_token(), "slot": str(first)}
    )
    assert response.status_code == 200
    from tests.pages import Page

    page = Page(response).check()
    assert page.title.startswith("Error:")
    assert "Sorry, that time has just been booked" in page.text()
    assert {i["value"] for i in page.soup.select("input[name=slot]")} == {str(second)}
    with app.app_context():
        assert service.active_booking(mine) is None


def test_the_ics_file_parses_back_with_the_right_time(app, client, sign_in, people, make_request, make_slots):
    request_id = make_request(people.family.id, people.mediator.id)
    day = today_in_england() + timedelta(days=5)
    (slot_id,) = make_slots(
        people.mediator.id, 1, start=day, mode="in_person", place="Family Centre, Mereford"
    )
    with app.app_context():
        service.book(request_id, slot_id, people.family.id)
    sign_in(people.family)
    response = client.raw.get(f"/mediation/requests/{request_id}/booking.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime.combine(day, time(10, 0), tzinfo=ENGLAND)
    assert event.decoded("dtend") - start == timedelta(minutes=120)
    assert "Family Centre, Mereford" in str(event.get("location"))
    assert "MED-" in str(event.get("summary"))
    assert str(event.get("uid")).startswith("mediation-booking-")


def test_no_ics_without_a_booking(app, client, sign_in, people, make_request):
    request_id = make_request(people.family.id, people.mediator.id)
    sign_in(people.family)
    assert client.raw.get(f"/mediation/requests/{request_id}/booking.ics").status_code == 404


def test_no_booking_before_a_mediator_is_assigned_or_for_a_certificate_only_request(
    client, sign_in, people, make_request
):
    waiting = make_request(people.family.id, None)
    certificate_only = make_request(people.family.id, people.mediator.id, wants=False)
    sign_in(people.family)
    page = client.get(f"/mediation/requests/{waiting}/book")
    assert page.h1 == "You cannot book a time yet"
    assert "has not given your request to a mediator" in page.text()
    page = client.get(f"/mediation/requests/{certificate_only}/book")
    assert "only for the mediation certificate" in page.text()


def test_book_refuses_other_mediators_slots_past_slots_and_other_families(
    app, people, make_request, make_slots
):
    request_id = make_request(people.family.id, people.mediator.id)
    (other_mediators,) = make_slots(people.other_mediator.id, 1)
    with app.app_context():
        past = Slot(
            mediator_id=people.mediator.id,
            day=today_in_england() - timedelta(days=1),
            starts=time(9),
            mode="phone",
        )
        db.session.add(past)
        db.session.commit()
        past_id = past.id
    (mine,) = make_slots(people.mediator.id, 1)
    with app.app_context():
        for slot_id in (other_mediators, past_id, 9999):
            try:
                service.book(request_id, slot_id, people.family.id)
            except service.SlotTaken:
                pass
            else:
                raise AssertionError(f"slot {slot_id} should not be bookable")
        try:
            service.book(request_id, mine, people.other_family.id)
        except service.BookingRefused:
            pass
        else:
            raise AssertionError("another family cannot book for this request")
        assert db.session.scalars(select(Booking)).all() == []


def test_the_family_sees_the_confirmed_booking_outcome_and_certificate(
    app, client, sign_in, people, make_request, make_slots
):
    request_id = make_request(people.family.id, people.mediator.id)
    (slot_id,) = make_slots(people.mediator.id, 1)
    with app.app_context():
        from portal.accounts.models import User
        from portal.mediation.models import MediationRequest

        service.book(request_id, slot_id, people.family.id)
        request = db.session.get(MediationRequest, request_id)
        mediator = db.session.get(User, people.mediator.id)
        service.confirm_booking(request, mediator)
        service.record_outcome(request, mediator, today_in_england(), "partly_agreed")
        certificate = service.issue_certificate(request, mediator)
        number = certificate.number
    sign_in(people.family)
    text = client.get(f"/mediation/requests/{request_id}").text()
    assert "Partly agreed" in text and number in text
    assert "Download the certificate (PDF)" in text
    pdf = client.raw.get(f"/mediation/requests/{request_id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
