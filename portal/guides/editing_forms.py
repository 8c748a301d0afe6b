"""Forms for forum editors: write a page, decide on a revision waiting for review."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovTextArea, GovTextInput
from wtforms import HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from portal.forms import DataRequired, PortalForm, choices, radio_field, submit_field
from portal.guides.routes import AUDIENCES, TOPICS
from portal.local_offer.taxonomy import NEEDS, PHASES

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_BODY = 60_000
MAX_COMMENT = 2000
# The buttons at the foot of the page form: what each asks for.
ACTIONS = ("preview", "save", "submit")


class PageForm(PortalForm):
    """A guide or provision page in one language. Fields that do not apply are deleted by the view."""

    slug = StringField(
        _l("Web address"),
        description=_l(
            "The end of the page's address, like annual-reviews. Small letters, numbers and hyphens. "
            "Leave empty to make one from the title. It cannot be changed later."
        ),
        validators=[Optional(), Length(max=120, message=_l("Web address must be 120 characters or fewer"))],
        widget=GovTextInput(),
        render_kw={"spellcheck": "false"},
    )
    area = radio_field(_l("Area of need"), NEEDS.items(), message=_l("Select the area of need"))
    phase = radio_field(_l("Phase"), PHASES.items(), message=_l("Select the phase"))
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Enter a title")),
            Length(max=200, message=_l("Title must be 200 characters or fewer")),
        ],
        widget=GovTextInput(),
    )
    summary = StringField(
        _l("Summary"),
        description=_l("One sentence. Readers see it in lists and search results."),
        validators=[
            DataRequired(message=_l("Enter a summary")),
            Length(max=300, message=_l("Summary must be 300 characters or fewer")),
        ],
        widget=GovTextInput(),
    )
    audience = SelectMultipleField(
        _l("Who is it for?"),
        choices=choices(AUDIENCES.items()),
        widget=GovCheckboxesInput(),
    )
    topics = SelectMultipleField(
        _l("Topics"),
        choices=choices(TOPICS.items()),
        widget=GovCheckboxesInput(),
    )
    body = TextAreaField(
        _l("Text"),
        description=_l(
            "Markdown: ## for a heading, - for a list item, [words](https://example.org) for a link. "
            "HTML is shown as text."
        ),
        validators=[
            DataRequired(message=_l("Enter the text of the page")),
            Length(max=MAX_BODY, message=_l("The text must be 60,000 characters or fewer")),
        ],
        widget=GovTextArea(),
    )
    co_produced_with = StringField(
        _l("Written with (optional)"),
        description=_l("For example, Mereford Parent Carer Forum"),
        validators=[Length(max=200, message=_l("Written with must be 200 characters or fewer"))],
        widget=GovTextInput(),
    )
    # The revision the editor started from, and (translations) the English revision they translated.
    base_id = HiddenField()
    source_id = HiddenField()

    def validate_slug(self, field):
        if field.data and not SLUG.match(field.data.strip()):
            raise ValidationError(
                _("Web address must use only small letters, numbers and single hyphens, like annual-reviews")
            )

    def validate_audience(self, field):
        if not field.data:
            raise ValidationError(_("Select who the guide is for"))

    def validate_topics(self, field):
        if not field.data:
            raise ValidationError(_("Select at least one topic"))

    def values(self) -> dict:
        """The page text as typed, tidied the way content files are (so export stays byte-identical)."""
        body = (self.body.data or "").replace("\r\n", "\n").replace("\r", "\n")
        values = {
            "title": " ".join((self.title.data or "").split()),
            "summary": " ".join((self.summary.data or "").split()),
            "body": body.rstrip() + "\n",
            "co_produced_with": " ".join((self.co_produced_with.data or "").split()),
        }
        if "audience" in self:
            values["meta"] = {
                "audience": [a for a in AUDIENCES if a in self.audience.data],
                "topics": [t for t in TOPICS if t in self.topics.data],
            }
        return values


def slugify(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)[:120].strip("-") or "guide"


class DecisionForm(PortalForm):
    decision = radio_field(
        _l("Your decision"),
        [("approve", _l("Approve and publish")), ("send_back", _l("Send back to the author"))],
        message=_l("Select whether to approve this revision or send it back"),
    )
    comment = TextAreaField(
        _l("Comment"),
        description=_l("Needed if you send it back: say what should change. The author sees this."),
        validators=[Length(max=MAX_COMMENT, message=_l("Comment must be 2,000 characters or fewer"))],
        widget=GovTextArea(),
    )
    submit = submit_field(_l("Save decision"))

    def validate_comment(self, field):
        if self.decision.data == "send_back" and not (field.data or "").strip():
            raise ValidationError(_("Enter a comment saying what should change"))


class ActionForm(PortalForm):
    """A button that changes something (submit a draft, restore a revision): only the CSRF token."""
