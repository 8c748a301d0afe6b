"""Keeping listings true: service editors propose changes, the council approves; the public reports errors.

A service editor linked to an organisation (an OrganisationEditor row) opens one of its listings at
/edit/local-offer/services/<id>, changes what is out of date and sends it. That stores a pending
ListingVersion whose `data` is the whole listing as it would be (importer.snapshot with the edits), plus
`base`, the edited fields as they were when the editor saw them; the public listing does not change.
Sending again while it is still pending replaces that proposal rather than adding a second. A caseworker
or admin reviews pending changes, oldest first, at /staff/local-offer/changes, sees them side by side with
the published listing, and approves or rejects them (a rejection needs a reason). Approving applies only
the fields the editor changed onto the listing as it is now (so a change approved in between is not undone),
sets last_reviewed to today, refreshes the search index and stores the published record in the version;
rejecting changes nothing. Either way the proposer gets an email that only links to the decision, and
every proposal and decision is audited. Versions are never deleted: /staff/local-offer/services/<id>/history
lists them all. Anyone, signed in or not, can say a listing is wrong at /local-offer/services/<id>/report
(rate limited per address); caseworkers see open reports at /staff/local-offer/reports and mark them dealt
with.
"""

from dataclasses import dataclass

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from portal import audit, outbox
from portal.accounts.models import User
from portal.extensions import db, limiter
from portal.local_offer import importer, search
from portal.local_offer.editing_forms import EDITABLE, LABELS, DecisionForm, ProposalForm, ReportForm
from portal.local_offer.models import ListingReport, ListingVersion, OrganisationEditor, Service
from portal.security import checks_access, public, refuse, roles_required
from portal.timeutil import utcnow

bp = Blueprint("listing_editing", __name__)
EDITORS = ("service_editor",)
COUNCIL = ("caseworker", "admin")


# Rules: who may edit what, what changed, proposing and deciding.


def _my_organisations():
    return select(OrganisationEditor.organisation_id).where(OrganisationEditor.user_id == current_user.id)


def _fields(service: Service) -> tuple[str, ...]:
    return EDITABLE if service.kind == "setting" else tuple(f for f in EDITABLE if f != "how_to_visit")


@dataclass
class Change:
    label: str
    before: str
    after: str
    moved: bool = False  # the published value changed after this was proposed


