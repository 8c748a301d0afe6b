"""Account forms."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired

from portal.accounts.models import ROLE_LABELS, SELF_REGISTER_ROLES
from portal.forms import (
    GovTextInput,
    PortalForm,
    email_field,
    new_password_fields,
    password_field,
    radio_field,
    submit_field,
)
from portal.i18n import LANGUAGES


class LoginForm(PortalForm):
    email = email_field()
    password = password_field()
    submit = submit_field(_l("Sign in"))


class RegisterForm(PortalForm):
    role = radio_field(
        _l("Who is this account for?"),
        [(role, ROLE_LABELS[role]) for role in SELF_REGISTER_ROLES],
        message=_l("Select who this account is for"),
    )
    email = email_field()
    password, password_confirm = new_password_fields()
    submit = submit_field(_l("Create account"))


class ResetRequestForm(PortalForm):
    email = email_field()
    submit = submit_field(_l("Send reset link"))


class ResetPasswordForm(PortalForm):
    password, password_confirm = new_password_fields()
    submit = submit_field(_l("Save new password"))


class ChangePasswordForm(PortalForm):
    current_password = password_field(_l("Current password"), message=_l("Enter your current password"))
    password, password_confirm = new_password_fields()
    submit = submit_field(_l("Change password"))


class CodeForm(PortalForm):
    code = StringField(
        _l("Security code"),
        description=_l("The 6-digit code from your authenticator app"),
        validators=[DataRequired(message=_l("Enter the 6-digit security code"))],
        widget=GovTextInput(),
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
        },
    )
    submit = submit_field(_l("Continue"))


class ProfileForm(PortalForm):
    preferred_language = radio_field(
        _l("Language for pages and emails"),
        [(code, name) for code, name, _dir in LANGUAGES],
        message=_l("Select a language"),
    )
    submit = submit_field(_l("Save"))
