"""Who may give and read views, and what happens when they are saved, sent, quoted and asked for.

Access (issue 6):
- The young person, through their own account (`Child.young_person_id`), gives and reads their own views.
- Parents and carers with current access to the child's plan give their own views, may help the young person
  (a set they start for the young person records them as the helper), and read sent views.
- Caseworkers read sent views, quote them into a draft section A, and ask for views before a review.
- A draft is private to the people writing it. Everyone else (another family, professionals, editors,
  mediators, admins) gets 404 on every views URL.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date

from flask import current_app, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import defaultload, lazyload, selectinload

from portal import audit, filetypes, outbox
from portal.accounts.models import User
from portal.audit import ACTION_LABELS
from portal.extensions import db
from portal.plans.access import add_to_section_a, record_plan_event, role_on_plan
from portal.plans.models import Child, Plan, PlanAccess, PlanVersion
from portal.timeutil import utcnow
from portal.voice.models import ViewAnswer, ViewRequest, ViewSet
from portal.voice.questions import BY_KEY, PARENT, SCALE, YOUNG_PERSON, card_label

ACTION_LABELS.update(
    {
        "views.started": _l("Views started"),
        "plan.views_sent": _l("Views sent"),
        "plan.views_requested": _l("Views asked for before a review"),
        "plan.views_file_downloaded": _l("A file given with views was downloaded"),
    }
)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# Drawings and photos, sound recordings and short videos (types decided by content in portal/filetypes.py).
UPLOAD_KINDS = filetypes.VIEW_KINDS
FAMILY_ROLES = ("young_person", "parent")


@dataclass(frozen=True)
class Viewer:
    """How the signed-in person stands towards one plan's views."""

    user: User
    role: str  # "young_person", "parent" or "caseworker"
    sees_plan: bool  # whether they may read the plan itself (a young person before 16 may not)

    @property
    def is_caseworker(self) -> bool:
        return self.role == "caseworker"


def viewer_for(user, plan: Plan) -> Viewer | None:
    """The person's standing on this plan's views, or None when they have none (they get 404)."""
    if user is None or not user.is_authenticated:
        return None
    plan_role = role_on_plan(user, plan)
    if plan_role == "caseworker":
        return Viewer(user, "caseworker", True)
    if plan.child.young_person_id == user.id:
        return Viewer(user, "young_person", plan_role is not None)
    if plan_role == "parent":
        return Viewer(user, "parent", True)
    return None


def can_read(viewer: Viewer | None, view_set: ViewSet) -> bool:
    if viewer is None or view_set.plan_id is None:
        return False
    if not view_set.is_sent:
        return can_edit(viewer, view_set)
    if viewer.role in ("caseworker", "parent"):
        return True
    # The young person reads their own views, and their parents' views once they may read the plan.
    return view_set.kind == YOUNG_PERSON or viewer.sees_plan


def can_edit(viewer: Viewer | None, view_set: ViewSet) -> bool:
    """Only drafts; a young person's by them or the parent helping; a parent's by its author."""
    if viewer is None or view_set.is_sent or viewer.is_caseworker:
        return False
    if view_set.kind == YOUNG_PERSON:
        return viewer.role == "young_person" or view_set.author_id == viewer.user.id
    return viewer.role == "parent" and view_set.author_id == viewer.user.id


def kinds_for(viewer: Viewer) -> tuple[str, ...]:
    """Which sets this person may start: a young person their own; a parent their own or to help."""
    if viewer.role == "young_person":
        return (YOUNG_PERSON,)
    if viewer.role == "parent":
        return (PARENT, YOUNG_PERSON)
    return ()


# Reading. Every User these queries load would fetch its roles too (User.role_rows is selectin); the pages
# only need email addresses, so roles load only if something asks for them.

NO_ROLES = lazyload(User.role_rows)


def _set_options(answers: bool = True):
    return (
        selectinload(ViewSet.answers) if answers else lazyload(ViewSet.answers),
        defaultload(ViewSet.author).options(NO_ROLES),
        defaultload(ViewSet.helper).options(NO_ROLES),
        defaultload(ViewSet.sent_by).options(NO_ROLES),
        defaultload(ViewSet.request).defaultload(ViewRequest.requested_by).options(NO_ROLES),
    )


def _plan_options():
    return (defaultload(Plan.child).defaultload(Child.young_person).options(NO_ROLES),)


def get_plan(plan_id: int) -> Plan | None:
    return db.session.get(Plan, plan_id, options=_plan_options())


def get_set(set_id: int) -> ViewSet | None:
    return db.session.get(ViewSet, set_id, options=_set_options())


