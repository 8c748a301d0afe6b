"""EHC plan rules: creating plans and versions, publishing, comparing, key dates, invitations and sharing."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal import outbox
from portal.accounts.models import User
from portal.extensions import db
from portal.plans import importer
from portal.plans.access import people_with_access, record_plan_event
from portal.plans.models import (
    AREAS_OF_NEED,
    Child,
    Outcome,
    Plan,
    PlanAccess,
    PlanInvitation,
    PlanVersion,
    ProvisionLine,
    PublishedVersionError,
)
from portal.timeutil import utcnow

SECTION_TITLES = {
    "A": _l("Views, interests and aspirations"),
    "B": _l("Special educational needs"),
    "C": _l("Health needs"),
    "D": _l("Social care needs"),
    "E": _l("Outcomes"),
    "F": _l("Special educational provision"),
    "G": _l("Health provision"),
    "H1": _l("Social care provision (Chronically Sick and Disabled Persons Act 1970)"),
    "H2": _l("Other social care provision"),
    "I": _l("School or other placement"),
    "J": _l("Personal budget"),
    "K": _l("Advice and information"),
}
# Plain-English help shown beside each section.
SECTION_HELP = {
    "A": _l(
        "What matters to the child or young person and their family, in their own words: what they enjoy, "
        "what they hope for, and how they like to be helped."
    ),
    "B": _l(
        "Everything the child or young person needs help with in learning. Each need should be specific. "
        "If a need is missing here, the help for it may not be given, so check this section carefully."
    ),
    "C": _l("Health needs that are linked to their special educational needs or disability."),
    "D": _l("Social care needs that are linked to their special educational needs or disability."),
    "E": _l(
        "What the help should achieve, by when, and the steps on the way. Under each outcome you can see "
        "the help in the plan that works towards it."
    ),
    "F": _l(
        "The help with education the council must make sure is given. It should say exactly what, who "
        "gives it, how often and for how long. Vague words like 'access to' or 'regular' are worth asking "
        "about."
    ),
    "G": _l("Health care the child or young person needs because of their SEN or disability."),
    "H1": _l(
        "Social care help given under section 2 of the Chronically Sick and Disabled Persons Act 1970, "
        "such as help at home or with getting out and about."
    ),
    "H2": _l("Any other social care help linked to their SEN or disability, such as short breaks."),
    "I": _l(
        "The school, college or other setting the child or young person will attend, and its type. "
        "You can appeal about this section."
    ),
    "J": _l(
        "Money the family or young person can manage themselves to arrange some of the help in the plan. "
        "Direct payments are one way of receiving it."
    ),
    "K": _l("The reports and advice the council gathered during the assessment."),
}
SECTION_SLUGS = {letter: letter.lower() for letter in SECTION_TITLES}


def section_title(letter: str) -> str:
    return str(SECTION_TITLES[letter])


# Loading.


def latest_published(plan: Plan) -> PlanVersion | None:
    return db.session.scalar(
        select(PlanVersion)
        .where(PlanVersion.plan_id == plan.id, PlanVersion.published_at.is_not(None))
        .order_by(PlanVersion.number.desc())
        .limit(1)
    )


def working_copy(plan: Plan) -> PlanVersion | None:
    return db.session.scalar(
        select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.published_at.is_(None))
    )


def versions(plan: Plan, include_unpublished: bool = False) -> list[PlanVersion]:
    query = select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number.desc())
    if not include_unpublished:
        query = query.where(PlanVersion.published_at.is_not(None))
    return list(db.session.scalars(query))


def _section_options(letter: str | None):
    """Only what a page needs: a section page loads its own rows, the whole-plan pages load everything."""
    views = selectinload(PlanVersion.views)
    needs = selectinload(PlanVersion.needs)
    outcomes = selectinload(PlanVersion.outcomes).options(
        selectinload(Outcome.needs), selectinload(Outcome.provision)
    )
    provision = selectinload(PlanVersion.provision).selectinload(ProvisionLine.outcomes)
    advice = selectinload(PlanVersion.advice)
    if letter is None:
        return [views, needs, outcomes, provision, advice]
    return {
        "A": [views],
        "B": [needs],
        "C": [needs],
        "D": [needs],
        "E": [outcomes],
        "F": [provision],
        "G": [provision],
        "H1": [provision],
        "H2": [provision],
        "I": [],
        "J": [],
        "K": [advice],
    }[letter]


def load_version(plan: Plan, number: int | None = None, *, section: str | None = None, published=True):
    """A version of `plan` with the rows `section` needs (all when None); the newest when no number."""
    query = select(PlanVersion).where(PlanVersion.plan_id == plan.id).options(*_section_options(section))
    if published:
        query = query.where(PlanVersion.published_at.is_not(None))
    if number is not None:
        query = query.where(PlanVersion.number == number)
    return db.session.scalar(query.order_by(PlanVersion.number.desc()).limit(1))


# Creating and publishing.


def create_plan(
    *,
    full_name: str,
    date_of_birth: date,
    preferred_name: str | None,
    actor,
    reference: str | None = None,
    assessment_requested_on: date | None = None,
    next_review_due: date | None = None,
) -> Plan:
    """A new child and their plan (no versions yet); the caller commits."""
    child = Child(full_name=full_name.strip(), preferred_name=(preferred_name or "").strip() or None)
    child.date_of_birth = date_of_birth
    plan = Plan(
        child=child,
        reference=(reference or "").strip() or None,
        created_by_id=getattr(actor, "id", None),
        assessment_requested_on=assessment_requested_on,
        next_review_due=next_review_due,
    )
    db.session.add(plan)
    db.session.flush()
    record_plan_event("plan.created", plan)
    return plan


def _next_number(plan: Plan) -> int:
    highest = db.session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == plan.id))
    return (highest or 0) + 1


def start_version(plan: Plan, actor) -> PlanVersion:
    """The plan's working copy: the existing one, or a new one copied from the newest published version."""
    existing = working_copy(plan)
    if existing is not None:
        return existing
    version = PlanVersion(
        plan_id=plan.id, number=_next_number(plan), created_by_id=getattr(actor, "id", None)
    )
    base = load_version(plan)
    if base is not None:
        data = importer.version_data(base)
        importer.fill_version(version, data)
        version.status, version.reason, version.issued_on = "final", None, None
    db.session.add(version)
    db.session.flush()
    record_plan_event("plan.version_created", plan, f"version {version.number}")
    return version


