"""Forms for plans: creating, writing a version section by section, publishing, importing, inviting."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovFileInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, DateField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.forms import PortalForm, email_field, radio_field, submit_field
from portal.plans.models import AREAS_OF_NEED, VERSION_STATUSES
from portal.plans.service import SECTION_TITLES


def no_nul(value):
    """Drop NUL characters (a browser never sends them; PostgreSQL cannot store them)."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class PlanDateInput(GovDateInput):
    """GOV.UK day, month, year boxes with translated labels; the first box carries the field's id."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        labels = (_("Day"), _("Month"), _("Year"))
        for item, label in zip(params["items"], labels, strict=True):
            item["label"] = label
        params["items"][0]["id"] = field.id  # the error summary links to the day box
        params["id"] = f"{field.id}-date"
        return params


class PlanDateField(DateField):
    """A date in three boxes; a date that is not real becomes None and is reported by the validators."""

    widget = PlanDateInput()

    def __init__(self, label, required_message=None, **kwargs):
        self.required_message = required_message
        super().__init__(label, format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist):
        self.typed = bool(valuelist and any((part or "").strip() for part in valuelist))
        if self.raw_data is not None and len(self.raw_data) != 3:
            # Not from our three boxes (a hand-made request): the widget needs exactly day, month, year.
            self.raw_data = [*self.raw_data, "", "", ""][:3]
            valuelist = self.raw_data
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, form):
        typed = getattr(self, "typed", False)
        self.errors = []
        if self.data is None and typed:
            raise ValidationError(_l("Enter a real date, like 27 3 2027"))
        if self.data is None and self.required_message:
            raise ValidationError(self.required_message)

    def post_validate(self, form, validation_stopped):
        # DateField complains about unparsed input itself; pre_validate already said it in our words.
        if self.errors:
            self.errors = self.errors[:1]


def _text(label, message, max_length=20000, **kwargs) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[no_nul],
        validators=[
            DataRequired(message=message),
            Length(max=max_length, message=_l("Must be %(max)s characters or fewer", max=max_length)),
        ],
        widget=GovTextArea(),
        **kwargs,
    )


def _line(label, max_length=200, message=None, **kwargs) -> StringField:
    validators = [DataRequired(message=message)] if message else [Optional()]
    validators.append(
        Length(max=max_length, message=_l("Must be %(max)s characters or fewer", max=max_length))
    )
    return StringField(label, validators=validators, widget=GovTextInput(), filters=[no_nul], **kwargs)


class ChecksField(SelectMultipleField):
    """Checkboxes; only this form's choices are kept (anything else is ignored)."""

    widget = GovCheckboxesInput()

    def pre_validate(self, form):
        allowed = {value for value, *_rest in self.iter_choices()}
        self.data = [value for value in (self.data or []) if value in allowed]


class NewPlanForm(PortalForm):
    full_name = _line(_l("Full name of the child or young person"), message=_l("Enter their full name"))
    preferred_name = _line(_l("Name they like to be called (optional)"), max_length=100)
    date_of_birth = PlanDateField(
        _l("Date of birth"),
        required_message=_l("Enter their date of birth"),
        description=_l("For example, 27 3 2014"),
    )
    reference = _line(_l("Council reference (optional)"), max_length=40)
    assessment_requested_on = PlanDateField(
        _l("Date the EHC needs assessment was requested (optional)"),
        description=_l("Fill this in while the plan is on the 20-week timeline."),
    )
    submit = submit_field(_l("Create plan"))

    def validate_date_of_birth(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("Date of birth must be in the past"))
        if field.data and field.data.year < date.today().year - 26:
            raise ValidationError(_l("EHC plans are for people aged 0 to 25"))


class DatesForm(PortalForm):
    next_review_due = PlanDateField(_l("Next annual review due (optional)"))
    assessment_requested_on = PlanDateField(_l("Date the EHC needs assessment was requested (optional)"))
    assessment_decided_on = PlanDateField(_l("Date the council decided to assess (optional)"))
    submit = submit_field(_l("Save dates"))


class ViewsForm(PortalForm):
    text = _text(_l("Their views, in their own words"), _l("Enter their views"))
    source = _line(
        _l("Where the words came from (optional)"),
        max_length=300,
        description=_l("For example: Sam, at the review meeting on 3 March"),
    )
    submit = submit_field(_l("Save"))


class NeedForm(PortalForm):
    section = radio_field(
        _l("Which section is this need in?"),
        [(s, f"{s}: {SECTION_TITLES[s]}") for s in ("B", "C", "D")],
        _l("Choose a section"),
    )
    area = radio_field(_l("Area of need"), list(AREAS_OF_NEED.items()), _l("Choose an area of need"))
    text = _text(_l("Describe the need"), _l("Describe the need"))
    submit = submit_field(_l("Save"))


class OutcomeForm(PortalForm):
    text = _text(_l("The outcome"), _l("Enter the outcome"))
    by_when = _line(_l("By when"), max_length=120, description=_l("For example: by the end of Year 8"))
    steps = TextAreaField(
        _l("Steps towards it (optional)"),
        filters=[no_nul],
        validators=[Length(max=20000, message=_l("Must be %(max)s characters or fewer", max=20000))],
        widget=GovTextArea(),
    )
    needs = ChecksField(_l("Needs this outcome answers"), choices=[])
    submit = submit_field(_l("Save"))


