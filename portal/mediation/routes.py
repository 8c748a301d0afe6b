"""Mediation for families: /mediation/ (information, the request, booking, certificate)."""

from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal import audit
from portal.extensions import db
from portal.mediation import forms, service
from portal.mediation.certificate import certificate_pdf
from portal.mediation.deadlines import deadlines_for
from portal.mediation.ics import booking_calendar
from portal.mediation.models import AREAS, BOOKING_STATUSES, DECISIONS, MODES, OUTCOMES
from portal.security import checks_access, public, refuse, roles_required

bp = Blueprint("mediation", __name__, url_prefix="/mediation")

SESSION_KEY = "mediation_request"
FAMILY = service.FAMILY_ROLES
LABELS = {
    "decisions": DECISIONS,
    "areas": AREAS,
    "modes": MODES,
    "outcomes": OUTCOMES,
    "statuses": BOOKING_STATUSES,
}


@bp.app_template_global()
def mediation_label(kind: str, key: str | None) -> str:
    """A stored key (decision, area, mode, outcome, booking status) in the page's language."""
    return str(LABELS[kind].get(key, key or ""))


@bp.get("/")
@public
def index():
    mine = service.visible_requests(current_user, limit=20) if current_user.is_authenticated else []
    return render_template("mediation/index.html", requests=mine)


@bp.get("/requests/")
def requests():
    items = service.visible_requests(current_user)
    return render_template(
        "mediation/requests.html",
        items=items,
        bookings=service.active_bookings([r.id for r in items]),
        deadlines={r.id: deadlines_for(r) for r in items},
    )


# The request: one question per page, answers kept in the session until they are sent.

STEPS = [
    # (slug, endpoint suffix, form, session keys)
    ("decision", forms.DecisionForm, ("decision",)),
    ("letter-date", forms.LetterDateForm, ("letter_date",)),
    ("about", forms.AreasForm, ("areas",)),
    ("access-needs", forms.AccessNeedsForm, ("access_needs",)),
    ("interpreter", forms.InterpreterForm, ("interpreter", "language")),
    ("mediation-or-certificate", forms.WantsForm, ("wants",)),
]
REQUIRED = ("decision", "letter_date", "areas", "access_needs", "interpreter", "wants")


def _endpoint(slug: str) -> str:
    return "mediation.step_" + slug.replace("-", "_")


def _answers() -> dict:
    answers = session.get(SESSION_KEY)
    if not isinstance(answers, dict) or not answers.get("token"):
        answers = {"token": service.new_token()}
        session[SESSION_KEY] = answers
    return answers


def _first_missing(answers: dict) -> str | None:
    for slug, _form, keys in STEPS:
        if any(key not in answers for key in keys if key in REQUIRED):
            return slug
    return None


@bp.get("/request")
@roles_required(*FAMILY)
def start():
    return render_template("mediation/start.html", first=url_for(_endpoint(STEPS[0][0])))


def _make_step(index: int):
    slug, form_class, keys = STEPS[index]

    @roles_required(*FAMILY)
    def view():
        answers = _answers()
        changing = request.args.get("change") == "1"
        if request.method == "GET":
            data = dict(answers)
            if "letter_date" in data:
                data["letter_date"] = date.fromisoformat(data["letter_date"])
            form = form_class(data=data)
        else:
            form = form_class()
        if form.validate_on_submit():
            for key in keys:
                value = getattr(form, key).data
                if key == "letter_date":
                    value = value.isoformat()
                answers[key] = value.strip() if isinstance(value, str) and key != "interpreter" else value
            session[SESSION_KEY] = answers
            session.modified = True
            if changing or index == len(STEPS) - 1:
                return redirect(url_for("mediation.check"))
            return redirect(url_for(_endpoint(STEPS[index + 1][0])))
        back = (
            url_for("mediation.check")
            if changing
            else (url_for(_endpoint(STEPS[index - 1][0])) if index else url_for("mediation.start"))
        )
        return render_template(
            "mediation/step.html",
            form=form,
            question=keys[0],
            extra=keys[1:],
            back=back,
            action=url_for(_endpoint(slug), change="1") if changing else url_for(_endpoint(slug)),
        )

    view.__name__ = "step_" + slug.replace("-", "_")
    return view


for _index, (_slug, _form, _keys) in enumerate(STEPS):
    bp.add_url_rule(
        f"/request/{_slug}",
        endpoint="step_" + _slug.replace("-", "_"),
        view_func=_make_step(_index),
        methods=["GET", "POST"],
    )


@bp.route("/request/check", methods=["GET", "POST"])
@roles_required(*FAMILY)
def check():
    form = forms.SendRequestForm()
    if request.method == "POST" and form.validate_on_submit():
        # A resubmitted form (double click, back button, refresh) carries the same token: same request.
        existing = service.find_by_token(form.token.data or "")
        if existing is not None:
            if existing.family_id != current_user.id:
                refuse(404, "mediation request token", "mediation_request", existing.id)
            session.pop(SESSION_KEY, None)
            return redirect(url_for("mediation.confirmation", request_id=existing.id), 303)
    answers = session.get(SESSION_KEY) or {}
    missing = _first_missing(answers) if answers.get("token") else STEPS[0][0]
    if missing:
        return redirect(url_for(_endpoint(missing)))
    if request.method == "POST" and form.validate_on_submit() and form.token.data == answers["token"]:
        made = service.create_request(current_user, answers, answers["token"])
        session.pop(SESSION_KEY, None)
        return redirect(url_for("mediation.confirmation", request_id=made.id), 303)
    form.token.data = answers["token"]
    return render_template(
        "mediation/check.html",
        form=form,
        answers=answers,
        letter_date=date.fromisoformat(answers["letter_date"]),
        decisions=DECISIONS,
        areas=AREAS,
        change=lambda slug: url_for(_endpoint(slug), change="1"),
    )


