"""Form pieces shared by every feature: GOV.UK widgets and translated validators."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, StopValidation

MIN_PASSWORD_LENGTH = 10

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "DataRequired",
    "EqualTo",
    "InputRequired",
    "Length",
    "PortalForm",
    "choices",
    "email_field",
    "new_password_fields",
    "password_field",
    "radio_field",
    "submit_field",
    "text_field",
]


class PortalForm(FlaskForm):
    """Base for every form: CSRF on, GOV.UK widgets."""


def email_field(label=None, **kwargs) -> EmailField:
    return EmailField(
        label or _l("Email address"),
        validators=[
            DataRequired(message=_l("Enter your email address")),
            Email(
                message=_l("Enter an email address in the correct format, like name@example.com"),
                check_deliverability=False,
            ),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
        ],
        widget=GovTextInput(),
        render_kw={"autocomplete": "email", "spellcheck": "false"},
        **kwargs,
    )


def password_field(label=None, message=None, autocomplete="current-password", **kwargs) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[DataRequired(message=message or _l("Enter your password"))],
        widget=GovPasswordInput(),
        render_kw={"autocomplete": autocomplete},
        **kwargs,
    )


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """A new password and its confirmation, with the length rule."""
    new = PasswordField(
        _l("Create a password"),
        description=_l("Use at least 10 characters. A few words together are easy to remember."),
        validators=[
            DataRequired(message=_l("Enter a password")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=128,
                message=_l("Password must be between 10 and 128 characters"),
            ),
        ],
        widget=GovPasswordInput(),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[
            DataRequired(message=_l("Type the password again")),
            EqualTo("password", message=_l("The passwords do not match")),
        ],
        widget=GovPasswordInput(),
        render_kw={"autocomplete": "new-password"},
    )
    return new, confirm


def text_field(label, message, **kwargs) -> StringField:
    return StringField(label, validators=[DataRequired(message=message)], widget=GovTextInput(), **kwargs)


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class PortalRadioField(RadioField):
    """Radios whose "not one of the choices" error is the same clear message as an empty answer."""

    def pre_validate(self, form):
        if self.data is not None and self.data not in {value for value, *_rest in self.iter_choices()}:
            raise StopValidation(self.validators[0].message)


def radio_field(label, pairs, message, **kwargs) -> RadioField:
    return PortalRadioField(
        label,
        choices=choices(pairs),
        validators=[InputRequired(message=message)],
        widget=GovRadioInput(),
        **kwargs,
    )


def submit_field(label) -> SubmitField:
    return SubmitField(label, widget=GovSubmitInput())
