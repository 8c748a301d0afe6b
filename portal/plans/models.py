"""EHC plans: the child, the plan, its versions and their structured sections (A to K), and who may see it.

A published version never changes: `_guard_published_versions` refuses, at flush time, any change to a
published version or to anything in its sections. Amending a plan means publishing a new version.
"""

import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.timeutil import utcnow

# The four broad areas of need (SEND Code of Practice 6.28 onward).
AREAS_OF_NEED = {
    "communication_interaction": _l("Communication and interaction"),
    "cognition_learning": _l("Cognition and learning"),
    "social_emotional_mental_health": _l("Social, emotional and mental health"),
    "sensory_physical": _l("Sensory and/or physical needs"),
}
NEED_SECTIONS = ("B", "C", "D")
PROVISION_SECTIONS = ("F", "G", "H1", "H2")
SECTIONS = ("A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K")
VERSION_STATUSES = {"draft": _l("Draft plan"), "final": _l("Final plan")}
ACCESS_ROLES = {
    "parent": _l("Parent or carer"),
    "young_person": _l("Young person"),
    "child": _l("Child"),
    "professional": _l("Professional"),
    "caseworker": _l("Caseworker"),
}
INVITABLE_ROLES = ("parent", "professional", "child")
INVITATION_DAYS = 14


class PublishedVersionError(Exception):
    """Raised when something tries to change a published plan version."""


def academic_year_start(day: date) -> int:
    """The calendar year in which the school year holding `day` began (England: 1 September to 31 August)."""
    return day.year if day.month >= 9 else day.year - 1


