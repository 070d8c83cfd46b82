from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import IntegerField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, StopValidation

from portal.common.forms import (
    BooleanField,
    GovCheckboxInput,
    GovSubmitInput,
    GovTextInput,
    StringField,
    SubmitField,
    strip,
)
from portal.settings import services


class MonthsField(IntegerField):
    """A whole number of months, with plain-word messages; what was typed stays in the box.

    A form posted without the field at all (a page opened before the field existed) keeps the stored value,
    so that saving other settings never resets how long survey answers are kept.
    """

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        typed = valuelist[0].strip()
        if not typed:
            self.data = None
            raise ValueError("Enter how many months to keep raw survey answers")
        try:
            self.data = int(typed)
        except ValueError:
            self.data = None
            raise ValueError("Enter the number of months as a whole number, for example 24") from None

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # one message: the range check has nothing to add to "enter a number"


class UploadField(FileField):
    """A file input that holds only a new upload, never the stored file.

    The form is filled from the settings row, whose `logo` is the stored bytes; without this, saving the form
    with no new file chosen would treat those bytes as an upload.
    """

    def process_data(self, value):
        self.data = None


class SettingsForm(FlaskForm):
    council_name = StringField(
        "Council name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Enter the council's name"), Length(max=200)],
    )
    logo = UploadField(
        "Logo",
        widget=GovFileInput(),
        description="PNG, JPEG or SVG, smaller than 200 KB. Leave empty to keep the current logo.",
    )
    logo_alt_text = StringField(
        "Logo text alternative",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        description="What the logo says, for people who cannot see it",
    )
    anonymity_threshold = IntegerField(
        "Minimum group size for survey results",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the minimum group size"),
            NumberRange(min=3, max=100, message="The minimum group size must be between 3 and 100"),
        ],
        description="No survey figure is shown unless it rests on at least this many answers (3 or more)",
    )
    free_text_threshold = IntegerField(
        "Minimum answers before free text is shown",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the free-text threshold"),
            NumberRange(min=3, max=200, message="The free-text threshold must be between 3 and 200"),
        ],
    )
    survey_retention_months = MonthsField(
        "Keep raw survey answers for (months)",
        widget=GovTextInput(),
        validators=[
            NumberRange(
                min=services.MIN_RETENTION_MONTHS,
                max=services.MAX_RETENTION_MONTHS,
                message=services.RETENTION_MONTHS_MESSAGE,
            )
        ],
        description="After this, each round's individual answers are deleted; its released totals are kept",
    )
    mail_from_name = StringField(
        "Name emails come from",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Enter the name emails come from"), Length(max=200)],
    )
    mail_reply_to = StringField(
        "Reply-to address",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Optional(), Email(message="Enter a valid email address", check_deliverability=False)],
    )
    support_email = StringField(
        "Member services email",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Optional(), Email(message="Enter a valid email address", check_deliverability=False)],
    )
    newsletter_approval_required = BooleanField(
        "Champions' newsletters need an officer's approval before sending", widget=GovCheckboxInput()
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())
