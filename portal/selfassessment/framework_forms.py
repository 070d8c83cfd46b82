"""Forms for editing the framework. Each carries the framework version it was loaded at, so that a save made
after someone else's edit is refused instead of silently undoing it."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.common.forms import (
    GovCheckboxesInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    strip,
)
from portal.selfassessment import framework
from portal.selfassessment.models import Principle, Statement

MAX_VERSION = 2**31 - 1  # the largest the database's integer column holds


def _as_int(value) -> int:
    """The version the page was loaded at; anything unreadable or beyond any version counts as out of date."""
    try:
        version = int(value)
    except (TypeError, ValueError):
        return 0
    return version if 0 <= version <= MAX_VERSION else 0  # a larger number could not even be compared in SQL


class VersionedForm(FlaskForm):
    version = HiddenField(filters=[_as_int])

    def loaded_at(self, version: int) -> None:
        """Carry `version` forward: on a fresh form, or after a refusal, so that saving again is deliberate."""
        self.version.data = version
        self.version.raw_data = [str(version)]


class PrincipleForm(VersionedForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter the title"),
            Length(max=framework.MAX_TITLE, message=f"The title must be {framework.MAX_TITLE} characters or fewer"),
        ],
    )
    introduction = TextAreaField(
        "Introduction",
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter the introduction"),
            Length(
                max=framework.MAX_INTRODUCTION,
                message=f"The introduction must be {framework.MAX_INTRODUCTION} characters or fewer",
            ),
        ],
    )
    submit = SubmitField("Save principle", widget=GovSubmitInput())

    @staticmethod
    def data_for(principle: Principle) -> dict:
        return {"title": principle.title, "introduction": principle.introduction}


INDICATOR_CHOICES = [SelectChoice(name, label) for name, label in framework.INDICATOR_LABELS.items()]


class StatementForm(VersionedForm):
    text = TextAreaField(
        "Statement",
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter the statement"),
            Length(max=framework.MAX_TEXT, message=f"The statement must be {framework.MAX_TEXT} characters or fewer"),
        ],
    )
    guidance = TextAreaField(
        "What evidence would show it",
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            Optional(),
            Length(
                max=framework.MAX_GUIDANCE,
                message=f"The guidance must be {framework.MAX_GUIDANCE} characters or fewer",
            ),
        ],
    )
    indicators = SelectMultipleField(
        "Figures the portal gathers that bear on it", widget=GovCheckboxesInput(), choices=INDICATOR_CHOICES
    )
    submit = SubmitField("Save statement", widget=GovSubmitInput())

    @staticmethod
    def data_for(statement: Statement | None) -> dict:
        if statement is None:
            return {"indicators": []}
        return {"text": statement.text, "guidance": statement.guidance, "indicators": list(statement.indicators)}


class RetireForm(VersionedForm):
    submit = SubmitField("Retire statement", widget=GovSubmitInput())
