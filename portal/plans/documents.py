"""Plan documents: upload and download under /plans/<id>/documents/.

Reports and advice are kept encrypted by `portal.storage`; this module adds who uploaded what to which plan,
the pages, the audit trail and the "a new document was added" email (which never names the document).
"""

import io
import logging
from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovFileInput, GovTextInput
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.routing import BuildError
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal import outbox, storage
from portal.accounts.models import User
from portal.extensions import db
from portal.filetypes import DOCUMENT_KINDS, TYPES, UploadRefused
from portal.forms import PortalForm, submit_field
from portal.pdf import Document
from portal.plans.access import can_upload, people_with_access, plan_or_404, record_plan_event, role_on_plan
from portal.plans.models import ACCESS_ROLES, Plan
from portal.security import checks_access, refuse
from portal.timeutil import utcnow

log = logging.getLogger(__name__)

# `flask storage ...` commands live on this blueprint's command group (see portal/storage.py).
bp = Blueprint("plan_documents", __name__, url_prefix="/plans", cli_group="storage")
storage.register_commands(bp.cli)

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class PlanDocument(db.Model):
    """A report or piece of advice someone added to a plan. The file itself is a StoredFile."""

    __tablename__ = "plan_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # How the uploader could see the plan when they uploaded (parent, professional, caseworker, ...).
    uploader_role: Mapped[str] = mapped_column(String(20))

    stored: Mapped[storage.StoredFile] = relationship(lazy="joined")
    uploaded_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def uploader_role_label(self) -> str:
        return str(ACCESS_ROLES.get(self.uploader_role, self.uploader_role))


# The form.


def _file_chosen(_form, field):
    if not field.data or not getattr(field.data, "filename", ""):
        raise ValidationError(_l("Select a file"))


class UploadForm(PortalForm):
    file = FileField(
        _l("Upload a file"),
        description=_l("PDF, Word document (.docx), JPG or PNG, smaller than 20MB"),
        validators=[_file_chosen],
        widget=GovFileInput(),
        render_kw={"accept": ".pdf,.docx,.jpg,.jpeg,.png"},
    )
    title = StringField(
        _l("Title"),
        description=_l("For example, Speech and language therapy report, March"),
        validators=[
            DataRequired(message=_l("Enter a title for the document")),
            Length(max=120, message=_l("Title must be 120 characters or fewer")),
        ],
        widget=GovTextInput(),
    )
    description = TextAreaField(
        _l("Description (optional)"),
        description=_l("Who wrote it and what it is about, in a sentence or two"),
        validators=[Optional(), Length(max=500, message=_l("Description must be 500 characters or fewer"))],
        widget=GovCharacterCount(),
    )
    submit = submit_field(_l("Upload document"))


# What happens.


def documents_for(plan: Plan) -> list[PlanDocument]:
    """The plan's documents, newest first, with their files and uploaders in the same query."""
    return list(
        db.session.scalars(
            select(PlanDocument)
            .where(PlanDocument.plan_id == plan.id)
            .order_by(PlanDocument.uploaded_at.desc(), PlanDocument.id.desc())
        ).unique()
    )


def add_document(plan: Plan, upload, *, title: str, description: str, user) -> PlanDocument:
    """Store the file and record it on the plan, with its audit event and emails; the caller commits.

    Raises UploadRefused (nothing kept) if the file is not accepted."""
    stored = storage.store(
        upload.stream,
        original_name=upload.filename or "",
        kinds=DOCUMENT_KINDS,
        max_bytes=MAX_DOCUMENT_BYTES,
        user=user,
    )
    document = PlanDocument(
        plan_id=plan.id,
        stored_file_id=stored.id,
        title=title.strip(),
        description=(description or "").strip(),
        uploaded_by_id=user.id,
        uploader_role=role_on_plan(user, plan) or "unknown",
    )
    db.session.add(document)
    db.session.flush()
    record_plan_event("plan.document_uploaded", plan, detail=f"document {document.id}")
    _tell_everyone(plan, user)
    return document


