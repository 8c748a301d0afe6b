"""Forms for keeping listings true: propose a change, decide on one, report a listing that is wrong."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import EmailField, IntegerField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from portal.forms import DataRequired, PortalForm, radio_field, submit_field
from portal.local_offer.taxonomy import COSTS

# The listing fields a service editor may change, in form order, with the words people see for them.
LABELS = {
    "name": _l("Name"),
    "summary": _l("Summary"),
    "description": _l("Description"),
    "url": _l("Website"),
    "email": _l("Email address"),
    "phone": _l("Phone number"),
    "cost": _l("Cost"),
    "fees": _l("Fees"),
    "min_age": _l("Youngest age"),
    "max_age": _l("Oldest age"),
    "eligibility": _l("Who it is for"),
    "how_to_access": _l("How to get help from this service"),
    "how_to_visit": _l("How to visit"),
    "keywords": _l("Keywords"),
}
EDITABLE = tuple(LABELS)
MAX_MESSAGE = 2000
EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.com")


class AgeField(IntegerField):
    """A whole number; anything else is left empty, so the field's own clear message is the only error."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip().isdigit():
            self.data = int(valuelist[0].strip())


def _text(label, max_length, message, *, area=False, required=None, **kwargs):
    validators = [DataRequired(message=required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=message))
    widget = GovTextArea() if area else GovTextInput()
    field = TextAreaField if area else StringField
    return field(label, validators=validators, widget=widget, **kwargs)


def _age(label, required, message):
    return AgeField(
        label,
        validators=[InputRequired(message=required), NumberRange(min=0, max=25, message=message)],
        widget=GovTextInput(),
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )


class ProposalForm(PortalForm):
    name = _text(
        LABELS["name"],
        200,
        _l("Name must be 200 characters or fewer"),
        required=_l("Enter the name of the service"),
    )
    summary = _text(
        LABELS["summary"],
        300,
        _l("Summary must be 300 characters or fewer"),
        description=_l("One or two sentences. Families see this in search results."),
    )
    description = _text(
        LABELS["description"], 10000, _l("Description must be 10,000 characters or fewer"), area=True
    )
    url = _text(
        LABELS["url"],
        500,
        _l("Website must be 500 characters or fewer"),
        description=_l("For example, https://www.example.org"),
        render_kw={"spellcheck": "false", "autocomplete": "url"},
    )
    email = EmailField(
        LABELS["email"],
        validators=[
            Optional(),
            Email(message=EMAIL_FORMAT, check_deliverability=False),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
        ],
        widget=GovTextInput(),
        render_kw={"spellcheck": "false"},
    )
    phone = StringField(
        LABELS["phone"],
        validators=[
            Optional(),
            Regexp(r"^[0-9 +()-]+$", message=_l("Enter a phone number, like 01632 960 001")),
            Length(max=40, message=_l("Phone number must be 40 characters or fewer")),
        ],
        widget=GovTextInput(),
        render_kw={"autocomplete": "off"},
    )
    cost = radio_field(LABELS["cost"], COSTS.items(), message=_l("Select the cost"))
    fees = _text(
        LABELS["fees"],
        300,
        _l("Fees must be 300 characters or fewer"),
        description=_l("For example, £3 per session. Leave empty if it is free."),
    )
    min_age = _age(
        LABELS["min_age"],
        _l("Enter the youngest age"),
        _l("Youngest age must be a whole number from 0 to 25"),
    )
    max_age = _age(
        LABELS["max_age"],
        _l("Enter the oldest age"),
        _l("Oldest age must be a whole number from 0 to 25"),
    )
    eligibility = _text(
        LABELS["eligibility"], 5000, _l("Who it is for must be 5,000 characters or fewer"), area=True
    )
    how_to_access = _text(
        LABELS["how_to_access"],
        5000,
        _l("How to get help from this service must be 5,000 characters or fewer"),
        area=True,
    )
    how_to_visit = _text(
        LABELS["how_to_visit"], 5000, _l("How to visit must be 5,000 characters or fewer"), area=True
    )
    keywords = _text(
        LABELS["keywords"],
        1000,
        _l("Keywords must be 1,000 characters or fewer"),
        description=_l("Words families might search for, separated by commas, like autism, support group"),
    )
    submit = submit_field(_l("Send for approval"))

    def validate_url(self, field):
        if field.data and not field.data.strip().lower().startswith(("https://", "http://")):
            raise ValidationError(
                _("Enter a web address in the correct format, like https://www.example.org")
            )

    def validate_max_age(self, field):
        if field.data is not None and self.min_age.data is not None and field.data < self.min_age.data:
            raise ValidationError(_("Oldest age must be the same as or more than the youngest age"))

    def values(self) -> dict:
        """What was typed, in the shape of a listing record."""
        values = {
            name: (self[name].data or "").strip()
            for name in EDITABLE
            if name in self and name not in ("min_age", "max_age", "keywords")
        }
        values["min_age"], values["max_age"] = self.min_age.data, self.max_age.data
        values["keywords"] = [k.strip().lower() for k in (self.keywords.data or "").split(",") if k.strip()]
        return values


class DecisionForm(PortalForm):
    decision = radio_field(
        _l("Your decision"),
        [("approve", _l("Approve and publish this change")), ("reject", _l("Reject this change"))],
        message=_l("Select whether to approve or reject this change"),
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Needed if you reject the change. The person who proposed it sees this."),
        validators=[Length(max=MAX_MESSAGE, message=_l("Reason must be 2000 characters or fewer"))],
        widget=GovTextArea(),
    )
    submit = submit_field(_l("Save decision"))

    def validate_reason(self, field):
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(_("Enter a reason for rejecting this change"))


class ReportForm(PortalForm):
    message = TextAreaField(
        _l("What is wrong?"),
        description=_l(
            "For example, the phone number has changed or the service has closed. "
            "Do not include anything about your child. Up to 2000 characters."
        ),
        validators=[
            DataRequired(message=_l("Enter what is wrong with this listing")),
            Length(max=MAX_MESSAGE, message=_l("What is wrong must be 2000 characters or fewer")),
        ],
        # A plain textarea: the character count's script messages come from GOV.UK Frontend in English only.
        widget=GovTextArea(),
    )
    reply_to = EmailField(
        _l("Email address (optional)"),
        description=_l("Only if you would like a reply."),
        validators=[
            Optional(),
            Email(message=EMAIL_FORMAT, check_deliverability=False),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
        ],
        widget=GovTextInput(),
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    submit = submit_field(_l("Send"))