# One request: the family, its mediator and caseworkers; 404 for everyone else.


def _visible(request_id: int):
    item = service.get_request(request_id)
    if item is None or not service.can_see(current_user, item):
        refuse(404, "mediation request", "mediation_request", request_id)
    return item


def _family_only(request_id: int):
    item = _visible(request_id)
    if not service.is_family(current_user, item):
        refuse(404, "mediation request: not the family", "mediation_request", request_id)
    return item


@bp.get("/requests/<int:request_id>/confirmation")
@checks_access
def confirmation(request_id: int):
    item = _family_only(request_id)
    return render_template("mediation/confirmation.html", item=item, deadlines=deadlines_for(item))


@bp.get("/requests/<int:request_id>")
@checks_access
def show(request_id: int):
    item = _visible(request_id)
    assign_form = None
    if current_user.has_role("caseworker"):
        assign_form = forms.AssignForm()
        assign_form.mediator.choices = [("", _("Choose a mediator"))] + [
            (str(m.id), m.email) for m in service.mediators()
        ]
        assign_form.mediator.data = str(item.mediator_id or "")
    return render_template(
        "mediation/request.html",
        item=item,
        booking=service.active_booking(item.id),
        deadlines=deadlines_for(item),
        assign_form=assign_form,
        is_family=service.is_family(current_user, item),
    )


@bp.post("/requests/<int:request_id>/assign")
@checks_access
def assign(request_id: int):
    item = _visible(request_id)
    if not current_user.has_role("caseworker"):
        refuse(404, "mediation assign: not a caseworker", "mediation_request", request_id)
    form = forms.AssignForm()
    form.mediator.choices = [(str(m.id), m.email) for m in service.mediators()]
    if form.validate_on_submit() and service.assign(item, int(form.mediator.data), current_user):
        flash(_("The request has been given to the mediator."), "success")
    else:
        flash(_("Select a mediator"), "error")
    return redirect(url_for("mediation.show", request_id=item.id), 303)


def _book_form(item, slots):
    form = forms.BookForm()
    choices = [(str(s.id), "") for s in slots]
    # A time that was free when the page loaded may be gone by the time it is posted: let the booking
    # decide, so the family hears "just booked by someone else" rather than "select a time".
    posted = request.form.get("slot", "")
    if request.method == "POST" and posted.isdigit() and posted not in {value for value, _label in choices}:
        choices.append((posted, ""))
    form.slot.choices = choices
    return form


@bp.route("/requests/<int:request_id>/book", methods=["GET", "POST"])
@checks_access
def book(request_id: int):
    item = _family_only(request_id)
    current = service.active_booking(item.id)
    if item.mediator_id is None or not item.wants_mediation or item.held_on or item.certificate:
        return render_template("mediation/cannot_book.html", item=item)
    slots = service.free_slots(item.mediator_id)
    form = _book_form(item, slots)
    taken = False
    if form.validate_on_submit():
        try:
            service.book(item.id, int(form.slot.data), current_user.id)
        except service.SlotTaken:
            taken = True
            slots = service.free_slots(item.mediator_id)
            form = forms.BookForm(formdata=None)
            form.slot.choices = [(str(s.id), "") for s in slots]
        except service.BookingRefused:
            refuse(404, "mediation booking refused", "mediation_request", request_id)
        else:
            flash(_("Your mediation appointment is booked."), "success")
            return redirect(url_for("mediation.booking", request_id=item.id), 303)
    return render_template(
        "mediation/book.html",
        item=item,
        form=form,
        slots=slots,
        current=current,
        taken=taken,
        page_error=taken,
    )


@bp.get("/requests/<int:request_id>/booking")
@checks_access
def booking(request_id: int):
    item = _visible(request_id)
    current = service.active_booking(item.id)
    return render_template(
        "mediation/booking.html",
        item=item,
        booking=current,
        is_family=service.is_family(current_user, item),
    )


@bp.get("/requests/<int:request_id>/booking.ics")
@checks_access
def booking_ics(request_id: int):
    item = _visible(request_id)
    current = service.active_booking(item.id)
    if current is None:
        refuse(404, "no active mediation booking", "mediation_request", request_id)
    body = booking_calendar(item, current, current_app.config["PORTAL_BASE_URL"])
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="mediation-{item.reference}.ics"'},
    )


@bp.route("/requests/<int:request_id>/cancel", methods=["GET", "POST"])
@checks_access
def cancel(request_id: int):
    item = _family_only(request_id)
    current = service.active_booking(item.id)
    if current is None:
        return redirect(url_for("mediation.show", request_id=item.id))
    form = forms.EmptyForm()
    if form.validate_on_submit():
        service.cancel(item, current_user)
        flash(_("Your mediation appointment is cancelled. You can book another time."), "success")
        return redirect(url_for("mediation.show", request_id=item.id), 303)
    return render_template("mediation/cancel.html", item=item, booking=current, form=form)


@bp.get("/requests/<int:request_id>/certificate.pdf")
@checks_access
def certificate(request_id: int):
    item = _visible(request_id)
    if item.certificate is None:
        refuse(404, "no mediation certificate yet", "mediation_request", request_id)
    body = certificate_pdf(item, item.certificate)
    audit.record(
        "mediation.certificate_downloaded",
        actor_id=current_user.id,
        object_type="mediation_request",
        object_id=item.id,
    )
    db.session.commit()
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="certificate-{item.certificate.number}.pdf"'},
    )
