"""Admin forms."""

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput, GovTextInput
from wtforms import BooleanField, SelectMultipleField, StringField

from portal.accounts.models import ROLE_LABELS
from portal.forms import PortalForm, choices, submit_field


class UserSearchForm(PortalForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Search by email address"), widget=GovTextInput())


class RolesForm(PortalForm):
    roles = SelectMultipleField(
        _l("Roles"),
        description=_l("Staff roles need a second factor at every sign-in."),
        choices=choices(ROLE_LABELS.items()),
        widget=GovCheckboxesInput(),
    )
    active = BooleanField(_l("Account is active"), widget=GovCheckboxInput())
    submit = submit_field(_l("Save changes"))
