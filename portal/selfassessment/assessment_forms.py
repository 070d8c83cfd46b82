"""Forms officers use to start an assessment, score a statement and finalise."""

from types import SimpleNamespace

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

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
    web_address,
)
from portal.selfassessment import assessments
from portal.selfassessment.models import AssessedStatement, Assessment, Score

NOT_SCORED = "unscored"
SCORE_CHOICES = [SelectChoice(str(score.value), f"{score.value}: {score.label}") for score in Score] + [
    SelectChoice(NOT_SCORED, "Not scored yet")
]


class StartForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter a title, for example 2026/27"),
            Length(
                max=assessments.MAX_TITLE_LENGTH,
                message=f"Keep the title to {assessments.MAX_TITLE_LENGTH} characters or fewer",
            ),
        ],
    )
    copy_from = SelectField("Copy scores, evidence and links from", widget=GovSelect(), coerce=int, default=0)
    submit = SubmitField("Start the assessment", widget=GovSubmitInput())

    def set_previous(self, previous: list[Assessment]) -> None:
        self.copy_from.choices = [SelectChoice(0, "Nothing: start afresh")] + [
            SelectChoice(assessment.id, assessment.title) for assessment in previous
        ]


def _links_are_web_addresses(_form, field) -> None:
    """Each line is checked the way every other link in the portal is, and named by its line number."""
    for number, line in enumerate((field.data or "").splitlines(), start=1):
        link = line.strip()
        try:
            web_address(None, SimpleNamespace(data=link))
        except ValidationError as error:
            raise ValidationError(f"Line {number}: {error}") from None
        if len(link) > assessments.MAX_LINK_LENGTH:
            raise ValidationError(f"Line {number}: keep each link to {assessments.MAX_LINK_LENGTH} characters or fewer")
    if len(assessments.parse_links(field.data)) > assessments.MAX_LINKS:
        raise ValidationError(f"Give at most {assessments.MAX_LINKS} links")


class StatementForm(FlaskForm):
    score = RadioField(
        "Score",
        widget=GovRadioInput(),
        choices=SCORE_CHOICES,
        validators=[InputRequired(message="Choose a score, or Not scored yet")],
    )
    evidence = TextAreaField(
        "Written evidence",
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            Length(
                max=assessments.MAX_EVIDENCE_LENGTH,
                message=f"Keep the evidence to {assessments.MAX_EVIDENCE_LENGTH:,} characters or fewer",
            )
        ],
    )
    links = TextAreaField("Links", widget=GovTextArea(), validators=[_links_are_web_addresses])
    # The revision the page was loaded at: saving from an out-of-date page is refused, not written over.
    revision = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())

    @staticmethod
    def data_for(statement: AssessedStatement) -> dict:
        return {
            "score": NOT_SCORED if statement.score is None else str(statement.score),
            "evidence": statement.evidence,
            "links": "\n".join(statement.links or []),
            "revision": str(statement.revision),
        }

    def expected_revision(self) -> int:
        """The revision the page was loaded at; a missing or garbled one can only be out of date."""
        try:
            return int(self.revision.data)
        except (TypeError, ValueError):
            return 0

    def show_revision(self, revision: int) -> None:
        """After a conflict: "Keep mine" re-submits against the version now saved."""
        self.revision.data, self.revision.raw_data = str(revision), None

    def to_input(self) -> assessments.StatementInput:
        score = None if self.score.data == NOT_SCORED else int(self.score.data)
        return assessments.StatementInput(
            score=score, evidence=self.evidence.data or "", links=assessments.parse_links(self.links.data)
        )

    def typed_version(self) -> assessments.SavedVersion:
        """What the officer typed, in the shape of a saved version, to show beside the other officer's."""
        data = self.to_input()
        return assessments.SavedVersion(data.score, data.evidence, data.links, 0, None, None)


class ConfirmForm(FlaskForm):
    """A bare form for the finalise confirmation (it carries the CSRF token)."""