def import_versions(plan: Plan, data: dict, actor) -> list[PlanVersion]:
    """Add the versions of a checked document to `plan`, publishing those marked published; caller commits."""
    if working_copy(plan) is not None and data["versions"]:
        raise ValueError(_("This plan already has a version being written. Publish or discard it first."))
    made = []
    for item in data["versions"]:
        version = PlanVersion(
            plan_id=plan.id, number=_next_number(plan), created_by_id=getattr(actor, "id", None)
        )
        importer.fill_version(version, item)
        db.session.add(version)
        db.session.flush()
        record_plan_event("plan.version_imported", plan, f"version {version.number}")
        if item.get("published"):
            publish(version, actor, status=version.status, issued_on=version.issued_on, reason=version.reason)
        made.append(version)
    return made


def publish_problem(version: PlanVersion, status: str, reason: str | None) -> str | None:
    """Why this version cannot be published as `status`, or None."""
    if version.is_published:
        return _("This version is already published.")
    earlier_final = db.session.scalar(
        select(func.count(PlanVersion.id)).where(
            PlanVersion.plan_id == version.plan_id,
            PlanVersion.status == "final",
            PlanVersion.published_at.is_not(None),
        )
    )
    if status == "final" and earlier_final and not (reason or "").strip():
        return _("Enter why the plan is being amended")
    return None


def publish(version: PlanVersion, actor, *, status: str, issued_on: date | None, reason: str | None) -> None:
    """Fix a version for ever and tell the people who can see the plan that it changed; caller commits."""
    problem = publish_problem(version, status, reason)
    if problem:
        raise PublishedVersionError(problem)
    version.status = status
    version.issued_on = issued_on or utcnow().date()
    version.reason = (reason or "").strip() or None
    version.published_at = utcnow()
    version.published_by_id = getattr(actor, "id", None)
    plan = version.plan
    # A final plan starts the 12-month review clock again, unless a review is already set after its issue.
    if status == "final" and (plan.next_review_due is None or plan.next_review_due <= version.issued_on):
        plan.next_review_due = annual_review_from(version.issued_on)
    record_plan_event("plan.version_published", plan, f"version {version.number} {status}")
    notify_changed(plan, _l("A new version of an EHC plan has been published"))


