"""The two-editor workflow for guides and provision pages.

A forum editor saves a draft (a new revision each time the text changes), then submits it for review.
A second forum editor, never the author of that revision, approves it (it is published and the revision
published before it is superseded) or sends it back with a comment. Saving a new draft supersedes an older
draft, or withdraws one waiting for review. Nothing is deleted: any revision can be restored as a new draft.
A translation is a revision in another language that names the English revision it was translated from;
it is out of date when the published English revision is a different one.
"""

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from portal import audit, outbox
from portal.accounts.models import User, UserRole
from portal.audit import ACTION_LABELS
from portal.extensions import db
from portal.guides.models import PENDING, ContentPage, ContentRevision
from portal.i18n import CODES
from portal.timeutil import utcnow

ACTION_LABELS.update(
    {
        "guides.draft_saved": _l("Draft of a guide or provision page saved"),
        "guides.submitted": _l("Guide or provision page sent for review"),
        "guides.approved": _l("Guide or provision page approved and published"),
        "guides.sent_back": _l("Guide or provision page sent back to its author"),
        "guides.restored": _l("Older revision of a guide or provision page restored as a draft"),
    }
)
TEXT_FIELDS = ("title", "summary", "body", "co_produced_with")


class NotAllowed(Exception):
    """The action is not open to this person, or the revision has moved on (someone else acted first)."""


# Finding things.


def page(kind: str, page_id: int) -> ContentPage | None:
    return db.session.scalar(select(ContentPage).where(ContentPage.id == page_id, ContentPage.kind == kind))


def revision(page: ContentPage, revision_id: int) -> ContentRevision | None:
    return db.session.scalar(
        select(ContentRevision).where(ContentRevision.id == revision_id, ContentRevision.page_id == page.id)
    )


def history(page: ContentPage) -> list[ContentRevision]:
    """Every revision of a page, newest first."""
    return list(
        db.session.scalars(
            select(ContentRevision)
            .where(ContentRevision.page_id == page.id)
            .order_by(ContentRevision.id.desc())
        )
    )


def current(revisions: list[ContentRevision], language: str) -> tuple[ContentRevision | None, ...]:
    """(published, latest) for a language, from a page's revisions: latest is the newest not superseded."""
    mine = [r for r in revisions if r.language == language and r.status != "superseded"]
    published = next((r for r in mine if r.status == "published"), None)
    latest = max(mine, key=lambda r: r.id, default=None)
    return published, latest


def previous(rev: ContentRevision) -> ContentRevision | None:
    """The revision before this one, in the same page and language."""
    return db.session.scalar(
        select(ContentRevision)
        .where(
            ContentRevision.page_id == rev.page_id,
            ContentRevision.language == rev.language,
            ContentRevision.id < rev.id,
        )
        .order_by(ContentRevision.id.desc())
        .limit(1)
    )


def is_out_of_date(translation: ContentRevision | None, english: ContentRevision | None) -> bool:
    return bool(
        translation is not None
        and translation.language != "en"
        and english is not None
        and translation.source_revision_id != english.id
    )


def meta_of(rev: ContentRevision | None, page: ContentPage) -> dict:
    """The audience and topics a revision proposes (or the page's, for one loaded from content/)."""
    if rev is not None and rev.meta:
        return rev.meta
    return {"audience": list(page.audience or []), "topics": list(page.topics or [])}


# The editor's list: every page with its state in each language, in two queries.


@dataclass
class LanguageState:
    language: str
    published: bool = False
    working: str | None = None  # the status of a revision newer than the published one
    out_of_date: bool = False
    latest_id: int | None = None


@dataclass
class PageState:
    page: ContentPage
    title: str
    languages: dict[str, LanguageState] = field(default_factory=dict)

    @property
    def english(self) -> LanguageState:
        return self.languages.get("en") or LanguageState("en")

    @property
    def translations(self) -> list[LanguageState]:
        return [self.languages[code] for code in CODES if code != "en" and code in self.languages]


