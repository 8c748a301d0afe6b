"""Mediation rules: who may see a request, making a request once, booking a slot once, outcomes,
certificates. Routes stay thin and call these.

Assignment: a council caseworker assigns each request to a mediator (the request page has the form).
Mediators never see unassigned requests, so the rule "only the family, their assigned mediator and
caseworkers see a request" holds with no exceptions.
"""

import secrets
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError, OperationalError

from portal import audit, outbox
from portal.accounts.models import User, UserRole
from portal.audit import ACTION_LABELS
from portal.extensions import db
from portal.mediation.deadlines import ENGLAND, today_in_england
from portal.mediation.models import (
    AREAS,
    BOOKED,
    CANCELLED,
    CHANGED,
    CONFIRMED,
    Booking,
    Certificate,
    MediationRequest,
    Slot,
)
from portal.timeutil import utcnow

FAMILY_ROLES = ("parent", "young_person")
REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read out over the phone
MAX_REPEAT_WEEKS = 12

ACTION_LABELS.update(
    {
        "mediation.requested": _l("Mediation requested"),
        "mediation.assigned": _l("Mediation request given to a mediator"),
        "mediation.booked": _l("Mediation appointment booked"),
        "mediation.booking_changed": _l("Mediation appointment changed"),
        "mediation.booking_cancelled": _l("Mediation appointment cancelled"),
        "mediation.booking_confirmed": _l("Mediation appointment confirmed"),
        "mediation.slots_offered": _l("Mediation times offered"),
        "mediation.slot_withdrawn": _l("Mediation time withdrawn"),
        "mediation.outcome_recorded": _l("Mediation outcome recorded"),
        "mediation.certificate_issued": _l("Mediation certificate issued"),
        "mediation.certificate_downloaded": _l("Mediation certificate downloaded"),
        "mediation.data_return_downloaded": _l("Mediation data return downloaded"),
    }
)


class SlotTaken(Exception):
    """Someone else booked this slot first (or it is no longer offered)."""


class BookingRefused(Exception):
    """This person may not book for this request, or the request cannot be booked now."""


# Who sees what.


def is_family(user, request: MediationRequest) -> bool:
    return request.family_id == user.id


def is_assigned_mediator(user, request: MediationRequest) -> bool:
    return request.mediator_id is not None and request.mediator_id == user.id and user.has_role("mediator")


def can_see(user, request: MediationRequest) -> bool:
    """The family who asked, the mediator it is assigned to, and council caseworkers; nobody else."""
    return is_family(user, request) or is_assigned_mediator(user, request) or user.has_role("caseworker")


def get_request(request_id: int) -> MediationRequest | None:
    return db.session.get(MediationRequest, request_id)


def visible_requests(user, limit: int = 200) -> list[MediationRequest]:
    """The requests this person may see, newest first."""
    query = select(MediationRequest).order_by(MediationRequest.created_at.desc(), MediationRequest.id.desc())
    if user.has_role("caseworker"):
        pass
    elif user.has_role("mediator"):
        query = query.where(MediationRequest.mediator_id == user.id)
    else:
        query = query.where(MediationRequest.family_id == user.id)
    return list(db.session.scalars(query.limit(limit)).unique())


def active_bookings(request_ids: list[int]) -> dict[int, Booking]:
    """Each request's active booking (if any), in one query."""
    if not request_ids:
        return {}
    rows = db.session.scalars(select(Booking).where(Booking.active_request_id.in_(request_ids))).unique()
    return {booking.request_id: booking for booking in rows}


def active_booking(request_id: int) -> Booking | None:
    return active_bookings([request_id]).get(request_id)


def mediators() -> list[User]:
    return list(
        db.session.scalars(
            select(User).join(UserRole).where(UserRole.role == "mediator", User.active).order_by(User.email)
        ).unique()
    )


# Making a request, once.


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _new_reference() -> str:
    return "MED-" + "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(6))


def find_by_token(token: str) -> MediationRequest | None:
    return db.session.scalar(select(MediationRequest).where(MediationRequest.idempotency_token == token))


