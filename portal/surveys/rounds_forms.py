"""Forms officers use to set up rounds and schedules."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import IntegerField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from portal.common.forms import (
    BooleanField,
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
    SelectField,
    StringField,
    SubmitField,
    UkDateField,
    strip,
)
from portal.surveys import rounds
from portal.surveys.models import SurveyRound, SurveySchedule


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


def _template_field() -> SelectField:
    return SelectField(
        "Template", widget=GovSelect(), coerce=int, validators=[DataRequired(message="Choose a template")]
    )


def _title_field() -> StringField:
    return StringField(
        "Title",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(message="Enter a title"), Length(max=150, message="Keep the title to 150 characters")],
    )


def _reminders_field() -> StringField:
    return StringField("Reminder days before the close", widget=GovTextInput(), filters=[strip])


class _ChoosesTemplate:
    def set_templates(self, templates, current_id: int | None = None) -> None:
        choices = [SelectChoice(0, "Choose a template")]
        choices += [SelectChoice(template.id, template.name) for template in templates]
        if current_id and current_id not in {template.id for template in templates}:
            choices.append(SelectChoice(current_id, "The template this already uses"))
        self.template_id.choices = choices

    def reminder_days_or_error(self) -> list[int] | None:
        try:
            return rounds.parse_reminder_days(self.reminder_days.data or "")
        except rounds.RoundError as error:
            self.reminder_days.errors.append(str(error))
            return None


class RoundForm(_ChoosesTemplate, FlaskForm):
    template_id = _template_field()
    title = _title_field()
    opens_on = UkDateField("Opens on", validators=[InputRequired(message="Enter the opening date")])
    closes_on = UkDateField("Closes on", validators=[InputRequired(message="Enter the closing date")])
    reminder_days = _reminders_field()
    anonymity_threshold = WholeNumberField(
        "Minimum group size",
        message="Enter the minimum group size as a whole number, like 5",
        validators=[InputRequired(message="Enter the minimum group size")],
    )
    free_text_threshold = WholeNumberField(
        "Minimum answers before free text is shown",
        message="Enter the minimum as a whole number, like 10",
        validators=[InputRequired(message="Enter the minimum for free-text answers")],
    )
    submit = SubmitField("Save round", widget=GovSubmitInput())

    @staticmethod
    def data_for(survey_round: SurveyRound | None) -> dict:
        if survey_round is None:
            anonymity, free_text = rounds.default_thresholds()
            return {"anonymity_threshold": anonymity, "free_text_threshold": free_text, "reminder_days": "7, 2"}
        return {
            "template_id": survey_round.template_id,
            "title": survey_round.title,
            "opens_on": survey_round.opens_on,
            "closes_on": survey_round.closes_on,
            "reminder_days": ", ".join(str(day) for day in survey_round.reminder_days or []),
            "anonymity_threshold": survey_round.anonymity_threshold,
            "free_text_threshold": survey_round.free_text_threshold,
        }

    def to_input(self) -> rounds.RoundInput | None:
        reminder_days = self.reminder_days_or_error()
        if reminder_days is None:
            return None
        return rounds.RoundInput(
            template_id=self.template_id.data,
            title=self.title.data,
            opens_on=self.opens_on.data,
            closes_on=self.closes_on.data,
            reminder_days=reminder_days,
            anonymity_threshold=self.anonymity_threshold.data,
            free_text_threshold=self.free_text_threshold.data,
        )


INTERVAL_CHOICES = [SelectChoice(months, f"Every {months} months") for months in rounds.INTERVALS]


class ScheduleForm(_ChoosesTemplate, FlaskForm):
    template_id = _template_field()
    title = _title_field()
    interval_months = RadioField("How often", widget=GovRadioInput(), choices=INTERVAL_CHOICES, coerce=int, default=6)
    open_days = WholeNumberField(
        "Open for this many days",
        message="Enter the number of days as a whole number, like 21",
        validators=[InputRequired(message="Enter how many days each round stays open")],
    )
    reminder_days = _reminders_field()
    next_opens_on = UkDateField("Next opening date", validators=[InputRequired(message="Enter the next opening date")])
    active = BooleanField("Active: create rounds from this schedule", widget=GovCheckboxInput())
    submit = SubmitField("Save schedule", widget=GovSubmitInput())

    @staticmethod
    def data_for(schedule: SurveySchedule | None) -> dict:
        if schedule is None:
            return {"interval_months": 6, "open_days": 21, "reminder_days": "7, 2", "active": True}
        return {
            "template_id": schedule.template_id,
            "title": schedule.title,
            "interval_months": schedule.interval_months,
            "open_days": schedule.open_days,
            "reminder_days": ", ".join(str(day) for day in schedule.reminder_days or []),
            "next_opens_on": schedule.next_opens_on,
            "active": schedule.active,
        }

    def to_input(self) -> rounds.ScheduleInput | None:
        reminder_days = self.reminder_days_or_error()
        if reminder_days is None:
            return None
        return rounds.ScheduleInput(
            template_id=self.template_id.data,
            title=self.title.data,
            interval_months=self.interval_months.data,
            open_days=self.open_days.data,
            reminder_days=reminder_days,
            next_opens_on=self.next_opens_on.data,
            active=bool(self.active.data),
        )


class ConfirmForm(FlaskForm):
    """A bare form for confirmation pages (it carries the CSRF token)."""
