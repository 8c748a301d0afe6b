"""Giving views, one question per page: /my-views/."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.filetypes import UploadRefused, content_disposition_name
from portal.plans.models import Plan
from portal.security import checks_access, refuse
from portal.voice import service
from portal.voice.forms import QuestionForm, QuoteForm, RequestForm, SendForm, StartForm, YoungPersonStartForm
from portal.voice.models import ViewSet
from portal.voice.questions import (
    BY_KEY,
    CARDS,
    KEYS,
    PARENT,
    QUESTIONS,
    SCALE,
    YOUNG_PERSON,
    next_key,
    previous_key,
)

bp = Blueprint("voice", __name__, url_prefix="/my-views")


@bp.app_template_global()
def views_on_plan(plan) -> list[ViewSet] | None:
    """For voice/_on_plan.html: the sent views this person may read, or None when views are not theirs to
    see at all (professionals, for example), so the plan page shows nothing about them."""
    viewer = service.viewer_for(current_user, plan)
    if viewer is None:
        return None
    return service.views_for_plan(plan, viewer=viewer)


@bp.app_template_global()
def voice_face(value: int) -> tuple[str, str]:
    """A face on the 1 to 5 scale: its picture and its word."""
    picture, label = SCALE[value]
    return f"images/cards/{picture}.svg", str(label)


@bp.app_template_global()
def voice_card(key: str) -> tuple[str, str]:
    """A picture card's symbol file and its label."""
    picture, label = CARDS[key]
    return f"images/cards/{picture}.svg", str(label)


def _family_or_caseworker():
    if not current_user.has_role("young_person", "parent", "caseworker"):
        refuse(404, "views", "views", None)


def _plan(plan_id: int) -> tuple[Plan, service.Viewer]:
    plan = service.get_plan(plan_id)
    viewer = service.viewer_for(current_user, plan) if plan is not None else None
    if viewer is None:
        refuse(404, "views plan", "plan", plan_id)
    return plan, viewer


def _set(set_id: int, *, edit: bool = False) -> tuple[ViewSet, Plan, service.Viewer]:
    """The set if this person may read it (404 otherwise). With edit=True: a draft they may change (403 for a
    set they may read but not change, such as one already sent)."""
    view_set = service.get_set(set_id)
    plan = service.get_plan(view_set.plan_id) if view_set is not None else None
    viewer = service.viewer_for(current_user, plan) if plan is not None else None
    if view_set is None or not service.can_read(viewer, view_set):
        refuse(404, "views", "views", set_id)
    if edit and not service.can_edit(viewer, view_set):
        refuse(403, "views sent" if view_set.is_sent else "views not theirs", "views", set_id)
    return view_set, plan, viewer


def _question(key: str):
    question = BY_KEY.get(key)
    if question is None:
        abort(404)
    return question


@bp.get("/")
def index():
    _family_or_caseworker()
    if current_user.has_role("caseworker"):
        sent = service.recent_sent()
        plans = service.plans_by_id(view_set.plan_id for view_set in sent)
        return render_template("voice/staff_index.html", sent=sent, plans=plans, whose=service.whose)
    plans = service.family_plans(current_user)
    plan_ids = [plan.id for plan in plans]
    sets = service.sets_for_plans(plan_ids)
    viewers = {plan.id: service.viewer_for(current_user, plan) for plan in plans}
    by_id = {plan.id: plan for plan in plans}
    readable = [s for s in sets if service.can_read(viewers[s.plan_id], s)]
    kinds = {plan_id: service.kinds_for(viewer) for plan_id, viewer in viewers.items()}
    requests = service.open_requests(plan_ids, sets, kinds)
    return render_template(
        "voice/index.html",
        plans=plans,
        plans_by_id=by_id,
        viewers=viewers,
        drafts=[s for s in readable if not s.is_sent],
        sent=[s for s in readable if s.is_sent],
        requests=requests,
        whose=service.whose,
        form=None,
    )


@bp.get("/plans/<int:plan_id>")
@checks_access
def plan(plan_id: int):
    plan, viewer = _plan(plan_id)
    start_form = StartForm() if viewer.role == "parent" else YoungPersonStartForm()
    return _plan_page(plan, viewer, start_form)


def _plan_page(plan, viewer, start_form, status=200):
    sets = service.sets_for_plans([plan.id])
    readable = [s for s in sets if service.can_read(viewer, s)]
    kinds = service.kinds_for(viewer)
    requests = service.open_requests([plan.id], sets, None if viewer.is_caseworker else kinds)
    page = render_template(
        "voice/plan.html",
        plan=plan,
        viewer=viewer,
        drafts=[s for s in readable if not s.is_sent],
        sent=[s for s in readable if s.is_sent],
        requests=requests,
        start_form=start_form if kinds else None,
        whose=service.whose,
        question_count=len(KEYS),
        form=start_form if start_form.errors else None,
    )
    return page, status


@bp.post("/plans/<int:plan_id>/start")
@checks_access
def start(plan_id: int):
    plan, viewer = _plan(plan_id)
    if not service.kinds_for(viewer):
        refuse(403, "views start", "plan", plan_id)
    if viewer.role == "parent":
        form = StartForm()
        if not form.validate_on_submit():
            return _plan_page(plan, viewer, form, status=400)
        kind = form.kind.data
    else:
        form = YoungPersonStartForm()
        if not form.validate_on_submit():
            abort(400)
        kind = YOUNG_PERSON
    view_set = service.start_set(plan, kind, viewer)
    first = next((q.key for q in QUESTIONS if view_set.answer(q.key) is None), KEYS[0])
    return redirect(url_for("voice.question", set_id=view_set.id, key=first))


