"""Mediation forms: one question per page for the request, then booking and the mediator's forms."""

import re
from datetime import date, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from portal.forms import PortalForm, choices, radio_field, submit_field
from portal.mediation.models import AREAS, DECISIONS, MODES, OUTCOMES


class DateInput(GovDateInput):
    """GOV.UK date input with Day, Month and Year in the page's language."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            # A post missing a part (or with extra parts) still renders three boxes.
            field.raw_data = ([*field.raw_data, "", "", ""])[:3]
        params = super().map_gov_params(field, **kwargs)
        for item, label in zip(params["items"], (_("Day"), _("Month"), _("Year")), strict=True):
            item["label"] = label
        return params


class PortalDateField(DateField):
    """A date typed as day, month and year, with a clear message when it is not a real date."""

    def __init__(self, label, message, **kwargs):
        self.invalid_message = message
        super().__init__(label, format="%d %m %Y", widget=DateInput(), **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not any(v.strip() for v in valuelist):
            self.data = None
            return
        try:
            day, month, year = (int(v) for v in valuelist)
            self.data = date(year, month, day)
        except (TypeError, ValueError) as error:
            self.data = None
            raise ValueError(str(self.invalid_message)) from error


def date_field(label, empty, invalid, **kwargs):
    return PortalDateField(label, invalid, validators=[InputRequired(message=empty)], **kwargs)


# The request, one question per page.


class DecisionForm(PortalForm):
    decision = radio_field(
        _l("Which decision do you disagree with?"),
        list(DECISIONS.items()),
        _l("Select the decision you disagree with"),
    )
    submit = submit_field(_l("Continue"))


class LetterDateForm(PortalForm):
    letter_date = date_field(
        _l("What is the date on the decision letter?"),
        _l("Enter the date on the decision letter"),
        _l("The date on the decision letter must be a real date, like 27 3 2026"),
        description=_l("It is usually at the top of the letter. For example, 27 3 2026"),
    )
    submit = submit_field(_l("Continue"))

    def validate_letter_date(self, field):
        from portal.mediation.deadlines import today_in_england

        if field.data and field.data > today_in_england():
            raise ValidationError(_("The date on the decision letter must be today or in the past"))
        if field.data and field.data.year < 2014:
            raise ValidationError(_("The date on the decision letter must be after 2014"))


class AreasForm(PortalForm):
    areas = SelectMultipleField(
        _l("What is the disagreement about?"),
        choices=choices(AREAS.items()),
        description=_l("Select all that apply"),
        validators=[InputRequired(message=_l("Select what the disagreement is about"))],
        widget=GovCheckboxesInput(),
    )
    submit = submit_field(_l("Continue"))


class AccessNeedsForm(PortalForm):
    access_needs = TextAreaField(
        _l("Do you have any access needs for the mediation?"),
        description=_l(
            "For example, step-free access, a quiet room, breaks, or someone to come with you. "
            "Leave this empty if not."
        ),
        validators=[Length(max=2000, message=_l("Access needs must be 2,000 characters or fewer"))],
        widget=GovTextArea(),
    )
    submit = submit_field(_l("Continue"))


class InterpreterForm(PortalForm):
    interpreter = radio_field(
        _l("Do you need an interpreter?"),
        [("no", _l("No")), ("yes", _l("Yes"))],
        _l("Select yes if you need an interpreter"),
    )
    language = StringField(
        _l("If yes, which language?"),
        validators=[Length(max=60, message=_l("The language must be 60 characters or fewer"))],
        widget=GovTextInput(),
    )
    submit = submit_field(_l("Continue"))

    def validate_language(self, field):
        if self.interpreter.data == "yes" and not (field.data or "").strip():
            raise ValidationError(_("Enter the language you need an interpreter for"))


class WantsForm(PortalForm):
    wants = radio_field(
        _l("Do you want mediation, or only the certificate?"),
        [
            ("mediation", _l("I want mediation")),
            ("certificate", _l("I only want the certificate so I can appeal")),
        ],
        _l("Select whether you want mediation or only the certificate"),
    )
    submit = submit_field(_l("Continue"))


class SendRequestForm(PortalForm):
    token = HiddenField()
    submit = submit_field(_l("Send request"))


# Booking.


class BookForm(PortalForm):
    slot = radio_field(_l("Choose a time"), [], _l("Select a time for your mediation"))
    submit = submit_field(_l("Book this time"))


class EmptyForm(PortalForm):
    """Only the CSRF token: a button that needs no other input."""


class AssignForm(PortalForm):
    mediator = SelectField(
        _l("Mediator"),
        validators=[InputRequired(message=_l("Select a mediator"))],
        widget=GovSelect(),
    )
    submit = submit_field(_l("Assign mediator"))


# The mediator's forms.

TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class SlotForm(PortalForm):
    day = date_field(
        _l("Date"),
        _l("Enter the date of the slot"),
        _l("The date must be a real date, like 27 3 2027"),
    )
    starts = StringField(
        _l("Start time"),
        description=_l("Use the 24-hour clock, for example 09:30 or 14:00"),
        validators=[InputRequired(message=_l("Enter the start time"))],
        widget=GovTextInput(),
    )
    minutes = IntegerField(
        _l("Length in minutes"),
        default=120,
        validators=[
            InputRequired(message=_l("Enter the length in minutes")),
            NumberRange(min=15, max=480, message=_l("The length must be between 15 and 480 minutes")),
        ],
        widget=GovTextInput(),
    )
    mode = radio_field(
        _l("How will it take place?"), list(MODES.items()), _l("Select how it will take place")
    )
    place = StringField(
        _l("Place"),
        description=_l("The address for in-person meetings, or how to join for video and phone"),
        validators=[Length(max=200, message=_l("The place must be 200 characters or fewer"))],
        widget=GovTextInput(),
    )
    weeks = IntegerField(
        _l("Repeat every week for how many weeks?"),
        description=_l("1 for a single slot, up to 12"),
        default=1,
        validators=[
            InputRequired(message=_l("Enter how many weeks")),
            NumberRange(min=1, max=12, message=_l("Enter a number of weeks between 1 and 12")),
        ],
        widget=GovTextInput(),
    )
    submit = submit_field(_l("Offer slot"))

    def validate_starts(self, field):
        if not TIME_PATTERN.match((field.data or "").strip()):
            raise ValidationError(_("Enter the start time like 09:30 or 14:00"))

    def validate_day(self, field):
        from portal.mediation.deadlines import today_in_england

        if field.data and field.data < today_in_england():
            raise ValidationError(_("The date must be today or in the future"))

    def validate_mode(self, field):
        if field.data == "in_person" and not (self.place.data or "").strip():
            raise ValidationError(_("Enter the address for an in-person meeting"))

    def start_time(self) -> time:
        hours, minutes = TIME_PATTERN.match(self.starts.data.strip()).groups()
        return time(int(hours), int(minutes))


class OutcomeForm(PortalForm):
    held_on = date_field(
        _l("When did mediation take place?"),
        _l("Enter the date mediation took place"),
        _l("The date must be a real date, like 27 3 2027"),
    )
    outcome = radio_field(_l("What was the outcome?"), list(OUTCOMES.items()), _l("Select the outcome"))
    submit = submit_field(_l("Record outcome"))

    def validate_held_on(self, field):
        from portal.mediation.deadlines import today_in_england

        if field.data and field.data > today_in_england():
            raise ValidationError(_("The date mediation took place must be today or in the past"))


class PeriodForm(PortalForm):
    """The data return's period (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    start = date_field(
        _l("From"), _l("Enter the first day of the period"), _l("The first day must be a real date")
    )
    end = date_field(_l("To"), _l("Enter the last day of the period"), _l("The last day must be a real date"))

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_("The last day must be the same as or after the first day"))
