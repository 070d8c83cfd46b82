"""Forms for an action on a statement, and the forward plan's filters."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from portal.accounts.models import User
from portal.common.forms import (
    BooleanField,
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    SelectField,
    SubmitField,
    TextAreaField,
    UkDateField,
    strip,
)
from portal.selfassessment import actions
from portal.selfassessment.models import Action, ActionStatus, Assessment, AssessmentStatus

NO_OWNER = ""
# SelectChoice rather than tuples: WTForms 3.4 drops tuple choices.
STATUS_CHOICES = [SelectChoice(status.value, status.label) for status in ActionStatus]


def _owner_id(value) -> int | None:
    """The chosen owner's id; garbage becomes 0, which no one has, so the service says to choose from the list."""
    if value in (None, NO_OWNER):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class ActionForm(FlaskForm):
    what = TextAreaField(
        "What will be done",
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter what will be done"),
            Length(
                max=actions.MAX_WHAT_LENGTH,
                message=f"Keep what will be done to {actions.MAX_WHAT_LENGTH:,} characters or fewer",
            ),
        ],
    )
    # The service checks the owner, so that a stale or forged choice gets the same plain message.
    owner = SelectField("Owner (optional)", widget=GovSelect(), coerce=_owner_id, validate_choice=False)
    due_on = UkDateField("Due date (optional)")
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=STATUS_CHOICES,
        default=ActionStatus.NOT_STARTED.value,
        validators=[DataRequired(message="Choose a status")],
    )
    # The revision the page was loaded at: saving from an out-of-date page is refused, not written over.
    revision = HiddenField()
    submit = SubmitField("Save action", widget=GovSubmitInput())

    def set_owners(self, owners: list[User]) -> None:
        self.owner.choices = [SelectChoice(NO_OWNER, "No owner yet")] + [
            SelectChoice(owner.id, owner.name if owner.active else f"{owner.name} (no longer active)")
            for owner in owners
        ]

    @staticmethod
    def data_for(action: Action) -> dict:
        return {
            "what": action.what,
            "owner": action.owner_id,
            "due_on": action.due_on,
            "status": action.status,
            "revision": str(action.revision),
        }

    def expected_revision(self) -> int:
        """The revision the page was loaded at; a missing or garbled one can only be out of date."""
        try:
            return int(self.revision.data)
        except (TypeError, ValueError):
            return 0

    def show_revision(self, revision: int) -> None:
        """After a conflict, saving again means "keep what I typed" over the version now saved."""
        self.revision.data, self.revision.raw_data = str(revision), None

    def to_input(self) -> actions.ActionInput:
        return actions.ActionInput(
            what=self.what.data or "",
            owner_id=self.owner.data,
            due_on=self.due_on.data,
            status=ActionStatus(self.status.data),
        )


class DeleteActionForm(FlaskForm):
    """A button carrying the CSRF token."""

    submit = SubmitField("Delete this action", widget=GovSubmitInput())


# ---- the forward plan's filters (GET, so no CSRF token) ----------------------------------------------------


class FilterSelect(SelectField):
    """A filter whose unknown value (an old bookmark, a hand-edited address) is explained, then ignored."""

    def pre_validate(self, form) -> None:
        if self.data not in {"", None, *(choice.value for choice in self.choices)}:
            raise ValidationError("Choose from the list")


class PlanFilterForm(FlaskForm):
    class Meta:
        csrf = False

    assessment = FilterSelect("Assessment", widget=GovSelect(), default="")
    owner = FilterSelect("Owner", widget=GovSelect(), default="")
    status = FilterSelect("Status", widget=GovSelect(), default="")
    order = FilterSelect("Order", widget=GovSelect(), default="due")
    overdue = BooleanField("Overdue only", widget=GovCheckboxInput())

    def set_choices(self, assessments: list[Assessment], owners: list[User]) -> None:
        self.assessment.choices = [SelectChoice("", "Every draft assessment")] + [
            SelectChoice(
                str(assessment.id), f"{assessment.title} ({AssessmentStatus(assessment.status).label.lower()})"
            )
            for assessment in assessments
        ]
        self.owner.choices = [SelectChoice("", "Anyone"), SelectChoice("none", "No owner yet")] + [
            SelectChoice(str(owner.id), owner.name) for owner in owners
        ]
        self.status.choices = [SelectChoice("", "Any status"), *STATUS_CHOICES]
        self.order.choices = [SelectChoice("due", "By due date"), SelectChoice("owner", "By owner")]

    def filters(self) -> actions.PlanFilters:
        """What the valid filters ask for; one with an error is dropped (the message says why)."""
        chosen = {name: self[name].data for name in ("assessment", "owner", "status", "order") if not self[name].errors}
        return actions.PlanFilters(
            assessment_id=int(chosen["assessment"]) if chosen.get("assessment") else None,
            owner_id=int(chosen["owner"]) if (chosen.get("owner") or "none") != "none" else None,
            no_owner=chosen.get("owner") == "none",
            status=ActionStatus(chosen["status"]) if chosen.get("status") else None,
            overdue_only=bool(self.overdue.data),
            order=chosen.get("order") or "due",
        )


# ---- progress: which two assessments to compare (GET) ------------------------------------------------------


class ProgressForm(FlaskForm):
    """`?from=<id>&to=<id>`; each defaults to one of the two most recent assessments."""

    class Meta:
        csrf = False

    earlier = FilterSelect("Compare", widget=GovSelect(), name="from", default="")
    later = FilterSelect("with", widget=GovSelect(), name="to", default="")

    def set_choices(self, assessments: list[Assessment]) -> None:
        choices = [SelectChoice(str(assessment.id), assessment.title) for assessment in assessments]
        self.earlier.choices, self.later.choices = choices, list(choices)

    def show(self, earlier: Assessment | None, later: Assessment | None) -> None:
        """The selects show the pair compared, whether chosen or the default."""
        self.earlier.data = str(earlier.id) if earlier else ""
        self.later.data = str(later.id) if later else ""

    def chosen(self, name: str) -> int | None:
        field = self[name]
        return int(field.data) if field.data and not field.errors else None
