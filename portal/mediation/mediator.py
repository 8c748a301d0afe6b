"""Mediation for mediators: /mediator/ (slots, assigned requests, outcomes, certificates, data return)."""

from datetime import date, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import audit
from portal.extensions import db
from portal.mediation import data_return, forms, service
from portal.mediation.deadlines import deadlines_for, today_in_england
from portal.mediation.models import Slot
from portal.security import checks_access, refuse, roles_required

bp = Blueprint("mediator", __name__, url_prefix="/mediator")


@bp.get("/")
@roles_required("mediator")
def index():
    items = service.visible_requests(current_user)
    return render_template(
        "mediator/index.html",
        items=items,
        bookings=service.active_bookings([r.id for r in items]),
        deadlines={r.id: deadlines_for(r) for r in items},
    )


@bp.route("/slots", methods=["GET", "POST"])
@roles_required("mediator")
def slots():
    form = forms.SlotForm()
    if form.validate_on_submit():
        made = service.offer_slots(
            current_user,
            form.day.data,
            form.start_time(),
            form.minutes.data,
            form.mode.data,
            (form.place.data or "").strip(),
            form.weeks.data,
        )
        if made:
            flash(_("Slots offered: %(count)s.", count=len(made)), "success")
        else:
            flash(_("You already offer that time."), "error")
        return redirect(url_for("mediator.slots"), 303)
    return render_template(
        "mediator/slots.html",
        form=form,
        rows=service.mediator_slots(current_user.id),
        withdraw=forms.EmptyForm(),
    )


@bp.post("/slots/<int:slot_id>/withdraw")
@roles_required("mediator")
@checks_access
def withdraw(slot_id: int):
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.mediator_id != current_user.id:
        refuse(404, "mediation slot", "mediation_slot", slot_id)
    if forms.EmptyForm().validate_on_submit():
        if service.withdraw_slot(slot, current_user):
            flash(_("The slot is no longer offered."), "success")
        else:
            flash(_("A family has booked this slot, so it cannot be withdrawn."), "error")
    return redirect(url_for("mediator.slots"), 303)


def _assigned(request_id: int):
    item = service.get_request(request_id)
    if item is None or not service.is_assigned_mediator(current_user, item):
        refuse(404, "mediation request: not the assigned mediator", "mediation_request", request_id)
    return item


def _page(item, outcome_form=None):
    return render_template(
        "mediator/request.html",
        item=item,
        booking=service.active_booking(item.id),
        deadlines=deadlines_for(item),
        outcome_form=outcome_form or forms.OutcomeForm(),
        action_form=forms.EmptyForm(),
        form=outcome_form,
    )


@bp.get("/requests/<int:request_id>")
@checks_access
def show(request_id: int):
    return _page(_assigned(request_id))


@bp.post("/requests/<int:request_id>/confirm")
@checks_access
def confirm(request_id: int):
    item = _assigned(request_id)
    if forms.EmptyForm().validate_on_submit() and service.confirm_booking(item, current_user):
        flash(_("Booking confirmed. The family has been told."), "success")
    return redirect(url_for("mediator.show", request_id=item.id), 303)


@bp.post("/requests/<int:request_id>/outcome")
@checks_access
def outcome(request_id: int):
    item = _assigned(request_id)
    form = forms.OutcomeForm()
    if form.validate_on_submit():
        service.record_outcome(item, current_user, form.held_on.data, form.outcome.data)
        flash(_("Outcome recorded. Now issue the certificate."), "success")
        return redirect(url_for("mediator.show", request_id=item.id), 303)
    return _page(item, form)


@bp.post("/requests/<int:request_id>/certificate")
@checks_access
def certificate(request_id: int):
    item = _assigned(request_id)
    if forms.EmptyForm().validate_on_submit():
        service.issue_certificate(item, current_user)
        flash(_("Certificate issued. The family can download it now."), "success")
    return redirect(url_for("mediator.show", request_id=item.id), 303)


def _period():
    """The chosen period from the GET form; the last 90 days until one is chosen (or while it is wrong)."""
    today = today_in_england()
    start, end = today - timedelta(days=90), today
    if "start" in request.args:
        form = forms.PeriodForm(formdata=request.args)
        if form.validate():
            start, end = form.start.data, form.end.data
    else:
        form = forms.PeriodForm(data={"start": start, "end": end})
    return form, start, end


def _as_parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


@bp.get("/data-return")
@roles_required("mediator", "caseworker")
def data_return_page():
    form, start, end = _period()
    result = data_return.build(start, end)
    return render_template(
        "mediator/data_return.html",
        form=form,
        result=result,
        shown=data_return.shown,
        csv_url=url_for("mediator.data_return_csv", start=_as_parts(start), end=_as_parts(end)),
        start=start,
        end=end,
    )


@bp.get("/data-return.csv")
@roles_required("mediator", "caseworker")
def data_return_csv():
    _form, start, end = _period()
    body = data_return.to_csv(data_return.build(start, end))
    audit.record("mediation.data_return_downloaded", actor_id=current_user.id, detail=f"{start} to {end}")
    db.session.commit()
    return Response(
        "\ufeff" + body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="mediation-data-return-{start}-{end}.csv"'},
    )