def _tell_everyone(plan: Plan, uploader) -> None:
    """A link only: never the document, its title or its name (a misdirected email must reveal nothing)."""
    link = current_app.config["PORTAL_BASE_URL"].rstrip("/") + url_for(
        "plan_documents.index", plan_id=plan.id
    )
    for person in people_with_access(plan):
        if person.id == uploader.id:
            continue
        with force_locale(person.preferred_language or "en"):
            outbox.queue(
                person.email,
                _("A new document was added to an EHC plan"),
                _(
                    "A new document was added to an EHC plan you can see on the SEND family portal.\n\n"
                    "Sign in to see it: %(link)s",
                    link=link,
                ),
            )


def _document_or_404(plan: Plan, document_id: int) -> PlanDocument:
    document = db.session.scalar(
        select(PlanDocument).where(PlanDocument.id == document_id, PlanDocument.plan_id == plan.id)
    )
    if document is None:
        refuse(404, "document", "plan_document", document_id)
    return document


def seed_demo_document(plan: Plan, user, title: str, text: str) -> None:
    """Demo data: a small fictional PDF report on a plan, uploaded by `user` (skipped if the title exists)."""
    exists = db.session.scalar(
        select(PlanDocument.id).where(PlanDocument.plan_id == plan.id, PlanDocument.title == title)
    )
    if exists:
        return
    report = Document(title, header_text=title)
    report.heading(title)
    report.paragraph(text)
    content = report.output_bytes()
    stored = storage.store(
        io.BytesIO(content),
        original_name=f"{title}.pdf",
        kinds=DOCUMENT_KINDS,
        max_bytes=MAX_DOCUMENT_BYTES,
        user=user,
    )
    db.session.add(
        PlanDocument(
            plan_id=plan.id,
            stored_file_id=stored.id,
            title=title,
            description="",
            uploaded_by_id=user.id,
            uploader_role=role_on_plan(user, plan) or "caseworker",
        )
    )


# The pages.


@bp.url_value_preprocessor
def _allow_document_upload(endpoint, _values):
    # Runs before the CSRF check reads the form: let an upload through the request size limit (the file's
    # own limit is checked, with a clear message, as it is stored). Werkzeug spools file parts to disk.
    if endpoint == "plan_documents.upload":
        request.max_content_length = storage.upload_limit(MAX_DOCUMENT_BYTES)


def _page(plan: Plan, form: UploadForm, status: int = 200):
    return (
        render_template(
            "plans/documents/index.html",
            plan=plan,
            form=form,
            documents=documents_for(plan),
            may_upload=can_upload(current_user, plan),
        ),
        status,
    )


@bp.get("/<int:plan_id>/documents/")
@checks_access
def index(plan_id: int):
    plan = plan_or_404(plan_id)
    return _page(plan, UploadForm())


@bp.post("/<int:plan_id>/documents/")
@checks_access
def upload(plan_id: int):
    plan = plan_or_404(plan_id)
    if not can_upload(current_user, plan):
        refuse(403, "upload", "plan", plan.id)
    form = UploadForm()
    if form.validate_on_submit():
        try:
            add_document(
                plan,
                form.file.data,
                title=form.title.data,
                description=form.description.data,
                user=current_user,
            )
        except UploadRefused as refused:
            db.session.rollback()
            form.file.errors = [refused.message]
        else:
            db.session.commit()
            flash(_("Your document was uploaded. Everyone who can see the plan has been told."), "success")
            return redirect(url_for("plan_documents.index", plan_id=plan.id), 303)
    return _page(plan, form)


@bp.get("/<int:plan_id>/documents/<int:document_id>")
@checks_access
def download(plan_id: int, document_id: int):
    plan = plan_or_404(plan_id)
    document = _document_or_404(plan, document_id)
    try:
        response = storage.send(document.stored)  # checked in full before a byte is sent
    except storage.StorageError:
        log.exception("plan document %s failed its check", document.id)
        return render_template("plans/documents/unavailable.html", plan=plan), 500
    record_plan_event("plan.document_downloaded", plan, detail=f"document {document.id}")
    db.session.commit()
    return response


# Template helpers.


@bp.app_template_global()
def plan_page_url(plan: Plan) -> str | None:
    """The plan's own page, once the plan viewer provides one."""
    try:
        return url_for("plans.plan", plan_id=plan.id)
    except BuildError:
        return None


@bp.app_template_global()
def file_label(stored: storage.StoredFile) -> str:
    filetype = TYPES.get(stored.kind)
    return str(filetype.label) if filetype else stored.kind


@bp.app_template_global()
def file_size(size: int) -> str:
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(max(1, round(size / 1024))))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))
