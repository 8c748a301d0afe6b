"""Caseworker pages: create a plan, write a version section by section (or import it), publish it,
change key dates, invite people and end their access.

Only a council caseworker may use these. Anyone else gets 404 for a page naming a plan (as if it did not
exist) and 403 for /plans/new.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.plans import access, forms, importer, service
from portal.plans.access import plan_or_404, record_plan_event
from portal.plans.models import (
    AdviceDocument,
    Need,
    Outcome,
    PlanAccess,
    PlanInvitation,
    PlanVersion,
    ProvisionLine,
    PublishedVersionError,
    SectionAEntry,
)
from portal.plans.routes import bp
from portal.security import checks_access, refuse, roles_required
from portal.timeutil import utcnow

MAX_IMPORT_BYTES = 2 * 1024 * 1024

# What each kind of item in a version is, its form, and the section page it belongs on.
KINDS = {
    "views": (SectionAEntry, forms.ViewsForm),
    "needs": (Need, forms.NeedForm),
    "outcomes": (Outcome, forms.OutcomeForm),
    "provision": (ProvisionLine, forms.ProvisionForm),
    "advice": (AdviceDocument, forms.AdviceForm),
}


def _casework_plan(plan_id: int):
    plan = plan_or_404(plan_id)
    if access.role_on_plan(current_user, plan) != "caseworker":
        refuse(404, "caseworkers only", "plan", plan_id)
    return plan


def _draft(plan, number: int) -> PlanVersion:
    version = db.session.scalar(
        select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.number == number)
    )
    if version is None:
        refuse(404, "plan version", "plan", plan.id)
    if version.is_published:
        flash(_("Version %(number)s is published and cannot change.", number=number), "info")
        abort(redirect(url_for("plans.version", plan_id=plan.id, number=number)))
    return version


@bp.route("/new", methods=["GET", "POST"])
@roles_required("caseworker")
def new_plan():
    form = forms.NewPlanForm()
    if form.validate_on_submit():
        plan = service.create_plan(
            full_name=form.full_name.data,
            preferred_name=form.preferred_name.data,
            date_of_birth=form.date_of_birth.data,
            reference=form.reference.data,
            assessment_requested_on=form.assessment_requested_on.data,
            actor=current_user,
        )
        db.session.commit()
        flash(_("Plan created. Now write or import its first version."), "success")
        return redirect(url_for(".plan", plan_id=plan.id))
    return render_template("plans/casework/new.html", form=form)


@bp.route("/<int:plan_id>/dates/edit", methods=["GET", "POST"])
@checks_access
def edit_dates(plan_id: int):
    plan = _casework_plan(plan_id)
    form = forms.DatesForm(obj=plan)
    if form.validate_on_submit():
        plan.next_review_due = form.next_review_due.data
        plan.assessment_requested_on = form.assessment_requested_on.data
        plan.assessment_decided_on = form.assessment_decided_on.data
        record_plan_event("plan.dates_changed", plan)
        db.session.commit()
        flash(_("Key dates saved."), "success")
        return redirect(url_for(".dates", plan_id=plan.id))
    return render_template("plans/casework/dates.html", plan=plan, form=form)


@bp.route("/<int:plan_id>/invite", methods=["GET", "POST"])
@checks_access
def invite(plan_id: int):
    plan = _casework_plan(plan_id)
    form = forms.InviteForm()
    if form.validate_on_submit():
        service.invite(
            plan,
            email=form.email.data,
            role=form.role.data,
            purpose=form.purpose.data if form.role.data == "professional" else None,
            access_until=form.access_until.data if form.role.data == "professional" else None,
            actor=current_user,
        )
        db.session.commit()
        flash(_("Invitation sent to %(email)s. The code in it works once.", email=form.email.data), "success")
        return redirect(url_for(".access_page", plan_id=plan.id))
    return render_template("plans/casework/invite.html", plan=plan, form=form)


@bp.post("/<int:plan_id>/access/<int:access_id>/end")
@checks_access
def end_access(plan_id: int, access_id: int):
    plan = _casework_plan(plan_id)
    row = db.session.get(PlanAccess, access_id)
    if row is None or row.plan_id != plan.id:
        refuse(404, "plan access", "plan", plan_id)
    if forms.ButtonForm().validate_on_submit() and row.revoked_at is None:
        service.end_access(row, current_user)
        record_plan_event("plan.access_withdrawn", plan, f"{row.role} {row.user_id} by caseworker")
        db.session.commit()
        flash(_("%(email)s can no longer see this plan.", email=row.user.email), "success")
    return redirect(url_for(".access_page", plan_id=plan.id))


@bp.post("/<int:plan_id>/invitations/<int:invitation_id>/cancel")
@checks_access
def cancel_invitation(plan_id: int, invitation_id: int):
    plan = _casework_plan(plan_id)
    invitation = db.session.get(PlanInvitation, invitation_id)
    if invitation is None or invitation.plan_id != plan.id:
        refuse(404, "plan invitation", "plan", plan_id)
    if forms.ButtonForm().validate_on_submit() and invitation.is_open():
        invitation.cancelled_at = utcnow()
        record_plan_event("plan.invitation_cancelled", plan, f"{invitation.role} invitation {invitation.id}")
        db.session.commit()
        flash(
            _("The invitation to %(email)s was cancelled. Its code no longer works.", email=invitation.email),
            "success",
        )
    return redirect(url_for(".access_page", plan_id=plan.id))


@bp.post("/<int:plan_id>/versions/new")
@checks_access
def new_version(plan_id: int):
    plan = _casework_plan(plan_id)
    if forms.ButtonForm().validate_on_submit():
        version = service.start_version(plan, current_user)
        db.session.commit()
        return redirect(url_for(".edit_version", plan_id=plan.id, number=version.number))
    return redirect(url_for(".plan", plan_id=plan.id))


@bp.route("/<int:plan_id>/versions/import", methods=["GET", "POST"])
@checks_access
def import_version(plan_id: int):
    plan = _casework_plan(plan_id)
    form = forms.ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(MAX_IMPORT_BYTES + 1) if upload else b""
        if not raw:
            form.file.errors.append(_("Choose a plan file"))
        elif len(raw) > MAX_IMPORT_BYTES:
            form.file.errors.append(_("The file must be smaller than 2 MB"))
        else:
            try:
                data = importer.load(raw.decode("utf-8"))
                made = service.import_versions(plan, data, current_user)
            except importer.PlanFormatError as error:
                db.session.rollback()
                problems = error.problems
                form.file.errors.append(_("The file does not follow the plan format"))
            except (ValueError, PublishedVersionError) as error:
                db.session.rollback()
                form.file.errors.append(str(error))
            else:
                db.session.commit()
                flash(ngettext_versions(len(made)), "success")
                return redirect(url_for(".history", plan_id=plan.id))
    return render_template("plans/casework/import.html", plan=plan, form=form, problems=problems)


def ngettext_versions(count: int) -> str:
    from flask_babel import ngettext

    return ngettext("%(num)d version imported.", "%(num)d versions imported.", count)


@bp.get("/<int:plan_id>/versions/<int:number>/edit")
@checks_access
def edit_version(plan_id: int, number: int):
    plan = _casework_plan(plan_id)
    _draft(plan, number)
    version = service.load_version(plan, number, published=False)
    return render_template(
        "plans/casework/edit.html",
        plan=plan,
        version=version,
        sections=service.SECTION_TITLES,
        form=forms.ButtonForm(),
    )


def _choices(version: PlanVersion, kind: str):
    if kind == "outcomes":
        return [(str(n.id), f"{n.ref} ({n.section}): {n.text[:80]}") for n in version.needs]
    if kind == "provision":
        return [(str(o.id), f"{o.ref}: {o.text[:80]}") for o in version.outcomes]
    return None


def _item_form(form_class, version: PlanVersion, kind: str, item):
    """The form for an item, filled from it on first show, offering this version's needs or outcomes."""
    form = form_class(obj=item) if item is not None and request.method == "GET" else form_class()
    if item is not None and request.method == "GET":
        if kind == "outcomes":
            form.needs.data = [str(n.id) for n in item.needs]
        if kind == "provision":
            form.outcomes.data = [str(o.id) for o in item.outcomes]
    choices = _choices(version, kind)
    if choices is not None:
        getattr(form, "needs" if kind == "outcomes" else "outcomes").choices = choices
    return form