def family_plans(user) -> list[Plan]:
    """Plans this person may give views for: their own as a young person, or their child's as a parent."""
    now = utcnow()
    parent_row = (
        select(PlanAccess.id)
        .where(
            PlanAccess.plan_id == Plan.id,
            PlanAccess.user_id == user.id,
            PlanAccess.role == "parent",
            PlanAccess.revoked_at.is_(None),
            PlanAccess.starts_at <= now,
            or_(PlanAccess.expires_at.is_(None), PlanAccess.expires_at > now),
        )
        .exists()
    )
    query = (
        select(Plan)
        .join(Child, Plan.child_id == Child.id)
        .where(or_(Child.young_person_id == user.id, parent_row))
        .options(*_plan_options())
        .order_by(Child.full_name, Plan.id)
    )
    return list(db.session.scalars(query).unique())


def sets_for_plans(plan_ids: list[int]) -> list[ViewSet]:
    """Every set on these plans, newest first, answers loaded (callers filter with can_read)."""
    if not plan_ids:
        return []
    return list(
        db.session.scalars(
            select(ViewSet)
            .where(ViewSet.plan_id.in_(plan_ids))
            .options(*_set_options())
            .order_by(ViewSet.created_at.desc(), ViewSet.id.desc())
        ).unique()
    )


def open_requests(plan_ids: list[int], sets: list[ViewSet], kinds=None) -> list[ViewRequest]:
    """Requests with views still to send, soonest review first. `sets` are the plans' sets, already loaded.
    `kinds` keeps only requests still waiting for one of those kinds of views: a tuple, or a dict of tuples
    by plan id (None: any kind)."""
    if not plan_ids:
        return []
    today = date.today()
    requests = db.session.scalars(
        select(ViewRequest)
        .where(ViewRequest.plan_id.in_(plan_ids), ViewRequest.review_date >= today)
        .options(defaultload(ViewRequest.requested_by).options(NO_ROLES))
        .order_by(ViewRequest.review_date, ViewRequest.id)
    ).unique()
    answered = {(s.request_id, s.kind) for s in sets if s.is_sent and s.request_id}
    result = []
    for request in requests:
        wanted = (YOUNG_PERSON, PARENT) if request.asks == "both" else (request.asks,)
        waiting = [kind for kind in wanted if (request.id, kind) not in answered]
        allowed = kinds.get(request.plan_id, ()) if isinstance(kinds, dict) else kinds
        if waiting and (allowed is None or set(waiting) & set(allowed)):
            result.append(request)
    return result


def views_for_plan(plan: Plan, user=None, viewer: Viewer | None = None) -> list[ViewSet]:
    """Sent views on a plan that this person may read, newest first (for the plan page). Answers are not
    loaded: the plan page lists the sets and links to them."""
    from flask_login import current_user

    viewer = viewer or viewer_for(user or current_user, plan)
    if viewer is None:
        return []
    sets = db.session.scalars(
        select(ViewSet)
        .where(ViewSet.plan_id == plan.id, ViewSet.sent_at.is_not(None))
        .options(*_set_options(answers=False))
        .order_by(ViewSet.sent_at.desc(), ViewSet.id.desc())
    ).unique()
    return [view_set for view_set in sets if can_read(viewer, view_set)]


def recent_sent(limit: int = 50) -> list[ViewSet]:
    """For caseworkers: the most recently sent views on any plan."""
    return list(
        db.session.scalars(
            select(ViewSet)
            .where(ViewSet.sent_at.is_not(None))
            .options(*_set_options())
            .order_by(ViewSet.sent_at.desc(), ViewSet.id.desc())
            .limit(limit)
        ).unique()
    )


def plans_by_id(plan_ids) -> dict[int, Plan]:
    ids = sorted(set(plan_ids))
    if not ids:
        return {}
    return {
        plan.id: plan
        for plan in db.session.scalars(
            select(Plan).where(Plan.id.in_(ids)).options(*_plan_options())
        ).unique()
    }


def readers(view_set: ViewSet, plan: Plan) -> list[str]:
    """Who can read this set now, in words (the young person, parents and carers by email, caseworkers)."""
    names = []
    young = plan.child.young_person
    if young is not None and young.active and (view_set.kind == YOUNG_PERSON or plan.child.is_young_person()):
        names.append(_("%(name)s (young person)", name=plan.child.name))
    now = utcnow()
    rows = db.session.scalars(
        select(PlanAccess)
        .where(PlanAccess.plan_id == plan.id, PlanAccess.role == "parent", PlanAccess.revoked_at.is_(None))
        .options(defaultload(PlanAccess.user).options(NO_ROLES))
    ).unique()
    for row in rows:
        if row.is_current(now) and row.user.active:
            names.append(_("%(email)s (parent or carer)", email=row.user.email))
    names.append(_("Caseworkers in the council's SEND team"))
    return names


