"""Mediation: a family's request, the mediator's offered slots, bookings and certificates."""

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.timeutil import utcnow

# Decisions a family can appeal to the SEND Tribunal, and so may mediate about (DOMAIN.md).
DECISIONS = {
    "refuse_assessment": _l("Refusal to carry out an EHC needs assessment"),
    "refuse_plan": _l("Refusal to issue an EHC plan after an assessment"),
    "plan_contents": _l("The contents of an EHC plan or an amended plan"),
    "cease_plan": _l("A decision to stop (cease) an EHC plan"),
}
AREAS = {
    "education": _l("Education"),
    "health": _l("Health"),
    "social_care": _l("Social care"),
}
MODES = {
    "in_person": _l("In person"),
    "video": _l("Video call"),
    "phone": _l("Phone call"),
}
OUTCOMES = {
    "agreed": _l("Agreed"),
    "partly_agreed": _l("Partly agreed"),
    "not_agreed": _l("Not agreed"),
}
BOOKED, CONFIRMED, CANCELLED, CHANGED = "booked", "confirmed", "cancelled", "changed"
BOOKING_STATUSES = {
    BOOKED: _l("Booked, waiting for the mediator to confirm"),
    CONFIRMED: _l("Confirmed by the mediator"),
    CANCELLED: _l("Cancelled"),
    CHANGED: _l("Changed to another time"),
}


class MediationRequest(db.Model):
    """A family's request for mediation (or only for the certificate) about one council decision."""

    __tablename__ = "mediation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # The form's one-time token: a resubmitted form finds the request it already made (unique: a race too).
    idempotency_token: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    decision: Mapped[str] = mapped_column(String(24))
    letter_date: Mapped[date] = mapped_column(Date)
    areas: Mapped[str] = mapped_column(String(60))  # comma-separated keys of AREAS
    access_needs: Mapped[str] = mapped_column(Text, default="")
    interpreter: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(60), default="")
    wants_mediation: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The day the council was told: the request goes to the council through the portal, so its own date.
    told_on: Mapped[date] = mapped_column(Date, index=True)
    assigned_at: Mapped[datetime | None]
    held_on: Mapped[date | None] = mapped_column(Date, index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_recorded_at: Mapped[datetime | None]

    family: Mapped[User] = relationship(foreign_keys=[family_id], lazy="joined")
    mediator: Mapped[User | None] = relationship(foreign_keys=[mediator_id], lazy="joined")
    certificate: Mapped["Certificate | None"] = relationship(back_populates="request", lazy="joined")

    @property
    def area_keys(self) -> list[str]:
        return [key for key in self.areas.split(",") if key in AREAS]


class Slot(db.Model):
    """A time a mediator offers. Date and time are wall-clock times in England (Europe/London)."""

    __tablename__ = "mediation_slots"
    __table_args__ = (
        UniqueConstraint("mediator_id", "day", "starts", name="uq_mediation_slots_mediator_time"),
        Index("ix_mediation_slots_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    starts: Mapped[time] = mapped_column(Time)
    minutes: Mapped[int] = mapped_column(default=120)
    mode: Mapped[str] = mapped_column(String(12))
    place: Mapped[str] = mapped_column(String(200), default="")
    # Slots made together by "repeat weekly" share a series id, so they can be told apart.
    series: Mapped[str | None] = mapped_column(String(32))
    withdrawn: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Booking(db.Model):
    """One family's hold on one slot. Only an active booking fills the two unique columns, so the
    database itself refuses a second active booking of a slot (or of a request), on SQLite and PostgreSQL
    alike: NULLs never clash in a unique constraint."""

    __tablename__ = "mediation_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_requests.id", ondelete="CASCADE"), index=True
    )
    slot_id: Mapped[int] = mapped_column(ForeignKey("mediation_slots.id", ondelete="CASCADE"), index=True)
    active_slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("mediation_slots.id", ondelete="CASCADE"), unique=True
    )
    active_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("mediation_requests.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(12), default=BOOKED)
    booked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    slot: Mapped[Slot] = relationship(foreign_keys=[slot_id], lazy="joined")

    @property
    def active(self) -> bool:
        return self.status in (BOOKED, CONFIRMED)


class Certificate(db.Model):
    """The mediation certificate a family needs before appealing (one per request)."""

    __tablename__ = "mediation_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_requests.id", ondelete="CASCADE"), unique=True
    )
    number: Mapped[str] = mapped_column(String(20), unique=True)
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # False: the family chose not to mediate (or mediation did not happen); True: issued after mediation.
    after_mediation: Mapped[bool] = mapped_column(default=False)

    request: Mapped[MediationRequest] = relationship(back_populates="certificate")