def _next_ref(rows, prefix: str) -> str:
    taken = {row.ref for row in rows}
    number = len(rows) + 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def _save_item(version: PlanVersion, kind: str, item, form) -> None:
    if kind == "views":
        item.text, item.source = form.text.data.strip(), (form.source.data or "").strip() or None
    elif kind == "needs":
        if item.section != form.section.data or not item.ref:
            item.ref = _next_ref(
                [n for n in version.needs if n.section == form.section.data], form.section.data
            )
        item.section, item.area, item.text = form.section.data, form.area.data, form.text.data.strip()
    elif kind == "outcomes":
        if not item.ref:
            item.ref = _next_ref(version.outcomes, "E")
        item.text, item.by_when, item.steps = (
            form.text.data.strip(),
            form.by_when.data or "",
            form.steps.data or "",
        )
        chosen = set(form.needs.data)
        item.needs = [n for n in version.needs if str(n.id) in chosen]
    elif kind == "provision":
        item.section, item.what = form.section.data, form.what.data.strip()
        item.who, item.how_often = form.who.data.strip(), form.how_often.data.strip()
        item.how_long, item.funded_by = form.how_long.data.strip(), form.funded_by.data.strip()
        chosen = set(form.outcomes.data)
        item.outcomes = [o for o in version.outcomes if str(o.id) in chosen]
    elif kind == "advice":
        item.title, item.author, item.dated = form.title.data.strip(), form.author.data or "", form.dated.data


