"""The 'Was this helpful?' form."""

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import TextAreaField
from wtforms.validators import Length

from portal.forms import PortalForm, radio_field, submit_field


class FeedbackForm(PortalForm):
    helpful = radio_field(
        _l("Was this guide helpful?"),
        [("yes", _l("Yes")), ("no", _l("No"))],
        message=_l("Select yes if this guide was helpful"),
    )
    comment = TextAreaField(
        _l("What could be better? (optional)"),
        description=_l("Do not include personal details, such as your child's name."),
        validators=[Length(max=1000, message=_l("Your comment must be 1,000 characters or fewer"))],
        widget=GovTextArea(),
    )
    submit = submit_field(_l("Send feedback"))
