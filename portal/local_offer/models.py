"""Local Offer listings (services and education settings), shaped after Open Referral UK 3.0."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.timeutil import utcnow


class Organisation(db.Model):
    __tablename__ = "lo_organisations"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(254))
    url: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(40))


class Area(db.Model):
    __tablename__ = "lo_areas"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class Service(db.Model):
    """A service or an education setting (kind "setting") in the Local Offer."""

    __tablename__ = "lo_services"
    __table_args__ = (Index("ix_lo_services_kind_name", "kind", "name"),)

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("lo_organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="service")
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    cost: Mapped[str] = mapped_column(String(10), default="free")
    fees: Mapped[str] = mapped_column(String(300), default="")
    min_age: Mapped[int] = mapped_column(default=0)
    max_age: Mapped[int] = mapped_column(default=25)
    eligibility: Mapped[str] = mapped_column(Text, default="")
    how_to_access: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list] = mapped_column(JSON, default=list)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    last_reviewed: Mapped[date | None] = mapped_column(Date)
    # Settings only.
    setting_type: Mapped[str | None] = mapped_column(String(40))
    places: Mapped[int | None]
    how_to_visit: Mapped[str] = mapped_column(Text, default="")
    modified_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    terms: Mapped[list["ServiceTerm"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    locations: Mapped[list["Location"]] = relationship(
        cascade="all, delete-orphan", order_by="Location.position"
    )
    contacts: Mapped[list["Contact"]] = relationship(
        cascade="all, delete-orphan", order_by="Contact.position"
    )
    schedules: Mapped[list["Schedule"]] = relationship(
        cascade="all, delete-orphan", order_by="Schedule.position"
    )
    translations: Mapped[list["ServiceTranslation"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    def terms_in(self, taxonomy: str) -> list[str]:
        return [term.term for term in self.terms if term.taxonomy == taxonomy]

    def translation(self, language: str) -> "ServiceTranslation | None":
        return next((t for t in self.translations if t.language == language), None)


class ServiceTerm(db.Model):
    """One taxonomy term on a listing: a need, a type, a cost, a delivery mode, a phase, an area."""

    __tablename__ = "lo_service_terms"
    __table_args__ = (
        UniqueConstraint("service_id", "taxonomy", "term", name="uq_lo_service_terms"),
        Index("ix_lo_service_terms_lookup", "taxonomy", "term", "service_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("lo_services.id", ondelete="CASCADE"))
    taxonomy: Mapped[str] = mapped_column(String(20))
    term: Mapped[str] = mapped_column(String(80))


class Location(db.Model):
    __tablename__ = "lo_locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("lo_services.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200), default="")
    town: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accessibility: Mapped[list] = mapped_column(JSON, default=list)


class Contact(db.Model):
    __tablename__ = "lo_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("lo_services.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))


class Schedule(db.Model):
    __tablename__ = "lo_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("lo_services.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    days: Mapped[list] = mapped_column(JSON, default=list)  # iCalendar BYDAY codes: MO TU WE TH FR SA SU
    opens: Mapped[str | None] = mapped_column(String(5))
    closes: Mapped[str | None] = mapped_column(String(5))
    description: Mapped[str] = mapped_column(Text, default="")


class ServiceTranslation(db.Model):
    __tablename__ = "lo_service_translations"
    __table_args__ = (UniqueConstraint("service_id", "language", name="uq_lo_service_translations"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("lo_services.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")


class SearchWord(db.Model):
    """The words listings contain, so a misspelt search word can be corrected to one that exists."""

    __tablename__ = "lo_search_words"

    word: Mapped[str] = mapped_column(String(60), primary_key=True)
    listings: Mapped[int] = mapped_column(default=0)


class ShortlistItem(db.Model):
    """A service or setting a signed-in family saved, with their private note."""

    __tablename__ = "lo_shortlist_items"
    __table_args__ = (UniqueConstraint("user_id", "service_id", name="uq_lo_shortlist_user_service"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("lo_services.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[Service] = relationship(lazy="joined")


class OrganisationEditor(db.Model):
    """A service editor who may propose changes to one organisation's listings."""

    __tablename__ = "lo_organisation_editors"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="uq_lo_org_editor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("lo_organisations.id", ondelete="CASCADE"))


class ListingVersion(db.Model):
    """A proposed change to a listing; once approved it is what the public sees. Every version is kept."""

    __tablename__ = "lo_listing_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("lo_services.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(
        String(10), default="pending", index=True
    )  # pending approved rejected
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship()


class ListingReport(db.Model):
    """A member of the public telling the council that a listing is wrong."""

    __tablename__ = "lo_listing_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("lo_services.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
