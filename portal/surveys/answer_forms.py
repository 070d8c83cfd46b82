"""The answering form, built from a round's questions: one field per question, named by its id.

Values are the formats `store.record_response` takes: an option index, a list of indexes, a number or text.
Required questions are enforced only when the member submits; saving a draft accepts gaps.
"""

from typing import ClassVar

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import Field, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, StopValidation, ValidationError

from portal.common.forms import GovCheckboxesInput, GovTextArea, SelectMultipleField, TextAreaField, strip
from portal.surveys import blocks
from portal.surveys.models import QuestionKind, SurveyQuestion
from portal.surveys.store import AnswerValue

FREE_TEXT_MAX = 2000


class AnswerForm(FlaskForm):
    """Fields are added per round by `answer_form`; `questions` pairs each field with its question."""

    questions: ClassVar[list[SurveyQuestion]] = []

    def field_for(self, question: SurveyQuestion) -> Field:
        return self[field_name(question)]

    def answers(self) -> dict[int, AnswerValue]:
        """Question id -> value, for the questions answered (blank ones left out)."""
        values = {}
        for question in self.questions:
            value = self.field_for(question).data
            if value not in (None, "", []):
                values[question.id] = value
        return values


def field_name(question: SurveyQuestion) -> str:
    return f"q{question.id}"


def choices_for(question: SurveyQuestion) -> list[SelectChoice]:
    """The options a question offers, with the value each is stored as."""
    kind = QuestionKind(question.kind)
    if kind is QuestionKind.SCALE:
        return [SelectChoice(number, str(number)) for number in range(11)]
    if kind is QuestionKind.AGREEMENT:
        return [SelectChoice(i, label) for i, label in enumerate(question.options or blocks.AGREEMENT_OPTIONS, 1)]
    if kind is QuestionKind.FREQUENCY:
        return [SelectChoice(i, label) for i, label in enumerate(question.options or blocks.FREQUENCY_OPTIONS)]
    return [SelectChoice(index, label) for index, label in enumerate(question.options or [])]


def _one_of(values: set[int]):
    def check(_form, field) -> None:
        chosen = field.data if isinstance(field.data, list) else [field.data]
        if any(value is not None and value not in values for value in chosen):
            raise ValidationError("Choose one of the answers shown")

    return check


def _answer_required(message: str):
    def check(_form, field) -> None:
        if field.data in (None, "", []):
            field.errors[:] = []
            raise StopValidation(message)

    return check


def _field(question: SurveyQuestion, number: int, submitting: bool) -> Field:
    kind = QuestionKind(question.kind)
    label = f"{number}. {question.text}" + ("" if is_required(question) else " (optional)")
    required = [_answer_required(_required_message(kind, number))] if submitting and is_required(question) else []
    if kind is QuestionKind.FREE_TEXT:
        too_long = f"Keep your answer to question {number} to {FREE_TEXT_MAX:,} characters or fewer"
        return TextAreaField(
            label,
            widget=GovTextArea(),
            filters=[strip],
            validators=[*required, Length(max=FREE_TEXT_MAX, message=too_long)],
        )
    choices = choices_for(question)
    check = _one_of({choice.value for choice in choices})
    if kind is QuestionKind.MULTIPLE_CHOICE:
        return SelectMultipleField(
            label,
            widget=GovCheckboxesInput(),
            choices=choices,
            coerce=int,
            validate_choice=False,
            validators=[*required, check],
        )
    return RadioField(
        label, widget=GovRadioInput(), choices=choices, coerce=int, validate_choice=False, validators=[*required, check]
    )


def is_required(question: SurveyQuestion) -> bool:
    """Attributes are always optional: nobody has to say which group they belong to."""
    return question.required and not question.is_attribute


def _required_message(kind: QuestionKind, number: int) -> str:
    if kind is QuestionKind.FREE_TEXT:
        return f"Enter an answer to question {number}"
    if kind is QuestionKind.MULTIPLE_CHOICE:
        return f"Select at least one answer to question {number}"
    return f"Select an answer to question {number}"


def answer_form(questions: list[SurveyQuestion], submitting: bool = False, **kwargs) -> AnswerForm:
    """A form for these questions; `submitting` adds the checks that required questions are answered."""
    fields = {
        field_name(question): _field(question, number, submitting) for number, question in enumerate(questions, 1)
    }
    form_class = type("RoundAnswerForm", (AnswerForm,), {**fields, "questions": list(questions)})
    return form_class(**kwargs)


def draft_data(questions: list[SurveyQuestion], saved: dict[int, AnswerValue]) -> dict[str, AnswerValue]:
    """A saved draft as the form's starting data."""
    return {field_name(question): saved[question.id] for question in questions if question.id in saved}


def render_params(question: SurveyQuestion, field: Field) -> dict:
    """What the GOV.UK macro needs beyond the field: the legend or label style, the hint, inline scales."""
    hint = {"text": question.help_text} if question.help_text else None
    if QuestionKind(question.kind) is QuestionKind.FREE_TEXT:
        return {"label": {"text": field.label.text, "classes": "govuk-label--s"}, "hint": hint, "rows": 5}
    params = {"fieldset": {"legend": {"text": field.label.text, "classes": "govuk-fieldset__legend--s"}}, "hint": hint}
    if QuestionKind(question.kind) is QuestionKind.SCALE:
        params["classes"] = "govuk-radios--inline"
    if QuestionKind(question.kind) is QuestionKind.MULTIPLE_CHOICE:
        params["hint"] = {"text": question.help_text or "Select all that apply"}
    return params