def whose(view_set: ViewSet, plan: Plan) -> str:
    if view_set.kind == YOUNG_PERSON:
        return _("%(name)s's views", name=plan.child.name)
    author = view_set.author.email if view_set.author else _("a parent or carer")
    return _("Views of %(person)s, parent or carer of %(name)s", person=author, name=plan.child.name)


def stored_file(answer: ViewAnswer | None):
    """The file given with an answer, or None."""
    from portal.storage import StoredFile

    if answer is None or answer.file_id is None:
        return None
    return db.session.get(StoredFile, answer.file_id)


def stored_files(view_set: ViewSet) -> dict:
    """The files given with a set's answers, by id, in one query."""
    from portal.storage import StoredFile

    ids = [answer.file_id for answer in view_set.answers if answer.file_id]
    if not ids:
        return {}
    return {f.id: f for f in db.session.scalars(select(StoredFile).where(StoredFile.id.in_(ids)))}


# Changing.


def start_set(plan: Plan, kind: str, viewer: Viewer) -> ViewSet:
    """Start a new set, or carry on with this person's open draft of the same kind (never two drafts)."""
    existing = db.session.scalars(
        select(ViewSet).where(
            ViewSet.plan_id == plan.id,
            ViewSet.kind == kind,
            ViewSet.author_id == viewer.user.id,
            ViewSet.sent_at.is_(None),
        )
    ).first()
    if existing is not None:
        return existing
    sets = sets_for_plans([plan.id])
    request = next(iter(open_requests([plan.id], sets, kinds=(kind,))), None)
    view_set = ViewSet(
        plan_id=plan.id,
        kind=kind,
        author_id=viewer.user.id,
        # A parent starting the young person's views is helping them: recorded, and shown with the views.
        helper_id=viewer.user.id if kind == YOUNG_PERSON and viewer.role == "parent" else None,
        request_id=request.id if request else None,
    )
    db.session.add(view_set)
    db.session.flush()
    # Not on the plan's own trail: a draft is private to the people writing it until it is sent.
    audit.record(
        "views.started", actor_id=viewer.user.id, object_type="views", object_id=view_set.id, detail=kind
    )
    db.session.commit()
    return view_set


def answer_for(view_set: ViewSet, key: str) -> ViewAnswer:
    answer = view_set.answer(key)
    if answer is None:
        answer = ViewAnswer(question=key, text="", cards="")
        view_set.answers.append(answer)
    return answer


def skip(view_set: ViewSet, key: str, viewer: Viewer) -> None:
    """Skipping keeps nothing from this question: what was given before is taken away."""
    answer = answer_for(view_set, key)
    answer.skipped = True
    answer.text, answer.cards, answer.scale = "", "", None
    _drop_file(answer)
    _touch(view_set, viewer)
    db.session.commit()


def save_answer(
    view_set: ViewSet,
    key: str,
    *,
    text: str,
    cards: list[str],
    scale: str | None,
    upload=None,
    remove_file: bool = False,
    viewer: Viewer,
) -> None:
    """Keep one question's answer. Raises UploadRefused (nothing saved) if the file is not accepted."""
    from portal import storage

    question = BY_KEY[key]
    stored = None
    if upload is not None and upload.filename:
        stored = storage.store(
            upload.stream,
            original_name=upload.filename,
            kinds=UPLOAD_KINDS,
            max_bytes=MAX_UPLOAD_BYTES,
            user=viewer.user,
        )
    answer = answer_for(view_set, key)
    answer.skipped = False
    answer.text = clean_text(text)
    answer.cards = " ".join(card for card in question.cards if card in set(cards or ()))
    answer.scale = int(scale) if scale and question.young_person_scale and int(scale) in SCALE else None
    if stored is not None or remove_file:
        _drop_file(answer)
    if stored is not None:
        answer.file_id = stored.id
    answer.updated_at = utcnow()
    _touch(view_set, viewer)
    db.session.commit()