def create_request(user, answers: dict, token: str) -> MediationRequest:
    """Make the request, or return the one this form's token already made (a resubmit, a double click).

    The unique token column settles a race between two identical posts: the loser finds the winner's row.
    """
    existing = find_by_token(token)
    if existing is not None:
        if existing.family_id != user.id:
            raise BookingRefused("token belongs to someone else")
        return existing
    request = MediationRequest(
        reference=_new_reference(),
        idempotency_token=token,
        family_id=user.id,
        decision=answers["decision"],
        letter_date=date.fromisoformat(answers["letter_date"]),
        areas=",".join(key for key in AREAS if key in answers["areas"]),
        access_needs=(answers.get("access_needs") or "").strip(),
        interpreter=answers["interpreter"] == "yes",
        language=(answers.get("language") or "").strip() if answers["interpreter"] == "yes" else "",
        wants_mediation=answers["wants"] == "mediation",
        told_on=today_in_england(),
    )
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = find_by_token(token)
        if existing is None:  # a reference clash (1 in a billion): try once more with a new one
            return create_request(user, answers, token)
        return existing
    _audit("mediation.requested", user.id, request)
    _email(
        user,
        _l("Your mediation request"),
        _l(
            "We have your request for mediation, reference %(reference)s. Sign in to see it and your "
            "deadlines: %(link)s"
        ),
        request,
        "",
    )
    db.session.commit()
    return request


def assign(request: MediationRequest, mediator_id: int, actor) -> bool:
    """A caseworker gives the request to a mediator; False when that person is not a mediator."""
    mediator = db.session.get(User, mediator_id)
    if mediator is None or not mediator.has_role("mediator") or not mediator.active:
        return False
    request.mediator_id = mediator.id
    request.assigned_at = utcnow()
    _audit("mediation.assigned", actor.id, request)
    db.session.commit()
    return True


# Slots.


def slot_starts(slot: Slot) -> datetime:
    """The slot's start as an aware datetime in England."""
    return datetime.combine(slot.day, slot.starts, tzinfo=ENGLAND)


def offer_slots(
    mediator, day: date, starts: time, minutes: int, mode: str, place: str, weeks: int = 1
) -> list[Slot]:
    """Offer one slot, or the same time every week for `weeks` weeks. Times already offered are skipped."""
    weeks = max(1, min(weeks, MAX_REPEAT_WEEKS))
    series = secrets.token_hex(8) if weeks > 1 else None
    wanted = [day + timedelta(weeks=n) for n in range(weeks)]
    taken = set(
        db.session.scalars(
            select(Slot.day).where(
                Slot.mediator_id == mediator.id, Slot.starts == starts, Slot.day.in_(wanted)
            )
        )
    )
    made = [
        Slot(
            mediator_id=mediator.id,
            day=d,
            starts=starts,
            minutes=minutes,
            mode=mode,
            place=place,
            series=series,
        )
        for d in wanted
        if d not in taken
    ]
    db.session.add_all(made)
    if made:
        audit.record("mediation.slots_offered", actor_id=mediator.id, detail=f"{len(made)} slots")
    db.session.commit()
    return made


def _future(query):
    today = today_in_england()
    now = datetime.now(ENGLAND).time().replace(microsecond=0)
    return query.where((Slot.day > today) | and_(Slot.day == today, Slot.starts > now))


def mediator_slots(mediator_id: int) -> list[tuple[Slot, Booking | None]]:
    """A mediator's coming slots with the active booking on each (one query)."""
    query = (
        select(Slot, Booking)
        .outerjoin(Booking, Booking.active_slot_id == Slot.id)
        .where(Slot.mediator_id == mediator_id, Slot.withdrawn.is_(False))
        .order_by(Slot.day, Slot.starts)
    )
    return [(slot, booking) for slot, booking in db.session.execute(_future(query)).unique()]


def free_slots(mediator_id: int | None, limit: int = 60) -> list[Slot]:
    """Coming, unbooked slots offered by this mediator."""
    if mediator_id is None:
        return []
    query = (
        select(Slot)
        .outerjoin(Booking, Booking.active_slot_id == Slot.id)
        .where(Slot.mediator_id == mediator_id, Slot.withdrawn.is_(False), Booking.id.is_(None))
        .order_by(Slot.day, Slot.starts)
        .limit(limit)
    )
    return list(db.session.scalars(_future(query)))


