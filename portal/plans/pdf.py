"""A plan version as a PDF (A4, DejaVu Sans through portal.pdf.Document)."""

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from portal.pdf import Document
from portal.plans.models import Plan, PlanVersion
from portal.plans.service import SECTION_TITLES, money


def _day(value: date | None) -> str:
    return format_date(value, "long") if value else ""


def plan_pdf(plan: Plan, version: PlanVersion) -> bytes:
    title = _("EHC plan for %(name)s", name=plan.child.name)
    status = _("Final plan") if version.status == "final" else _("Draft plan")
    document = Document(
        title,
        header_text=_("SEND family portal – EHC plan"),
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


def _section(version: PlanVersion, letter: str) -> list[str]:
    if letter == "A":
        return [e.text + (f"\n— {e.source}" if e.source else "") for e in version.views]
    if letter in ("B", "C", "D"):
        return [f"{n.ref}. {n.text}\n({n.area_label})" for n in version.needs_in(letter)]
    if letter == "E":
        lines = []
        for o in version.outcomes:
            parts = [f"{o.ref}. {o.text}"]
            if o.by_when:
                parts.append(_("By when: %(when)s", when=o.by_when))
            if o.steps:
                parts.append(_("Steps: %(steps)s", steps=o.steps))
            if o.needs:
                parts.append(_("Needs: %(refs)s", refs=", ".join(n.ref for n in o.needs)))
            lines.append("\n".join(parts))
        return lines
    if letter in ("F", "G", "H1", "H2"):
        lines = []
        for p in version.provision_in(letter):
            parts = [p.what]
            for label, value in (
                (_("Who"), p.who),
                (_("How often"), p.how_often),
                (_("How long"), p.how_long),
                (_("Funded by"), p.funded_by),
            ):
                if value:
                    parts.append(f"{label}: {value}")
            refs = ", ".join(o.ref for o in p.outcomes)
            parts.append(_("Outcomes: %(refs)s", refs=refs) if refs else _("Serves no outcome in section E"))
            lines.append("\n".join(parts))
        return lines
    if letter == "I":
        parts = [v for v in (version.placement_name, version.placement_type, version.placement_notes) if v]
        return ["\n".join(parts)] if parts else []
    if letter == "J":
        parts = [version.budget_summary] if version.budget_summary else []
        if version.budget_amount_pence is not None:
            parts.append(_("Amount each year: %(amount)s", amount=money(version.budget_amount_pence)))
        if version.direct_payments:
            parts.append(_("Some or all is paid as direct payments."))
        return ["\n".join(parts)] if parts else []
    return [" – ".join(v for v in (a.title, a.author, _day(a.dated)) if v) for a in version.advice]
