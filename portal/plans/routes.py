"""Reading EHC plans: /plans/ (my plans), /plans/<id> and its sections, history, compare, print, PDF,
key dates, who can see it, joining with an invitation code, and the young person's sharing page.

Every route that names a plan starts with `access.plan_or_404`: anyone who may not see the plan now gets 404.
Caseworker pages (writing and publishing versions, invitations) are in casework.py on the same blueprint.
"""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.extensions import db, limiter
from portal.plans import access, models, service
from portal.plans.access import plan_or_404, record_plan_event
from portal.plans.forms import ButtonForm, JoinForm
from portal.plans.models import PlanAccess
from portal.security import checks_access, refuse

bp = Blueprint("plans", __name__, url_prefix="/plans")
EVENTS_PER_PAGE = 50


def school_year_label(year: int) -> str:
    """A National Curriculum year group in words (by age; see models.school_year)."""
    if year < 0:
        return _("Not yet at school age")
    if year == 0:
        return _("Reception")
    if year <= 13:
        return _("Year %(number)s", number=year)
    return _("Past school age")


@bp.context_processor
def _helpers():
    return {"money": service.money, "school_year_label": school_year_label}


def _letter(slug: str) -> str:
    letter = slug.upper()
    if letter not in service.SECTION_TITLES:
        abort(404)
    return letter


def _viewed(plan, what: str, html: str, action: str = "plan.viewed") -> str:
    """Record the view after rendering: committing first would expire and reload everything on the page."""
    record_plan_event(action, plan, what)
    db.session.commit()
    return html


def _neighbours(letter: str) -> tuple[str | None, str | None]:
    letters = list(service.SECTION_TITLES)
    index = letters.index(letter)
    return (letters[index - 1] if index else None, letters[index + 1] if index + 1 < len(letters) else None)


@bp.get("/")
def index():
    if current_user.has_role("caseworker"):
        page = max(request.args.get("page", 1, type=int), 1)
        words = request.args.get("q", "")
        plans, more = service.search_plans(words, page)
        return render_template("plans/index.html", plans=plans, q=words, page=page, more=more)
    return render_template("plans/index.html", plans=access.plans_for(current_user), page=1, more=False)


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], key_func=lambda: f"plan-join-{current_user.get_id()}")
def join():
    """Enter the one-time code from an invitation email (signed in with the address it was sent to)."""
    form = JoinForm()
    if form.validate_on_submit():
        try:
            plan = service.accept(form.code.data, current_user)
        except service.InvitationError as error:
            db.session.rollback()
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("You can now see this plan."), "success")
            return redirect(url_for(".plan", plan_id=plan.id))
    return render_template("plans/join.html", form=form)


@bp.get("/<int:plan_id>")
@checks_access
def plan(plan_id: int):
    plan = plan_or_404(plan_id)
    published = service.versions(plan)
    version = published[0] if published else None
    role = access.role_on_plan(current_user, plan)
    draft = service.working_copy(plan) if role == "caseworker" else None
    html = render_template(
        "plans/plan.html",
        plan=plan,
        version=version,
        versions=published,
        draft=draft,
        role=role,
        sections=service.SECTION_TITLES,
        timeline=service.timeline(plan, published=published)
        if service.in_progress(plan, published)
        else None,
        young_person=access.is_transferred_young_person(current_user, plan),
        today=date.today(),
    )
    return _viewed(plan, "contents", html)


@bp.get("/<int:plan_id>/sections/<slug>")
@checks_access
def section(plan_id: int, slug: str):
    plan = plan_or_404(plan_id)
    letter = _letter(slug)
    version = service.load_version(plan, section=letter)
    if version is None:
        abort(404)
    previous, following = _neighbours(letter)
    html = render_template(
        "plans/section.html",
        plan=plan,
        version=version,
        letter=letter,
        previous=previous,
        following=following,
        sections=service.SECTION_TITLES,
        help=service.SECTION_HELP[letter],
    )
    return _viewed(plan, f"section {letter}", html)


@bp.get("/<int:plan_id>/versions/<int:number>")
@checks_access
def version(plan_id: int, number: int):
    """A whole version on one page. Caseworkers may preview the working copy; others see published ones."""
    plan = plan_or_404(plan_id)
    is_caseworker = access.role_on_plan(current_user, plan) == "caseworker"
    version = service.load_version(plan, number, published=not is_caseworker)
    if version is None or version.number != number:
        refuse(404, "plan version", "plan", plan_id)
    html = render_template(
        "plans/whole.html", plan=plan, version=version, sections=service.SECTION_TITLES, printing=False
    )
    return _viewed(plan, f"version {number}", html)


@bp.get("/<int:plan_id>/history")
@checks_access
def history(plan_id: int):
    plan = plan_or_404(plan_id)
    is_caseworker = access.role_on_plan(current_user, plan) == "caseworker"
    versions = service.versions(plan, include_unpublished=is_caseworker)
    html = render_template("plans/history.html", plan=plan, versions=versions)
    return _viewed(plan, "history", html)