def withdraw_slot(slot: Slot, actor) -> bool:
    """Stop offering a slot nobody has booked."""
    if active_booking_for_slot(slot.id) is not None:
        return False
    slot.withdrawn = True
    audit.record(
        "mediation.slot_withdrawn", actor_id=actor.id, object_type="mediation_slot", object_id=slot.id
    )
    db.session.commit()
    return True


def active_booking_for_slot(slot_id: int) -> Booking | None:
    return db.session.scalar(select(Booking).where(Booking.active_slot_id == slot_id))


# Booking: a slot is booked once.


def _bookable_request(request_id: int, user_id: int) -> MediationRequest:
    request = db.session.get(MediationRequest, request_id)
    if request is None or request.family_id != user_id:
        raise BookingRefused("not this family's request")
    if not request.wants_mediation or request.mediator_id is None:
        raise BookingRefused("no mediator to book with")
    if request.held_on is not None or request.certificate is not None:
        raise BookingRefused("mediation has already happened")
    return request


def _bookable_slot(request: MediationRequest, slot_id: int) -> Slot:
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.mediator_id != request.mediator_id or slot.withdrawn:
        raise SlotTaken("not offered")
    if slot_starts(slot) <= datetime.now(ENGLAND):
        raise SlotTaken("in the past")
    return slot


def _hold(request: MediationRequest, slot: Slot, user_id: int, current: Booking | None) -> Booking:
    """Insert the active booking (letting go of the family's old slot first, in the same transaction: if
    the new slot is taken they keep the booking they had)."""
    now = utcnow()
    if current is not None:
        current.status = CHANGED
        current.active_slot_id = None
        current.active_request_id = None
        current.ended_at = now
        db.session.flush()
    booking = Booking(
        request_id=request.id,
        slot_id=slot.id,
        active_slot_id=slot.id,
        active_request_id=request.id,
        status=BOOKED,
        booked_by=user_id,
        created_at=now,
    )
    db.session.add(booking)
    db.session.flush()
    return booking


def _lost_race(request_id: int, slot_id: int, error: Exception) -> Booking:
    """After a failed insert: the family's own earlier press, or SlotTaken when someone else won."""
    db.session.rollback()
    mine = active_booking(request_id)
    if mine is not None and mine.slot_id == slot_id:
        return mine  # the same family pressing twice: their first press already holds this slot
    if isinstance(error, OperationalError) and active_booking_for_slot(slot_id) is None:
        raise error  # the database was busy or down, not a lost race: do not say it was taken
    raise SlotTaken("booked by someone else") from error


def book(request_id: int, slot_id: int, user_id: int) -> Booking:
    """Book (or move the booking to) a slot for a request; the family's own action.

    Exactly one active booking per slot: the unique `active_slot_id` column decides a race inside the
    database, so of any number of people pressing "Book" at the same moment one wins and the others get
    SlotTaken. Raises BookingRefused when this person may not book for this request. Needs an app context.
    """
    try:
        request = _bookable_request(request_id, user_id)
        slot = _bookable_slot(request, slot_id)
        current = active_booking(request.id)
        if current is not None and current.slot_id == slot.id:
            return current
        booking = _hold(request, slot, user_id, current)
    except (IntegrityError, OperationalError) as error:
        return _lost_race(request_id, slot_id, error)
    except Exception:
        db.session.rollback()
        raise
    _audit("mediation.booking_changed" if current is not None else "mediation.booked", user_id, request)
    _announce_booking(request)
    try:
        db.session.commit()
    except (IntegrityError, OperationalError) as error:
        return _lost_race(request_id, slot_id, error)
    return booking


def _announce_booking(request: MediationRequest) -> None:
    _email(
        request.family,
        _l("Your mediation appointment"),
        _l(
            "Your mediation appointment for request %(reference)s is booked. Sign in to see the date, time "
            "and place, and to add it to your calendar: %(link)s"
        ),
        request,
        "/booking",
    )
    if request.mediator is not None:
        _email(
            request.mediator,
            _l("A mediation appointment to confirm"),
            _l(
                "A family has booked one of your mediation times (request %(reference)s). Please confirm it: "
                "%(link)s"
            ),
            request,
            "",
            mediator=True,
        )


