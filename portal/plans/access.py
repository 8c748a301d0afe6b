"""Who may see an EHC plan, and the plan's own audit trail.

The rules (issue 5, DOMAIN.md):
- A council caseworker (role `caseworker`) sees every plan.
- Anyone else sees a plan only while they hold a current `PlanAccess` row (started, not expired, not revoked),
  except the young person themself, who sees it from the end of the school year in which they turn 16
  (`Child.transfer_date`, the 1 September after that school year ends) through their own account.
- From that date the young person decides about their parents: withdrawing revokes the parent's row.
- Before that date a caseworker may give the child access (a `child` row).
- Everyone else (other parents, editors, mediators, admins, professionals whose period ended) gets 404.
"""

from datetime import date

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import lazyload

from portal import audit
from portal.accounts.models import User
from portal.audit import ACTION_LABELS
from portal.extensions import db
from portal.plans.models import Child, Plan, PlanAccess, PlanVersion, PublishedVersionError, SectionAEntry
from portal.security import refuse
from portal.timeutil import utcnow

ACTION_LABELS.update(
    {
        "plan.created": _l("Plan created"),
        "plan.viewed": _l("Plan viewed"),
        "plan.printed": _l("Plan opened for printing"),
        "plan.downloaded": _l("Plan downloaded as PDF"),
        "plan.version_created": _l("New version started"),
        "plan.version_imported": _l("Version imported"),
        "plan.version_published": _l("Version published"),
        "plan.section_a_added": _l("Views added to section A of a draft"),
        "plan.access_granted": _l("Access given"),
        "plan.access_withdrawn": _l("Access withdrawn"),
        "plan.invitation_sent": _l("Invitation sent"),
        "plan.invitation_accepted": _l("Invitation accepted"),
        "plan.invitation_cancelled": _l("Invitation cancelled"),
        "plan.dates_changed": _l("Key dates changed"),
        "plan.document_uploaded": _l("Document uploaded"),
        "plan.document_downloaded": _l("Document downloaded"),
    }
)

UPLOAD_ROLES = {"parent", "young_person", "professional", "caseworker"}


def _is_caseworker(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role("caseworker"))


def _grants_access(row: PlanAccess, now) -> bool:
    """A row gives access now. A professional's row with no end date is a data error: refuse rather
    than grant for ever."""
    return row.is_current(now) and (row.role != "professional" or row.expires_at is not None)


def _current_rows(user, plan: Plan) -> list[PlanAccess]:
    now = utcnow()
    rows = db.session.scalars(
        select(PlanAccess)
        .options(lazyload(PlanAccess.user))  # the person is `user` already
        .where(
            PlanAccess.plan_id == plan.id,
            PlanAccess.user_id == user.id,
            PlanAccess.revoked_at.is_(None),
        )
    )
    return [row for row in rows if _grants_access(row, now)]


def is_transferred_young_person(user, plan: Plan, today: date | None = None) -> bool:
    """The young person's own account, on or after the transfer date."""
    return bool(
        user is not None
        and plan.child.young_person_id is not None
        and plan.child.young_person_id == user.id
        and plan.child.is_young_person(today)
    )


def role_on_plan(user, plan: Plan, today: date | None = None) -> str | None:
    """The role through which `user` may see `plan` now, or None when they may not."""
    if user is None or not user.is_authenticated:
        return None
    if _is_caseworker(user):
        return "caseworker"
    if is_transferred_young_person(user, plan, today):
        return "young_person"
    rows = _current_rows(user, plan)
    return rows[0].role if rows else None


def can_see(user, plan: Plan) -> bool:
    return role_on_plan(user, plan) is not None


def can_upload(user, plan: Plan) -> bool:
    """Parents, the young person, professionals with current access, and caseworkers."""
    return role_on_plan(user, plan) in UPLOAD_ROLES


def plan_or_404(plan_id: int) -> Plan:
    """The plan, if the signed-in person may see it now; otherwise a 404 (and the refusal is audited)."""
    plan = db.session.get(Plan, plan_id)
    if plan is None or not can_see(current_user, plan):
        refuse(404, "plan", "plan", plan_id)
    return plan


def people_with_access(plan: Plan) -> list[User]:
    """Family members and professionals who may see the plan now (for "something changed" emails)."""
    now = utcnow()
    rows = db.session.scalars(
        select(PlanAccess).where(PlanAccess.plan_id == plan.id, PlanAccess.revoked_at.is_(None))
    )
    people: dict[int, User] = {}
    for row in rows:
        if _grants_access(row, now) and row.user.active:
            people[row.user.id] = row.user
    young = plan.child.young_person
    if young is not None and young.active and plan.child.is_young_person():
        people[young.id] = young
    return sorted(people.values(), key=lambda person: person.id)


def plans_for(user) -> list[Plan]:
    """The plans this person may see now, newest first. Caseworkers: every plan."""
    if user is None or not user.is_authenticated:
        return []
    query = select(Plan).join(Child).order_by(Child.full_name, Plan.id)
    if _is_caseworker(user):
        return list(db.session.scalars(query))
    now = utcnow()
    has_row = (
        select(PlanAccess.id)
        .where(
            PlanAccess.plan_id == Plan.id,
            PlanAccess.user_id == user.id,
            PlanAccess.revoked_at.is_(None),
            PlanAccess.starts_at <= now,
            or_(
                PlanAccess.expires_at > now,
                (PlanAccess.expires_at.is_(None)) & (PlanAccess.role != "professional"),
            ),
        )
        .exists()
    )
    rows = db.session.execute(
        query.add_columns(has_row.label("has_row")).where(or_(has_row, Child.young_person_id == user.id))
    )
    # Linked as the young person but without a row: only from the transfer date.
    return [plan for plan, row in rows if row or plan.child.is_young_person()]


def record_plan_event(action: str, plan: Plan, detail: str | None = None) -> None:
    """Add a plan audit event (shown on /plans/<id>/access) to the current transaction; the caller commits."""
    if not action.startswith("plan."):
        raise ValueError("plan audit actions start with 'plan.'")
    signed_in = has_request_context() and current_user.is_authenticated
    actor_id = current_user.id if signed_in else None
    audit.record(action, actor_id=actor_id, object_type="plan", object_id=plan.id, detail=detail)


def add_to_section_a(version: PlanVersion, text: str, source: str, author) -> None:
    """Quote someone's views into section A of an unpublished (draft) version; the caller commits.

    Raises PublishedVersionError for a published version: amend through a new version instead.
    """
    if version.is_published:
        raise PublishedVersionError("section A of a published version cannot change")
    text = (text or "").strip()
    if not text:
        raise ValueError("section A entry needs some text")
    position = max((entry.position for entry in version.views), default=-1) + 1
    version.views.append(
        SectionAEntry(
            text=text,
            source=(source or "").strip()[:300] or None,
            position=position,
            added_by_id=getattr(author, "id", None),
        )
    )
    audit.record(
        "plan.section_a_added",
        actor_id=getattr(author, "id", None),
        object_type="plan",
        object_id=version.plan_id,
        detail=f"version {version.number}",
    )