def birthday(date_of_birth: date, years: int) -> date:
    """The date someone reaches `years` (a 29 February birthday falls on 1 March in other years)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:
        return date(date_of_birth.year + years, 3, 1)


def school_year(date_of_birth: date, today: date) -> int:
    """National Curriculum year group for a child in England, by age (0 is Reception, 11 is Year 11).

    A child starts Reception in the school year in which they turn 5, so their year group is their age on
    the 31 August before the current school year began, minus 4. Below 0 is nursery age; above 13 is past
    school age. It is the year group by age: a child taught out of year group has a plan that says so.
    """
    start = academic_year_start(today)
    reference = date(start, 8, 31)
    age = (
        reference.year
        - date_of_birth.year
        - ((reference.month, reference.day) < (date_of_birth.month, date_of_birth.day))
    )
    return age - 4


def transfer_date(date_of_birth: date) -> date:
    """The day the rights under the Children and Families Act 2014 pass to the young person.

    Rule (DOMAIN.md; Code of Practice 1.8 and 8.13): a child becomes a young person at the end of the
    school year in which they turn 16 (the end of compulsory school age). The school year ends on 31 August,
    so from the following 1 September the plan is theirs. Born 31 August 2010: 16 on 31 August 2026, the
    last day of the 2025-26 school year, so a young person from 1 September 2026. Born 1 September 2010:
    16 on the first day of 2026-27, so from 1 September 2027.
    """
    sixteenth = birthday(date_of_birth, 16)
    return date(academic_year_start(sixteenth) + 1, 9, 1)


class Child(db.Model):
    """The child or young person a plan is for."""

    __tablename__ = "plan_children"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    # Their own account, if they have one (needed for them to see their plan).
    young_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    young_person: Mapped[User | None] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        return self.preferred_name or self.full_name

    def school_year(self, today: date | None = None) -> int:
        return school_year(self.date_of_birth, today or date.today())

    @property
    def transfer_date(self) -> date:
        return transfer_date(self.date_of_birth)

    def is_young_person(self, today: date | None = None) -> bool:
        """True from the end of the school year in which they turn 16 (see `transfer_date`)."""
        return (today or date.today()) >= self.transfer_date

    def age(self, today: date | None = None) -> int:
        today = today or date.today()
        return (
            today.year
            - self.date_of_birth.year
            - ((today.month, today.day) < (self.date_of_birth.month, self.date_of_birth.day))
        )


class Plan(db.Model):
    """One EHC plan for one child or young person; its content lives in versions."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("plan_children.id", ondelete="CASCADE"), index=True)
    # The council's own reference, if it has one.
    reference: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    next_review_due: Mapped[date | None] = mapped_column(Date)
    # The 20-week timeline (SEND Regulations 2014): set while an assessment is in progress.
    assessment_requested_on: Mapped[date | None] = mapped_column(Date)
    assessment_decided_on: Mapped[date | None] = mapped_column(Date)

    child: Mapped[Child] = relationship(lazy="joined")
    versions: Mapped[list["PlanVersion"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanVersion.number"
    )

    @property
    def title(self) -> str:
        return str(_l("EHC plan for %(name)s", name=self.child.name))


class PlanVersion(db.Model):
    """One version of a plan. Unpublished versions are working copies only caseworkers see."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_plan_versions_plan_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # Why it was amended (required for a final that follows an earlier final, say after an annual review).
    reason: Mapped[str | None] = mapped_column(String(500))
    issued_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Section I: placement.
    placement_name: Mapped[str | None] = mapped_column(String(200))
    placement_type: Mapped[str | None] = mapped_column(String(200))
    placement_notes: Mapped[str] = mapped_column(Text, default="")
    # Section J: personal budget.
    budget_summary: Mapped[str] = mapped_column(Text, default="")
    budget_amount_pence: Mapped[int | None]
    direct_payments: Mapped[bool] = mapped_column(default=False)

    plan: Mapped[Plan] = relationship(back_populates="versions")
    views: Mapped[list["SectionAEntry"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="SectionAEntry.position"
    )
    needs: Mapped[list["Need"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="Need.position"
    )
    outcomes: Mapped[list["Outcome"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="Outcome.position"
    )
    provision: Mapped[list["ProvisionLine"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="ProvisionLine.position"
    )
    advice: Mapped[list["AdviceDocument"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="AdviceDocument.position"
    )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def needs_in(self, section: str) -> list["Need"]:
        return [need for need in self.needs if need.section == section]

    def provision_in(self, section: str) -> list["ProvisionLine"]:
        return [line for line in self.provision if line.section == section]


outcome_needs = Table(
    "plan_outcome_needs",
    db.metadata,
    Column("outcome_id", ForeignKey("plan_outcomes.id", ondelete="CASCADE"), primary_key=True),
    Column("need_id", ForeignKey("plan_needs.id", ondelete="CASCADE"), primary_key=True),
)

provision_outcomes = Table(
    "plan_provision_outcomes",
    db.metadata,
    Column("provision_id", ForeignKey("plan_provision.id", ondelete="CASCADE"), primary_key=True),
    Column("outcome_id", ForeignKey("plan_outcomes.id", ondelete="CASCADE"), primary_key=True),
)


class SectionAEntry(db.Model):
    """Section A: views, interests and aspirations, in the person's own words."""

    __tablename__ = "plan_section_a"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    # Where the words came from ("Amira, at her review, March 2026"; "Sent through My views").
    source: Mapped[str | None] = mapped_column(String(300))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    version: Mapped[PlanVersion] = relationship(back_populates="views")


class Need(db.Model):
    """A need in section B (educational), C (health) or D (social care), tagged with a broad area of need."""

    __tablename__ = "plan_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"), index=True)
    ref: Mapped[str] = mapped_column(String(20))
    section: Mapped[str] = mapped_column(String(2))
    area: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)

    version: Mapped[PlanVersion] = relationship(back_populates="needs")

    @property
    def area_label(self) -> str:
        return str(AREAS_OF_NEED.get(self.area, self.area))


class Outcome(db.Model):
    """Section E: an outcome sought, by when, the steps toward it, and the needs it answers."""

    __tablename__ = "plan_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"), index=True)
    ref: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    by_when: Mapped[str] = mapped_column(String(120), default="")
    steps: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[PlanVersion] = relationship(back_populates="outcomes")
    needs: Mapped[list[Need]] = relationship(secondary=outcome_needs, order_by="Need.position")
    provision: Mapped[list["ProvisionLine"]] = relationship(
        secondary=provision_outcomes, back_populates="outcomes", order_by="ProvisionLine.position"
    )


