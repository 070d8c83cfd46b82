from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import IntegerField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.common.forms import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    strip,
)


class ProfileForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[strip],
        default="Councillor Safety Champion",
        validators=[DataRequired(message="Enter the champion's title"), Length(max=200)],
    )
    remit = TextAreaField(
        "Remit",
        widget=GovTextArea(),
        filters=[strip],
        validators=[DataRequired(message="Say what the champion does for members"), Length(max=5000)],
    )
    how_to_contact = StringField(
        "How to contact them",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Say how members can reach them"), Length(max=500)],
    )
    when_to_contact = StringField(
        "When to contact them", widget=GovTextInput(), filters=[strip], validators=[Optional(), Length(max=500)]
    )
    photo = FileField("Photo (optional)", widget=GovFileInput())
    photo_alt_text = StringField(
        "Describe the photo", widget=GovTextInput(), filters=[strip], validators=[Optional(), Length(max=300)]
    )
    position = IntegerField(
        "Order on the page",
        widget=GovTextInput(),
        default=100,
        validators=[
            InputRequired(message="Enter a number for the order"),
            NumberRange(min=0, max=1000, message="Enter a number from 0 to 1000"),
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class AppointForm(ProfileForm):
    user_id = SelectField(
        "Person", widget=GovSelect(), coerce=int, validators=[InputRequired(message="Choose who to appoint")]
    )
    submit = SubmitField("Appoint", widget=GovSubmitInput())

    def validate_user_id(self, field):
        if not field.data:
            raise ValidationError("Choose who to appoint")
