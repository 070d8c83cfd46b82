"""Forms for the course catalogue, completion records, attendance lists and the due-soon window."""

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.accounts.models import User
from portal.common.forms import (
    BooleanField,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    UkDateField,
    strip,
    web_address,
)
from portal.training import services
from portal.training.models import Course, CourseCategory, CourseFormat

# SelectChoice rather than tuples: WTForms 3.4 drops tuple choices.
CATEGORY_CHOICES = [SelectChoice("", "Choose a category")] + [SelectChoice(c.value, c.label) for c in CourseCategory]
FORMAT_CHOICES = [SelectChoice(course_format.value, course_format.label) for course_format in CourseFormat]
DATE_MESSAGE = "Enter the date they completed the course"


class WholeNumberField(IntegerField):
    """A whole number in a GOV.UK text input; anything else gets `message`, and what was typed stays."""

    def __init__(self, label=None, validators=None, *, message: str, **kwargs):
        kwargs.setdefault("widget", GovTextInput())
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(self.message) from None


def _months_field(label: str, hint: str) -> WholeNumberField:
    return WholeNumberField(
        label,
        validators=[
            Optional(),
            NumberRange(min=services.MIN_MONTHS, max=services.MAX_MONTHS, message=services.MONTHS_MESSAGE),
        ],
        message=services.MONTHS_MESSAGE,
        description=hint,
    )


class CourseForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Enter the course title"), Length(max=200)],
    )
    category = SelectField(
        "Category", widget=GovSelect(), choices=CATEGORY_CHOICES, validators=[DataRequired(message="Choose a category")]
    )
    description = TextAreaField(
        "Description", widget=GovTextArea(), filters=[strip], validators=[Optional(), Length(max=5000)]
    )
    provider = StringField(
        "Provider",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Enter who provides the course"), Length(max=200)],
        description="For example, In-house, or Local Government Association (free e-learning)",
    )
    link = StringField(
        "Link to book or take it",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Optional(), Length(max=500), web_address],
        description="The booking page or the e-learning module, starting with https://",
    )
    format = SelectField("Format", widget=GovSelect(), choices=FORMAT_CHOICES)
    mandatory = BooleanField("Mandatory for every member", widget=GovCheckboxInput())
    refresher_months = _months_field(
        "Refresher interval in months", "How long a completion stays valid. Leave empty if once is enough."
    )
    due_within_months_of_election = _months_field(
        "Due within this many months of election",
        "For example, 2 for code of conduct. Leave empty if there is no deadline for new members.",
    )
    active = BooleanField("Offered now", widget=GovCheckboxInput())
    submit = SubmitField("Save course", widget=GovSubmitInput())

    @staticmethod
    def data_for(course: Course | None) -> dict:
        """What the form shows before anything is typed: the course as it stands, or a new course's defaults."""
        if course is None:
            return {"provider": "In-house", "active": True, "format": CourseFormat.WORKSHOP.value}
        return {name: getattr(course, name) for name in services.COURSE_FIELDS}

    def to_input(self) -> services.CourseInput:
        data = {name: getattr(self, name).data for name in services.COURSE_FIELDS}
        data.update(description=data["description"] or "", link=data["link"] or None)
        return services.CourseInput(**data)


def _course_field() -> SelectField:
    return SelectField("Course", widget=GovSelect(), coerce=int, validators=[DataRequired(message="Choose the course")])


def _note_field() -> StringField:
    return StringField(
        "Note (optional)",
        widget=GovTextInput(),
        default="",
        filters=[strip],
        validators=[Optional(), Length(max=500, message="Keep the note to 500 characters or fewer")],
        description="For example, where the session was held or who ran it",
    )


class CourseChoicesMixin:
    def set_courses(self, courses: list[Course]) -> None:
        self.course_id.choices = [SelectChoice(0, "Choose a course")] + [SelectChoice(c.id, c.title) for c in courses]


class CompletionForm(CourseChoicesMixin, FlaskForm):
    """One member completed one course."""

    course_id = _course_field()
    completed_on = UkDateField("Date completed", validators=[InputRequired(message=DATE_MESSAGE)])
    note = _note_field()
    submit = SubmitField("Record completion", widget=GovSubmitInput())


class AttendanceForm(CourseChoicesMixin, FlaskForm):
    """A whole session's attendance list."""

    course_id = _course_field()
    completed_on = UkDateField("Date of the session", validators=[InputRequired(message="Enter the session date")])
    note = _note_field()
    people = SelectMultipleField(
        "Who attended",
        coerce=int,
        widget=GovCheckboxesInput(),
        validators=[DataRequired(message="Choose at least one person who attended")],
    )
    submit = SubmitField("Record attendance", widget=GovSubmitInput())

    def set_people(self, members: list[User]) -> None:
        self.people.choices = [SelectChoice(member.id, member.name) for member in members]


class CorrectionForm(FlaskForm):
    completed_on = UkDateField("Date completed", validators=[InputRequired(message=DATE_MESSAGE)])
    note = _note_field()
    submit = SubmitField("Save correction", widget=GovSubmitInput())


class TrainingSettingsForm(FlaskForm):
    due_soon_days = WholeNumberField(
        "Days before expiry that a course counts as due soon",
        validators=[
            InputRequired(message=services.DUE_SOON_MESSAGE),
            NumberRange(
                min=services.MIN_DUE_SOON_DAYS, max=services.MAX_DUE_SOON_DAYS, message=services.DUE_SOON_MESSAGE
            ),
        ],
        message=services.DUE_SOON_MESSAGE,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