def cancel(request: MediationRequest, user) -> bool:
    """The family cancels their booking; the slot is free again at once."""
    booking = active_booking(request.id)
    if booking is None:
        return False
    booking.status = CANCELLED
    booking.active_slot_id = None
    booking.active_request_id = None
    booking.ended_at = utcnow()
    _audit("mediation.booking_cancelled", user.id, request)
    _email(
        request.family,
        _l("Your mediation appointment is cancelled"),
        _l(
            "Your mediation appointment for request %(reference)s is cancelled. You can book another time: "
            "%(link)s"
        ),
        request,
        "",
    )
    if request.mediator is not None:
        _email(
            request.mediator,
            _l("A mediation appointment was cancelled"),
            _l(
                "The family cancelled their mediation appointment (request %(reference)s). The time is "
                "free again: %(link)s"
            ),
            request,
            "",
            mediator=True,
        )
    db.session.commit()
    return True


def confirm_booking(request: MediationRequest, mediator) -> bool:
    booking = active_booking(request.id)
    if booking is None or booking.status != BOOKED:
        return False
    booking.status = CONFIRMED
    booking.confirmed_at = utcnow()
    _audit("mediation.booking_confirmed", mediator.id, request)
    _email(
        request.family,
        _l("Your mediation appointment is confirmed"),
        _l("The mediator has confirmed your appointment for request %(reference)s: %(link)s"),
        request,
        "/booking",
    )
    db.session.commit()
    return True


# After mediation.


def record_outcome(request: MediationRequest, mediator, held_on: date, outcome: str) -> None:
    """Mediation happened on `held_on`, with this outcome (agreed, partly agreed, not agreed)."""
    request.held_on = held_on
    request.outcome = outcome
    request.outcome_recorded_at = utcnow()
    _audit("mediation.outcome_recorded", mediator.id, request)
    _email(
        request.family,
        _l("Your mediation outcome"),
        _l("The mediator has recorded the outcome of your mediation (request %(reference)s): %(link)s"),
        request,
        "",
    )
    db.session.commit()


def can_issue_certificate(request: MediationRequest) -> bool:
    """A certificate once: straight away when the family wants only the certificate, else after mediation
    has been recorded (or when the family no longer wants it: the mediator records that by issuing)."""
    return request.certificate is None


def issue_certificate(request: MediationRequest, mediator, issued_on: date | None = None) -> Certificate:
    """Issue the certificate (one per request: a second press returns the first)."""
    if request.certificate is not None:
        return request.certificate
    certificate = Certificate(
        request_id=request.id,
        number="MC-" + request.reference.removeprefix("MED-"),
        issued_on=issued_on or today_in_england(),
        issued_by=mediator.id,
        after_mediation=request.held_on is not None,
    )
    db.session.add(certificate)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return db.session.scalar(select(Certificate).where(Certificate.request_id == request.id))
    _audit("mediation.certificate_issued", mediator.id, request)
    _email(
        request.family,
        _l("Your mediation certificate"),
        _l(
            "Your mediation certificate for request %(reference)s is ready. You need it if you appeal to the "
            "SEND Tribunal: %(link)s"
        ),
        request,
        "",
    )
    db.session.commit()
    return certificate


def _audit(action: str, actor_id: int, request: MediationRequest) -> None:
    audit.record(action, actor_id=actor_id, object_type="mediation_request", object_id=request.id)


# Email: a short note and a link. Never the decision, the child or the disagreement.


def _email(person, subject, body, request: MediationRequest, suffix: str, *, mediator: bool = False) -> None:
    base = current_app.config["PORTAL_BASE_URL"].rstrip("/")
    path = f"/mediator/requests/{request.id}" if mediator else f"/mediation/requests/{request.id}{suffix}"
    with force_locale(person.preferred_language or "en"):
        text = str(body) % {"reference": request.reference, "link": base + path}
        outbox.queue(person.email, str(subject), text)


def labels(mapping: dict, key: str | None) -> str:
    return str(mapping.get(key, key or ""))
