"""Forms for giving views and asking for them. Every field on a question page is optional."""

from datetime import date

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovTextArea
from wtforms import BooleanField, DateField, FileField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from portal.forms import PortalForm, PortalRadioField, choices, radio_field, submit_field
from portal.voice.questions import CARDS, SCALE

MAX_TEXT = 5000


class CardsField(SelectMultipleField):
    """Picture cards: any number, only from this question's cards (anything else is ignored, not an error)."""

    def pre_validate(self, form):
        allowed = {value for value, *_rest in self.iter_choices()}
        self.data = [value for value in (self.data or []) if value in allowed]


class ScaleField(PortalRadioField):
    """The 1 to 5 scale; leaving it empty is fine."""

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist and valuelist[0] else None

    def pre_validate(self, form):
        if self.data is not None and self.data not in {value for value, *_rest in self.iter_choices()}:
            raise ValidationError(_l("Choose one of the faces, or leave it empty"))


class ReviewDateField(DateField):
    """Day, month and year boxes; a date that is not real is reported by the form, in the page's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


class QuestionForm(PortalForm):
    cards = CardsField(_l("Pick the cards that fit"), choices=[], validate_choice=False)
    scale = ScaleField(_l("How do you feel?"), choices=[], validators=[Optional()])
    text = TextAreaField(
        _l("Write or type your answer"),
        validators=[Length(max=MAX_TEXT, message=_l("Your answer must be 5,000 characters or fewer"))],
        widget=GovTextArea(),
    )
    upload = FileField(
        _l("Add a drawing, photo, sound recording or short video"),
        description=_l(
            "Up to 50 MB. Pictures: JPG or PNG. Sound: MP3, M4A, WAV or OGG. Video: MP4, MOV, WebM or MKV."
        ),
        widget=GovFileInput(),
    )
    remove_file = BooleanField(_l("Take this file away"), widget=GovCheckboxInput())
    save = submit_field(_l("Save and continue"))
    skip = submit_field(_l("Skip this question"))
    later = submit_field(_l("Save and come back later"))

    def for_question(self, question):
        """Give the card and scale fields this question's choices."""
        self.cards.choices = choices((key, str(CARDS[key][1])) for key in question.cards)
        self.scale.choices = choices((str(value), str(label)) for value, (_picture, label) in SCALE.items())
        return self


class StartForm(PortalForm):
    """Start a new set. Parents choose whose views; young people only ever start their own."""

    kind = radio_field(
        _l("Whose views are these?"),
        [
            ("parent", _l("My views, as a parent or carer")),
            ("young_person", _l("I am helping my child give their views")),
        ],
        _l("Choose whose views these are"),
    )
    submit = submit_field(_l("Start"))


class YoungPersonStartForm(PortalForm):
    submit = submit_field(_l("Start"))


class SendForm(PortalForm):
    submit = submit_field(_l("Send my views"))


class QuoteForm(PortalForm):
    submit = submit_field(_l("Add to section A"))


class RequestForm(PortalForm):
    asks = radio_field(
        _l("Whose views do you want?"),
        [
            ("both", _l("The young person's and their parents' or carers'")),
            ("young_person", _l("The young person's")),
            ("parent", _l("Their parents' or carers'")),
        ],
        _l("Choose whose views you want"),
    )
    review_date = ReviewDateField(_l("Date of the review"), format="%d %m %Y")
    submit = submit_field(_l("Ask for views"))

    def validate_review_date(self, field):
        if field.data is None:
            if field.raw_data and any(part.strip() for part in field.raw_data):
                raise ValidationError(_l("Enter a real date, like 27 3 2027"))
            raise ValidationError(_l("Enter the date of the review"))
        if field.data < date.today():
            raise ValidationError(_l("The date of the review must be today or in the future"))