def states(kind: str) -> list[PageState]:
    pages = {p.id: p for p in db.session.scalars(select(ContentPage).where(ContentPage.kind == kind))}
    rows = db.session.execute(
        select(
            ContentRevision.id,
            ContentRevision.page_id,
            ContentRevision.language,
            ContentRevision.status,
            ContentRevision.source_revision_id,
            ContentRevision.title,
        )
        .join(ContentPage, ContentPage.id == ContentRevision.page_id)
        .where(ContentPage.kind == kind, ContentRevision.status != "superseded")
        .order_by(ContentRevision.id)
    ).all()
    published: dict[tuple[int, str], tuple] = {}
    latest: dict[tuple[int, str], tuple] = {}
    for row in rows:
        key = (row.page_id, row.language)
        latest[key] = row
        if row.status == "published":
            published[key] = row
    found = {}
    for (page_id, language), row in latest.items():
        state = found.setdefault(page_id, PageState(pages[page_id], row.title))
        live = published.get((page_id, language))
        english = published.get((page_id, "en"))
        state.languages[language] = LanguageState(
            language,
            published=live is not None,
            working=None if live is not None and live.id == row.id else row.status,
            out_of_date=language != "en"
            and english is not None
            and (live or row).source_revision_id != english.id,
            latest_id=row.id,
        )
        if language == "en":
            state.title = row.title
    return sorted(found.values(), key=lambda s: s.title.lower())


def queue(kind: str) -> list[ContentRevision]:
    """Revisions waiting for review, oldest first."""
    return list(
        db.session.scalars(
            select(ContentRevision)
            .join(ContentPage, ContentPage.id == ContentRevision.page_id)
            .where(ContentPage.kind == kind, ContentRevision.status == "in_review")
            .order_by(ContentRevision.submitted_at, ContentRevision.id)
        )
    )


def people(revisions) -> dict[int, str]:
    """Email addresses of the authors and reviewers of these revisions, in one query."""
    ids = {i for r in revisions for i in (r.author_id, r.reviewer_id) if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


# Changing things.


def create_page(kind: str, slug: str, *, area=None, phase=None, meta=None) -> ContentPage:
    """A new page: nobody sees it until a revision of it is published."""
    meta = meta or {}
    new = ContentPage(
        kind=kind,
        slug=slug,
        area=area,
        phase=phase,
        audience=list(meta.get("audience") or []),
        topics=list(meta.get("topics") or []),
    )
    db.session.add(new)
    db.session.flush()
    return new


def same_text(rev: ContentRevision | None, values: dict, page: ContentPage) -> bool:
    if rev is None or any(getattr(rev, name) != values[name] for name in TEXT_FIELDS):
        return False
    return "meta" not in values or values["meta"] == meta_of(rev, page)


def save(
    page: ContentPage,
    language: str,
    values: dict,
    author_id: int,
    *,
    submit: bool = False,
    source_id: int | None = None,
    restored_from: ContentRevision | None = None,
) -> ContentRevision | None:
    """Save what an editor wrote as a new draft (or submit it for review straight away).

    Returns None when it is the same as the published text. Saving the same text as the author's own
    latest draft changes nothing (or only submits it)."""
    revisions = [r for r in history(page) if r.language == language]
    published, latest = current(revisions, language)
    if restored_from is None and same_text(latest, values, page):
        if latest.status == "draft" and latest.author_id == author_id:
            if submit:
                send_for_review(latest, author_id)
            return latest
        if latest.status == "published":
            return None
    for old in revisions:
        if old.status in PENDING:
            old.status = "superseded"  # an older draft, or one withdrawn from review by this newer text
    rev = ContentRevision(
        page=page,
        language=language,
        author_id=author_id,
        status="draft",
        meta=values.get("meta") if language == "en" else None,
        source_revision_id=source_id if language != "en" else None,
        restored_from_id=restored_from.id if restored_from else None,
        reviewed=published.reviewed if published else None,
        **{name: values[name] for name in TEXT_FIELDS},
    )
    db.session.add(rev)
    db.session.flush()
    audit.record(
        "guides.restored" if restored_from else "guides.draft_saved",
        actor_id=author_id,
        object_type="content_revision",
        object_id=rev.id,
        detail=f"page={page.id} language={language}" + (f" from={restored_from.id}" if restored_from else ""),
    )
    if submit:
        send_for_review(rev, author_id)
    return rev


def send_for_review(rev: ContentRevision, user_id: int) -> None:
    if rev.status != "draft" or rev.author_id != user_id:
        raise NotAllowed
    rev.status, rev.submitted_at = "in_review", utcnow()
    audit.record(
        "guides.submitted",
        actor_id=user_id,
        object_type="content_revision",
        object_id=rev.id,
        detail=f"page={rev.page_id} language={rev.language}",
    )
    _tell_reviewers(rev, user_id)


def _link(rev: ContentRevision) -> str:
    # Built by hand, not with url_for: demo data sends for review outside any request.
    kind = "guides" if rev.page.kind == "guide" else "provision"
    path = f"/edit/{kind}/{rev.page_id}/revisions/{rev.id}"
    return current_app.config["PORTAL_BASE_URL"].rstrip("/") + path


def _tell_reviewers(rev: ContentRevision, author_id: int) -> None:
    """Every other forum editor hears that something is waiting (only a link: the text stays here)."""
    reviewers = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "forum_editor", User.active.is_(True), User.id != author_id)
    )
    link = _link(rev)
    for reviewer in reviewers:
        with force_locale(reviewer.preferred_language or "en"):
            outbox.queue(
                reviewer.email,
                _("A page is waiting for your review: %(title)s", title=rev.title),
                _("Another forum editor must approve it before it is published: %(link)s", link=link),
            )


