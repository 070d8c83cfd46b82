"""The form champions and officers write an issue in."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

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
from portal.newsletters import services
from portal.newsletters.audience import AUDIENCE_LABELS
from portal.newsletters.models import Audience, Channel, NewsletterIssue

# SelectChoice rather than tuples: WTForms 3.4 drops tuple choices.
CHANNEL_CHOICES = [SelectChoice(channel.value, channel.label) for channel in Channel]
AUDIENCE_CHOICES = [SelectChoice(audience.value, label) for audience, label in AUDIENCE_LABELS.items()]


class IssueForm(FlaskForm):
    subject = StringField(
        "Subject",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message="Enter a subject"),
            Length(
                max=services.MAX_SUBJECT_LENGTH,
                message=f"Keep the subject to {services.MAX_SUBJECT_LENGTH} characters or fewer",
            ),
        ],
    )
    summary = TextAreaField(
        "Summary (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            Length(
                max=services.MAX_SUMMARY_LENGTH,
                message=f"Keep the summary to {services.MAX_SUMMARY_LENGTH} characters or fewer",
            )
        ],
    )
    # Not stripped: in Markdown, leading spaces can mean a code block. The service trims blank lines only.
    body_markdown = TextAreaField(
        "Text", widget=GovTextArea(), validators=[DataRequired(message="Enter the text of the newsletter")]
    )
    channel = RadioField(
        "What kind of message is it?", widget=GovRadioInput(), choices=CHANNEL_CHOICES, default=Channel.NEWSLETTER.value
    )
    audience = RadioField(
        "Who should receive it?",
        widget=GovRadioInput(),
        choices=AUDIENCE_CHOICES,
        default=Audience.ALL_COUNCILLORS.value,
    )
    # The service checks these against the wards and groups of current councillors, with a clearer message.
    wards = SelectMultipleField("Wards", widget=GovCheckboxesInput(), validate_choice=False)
    groups = SelectMultipleField("Political groups", widget=GovCheckboxesInput(), validate_choice=False)
    submit = SubmitField("Save and preview", widget=GovSubmitInput())

    def set_choices(self, wards: list[str], groups: list[str]) -> None:
        """The wards and groups of current councillors, plus any the issue already names."""
        self.wards.choices = [SelectChoice(ward, ward) for ward in _with_extra(wards, self.wards.data)]
        self.groups.choices = [SelectChoice(group, group) for group in _with_extra(groups, self.groups.data)]

    @staticmethod
    def data_for(issue: NewsletterIssue) -> dict:
        """What the form shows for a saved issue: its fields, with its wards or groups ticked."""
        values = list(issue.audience_values or [])
        return {
            "subject": issue.subject,
            "summary": issue.summary,
            "body_markdown": issue.body_markdown,
            "channel": issue.channel,
            "audience": issue.audience,
            "wards": values if issue.audience == Audience.WARDS else [],
            "groups": values if issue.audience == Audience.GROUPS else [],
        }

    def to_input(self) -> services.IssueInput:
        audience = self.audience.data
        values = {Audience.WARDS.value: self.wards.data, Audience.GROUPS.value: self.groups.data}.get(audience, [])
        return services.IssueInput(
            subject=self.subject.data or "",
            summary=self.summary.data or "",
            body_markdown=self.body_markdown.data or "",
            channel=self.channel.data,
            audience=audience,
            audience_values=list(values or []),
        )


def _with_extra(known: list[str], chosen: list[str] | None) -> list[str]:
    # A ward whose last councillor left still shows, ticked, so saving refuses it in words instead of dropping it.
    return known + [value for value in chosen or [] if value not in known]
