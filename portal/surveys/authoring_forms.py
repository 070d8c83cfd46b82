"""Forms for survey templates and their questions.

Length and presence checks live here so that messages appear beside fields; the rules about options, tags
and attributes live in `authoring`, whose refusals the views put beside the field they concern.
"""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.common.forms import (
    BooleanField,
    GovCheckboxInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
    StringField,
    SubmitField,
    TextAreaField,
    strip,
)
from portal.surveys import authoring
from portal.surveys.models import SurveyQuestion

KIND_HINTS = {
    "agreement": "Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly agree",
    "single_choice": "Members choose one of your options",
    "multiple_choice": "Members choose any of your options",
    "scale": "A number from 0 to 10",
    "free_text": "Members write their own words. Shown to officers only above the free-text threshold.",
}


class TemplateForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter the template's name"),
            Length(max=200, message="Keep the name to 200 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Optional(), Length(max=2000, message="Keep the description to 2000 characters or fewer")],
    )
    submit = SubmitField("Save template", widget=GovSubmitInput())


def _tags_field() -> StringField:
    return StringField(
        "Self-assessment statements (optional)",
        widget=GovTextInput(),
        filters=[strip],
        default="",
        validators=[Optional(), Length(max=200, message="Keep the statements to 200 characters or fewer")],
        description="The statements this question bears on, for example 1.2, 3.1",
    )


class QuestionForm(FlaskForm):
    text = StringField(
        "Question",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter the question"),
            Length(max=500, message="Keep the question to 500 characters or fewer"),
        ],
    )
    help_text = StringField(
        "Help text (optional)",
        widget=GovTextInput(),
        filters=[strip],
        default="",
        validators=[Optional(), Length(max=1000, message="Keep the help text to 1000 characters or fewer")],
    )
    kind = RadioField(
        "Kind of answer",
        widget=GovRadioInput(),
        choices=[SelectChoice(kind.value, kind.label) for kind in authoring.AUTHORED_KINDS],
        validators=[DataRequired(message="Choose the kind of answer")],
    )
    options = TextAreaField(
        "Options",
        widget=GovTextArea(),
        default="",
        description="For single and multiple choice only: one option on each line, at least 2 and at most 20",
    )
    required = BooleanField("Members must answer this question", widget=GovCheckboxInput())
    is_attribute = BooleanField("A self-reported attribute, for breakdowns of the results", widget=GovCheckboxInput())
    statement_tags = _tags_field()
    submit = SubmitField("Save question", widget=GovSubmitInput())

    @staticmethod
    def data_for(question: SurveyQuestion) -> dict:
        return {
            "text": question.text,
            "help_text": question.help_text,
            "kind": question.kind,
            "options": "\n".join(question.options) if question.kind in authoring.CHOICE_KINDS else "",
            "required": question.required,
            "is_attribute": question.is_attribute,
            "statement_tags": ", ".join(question.statement_tags),
        }

    def to_input(self) -> authoring.QuestionInput:
        return authoring.QuestionInput(
            kind=self.kind.data or "",
            text=self.text.data or "",
            help_text=self.help_text.data or "",
            required=bool(self.required.data),
            options=(self.options.data or "").splitlines(),
            statement_tags=[self.statement_tags.data or ""],
            is_attribute=bool(self.is_attribute.data),
        )


class TagsForm(FlaskForm):
    """The one thing that changes on a standard block's question."""

    statement_tags = _tags_field()
    submit = SubmitField("Save statements", widget=GovSubmitInput())