def restore(rev: ContentRevision, user_id: int) -> ContentRevision:
    """Any revision, copied as a new draft by this editor (for translations, with its English source)."""
    values = {name: getattr(rev, name) for name in TEXT_FIELDS}
    if rev.language == "en":
        values["meta"] = meta_of(rev, rev.page)
    return save(rev.page, rev.language, values, user_id, source_id=rev.source_revision_id, restored_from=rev)


def decide(rev: ContentRevision, reviewer_id: int, approve: bool, comment: str) -> None:
    """Approve (publish) or send back a revision waiting for review. Never by its author: the check is in
    the UPDATE itself, so a forged request or two reviewers at once cannot get past it."""
    now = utcnow()
    claimed = db.session.execute(
        update(ContentRevision)
        .where(
            ContentRevision.id == rev.id,
            ContentRevision.status == "in_review",
            or_(ContentRevision.author_id.is_(None), ContentRevision.author_id != reviewer_id),
        )
        .values(
            status="published" if approve else "sent_back",
            reviewer_id=reviewer_id,
            decided_at=now,
            comment=comment,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        raise NotAllowed
    if approve:
        db.session.execute(
            update(ContentRevision)
            .where(
                ContentRevision.page_id == rev.page_id,
                ContentRevision.language == rev.language,
                ContentRevision.status == "published",
                ContentRevision.id != rev.id,
            )
            .values(status="superseded")
            .execution_options(synchronize_session=False)
        )
    db.session.refresh(rev)
    if approve:
        rev.published_at = now
        rev.reviewed = now.date()
        if rev.language == "en" and rev.meta:
            rev.page.audience = list(rev.meta.get("audience") or [])
            rev.page.topics = list(rev.meta.get("topics") or [])
    audit.record(
        "guides.approved" if approve else "guides.sent_back",
        actor_id=reviewer_id,
        object_type="content_revision",
        object_id=rev.id,
        detail=f"page={rev.page_id} language={rev.language}",
    )
    _tell_author(rev)


def _tell_author(rev: ContentRevision) -> None:
    author = db.session.get(User, rev.author_id) if rev.author_id else None
    if author is None:
        return
    link = _link(rev)
    with force_locale(author.preferred_language or "en"):
        if rev.status == "published":
            subject = _("Your page was approved and published: %(title)s", title=rev.title)
        else:
            subject = _("Your page was sent back with a comment: %(title)s", title=rev.title)
        outbox.queue(author.email, subject, _("See the revision and any comment here: %(link)s", link=link))


def english_source(page: ContentPage) -> ContentRevision | None:
    """The published English revision a new translation is made from."""
    return db.session.scalar(
        select(ContentRevision).where(
            ContentRevision.page_id == page.id,
            ContentRevision.language == "en",
            ContentRevision.status == "published",
        )
    )
