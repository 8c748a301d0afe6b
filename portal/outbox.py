"""Transactional email outbox: a message is written with the change it reports, then sent.

An SMTP failure loses nothing: the row stays pending and is tried again by `flask outbox send`.
Emails never carry personal content about a child; they say something changed and link to the portal.
"""

import smtplib
import sys
from datetime import datetime
from email.message import EmailMessage

from flask import current_app, g
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.timeutil import utcnow

MAX_ATTEMPTS = 10


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


def queue(to_address: str, subject: str, body: str) -> OutboxMessage:
    """Add a message to the current transaction; it is sent only if that transaction commits."""
    message = OutboxMessage(to_address=to_address, subject=subject, body=body)
    db.session.add(message)
    g.outbox_queued = True
    return message


def pending() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
            .order_by(OutboxMessage.id)
        )
    )


def _deliver(message: OutboxMessage) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        # No mail server (one machine, development): print it, so a newcomer can follow the links.
        print(
            f"\n--- email to {message.to_address} ---\nSubject: {message.subject}\n\n{message.body}\n---",
            file=sys.stderr,
        )
        return
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


def send_pending() -> tuple[int, int]:
    """Send every pending message; return (sent, failed). Each message commits on its own."""
    sent = failed = 0
    for message in pending():
        message.attempts += 1
        try:
            _deliver(message)
        except (OSError, smtplib.SMTPException) as error:
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            failed += 1
        else:
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
        db.session.commit()
    return sent, failed