@bp.route("/<int:plan_id>/versions/<int:number>/<kind>/new", methods=["GET", "POST"])
@bp.route("/<int:plan_id>/versions/<int:number>/<kind>/<int:item_id>", methods=["GET", "POST"])
@checks_access
def edit_item(plan_id: int, number: int, kind: str, item_id: int | None = None):
    plan = _casework_plan(plan_id)
    if kind not in KINDS:
        abort(404)
    _draft(plan, number)
    version = service.load_version(plan, number, published=False)
    model, form_class = KINDS[kind]
    item = None
    if item_id is not None:
        item = db.session.get(model, item_id)
        if item is None or item.version_id != version.id:
            refuse(404, "plan item", "plan", plan_id)
    form = _item_form(form_class, version, kind, item)
    if form.validate_on_submit():
        if item is None:
            item = model(position=len(getattr(version, "views" if kind == "views" else kind)))
            getattr(version, "views" if kind == "views" else kind).append(item)
            if kind == "views":
                item.added_by_id = current_user.id
        _save_item(version, kind, item, form)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".edit_version", plan_id=plan.id, number=number) + f"#{kind}")
    return render_template(
        "plans/casework/item.html", plan=plan, version=version, kind=kind, item=item, form=form
    )


@bp.post("/<int:plan_id>/versions/<int:number>/<kind>/<int:item_id>/remove")
@checks_access
def remove_item(plan_id: int, number: int, kind: str, item_id: int):
    plan = _casework_plan(plan_id)
    if kind not in KINDS:
        abort(404)
    version = _draft(plan, number)
    item = db.session.get(KINDS[kind][0], item_id)
    if item is None or item.version_id != version.id:
        refuse(404, "plan item", "plan", plan_id)
    if forms.ButtonForm().validate_on_submit():
        db.session.delete(item)
        db.session.commit()
        flash(_("Removed."), "success")
    return redirect(url_for(".edit_version", plan_id=plan.id, number=number) + f"#{kind}")


@bp.route("/<int:plan_id>/versions/<int:number>/placement", methods=["GET", "POST"])
@checks_access
def edit_placement(plan_id: int, number: int):
    plan = _casework_plan(plan_id)
    version = _draft(plan, number)
    form = forms.PlacementForm(obj=version)
    if request.method == "GET" and version.budget_amount_pence is not None:
        form.budget_amount.data = f"{version.budget_amount_pence / 100:.2f}"
    if form.validate_on_submit():
        version.placement_name = (form.placement_name.data or "").strip() or None
        version.placement_type = (form.placement_type.data or "").strip() or None
        version.placement_notes = form.placement_notes.data or ""
        version.budget_summary = form.budget_summary.data or ""
        version.budget_amount_pence = getattr(form.budget_amount, "pence", None)
        version.direct_payments = bool(form.direct_payments.data)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".edit_version", plan_id=plan.id, number=number) + "#placement")
    return render_template("plans/casework/placement.html", plan=plan, version=version, form=form)


@bp.route("/<int:plan_id>/versions/<int:number>/publish", methods=["GET", "POST"])
@checks_access
def publish(plan_id: int, number: int):
    plan = _casework_plan(plan_id)
    version = _draft(plan, number)
    form = forms.PublishForm(obj=version)
    if form.validate_on_submit():
        problem = service.publish_problem(version, form.status.data, form.reason.data)
        if problem:
            form.reason.errors.append(problem)
        else:
            service.publish(
                version,
                current_user,
                status=form.status.data,
                issued_on=form.issued_on.data,
                reason=form.reason.data,
            )
            db.session.commit()
            flash(_("Version %(number)s is published. The family has been told.", number=number), "success")
            return redirect(url_for(".history", plan_id=plan.id))
    return render_template("plans/casework/publish.html", plan=plan, version=version, form=form)


@bp.post("/<int:plan_id>/versions/<int:number>/discard")
@checks_access
def discard_version(plan_id: int, number: int):
    plan = _casework_plan(plan_id)
    version = _draft(plan, number)
    if forms.ButtonForm().validate_on_submit():
        service.discard(version)
        db.session.commit()
        flash(_("The unpublished version was deleted."), "success")
    return redirect(url_for(".plan", plan_id=plan.id))