def clean_text(text: str | None) -> str:
    """Typed words as given, less control characters (PostgreSQL cannot keep NUL); line breaks stay."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")).strip()


def _drop_file(answer: ViewAnswer) -> None:
    from portal import storage

    if answer.file_id is not None:
        stored = db.session.get(storage.StoredFile, answer.file_id)
        answer.file_id = None
        if stored is not None:
            db.session.flush()
            storage.delete(stored)


def _touch(view_set: ViewSet, viewer: Viewer) -> None:
    view_set.updated_at = utcnow()
    if view_set.kind == YOUNG_PERSON and viewer.role == "parent" and view_set.helper_id is None:
        view_set.helper_id = viewer.user.id


def send(view_set: ViewSet, plan: Plan, viewer: Viewer) -> None:
    """Send: from now on the set is read-only. Tells the caseworker who asked, if anyone did."""
    view_set.sent_at = utcnow()
    view_set.sent_by_id = viewer.user.id
    record_plan_event("plan.views_sent", plan, detail=f"views {view_set.id} {view_set.kind}")
    request = view_set.request
    if request is not None and request.requested_by is not None and request.requested_by.active:
        outbox.queue(
            request.requested_by.email,
            _("Views were sent"),
            _(
                "Views you asked for have been sent. Read them here: %(link)s",
                link=_link("voice.plan", plan_id=plan.id),
            ),
        )
    db.session.commit()


def ask_for_views(plan: Plan, asks: str, review_date: date, caseworker) -> ViewRequest:
    """Record a request and email the family. The email says only that views were asked for, with a link."""
    request = ViewRequest(plan_id=plan.id, asks=asks, review_date=review_date, requested_by_id=caseworker.id)
    db.session.add(request)
    db.session.flush()
    record_plan_event("plan.views_requested", plan, detail=f"request {request.id} {asks}")
    for person in _request_recipients(plan, asks):
        outbox.queue(
            person.email,
            _("Your views have been asked for"),
            _(
                "The council's SEND team would like your views before a review.\n\n"
                "Sign in to give them: %(link)s\n\nThere is no time limit, and you can save and come back.",
                link=_link("voice.index"),
            ),
        )
    db.session.commit()
    return request


def _request_recipients(plan: Plan, asks: str) -> list[User]:
    people: dict[int, User] = {}
    young = plan.child.young_person
    if asks in (YOUNG_PERSON, "both") and young is not None and young.active:
        people[young.id] = young
    # Parents get the email when their own views are asked for, and also when the young person has no
    # account of their own (a parent can help them answer).
    if asks in (PARENT, "both") or young is None:
        now = utcnow()
        rows = db.session.scalars(
            select(PlanAccess).where(
                PlanAccess.plan_id == plan.id, PlanAccess.role == "parent", PlanAccess.revoked_at.is_(None)
            )
        ).unique()
        for row in rows:
            if row.is_current(now) and row.user.active:
                people[row.user.id] = row.user
    return sorted(people.values(), key=lambda person: person.id)


def _link(endpoint: str, **values) -> str:
    return current_app.config["PORTAL_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


# Quoting into section A.


class NoDraft(Exception):
    """There is no draft version of the plan to quote into."""


def draft_version(plan: Plan) -> PlanVersion | None:
    return db.session.scalars(
        select(PlanVersion)
        .where(PlanVersion.plan_id == plan.id, PlanVersion.published_at.is_(None))
        .order_by(PlanVersion.number.desc())
    ).first()


def answer_as_text(view_set: ViewSet, answer: ViewAnswer) -> str:
    """The answer's words as given: typed text, then the cards and the face chosen, named in words."""
    question = BY_KEY[answer.question]
    lines = []
    if answer.text.strip():
        lines.append(answer.text.strip())
    if answer.card_keys:
        lines.append(
            _("Picture cards chosen: %(cards)s", cards=", ".join(card_label(k) for k in answer.card_keys))
        )
    if answer.scale in SCALE:
        lines.append(
            _(
                "%(question)s %(answer)s",
                question=question.scale_question(view_set.kind),
                answer=SCALE[answer.scale][1],
            )
        )
    return "\n".join(lines)


def quote_source(view_set: ViewSet, plan: Plan, key: str) -> str:
    question = BY_KEY[key].title(view_set.kind)
    sent = format_date(view_set.sent_at, "d MMMM yyyy")
    source = _(
        "%(whose)s, sent through My views on %(date)s, answering “%(question)s”",
        whose=whose(view_set, plan),
        date=sent,
        question=question,
    )
    if view_set.helper is not None:
        source += " " + _("(with help from %(helper)s)", helper=view_set.helper.email)
    return source


def quote(view_set: ViewSet, plan: Plan, key: str, caseworker) -> bool:
    """Carry one sent answer into the draft's section A with its source. False if it is there already."""
    version = draft_version(plan)
    if version is None:
        raise NoDraft
    answer = view_set.answer(key)
    text = answer_as_text(view_set, answer) if answer else ""
    if not text:
        raise ValueError("nothing to quote")
    source = quote_source(view_set, plan, key)[:300]
    if any(entry.text == text and entry.source == source for entry in version.views):
        return False
    add_to_section_a(version, text, source, caseworker)
    db.session.commit()
    return True


def record_download(plan: Plan, view_set: ViewSet, key: str) -> None:
    record_plan_event("plan.views_file_downloaded", plan, detail=f"views {view_set.id} {key}")
    db.session.commit()
