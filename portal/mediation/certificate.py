"""The mediation certificate as a PDF (portal/pdf.py, DejaVu Sans)."""

from flask_babel import format_date
from flask_babel import gettext as _

from portal.mediation.models import DECISIONS, OUTCOMES, Certificate, MediationRequest
from portal.pdf import Document


def certificate_pdf(request: MediationRequest, certificate: Certificate) -> bytes:
    """The certificate the family sends with an appeal to the SEND Tribunal."""
    title = _("Mediation certificate")
    doc = Document(title, header_text=_("SEND family portal"), footer_text=certificate.number)
    doc.heading(title)
    doc.paragraph(
        _(
            "This certificate confirms that the person named below has contacted the mediation service "
            "about the council decision described, as required before appealing to the First-tier "
            "Tribunal (Special Educational Needs and Disability)."
        )
    )
    doc.term(_("Certificate number"), certificate.number)
    doc.term(_("Request reference"), request.reference)
    doc.term(_("Issued on"), format_date(certificate.issued_on, "long"))
    doc.term(_("Issued to"), request.family.email)
    doc.term(_("Decision"), str(DECISIONS.get(request.decision, request.decision)))
    doc.term(_("Date of decision letter"), format_date(request.letter_date, "long"))
    if certificate.after_mediation and request.held_on:
        doc.term(_("Mediation"), _("Took place on %(date)s", date=format_date(request.held_on, "long")))
        doc.term(_("Outcome"), str(OUTCOMES.get(request.outcome, request.outcome or "")))
    else:
        doc.term(_("Mediation"), _("The family decided not to take part in mediation"))
    doc.ln(4)
    doc.paragraph(
        _(
            "You can appeal within 2 months of the date of the decision letter, or within 1 month of the "
            "date of this certificate, whichever is later."
        ),
        size=10,
    )
    return doc.output_bytes()