@bp.route("/<int:set_id>/questions/<key>", methods=["GET", "POST"])
@checks_access
def question(set_id: int, key: str):
    question = _question(key)
    if request.method == "GET":
        view_set, plan, viewer = _set(set_id)
        if not service.can_edit(viewer, view_set):
            return redirect(url_for("voice.view_set", set_id=set_id))
    else:
        view_set, plan, viewer = _set(set_id, edit=True)
    answer = view_set.answer(key)
    form = QuestionForm().for_question(question)
    if request.method == "GET" and answer is not None:
        form.text.data = answer.text
        form.cards.data = answer.card_keys
        form.scale.data = str(answer.scale) if answer.scale else None
    if form.validate_on_submit():
        if form.skip.data:
            service.skip(view_set, key, viewer)
        else:
            try:
                service.save_answer(
                    view_set,
                    key,
                    text=form.text.data,
                    cards=form.cards.data,
                    scale=form.scale.data,
                    upload=form.upload.data,
                    remove_file=form.remove_file.data,
                    viewer=viewer,
                )
            except UploadRefused as refusal:
                db.session.rollback()
                form.upload.errors = [refusal.message]
                return _question_page(view_set, plan, viewer, question, form, answer, status=400)
        if form.later.data:
            flash(_("Your answers are saved. Come back at any time to carry on."), "success")
            return redirect(url_for("voice.index"))
        following = next_key(key)
        if following is None or request.args.get("change"):
            return redirect(url_for("voice.view_set", set_id=set_id))
        return redirect(url_for("voice.question", set_id=set_id, key=following))
    status = 400 if form.errors else 200
    return _question_page(view_set, plan, viewer, question, form, answer, status=status)


def _question_page(view_set, plan, viewer, question, form, answer, status=200):
    previous = previous_key(question.key)
    return (
        render_template(
            "voice/question.html",
            view_set=view_set,
            plan=plan,
            viewer=viewer,
            question=question,
            form=form,
            answer=answer,
            number=KEYS.index(question.key) + 1,
            total=len(KEYS),
            back=url_for("voice.question", set_id=view_set.id, key=previous) if previous else None,
            scale=SCALE,
            change=bool(request.args.get("change")),
            stored_file=service.stored_file(answer),
        ),
        status,
    )


@bp.url_value_preprocessor
def _allow_upload(endpoint, _values):
    # Runs before the CSRF check reads the form: a question page may carry a file of up to 50 MB, more than
    # the portal's usual request limit. The file's own limit is checked, with a clear message, as it is
    # stored; Werkzeug spools file parts to disk, so memory does not grow with the file.
    if endpoint == "voice.question" and request.method == "POST":
        from portal.storage import upload_limit

        request.max_content_length = upload_limit(service.MAX_UPLOAD_BYTES)


@bp.get("/<int:set_id>")
@checks_access
def view_set(set_id: int):
    view_set, plan, viewer = _set(set_id)
    editable = service.can_edit(viewer, view_set)
    return render_template(
        "voice/set.html",
        view_set=view_set,
        plan=plan,
        viewer=viewer,
        editable=editable,
        questions=QUESTIONS,
        scale=SCALE,
        whose=service.whose(view_set, plan),
        readers=service.readers(view_set, plan) if view_set.is_sent or editable else [],
        send_form=SendForm() if editable else None,
        quote_form=QuoteForm() if viewer.is_caseworker and view_set.is_sent else None,
        files=service.stored_files(view_set),
        form=None,
        parent_kind=PARENT,
    )


@bp.post("/<int:set_id>/send")
@checks_access
def send(set_id: int):
    view_set, plan, viewer = _set(set_id, edit=True)
    form = SendForm()
    if not form.validate_on_submit():
        abort(400)
    service.send(view_set, plan, viewer)
    flash(_("Your views have been sent."), "success")
    return redirect(url_for("voice.view_set", set_id=set_id))


@bp.get("/<int:set_id>/questions/<key>/file")
@checks_access
def download(set_id: int, key: str):
    from portal import storage

    _question(key)
    view_set, plan, _viewer = _set(set_id)
    stored = service.stored_file(view_set.answer(key))
    if stored is None:
        abort(404)
    chunks = storage.open_plaintext(stored)
    service.record_download(plan, view_set, key)
    name = content_disposition_name(stored.original_name, stored.kind)
    response = Response(stream_with_context(chunks), mimetype=stored.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Content-Length"] = str(stored.size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/<int:set_id>/questions/<key>/quote")
@checks_access
def quote(set_id: int, key: str):
    _question(key)
    view_set, plan, viewer = _set(set_id)
    if not viewer.is_caseworker or not view_set.is_sent:
        refuse(403, "views quote", "views", set_id)
    form = QuoteForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        added = service.quote(view_set, plan, key, current_user)
    except service.NoDraft:
        flash(_("There is no draft of this plan to add to. Start a new draft version first."), "error")
    except ValueError:
        flash(_("This answer has no words to add."), "error")
    else:
        if added:
            flash(_("Added to section A of the draft plan, with where it came from."), "success")
        else:
            flash(_("This answer is already in section A of the draft plan."), "error")
    return redirect(url_for("voice.view_set", set_id=set_id, _anchor=f"answer-{key}"))


@bp.route("/plans/<int:plan_id>/request", methods=["GET", "POST"])
@checks_access
def ask(plan_id: int):
    plan, viewer = _plan(plan_id)
    if not viewer.is_caseworker:
        refuse(404, "views request", "plan", plan_id)
    form = RequestForm()
    if form.validate_on_submit():
        service.ask_for_views(plan, form.asks.data, form.review_date.data, current_user)
        flash(_("Views asked for. The family has been sent an email."), "success")
        return redirect(url_for("voice.plan", plan_id=plan_id))
    return render_template("voice/request.html", plan=plan, form=form), 400 if form.errors else 200