def _shown(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def changes(version: ListingVersion, current: dict | None = None) -> list[Change]:
    """The fields a version changes: before → after. For a pending one, `before` is what is published now."""
    data = version.data
    base = data.get("base") or {f: (current or {}).get(f) for f in EDITABLE if f in data}
    found = []
    for field in EDITABLE:
        if field in base and data.get(field) != base[field]:
            before = current.get(field) if current is not None else base.get(field)
            moved = current is not None and current.get(field) != base.get(field)
            found.append(Change(str(LABELS[field]), _shown(before), _shown(data.get(field)), moved))
    return found


def propose(service: Service, values: dict, pending: ListingVersion | None) -> ListingVersion | None:
    """Store the edited listing as a pending version (replacing the editor's own pending one).

    Returns None when nothing differs from the published listing."""
    current = importer.snapshot(service)
    fields = _fields(service)
    if all(values[f] == current.get(f) for f in fields):
        return None
    data = {**current, **{f: values[f] for f in fields}, "base": {f: current.get(f) for f in fields}}
    version = pending or ListingVersion(service_id=service.id, proposed_by=current_user.id)
    version.data, version.proposed_at = data, utcnow()
    db.session.add(version)
    db.session.flush()
    edited = ",".join(f for f in fields if values[f] != current.get(f))
    audit.record(
        "local_offer.change_proposed",
        actor_id=current_user.id,
        object_type="listing_version",
        object_id=version.id,
        detail=f"service={service.id} fields={edited}",
    )
    db.session.commit()
    return version


def decide(version: ListingVersion, approve: bool, reason: str) -> bool:
    """Approve (publish) or reject a pending version. False if someone else decided it first."""
    claimed = db.session.execute(
        update(ListingVersion)
        .where(ListingVersion.id == version.id, ListingVersion.status == "pending")
        .values(
            status="approved" if approve else "rejected",
            decided_by=current_user.id,
            decided_at=utcnow(),
            reason=reason,
        )
    ).rowcount
    if not claimed:
        db.session.rollback()
        return False
    db.session.refresh(version)
    if approve:
        service = version.service
        current = importer.snapshot(service)
        # A version stored without `base` (made outside these pages) is applied whole.
        base = version.data.get("base") or {f: None for f in EDITABLE if f in version.data}
        edited = {f: version.data.get(f) for f in EDITABLE if f in base and version.data.get(f) != base[f]}
        record = {**current, **edited, "last_reviewed": utcnow().date().isoformat()}
        importer.apply(service, record)
        search.reindex([service])
        version.data = {**record, "base": {f: current.get(f) for f in _fields(service)}}
    audit.record(
        "local_offer.change_approved" if approve else "local_offer.change_rejected",
        actor_id=current_user.id,
        object_type="listing_version",
        object_id=version.id,
        detail=f"service={version.service_id}",
    )
    _tell_proposer(version)
    db.session.commit()
    return True


def _tell_proposer(version: ListingVersion) -> None:
    proposer = db.session.get(User, version.proposed_by) if version.proposed_by else None
    if proposer is None:
        return
    link = current_app.config["PORTAL_BASE_URL"].rstrip("/") + url_for(
        "listing_editing.proposal", version_id=version.id
    )
    with force_locale(proposer.preferred_language or "en"):
        if version.status == "approved":
            subject = _("Your change to a Local Offer listing was approved")
        else:
            subject = _("Your change to a Local Offer listing was rejected")
        outbox.queue(proposer.email, subject, _("See the decision here: %(link)s", link=link))


def _emails(user_ids) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


def _people(versions) -> dict[int, str]:
    return _emails([v.proposed_by for v in versions] + [v.decided_by for v in versions])


# Service editors.


@bp.get("/edit/local-offer/")
@roles_required(*EDITORS)
def index():
    services = list(
        db.session.scalars(
            select(Service).where(Service.organisation_id.in_(_my_organisations())).order_by(Service.name)
        )
    )
    proposals = list(
        db.session.scalars(
            select(ListingVersion)
            .options(joinedload(ListingVersion.service))
            .where(ListingVersion.proposed_by == current_user.id)
            .order_by(ListingVersion.proposed_at.desc(), ListingVersion.id.desc())
            .limit(100)
        )
    )
    pending = {v.service_id for v in proposals if v.status == "pending"}
    return render_template(
        "local_offer/editing/index.html", services=services, proposals=proposals, pending=pending
    )


@bp.route("/edit/local-offer/services/<service_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
@checks_access
def edit(service_id: str):
    service = db.session.scalar(
        select(Service).where(Service.id == service_id, Service.organisation_id.in_(_my_organisations()))
    )
    if service is None:
        refuse(404, "not an editor of this listing", "service", service_id)
    pending = db.session.scalar(
        select(ListingVersion).where(
            ListingVersion.service_id == service.id,
            ListingVersion.proposed_by == current_user.id,
            ListingVersion.status == "pending",
        )
    )
    record = pending.data if pending else importer.snapshot(service)
    form = ProposalForm(data={**record, "keywords": ", ".join(record.get("keywords") or [])})
    if service.kind != "setting":
        del form.how_to_visit
    if form.validate_on_submit():
        version = propose(service, form.values(), pending)
        if version is None:
            flash(_("You did not change anything, so nothing was sent."), "info")
            return redirect(url_for(".index"))
        flash(_("Your change was sent to the council. The listing changes when they approve it."), "success")
        return redirect(url_for(".proposal", version_id=version.id))
    return render_template("local_offer/editing/edit.html", form=form, service=service, pending=pending)


@bp.get("/edit/local-offer/changes/<int:version_id>")
@roles_required(*EDITORS)
@checks_access
def proposal(version_id: int):
    version = db.session.scalar(
        select(ListingVersion)
        .join(Service, Service.id == ListingVersion.service_id)
        .where(
            ListingVersion.id == version_id,
            or_(
                ListingVersion.proposed_by == current_user.id,
                Service.organisation_id.in_(_my_organisations()),
            ),
        )
    )
    if version is None:
        refuse(404, "not an editor of this listing", "listing_version", version_id)
    current = importer.snapshot(version.service) if version.status == "pending" else None
    return render_template(
        "local_offer/editing/proposal.html",
        version=version,
        changes=changes(version, current),
        people=_people([version]),
    )


# The council.


@bp.get("/staff/local-offer/changes")
@roles_required(*COUNCIL)
def queue():
    versions = list(
        db.session.scalars(
            select(ListingVersion)
            .options(joinedload(ListingVersion.service))
            .where(ListingVersion.status == "pending")
            .order_by(ListingVersion.proposed_at, ListingVersion.id)
        )
    )
    return render_template("local_offer/editing/queue.html", versions=versions, people=_people(versions))


@bp.route("/staff/local-offer/changes/<int:version_id>", methods=["GET", "POST"])
@roles_required(*COUNCIL)
@checks_access
def review(version_id: int):
    version = db.session.get(ListingVersion, version_id)
    if version is None:
        refuse(404, "no such listing version", "listing_version", version_id)
    form = DecisionForm()
    own = version.proposed_by == current_user.id  # the council approves: nobody approves their own change
    if request.method == "POST" and (version.status != "pending" or own):
        if version.status != "pending":
            flash(_("This change has already been decided."), "info")
        else:
            flash(_("Someone else must decide on a change you proposed."), "info")
        return redirect(url_for(".review", version_id=version.id))
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        if not decide(version, approve, (form.reason.data or "").strip()):
            flash(_("This change has already been decided."), "info")
            return redirect(url_for(".review", version_id=version_id))
        flash(_("Change approved and published.") if approve else _("Change rejected."), "success")
        return redirect(url_for(".queue"))
    current = importer.snapshot(version.service) if version.status == "pending" else None
    return render_template(
        "local_offer/editing/review.html",
        form=form,
        version=version,
        own=own,
        changes=changes(version, current),
        people=_people([version]),
    )


@bp.get("/staff/local-offer/services/<service_id>/history")
@roles_required(*COUNCIL)
@checks_access
def history(service_id: str):
    service = db.session.get(Service, service_id)
    if service is None:
        refuse(404, "no such listing", "service", service_id)
    versions = list(
        db.session.scalars(
            select(ListingVersion)
            .where(ListingVersion.service_id == service.id)
            .order_by(ListingVersion.proposed_at.desc(), ListingVersion.id.desc())
        )
    )
    return render_template(
        "local_offer/editing/history.html", service=service, versions=versions, people=_people(versions)
    )


@bp.get("/staff/local-offer/reports")
@roles_required(*COUNCIL)
def reports():
    rows = db.session.execute(
        select(ListingReport, Service.name)
        .join(Service, Service.id == ListingReport.service_id)
        .where(ListingReport.resolved_at.is_(None))
        .order_by(ListingReport.created_at, ListingReport.id)
    ).all()
    return render_template("local_offer/editing/reports.html", rows=rows)


@bp.post("/staff/local-offer/reports/<int:report_id>/resolve")
@roles_required(*COUNCIL)
@checks_access
def resolve_report(report_id: int):
    report = db.session.get(ListingReport, report_id)
    if report is None:
        refuse(404, "no such report", "listing_report", report_id)
    if report.resolved_at is None:
        report.resolved_at = utcnow()
        audit.record(
            "local_offer.report_resolved",
            actor_id=current_user.id,
            object_type="listing_report",
            object_id=report.id,
            detail=f"service={report.service_id}",
        )
        db.session.commit()
    flash(_("Report marked as dealt with."), "success")
    return redirect(url_for(".reports"))


# Families and the public.


def _listing(service_id: str) -> Service:
    service = db.session.get(Service, service_id)
    if service is None:
        refuse(404, "no such listing", "service", service_id)
    return service


@bp.route("/local-offer/services/<service_id>/report", methods=["GET", "POST"])
@public
@checks_access
@limiter.limit("5 per hour", methods=["POST"])
def report(service_id: str):
    service = _listing(service_id)  # listings are public: existing is the only check
    form = ReportForm()
    if form.validate_on_submit():
        row = ListingReport(
            service_id=service.id,
            message=form.message.data.strip(),
            reply_to=(form.reply_to.data or "").strip() or None,
        )
        db.session.add(row)
        db.session.flush()
        audit.record(
            "local_offer.report_received",
            actor_id=current_user.id if current_user.is_authenticated else None,
            object_type="listing_report",
            object_id=row.id,
            detail=f"service={service.id}",
        )
        db.session.commit()
        return redirect(url_for(".report_sent", service_id=service.id))
    return render_template("local_offer/editing/report.html", form=form, service=service)


@bp.get("/local-offer/services/<service_id>/report/sent")
@public
@checks_access
def report_sent(service_id: str):
    return render_template("local_offer/editing/report_sent.html", service=_listing(service_id))
