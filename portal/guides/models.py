"""Co-produced content: guides and ordinarily available provision pages, each with revisions per language."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import utcnow

# A revision's life: a draft, sent for review, then published or sent back. Publishing one supersedes the
# revision that was published before it in the same language; saving a new draft supersedes an older draft
# (or withdraws one waiting for review). Nothing is ever deleted.
STATUSES = ("draft", "in_review", "published", "sent_back", "superseded")
PENDING = ("draft", "in_review")


class ContentPage(db.Model):
    """A guide (kind "guide", by slug) or a provision page (kind "provision", by area and phase)."""

    __tablename__ = "content_pages"
    __table_args__ = (UniqueConstraint("kind", "slug", name="uq_content_pages_kind_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    slug: Mapped[str] = mapped_column(String(120))  # provision pages: "<area>/<phase>"
    audience: Mapped[list] = mapped_column(JSON, default=list)
    topics: Mapped[list] = mapped_column(JSON, default=list)
    area: Mapped[str | None] = mapped_column(String(40))
    phase: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    revisions: Mapped[list["ContentRevision"]] = relationship(
        back_populates="page", cascade="all, delete-orphan"
    )


class ContentRevision(db.Model):
    """One version of a page in one language. Revisions are never changed once sent for review."""

    __tablename__ = "content_revisions"
    __table_args__ = (Index("ix_content_revisions_page_language_status", "page_id", "language", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("content_pages.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    reviewed: Mapped[date | None] = mapped_column(Date)
    co_produced_with: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default="draft")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")
    # A translation records the English revision it was translated from, so it can go out of date.
    source_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_revisions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    # English revisions written by editors: the audience and topics (guides) they propose for the page.
    # Applied to the page when the revision is published; None for revisions loaded from content/.
    meta: Mapped[dict | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    # A draft made by restoring an older revision names it, so the history can say so.
    restored_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("content_revisions.id", ondelete="SET NULL")
    )

    page: Mapped[ContentPage] = relationship(back_populates="revisions")


class GuideFeedback(db.Model):
    """'Was this helpful?' answers: no account, no personal data."""

    __tablename__ = "guide_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("content_pages.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    helpful: Mapped[bool]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