@bp.get("/<int:plan_id>/compare")
@checks_access
def compare(plan_id: int):
    plan = plan_or_404(plan_id)
    published = service.versions(plan)
    numbers = [v.number for v in published]
    if len(numbers) < 2:
        return render_template("plans/compare.html", plan=plan, versions=published, changes=None)
    try:
        newer_number = int(request.args.get("to") or numbers[0])
        older_number = int(request.args.get("from") or numbers[1])
    except ValueError:
        newer_number, older_number = numbers[0], numbers[1]
    if newer_number not in numbers or older_number not in numbers:
        newer_number, older_number = numbers[0], numbers[1]
    if older_number > newer_number:
        older_number, newer_number = newer_number, older_number
    older = service.load_version(plan, older_number)
    newer = service.load_version(plan, newer_number)
    html = render_template(
        "plans/compare.html",
        plan=plan,
        versions=published,
        older=older,
        newer=newer,
        changes=service.compare(older, newer),
    )
    return _viewed(plan, f"compare {older_number} {newer_number}", html)


@bp.get("/<int:plan_id>/print")
@checks_access
def print_view(plan_id: int):
    plan = plan_or_404(plan_id)
    version = service.load_version(plan)
    if version is None:
        abort(404)
    html = render_template(
        "plans/whole.html", plan=plan, version=version, sections=service.SECTION_TITLES, printing=True
    )
    return _viewed(plan, f"version {version.number}", html, "plan.printed")


@bp.get("/<int:plan_id>/download")
@checks_access
def download(plan_id: int):
    from portal.plans.pdf import plan_pdf

    plan = plan_or_404(plan_id)
    version = service.load_version(plan)
    if version is None:
        abort(404)
    body = plan_pdf(plan, version)
    record_plan_event("plan.downloaded", plan, f"version {version.number}")
    db.session.commit()
    name = f"ehc-plan-{plan.id}-version-{version.number}.pdf"
    return (
        body,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.get("/<int:plan_id>/dates")
@checks_access
def dates(plan_id: int):
    plan = plan_or_404(plan_id)
    published = service.versions(plan)
    html = render_template(
        "plans/dates.html",
        plan=plan,
        versions=published,
        timeline=service.timeline(plan, published=published),
        in_progress=service.in_progress(plan, published),
        role=access.role_on_plan(current_user, plan),
        today=date.today(),
    )
    return _viewed(plan, "key dates", html)


@bp.get("/<int:plan_id>/access")
@checks_access
def access_page(plan_id: int):
    """Who can see the plan now, and every plan event (views, downloads, changes): who, their role, when."""
    plan = plan_or_404(plan_id)
    role = access.role_on_plan(current_user, plan)
    page = max(request.args.get("page", 1, type=int), 1)
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "plan",
                AuditEvent.object_id == str(plan.id),
                AuditEvent.action.like("plan.%"),
            )
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .offset((page - 1) * EVENTS_PER_PAGE)
            .limit(EVENTS_PER_PAGE + 1)
        )
    )
    more = len(events) > EVENTS_PER_PAGE
    events = events[:EVENTS_PER_PAGE]
    rows = list(db.session.scalars(select(PlanAccess).where(PlanAccess.plan_id == plan.id)))
    actor_ids = {e.actor_id for e in events if e.actor_id}
    people = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    )
    roles = {row.user_id: row.role for row in sorted(rows, key=lambda r: r.id)}
    if plan.child.young_person_id:
        roles.setdefault(plan.child.young_person_id, "young_person")
    for person in people.values():
        if person.has_role("caseworker"):
            roles[person.id] = "caseworker"
    now_rows = [row for row in rows if row.revoked_at is None and row.is_current()]
    young = plan.child.young_person if plan.child.is_young_person() else None
    return render_template(
        "plans/access.html",
        plan=plan,
        role=role,
        rows=now_rows,
        young=young,
        events=events,
        people=people,
        roles=roles,
        role_labels=models.ACCESS_ROLES,
        page=page,
        more=more,
        end_form=ButtonForm(),
        invitations=service.open_invitations(plan) if role == "caseworker" else [],
    )


@bp.get("/<int:plan_id>/sharing")
@checks_access
def sharing(plan_id: int):
    """The young person's page: give or withdraw each parent's access (from the transfer date)."""
    plan = plan_or_404(plan_id)
    if not access.is_transferred_young_person(current_user, plan):
        refuse(404, "sharing is the young person's", "plan", plan_id)
    return render_template(
        "plans/sharing.html", plan=plan, parents=service.parent_rows(plan), form=ButtonForm()
    )


@bp.post("/<int:plan_id>/sharing/<int:access_id>")
@checks_access
def change_sharing(plan_id: int, access_id: int):
    plan = plan_or_404(plan_id)
    if not access.is_transferred_young_person(current_user, plan):
        refuse(404, "sharing is the young person's", "plan", plan_id)
    row = db.session.get(PlanAccess, access_id)
    if row is None or row.plan_id != plan.id or row.role != "parent":
        refuse(404, "plan access", "plan", plan_id)
    form = ButtonForm()
    if form.validate_on_submit():
        newest = next((r for r in service.parent_rows(plan) if r.user_id == row.user_id), row)
        if request.form.get("action") == "withdraw" and newest.revoked_at is None:
            service.end_access(newest, current_user)
            record_plan_event("plan.access_withdrawn", plan, f"parent {row.user_id} by young person")
            flash(_("%(email)s can no longer see your plan.", email=row.user.email), "success")
        elif request.form.get("action") == "grant" and newest.revoked_at is not None:
            service.give_parent_access_again(plan, newest, current_user)
            record_plan_event("plan.access_granted", plan, f"parent {row.user_id} by young person")
            flash(_("%(email)s can see your plan again.", email=row.user.email), "success")
        db.session.commit()
    return redirect(url_for(".sharing", plan_id=plan.id))


from portal.plans import casework  # noqa: E402,F401  (caseworker pages on this blueprint)