def discard(version: PlanVersion) -> None:
    if version.is_published:
        raise PublishedVersionError("published versions are kept")
    db.session.delete(version)


def plan_link(plan: Plan) -> str:
    # Built by hand: emails are also queued from the command line, outside any request.
    return current_app.config["PORTAL_BASE_URL"].rstrip("/") + f"/plans/{plan.id}"


def notify_changed(plan: Plan, subject) -> None:
    """Tell everyone who can see the plan that something changed: a link only, never the plan's words."""
    link = plan_link(plan)
    for person in people_with_access(plan):
        with force_locale(person.preferred_language or "en"):
            outbox.queue(
                person.email,
                str(subject),
                _(
                    "Something has changed in an EHC plan you can see on the SEND family portal.\n\n"
                    "Sign in to see what changed: %(link)s",
                    link=link,
                ),
            )


# Comparing versions.


@dataclass
class SectionChange:
    letter: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    @property
    def title(self) -> str:
        return section_title(self.letter)


def outcome_parts(outcome: Outcome) -> list[str]:
    """An outcome as short labelled pieces of text (for comparing and for the PDF)."""
    parts = [outcome.text]
    if outcome.by_when:
        parts.append(_("By when: %(when)s", when=outcome.by_when))
    if outcome.steps:
        parts.append(_("Steps: %(steps)s", steps=outcome.steps))
    return parts


def provision_parts(line: ProvisionLine) -> list[str]:
    """A provision line as short labelled pieces of text (for comparing and for the PDF)."""
    labelled = (
        (_("Who"), line.who),
        (_("How often"), line.how_often),
        (_("How long"), line.how_long),
        (_("Funded by"), line.funded_by),
    )
    return [line.what] + [f"{label}: {value}" for label, value in labelled if value]


def _lines(version: PlanVersion) -> dict[str, list[str]]:
    """Each section as lines of text, so two versions can be compared section by section."""
    sections: dict[str, list[str]] = {letter: [] for letter in SECTION_TITLES}
    for entry in version.views:
        sections["A"].append(entry.text + (f" ({entry.source})" if entry.source else ""))
    for need in version.needs:
        sections[need.section].append(f"{need.text} [{AREAS_OF_NEED.get(need.area, need.area)}]")
    sections["E"] = [" · ".join(outcome_parts(outcome)) for outcome in version.outcomes]
    for line in version.provision:
        sections[line.section].append(" · ".join(provision_parts(line)))
    if version.placement_name or version.placement_type or version.placement_notes:
        sections["I"].append(
            " · ".join(
                v for v in (version.placement_name, version.placement_type, version.placement_notes) if v
            )
        )
    if version.budget_summary or version.budget_amount_pence is not None:
        amount = money(version.budget_amount_pence) if version.budget_amount_pence is not None else ""
        payments = _("Direct payments") if version.direct_payments else ""
        sections["J"].append(" · ".join(v for v in (version.budget_summary, amount, payments) if v))
    for advice in version.advice:
        dated = advice.dated.isoformat() if advice.dated else ""
        sections["K"].append(" · ".join(v for v in (advice.title, advice.author, dated) if v))
    return sections


def compare(older: PlanVersion, newer: PlanVersion) -> list[SectionChange]:
    """What changed from `older` to `newer`, section by section (items added and removed; an edit is both)."""
    before, after = _lines(older), _lines(newer)
    changes = []
    for letter in SECTION_TITLES:
        old, new = before[letter], after[letter]
        change = SectionChange(letter)
        change.removed = [line for line in old if line not in new]
        change.added = [line for line in new if line not in old]
        changes.append(change)
    return changes


def money(pence: int | None) -> str:
    if pence is None:
        return ""
    return f"£{pence // 100:,}.{pence % 100:02d}"


# Key dates.


