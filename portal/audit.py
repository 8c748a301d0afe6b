"""Audit events: who did what, when, from where. Never passwords or document contents."""

from datetime import datetime

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.timeutil import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_actor_at", "actor_id", "at"),
        Index("ix_audit_events_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What the person typed when no account matched (a failed sign-in), so attempts can be traced.
    actor_label: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(String(500))


def record(
    action: str,
    *,
    actor_id: int | None = None,
    actor_label: str | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    detail: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction; the caller commits."""
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        actor_label=actor_label[:254] if actor_label else None,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        detail=detail[:500] if detail else None,
    )
    if has_request_context():
        event.ip = (request.remote_addr or "")[:64] or None
        event.user_agent = (request.user_agent.string or "")[:200] or None
    db.session.add(event)
    return event


def record_now(action: str, **kwargs) -> None:
    """Record an event in its own transaction, for requests that change nothing else (a refused access)."""
    db.session.rollback()
    record(action, **kwargs)
    db.session.commit()


# What each event means, in words a person can read on their own activity page.
ACTION_LABELS = {
    "access.refused": _l("A page was refused"),
    "account.confirm": _l("Email address confirmed"),
    "account.data_exported": _l("Your data was downloaded"),
    "account.other_sessions_ended": _l("Signed out everywhere else"),
    "account.password_change_refused": _l("Password change refused: wrong current password"),
    "account.password_changed": _l("Password changed"),
    "account.profile_updated": _l("Account details changed"),
    "account.register": _l("You created your account"),
    "account.register_existing": _l("Someone tried to register with your email address"),
    "account.reset_requested": _l("Password reset requested"),
    "admin.roles_changed": _l("Roles changed by an administrator"),
    "local_offer.change_proposed": _l("Change to a Local Offer listing proposed"),
    "local_offer.change_approved": _l("Change to a Local Offer listing approved"),
    "local_offer.change_rejected": _l("Change to a Local Offer listing rejected"),
    "local_offer.report_received": _l("Problem with a Local Offer listing reported"),
    "local_offer.report_resolved": _l("Reported problem with a listing dealt with"),
    "session.timeout": _l("Signed out after a time limit"),
    "sign_in.failure": _l("Failed sign-in"),
    "sign_in.password_ok": _l("Password accepted, security code needed"),
    "sign_in.rate_limited": _l("Sign-in paused after too many attempts"),
    "sign_in.success": _l("Signed in"),
    "sign_in.unconfirmed": _l("Sign-in before confirming email address"),
    "sign_out": _l("Signed out"),
    "two_factor.enrolled": _l("Security codes set up"),
    "two_factor.failure": _l("Wrong security code"),
    "two_factor.rate_limited": _l("Security codes paused after too many attempts"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
