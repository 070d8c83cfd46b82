from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import IntegerField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from portal.common.forms import (
    BooleanField,
    GovCheckboxInput,
    GovSubmitInput,
    GovTextInput,
    StringField,
    SubmitField,
    strip,
)


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
