"""Views: a set of answers given by a young person or a parent for one plan, and requests for views.

A set is a draft until it is sent; after that it never changes (`_guard_sent_sets` refuses at flush time).
Each annual review gets a new set, so earlier sets stay as they were sent.
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.storage import StoredFile
from portal.timeutil import utcnow


class SentViewsError(Exception):
    """Raised when something tries to change a set of views after it was sent."""


class ViewRequest(db.Model):
    """A caseworker asking the family for views before a review date."""

    __tablename__ = "voice_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    # Whose views: "young_person", "parent" or "both".
    asks: Mapped[str] = mapped_column(String(20))
    review_date: Mapped[date] = mapped_column(Date)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    requested_by: Mapped[User | None] = relationship(lazy="joined")

    def asks_for(self, kind: str) -> bool:
        return self.asks in (kind, "both")


class ViewSet(db.Model):
    """One set of views: a young person's (kind "young_person") or a parent's or carer's ("parent")."""

    __tablename__ = "voice_sets"
    __table_args__ = (Index("ix_voice_sets_plan_sent", "plan_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("voice_requests.id", ondelete="SET NULL"), index=True
    )
    # Who started it: the young person, or the parent (their own views, or helping the young person).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # A parent who helped the young person with their set (recorded when they save an answer in it).
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    helper: Mapped[User | None] = relationship(foreign_keys=[helper_id], lazy="joined")
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id], lazy="joined")
    request: Mapped[ViewRequest | None] = relationship(lazy="joined")
    answers: Mapped[list["ViewAnswer"]] = relationship(
        back_populates="view_set", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    def answer(self, key: str) -> "ViewAnswer | None":
        return next((answer for answer in self.answers if answer.question == key), None)


class ViewAnswer(db.Model):
    """The answer to one question: any mix of typed words, picture cards, a scale and one file."""

    __tablename__ = "voice_answers"
    __table_args__ = (UniqueConstraint("set_id", "question", name="uq_voice_answers_set_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("voice_sets.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(40))
    skipped: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    # Picture cards chosen, as card keys separated by spaces (keys are fixed words from questions.CARDS).
    cards: Mapped[str] = mapped_column(String(500), default="")
    scale: Mapped[int | None]
    file_id: Mapped[int | None] = mapped_column(ForeignKey(StoredFile.id, ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    view_set: Mapped[ViewSet] = relationship(back_populates="answers")

    @property
    def card_keys(self) -> list[str]:
        return self.cards.split()

    @property
    def has_content(self) -> bool:
        return bool(self.text.strip() or self.cards or self.scale or self.file_id)


def _sent_before(view_set: ViewSet) -> bool:
    history = inspect(view_set).attrs.sent_at.history
    return any(value is not None for value in list(history.deleted) + list(history.unchanged))


@event.listens_for(Session, "before_flush")
def _guard_sent_sets(session, _context, _instances) -> None:
    """A sent set is the record of what someone said: refuse any change to it or its answers."""
    with session.no_autoflush:
        for obj in list(session.new) + list(session.dirty) + list(session.deleted):
            if isinstance(obj, ViewSet) and obj not in session.new and _sent_before(obj):
                if obj in session.deleted or session.is_modified(obj, include_collections=False):
                    raise SentViewsError(f"views {obj.id} were sent and cannot change")
            elif isinstance(obj, ViewAnswer):
                view_set = obj.view_set or (obj.set_id and session.get(ViewSet, obj.set_id))
                if obj in session.dirty and not session.is_modified(obj):
                    continue
                if view_set is not None and view_set not in session.new and _sent_before(view_set):
                    raise SentViewsError(f"views {view_set.id} were sent and cannot change")
