"""A plan version as a PDF (A4, DejaVu Sans through portal.pdf.Document)."""

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from portal.pdf import Document
from portal.plans.models import Plan, PlanVersion
from portal.plans.service import SECTION_TITLES, money, outcome_parts, provision_parts


def _day(value: date | None) -> str:
    return format_date(value, "long") if value else ""


def plan_pdf(plan: Plan, version: PlanVersion) -> bytes:
    title = _("EHC plan for %(name)s", name=plan.child.name)
    status = _("Final plan") if version.status == "final" else _("Draft plan")
    document = Document(
        title,
        header_text=_("SEND family portal: EHC plan"),
        footer_text=_("Version %(number)s", number=version.number),
    )
    document.heading(title)
    document.term(_("Full name"), plan.child.full_name)
    document.term(_("Date of birth"), _day(plan.child.date_of_birth))
    document.term(_("Version"), f"{version.number} ({status})")
    document.term(_("Issued"), _day(version.issued_on))
    if version.reason:
        document.term(_("Why amended"), version.reason)
    if plan.next_review_due:
        document.term(_("Next review due"), _day(plan.next_review_due))
    document.ln(4)
    for letter, section_title in SECTION_TITLES.items():
        document.heading(_("Section %(letter)s: %(title)s", letter=letter, title=section_title), 2)
        lines = _section(version, letter)
        if not lines:
            document.paragraph(_("Nothing in this section."))
        for line in lines:
            document.paragraph(line)
    return document.output_bytes()


def _views(version: PlanVersion, _letter: str) -> list[str]:
    return [e.text + (f"\n({e.source})" if e.source else "") for e in version.views]


def _needs(version: PlanVersion, letter: str) -> list[str]:
    return [f"{n.ref}. {n.text}\n({n.area_label})" for n in version.needs_in(letter)]


def _outcomes(version: PlanVersion, _letter: str) -> list[str]:
    lines = []
    for outcome in version.outcomes:
        parts = outcome_parts(outcome)
        parts[0] = f"{outcome.ref}. {parts[0]}"
        if outcome.needs:
            parts.append(_("Needs: %(refs)s", refs=", ".join(n.ref for n in outcome.needs)))
        lines.append("\n".join(parts))
    return lines


def _provision(version: PlanVersion, letter: str) -> list[str]:
    lines = []
    for line in version.provision_in(letter):
        refs = ", ".join(o.ref for o in line.outcomes)
        served = _("Outcomes: %(refs)s", refs=refs) if refs else _("Serves no outcome in section E")
        lines.append("\n".join([*provision_parts(line), served]))
    return lines


def _placement(version: PlanVersion, _letter: str) -> list[str]:
    parts = [v for v in (version.placement_name, version.placement_type, version.placement_notes) if v]
    return ["\n".join(parts)] if parts else []


def _budget(version: PlanVersion, _letter: str) -> list[str]:
    parts = [version.budget_summary] if version.budget_summary else []
    if version.budget_amount_pence is not None:
        parts.append(_("Amount each year: %(amount)s", amount=money(version.budget_amount_pence)))
    if version.direct_payments:
        parts.append(_("Some or all is paid as direct payments."))
    return ["\n".join(parts)] if parts else []


def _advice(version: PlanVersion, _letter: str) -> list[str]:
    return [" - ".join(v for v in (a.title, a.author, _day(a.dated)) if v) for a in version.advice]


SECTION_LINES = {
    "A": _views,
    "B": _needs,
    "C": _needs,
    "D": _needs,
    "E": _outcomes,
    "F": _provision,
    "G": _provision,
    "H1": _provision,
    "H2": _provision,
    "I": _placement,
    "J": _budget,
    "K": _advice,
}


def _section(version: PlanVersion, letter: str) -> list[str]:
    return SECTION_LINES[letter](version, letter)
