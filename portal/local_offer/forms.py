"""Local Offer forms (the search itself is a plain GET form built from the URL)."""

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm, submit_field


class AddToShortlistForm(PortalForm):
    service_id = HiddenField(validators=[DataRequired()])


class NoteForm(PortalForm):
    note = TextAreaField(
        _l("Your private note"),
        description=_l("Only you can see this. For example: who you spoke to, or what to ask."),
        validators=[Length(max=2000, message=_l("Your note must be 2,000 characters or fewer"))],
        widget=GovTextArea(),
    )
    submit = submit_field(_l("Save note"))


class RemoveForm(PortalForm):
    """Only the CSRF token: removing needs no other input."""