class ProvisionForm(PortalForm):
    section = radio_field(
        _l("Which section is this provision in?"),
        [(s, f"{s}: {SECTION_TITLES[s]}") for s in ("F", "G", "H1", "H2")],
        _l("Choose a section"),
    )
    what = _text(_l("What the provision is"), _l("Enter what the provision is"))
    who = _line(_l("Who delivers it"), message=_l("Enter who delivers it"))
    how_often = _line(_l("How often"), message=_l("Enter how often"))
    how_long = _line(_l("For how long"), message=_l("Enter for how long"))
    funded_by = _line(_l("Who funds it"), message=_l("Enter who funds it"))
    outcomes = ChecksField(_l("Outcomes this provision serves"), choices=[])
    submit = submit_field(_l("Save"))


class PlacementForm(PortalForm):
    placement_name = _line(_l("Name of the school, college or other setting (section I)"))
    placement_type = _line(_l("Type of setting"), description=_l("For example: mainstream secondary academy"))
    placement_notes = TextAreaField(
        _l("Anything else about the placement (optional)"),
        filters=[no_nul],
        validators=[Length(max=20000, message=_l("Must be %(max)s characters or fewer", max=20000))],
        widget=GovTextArea(),
    )
    budget_summary = TextAreaField(
        _l("Personal budget (section J)"),
        filters=[no_nul],
        validators=[Length(max=20000, message=_l("Must be %(max)s characters or fewer", max=20000))],
        widget=GovTextArea(),
    )
    budget_amount = _line(_l("Amount each year, in pounds (optional)"), max_length=20)
    direct_payments = BooleanField(_l("Some or all is paid as direct payments"), widget=GovCheckboxInput())
    submit = submit_field(_l("Save"))

    def validate_budget_amount(self, field):
        value = (field.data or "").replace("£", "").replace(",", "").strip()
        if not value:
            field.pence = None
            return
        try:
            pounds = round(float(value), 2)
        except ValueError:
            raise ValidationError(_l("Enter an amount in pounds, like 1200 or 1200.50")) from None
        if pounds < 0 or pounds > 1_000_000:
            raise ValidationError(_l("Enter an amount between 0 and 1,000,000"))
        field.pence = round(pounds * 100)


class AdviceForm(PortalForm):
    title = _line(_l("Title of the advice or report"), max_length=300, message=_l("Enter the title"))
    author = _line(_l("Who wrote it"), description=_l("For example: Educational psychologist"))
    dated = PlanDateField(_l("Date (optional)"))
    submit = submit_field(_l("Save"))


class PublishForm(PortalForm):
    status = radio_field(_l("Publish as"), list(VERSION_STATUSES.items()), _l("Choose draft or final"))
    issued_on = PlanDateField(_l("Date issued"), required_message=_l("Enter the date issued"))
    reason = TextAreaField(
        _l("Why the plan is being amended"),
        filters=[no_nul],
        description=_l(
            "Needed for a final plan that follows an earlier final plan, say after an annual review."
        ),
        validators=[Length(max=500, message=_l("Must be 500 characters or fewer"))],
        widget=GovTextArea(),
    )
    submit = submit_field(_l("Publish this version"))


class ImportForm(PortalForm):
    file = FileField(
        _l("Plan file (JSON)"),
        description=_l("A file in the portal's plan format. Versions marked published are published."),
        widget=GovFileInput(),
        render_kw={"accept": ".json,application/json"},
    )
    submit = submit_field(_l("Import"))


class InviteForm(PortalForm):
    email = email_field(_l("Their email address"))
    role = radio_field(
        _l("Who are you inviting?"),
        [
            ("parent", _l("A parent or carer with parental responsibility")),
            ("professional", _l("A professional, for a stated purpose and time")),
            ("child", _l("The child or young person themself")),
        ],
        _l("Choose who you are inviting"),
    )
    purpose = StringField(
        _l("Purpose (professionals)"),
        filters=[no_nul],
        validators=[Length(max=300, message=_l("Must be %(max)s characters or fewer", max=300))],
        widget=GovTextInput(),
        description=_l("For example: advice for the annual review"),
    )
    access_until = PlanDateField(_l("Access ends on (professionals)"))
    submit = submit_field(_l("Send invitation"))

    def validate_purpose(self, field):
        if self.role.data == "professional" and not (field.data or "").strip():
            raise ValidationError(_l("Enter why the professional needs to see the plan"))

    def validate_access_until(self, field):
        if self.role.data != "professional":
            return
        if field.data is None:
            raise ValidationError(_l("Enter the date their access ends"))
        if field.data < date.today():
            raise ValidationError(_l("The date access ends must be today or in the future"))
        if (field.data - date.today()).days > 366:
            raise ValidationError(_l("Access can last up to a year"))


class JoinForm(PortalForm):
    code = StringField(
        _l("Your code"),
        filters=[no_nul],
        validators=[
            DataRequired(message=_l("Enter the code from your email")),
            Length(max=20, message=_l("The code is 10 letters and numbers")),
        ],
        widget=GovTextInput(),
        description=_l("10 letters and numbers, like ABCDE-23456"),
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "characters"},
    )
    submit = submit_field(_l("Continue"))


class ButtonForm(PortalForm):
    """A form that is only a button (the CSRF token comes with it)."""

    submit = submit_field(_l("Confirm"))