def add_weeks(day: date, weeks: int) -> date:
    return day + timedelta(weeks=weeks)


def annual_review_from(day: date) -> date:
    """A plan is reviewed within 12 months (Code of Practice 9.166): by the day before the anniversary."""
    try:
        return day.replace(year=day.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(day.year + 1, 2, 28)


@dataclass
class Milestone:
    key: str
    label: str
    due: date
    rule: str
    done_on: date | None = None

    def state(self, today: date) -> str:
        if self.done_on is not None:
            return "late" if self.done_on > self.due else "done"
        return "overdue" if today > self.due else "due"


def timeline(plan: Plan, today: date | None = None, published: list[PlanVersion] | None = None):
    """The 20-week statutory timeline from the request for an assessment (SEND Regulations 2014).

    - decide whether to assess: 6 weeks from the request (regulation 4);
    - advice from those asked: 6 weeks from the request for advice, taken as the decision date (reg. 8);
    - draft plan: sent early enough to leave the family at least 15 days to comment before the final;
    - final plan: 20 weeks from the request (regulation 13).
    Returns None when the plan is not on the timeline.
    """
    requested = plan.assessment_requested_on
    if requested is None:
        return None
    published = published if published is not None else versions(plan)
    first_draft = min((v.issued_on for v in published if v.status == "draft" and v.issued_on), default=None)
    first_final = min((v.issued_on for v in published if v.status == "final" and v.issued_on), default=None)
    decide_by = add_weeks(requested, 6)
    final_by = add_weeks(requested, 20)
    advice_from = plan.assessment_decided_on or decide_by
    return [
        Milestone("request", str(_("Request for an EHC needs assessment")), requested, "", requested),
        Milestone(
            "decision",
            str(_("Council decides whether to assess")),
            decide_by,
            str(_("6 weeks from the request")),
            plan.assessment_decided_on,
        ),
        Milestone(
            "advice",
            str(_("Advice from professionals due")),
            add_weeks(advice_from, 6),
            str(_("6 weeks from the request for advice")),
            None,
        ),
        Milestone(
            "draft",
            str(_("Draft plan sent to the family")),
            final_by - timedelta(days=15),
            str(_("leaving at least 15 days to comment before the final plan")),
            first_draft,
        ),
        Milestone(
            "final",
            str(_("Final plan issued")),
            final_by,
            str(_("20 weeks from the request")),
            first_final,
        ),
    ]


def in_progress(plan: Plan, published: list[PlanVersion]) -> bool:
    return plan.assessment_requested_on is not None and not any(v.status == "final" for v in published)


# Who can see it: invitations, sharing.


def invite(
    plan: Plan, *, email: str, role: str, purpose: str | None, access_until: date | None, actor
) -> str:
    """Create an invitation and email its one-time code; returns the code (shown once). Caller commits."""
    code = PlanInvitation.new_code()
    invitation = PlanInvitation(
        plan_id=plan.id,
        email=email.strip().lower(),
        role=role,
        purpose=(purpose or "").strip() or None,
        access_expires_at=datetime.combine(access_until, datetime.min.time()) + timedelta(days=1)
        if access_until
        else None,
        code_hash=PlanInvitation.hash_code(code),
        invited_by_id=getattr(actor, "id", None),
        expires_at=PlanInvitation.default_expiry(),
    )
    db.session.add(invitation)
    db.session.flush()
    record_plan_event("plan.invitation_sent", plan, f"{role} invitation {invitation.id}")
    invitee = db.session.scalar(select(User).where(func.lower(User.email) == invitation.email))
    language = (invitee.preferred_language if invitee else None) or "en"
    join = current_app.config["PORTAL_BASE_URL"].rstrip("/") + "/plans/join"
    with force_locale(language):
        outbox.queue(
            invitation.email,
            _("You have been invited to see an EHC plan"),
            _(
                "The council has invited you to see an EHC plan on the SEND family portal.\n\n"
                "Sign in (or create an account with this email address), then enter this code at "
                "%(link)s\n\nYour code: %(code)s\n\nThe code works once and ends in %(days)s days. "
                "If you were not expecting this email, you can ignore it.",
                link=join,
                code=code,
                days=(invitation.expires_at - invitation.created_at).days,
            ),
        )
    return code


class InvitationError(ValueError):
    pass


def accept(code: str, user) -> Plan:
    """Use a one-time code: the signed-in person gets the access it grants. Caller commits.

    Refused (InvitationError) when no open invitation has this code, or it was sent to another address.
    """
    invitation = db.session.scalar(
        select(PlanInvitation).where(PlanInvitation.code_hash == PlanInvitation.hash_code(code or ""))
    )
    now = utcnow()
    if invitation is None or not invitation.is_open(now) or invitation.email != user.email.lower():
        raise InvitationError(_("The code is not right, has been used, or has ended. Check the email."))
    plan = db.session.get(Plan, invitation.plan_id)
    invitation.used_at, invitation.used_by_id = now, user.id
    if invitation.role == "child":
        plan.child.young_person_id = user.id
    if invitation.role != "child" or not plan.child.is_young_person():
        db.session.add(
            PlanAccess(
                plan_id=plan.id,
                user_id=user.id,
                role=invitation.role,
                purpose=invitation.purpose,
                starts_at=now,
                expires_at=invitation.access_expires_at,
                granted_by_id=invitation.invited_by_id,
            )
        )
    record_plan_event("plan.invitation_accepted", plan, f"{invitation.role} invitation {invitation.id}")
    return plan


PLANS_PER_PAGE = 50


def search_plans(words: str, page: int) -> tuple[list[Plan], bool]:
    """Plans by child's name or reference (caseworkers), a page at a time, and whether there are more."""
    query = select(Plan).join(Child).order_by(Child.full_name, Plan.id)
    words = (words or "").strip()[:100]
    if words:
        pattern = "%" + words.replace("\\", "").replace("%", "").replace("_", "").lower() + "%"
        query = query.where(
            func.lower(Child.full_name).like(pattern)
            | func.lower(func.coalesce(Child.preferred_name, "")).like(pattern)
            | func.lower(func.coalesce(Plan.reference, "")).like(pattern)
        )
    rows = list(db.session.scalars(query.offset((page - 1) * PLANS_PER_PAGE).limit(PLANS_PER_PAGE + 1)))
    return rows[:PLANS_PER_PAGE], len(rows) > PLANS_PER_PAGE


def open_invitations(plan: Plan) -> list[PlanInvitation]:
    """Invitations not yet used, cancelled or ended, newest first (for the caseworker)."""
    now = utcnow()
    rows = db.session.scalars(
        select(PlanInvitation)
        .where(
            PlanInvitation.plan_id == plan.id,
            PlanInvitation.used_at.is_(None),
            PlanInvitation.cancelled_at.is_(None),
            PlanInvitation.expires_at > now,
        )
        .order_by(PlanInvitation.id.desc())
    )
    return list(rows)


def parent_rows(plan: Plan) -> list[PlanAccess]:
    """Each parent's newest access row (current or withdrawn), for the young person's sharing page."""
    rows = db.session.scalars(
        select(PlanAccess)
        .where(PlanAccess.plan_id == plan.id, PlanAccess.role == "parent")
        .order_by(PlanAccess.id.desc())
    )
    newest: dict[int, PlanAccess] = {}
    for row in rows:
        newest.setdefault(row.user_id, row)
    return sorted(newest.values(), key=lambda row: row.user.email)


def end_access(row: PlanAccess, actor) -> None:
    row.revoked_at, row.revoked_by_id = utcnow(), getattr(actor, "id", None)


def give_parent_access_again(plan: Plan, row: PlanAccess, actor) -> PlanAccess:
    again = PlanAccess(plan_id=plan.id, user_id=row.user_id, role="parent", granted_by_id=actor.id)
    db.session.add(again)
    return again


def current_access(plan: Plan) -> list[PlanAccess]:
    now = utcnow()
    rows = db.session.scalars(
        select(PlanAccess)
        .where(PlanAccess.plan_id == plan.id, PlanAccess.revoked_at.is_(None))
        .order_by(PlanAccess.role, PlanAccess.id)
    )
    return [row for row in rows if row.is_current(now)]


def section_letters() -> tuple[str, ...]:
    return tuple(SECTION_TITLES)