class ProvisionLine(db.Model):
    """Sections F, G, H1, H2: what, who delivers it, how often, for how long, who funds it."""

    __tablename__ = "plan_provision"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(2))
    position: Mapped[int] = mapped_column(default=0)
    what: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(200), default="")
    how_often: Mapped[str] = mapped_column(String(200), default="")
    how_long: Mapped[str] = mapped_column(String(200), default="")
    funded_by: Mapped[str] = mapped_column(String(200), default="")

    version: Mapped[PlanVersion] = relationship(back_populates="provision")
    outcomes: Mapped[list[Outcome]] = relationship(
        secondary=provision_outcomes, back_populates="provision", order_by="Outcome.position"
    )


class AdviceDocument(db.Model):
    """Section K: a piece of advice or information gathered during the assessment."""

    __tablename__ = "plan_advice"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    author: Mapped[str] = mapped_column(String(200), default="")
    dated: Mapped[date | None] = mapped_column(Date)

    version: Mapped[PlanVersion] = relationship(back_populates="advice")


class PlanAccess(db.Model):
    """Someone's access to one plan. Current when started, not expired and not revoked."""

    __tablename__ = "plan_access"
    __table_args__ = (Index("ix_plan_access_user_plan", "user_id", "plan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    # Why a professional may see it ("Annual review advice, speech and language therapy").
    purpose: Mapped[str | None] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Professionals: access ends on its own at this time.
    expires_at: Mapped[datetime | None]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    def is_current(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return (
            self.revoked_at is None
            and self.starts_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def role_label(self) -> str:
        return str(ACCESS_ROLES.get(self.role, self.role))


class PlanInvitation(db.Model):
    """An invitation to one plan: a one-time code sent by email, stored only as a keyed hash, expiring."""

    __tablename__ = "plan_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str | None] = mapped_column(String(300))
    # Professionals: when the access it grants will end.
    access_expires_at: Mapped[datetime | None]
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None]

    CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud, typed from a phone

    @classmethod
    def new_code(cls) -> str:
        """A random 10-character code (50 bits), shown as two groups of five."""
        raw = "".join(secrets.choice(cls.CODE_ALPHABET) for _ in range(10))
        return f"{raw[:5]}-{raw[5:]}"

    @staticmethod
    def hash_code(code: str) -> str:
        """Keyed hash of the normalised code: a copy of the database alone cannot be used to join."""
        normalised = "".join(ch for ch in code.upper() if ch.isalnum())
        key = str(current_app.config["SECRET_KEY"]).encode()
        return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def default_expiry() -> datetime:
        return utcnow() + timedelta(days=INVITATION_DAYS)

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.used_at is None and self.cancelled_at is None and self.expires_at > now


_SECTION_MODELS = (SectionAEntry, Need, Outcome, ProvisionLine, AdviceDocument)


def _was_published(version: PlanVersion) -> bool:
    history = inspect(version).attrs.published_at.history
    before = list(history.deleted) + list(history.unchanged)
    return any(value is not None for value in before)


@event.listens_for(Session, "before_flush")
def _guard_published_versions(session, _context, _instances) -> None:
    """Refuse any change to a published version or its sections (the law's record of what was decided)."""
    with session.no_autoflush:
        for obj in list(session.dirty) + list(session.deleted):
            changed = obj in session.deleted or session.is_modified(obj, include_collections=True)
            if isinstance(obj, PlanVersion) and changed and _was_published(obj):
                raise PublishedVersionError(f"plan version {obj.id} is published and cannot change")
        for obj in list(session.new) + list(session.dirty) + list(session.deleted):
            if isinstance(obj, _SECTION_MODELS):
                version = obj.version
                if version is None and obj.version_id is not None:
                    version = session.get(PlanVersion, obj.version_id)
                if version is None:
                    continue
                if obj in session.dirty and not session.is_modified(obj, include_collections=True):
                    continue
                if _was_published(version) or (obj in session.new and version.published_at is not None):
                    raise PublishedVersionError(f"plan version {version.id} is published and cannot change")
