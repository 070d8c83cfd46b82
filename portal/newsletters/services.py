"""The rules for writing newsletters: drafts checked and rendered when saved, the approval step, the test send.

When an issue may be sent (`can_send`):
- Approval off (the default): any issue not yet scheduled or sent. Nothing waits for an approval nobody needs.
- Approval on: only an approved issue. Any officer approves, their own issues included: officers are the
  approvers, so an officer's issue takes one click of theirs, and every issue sent under approval still names
  who approved it and when. Changing an approved issue withdraws the approval until someone approves again.
"""

from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts import audit
from portal.accounts.models import Role, User
from portal.common.time import utcnow
from portal.extensions import db
from portal.newsletters import rendering
from portal.newsletters.audience import AUDIENCE_LABELS, Person, audience_query, ward_and_group_choices
from portal.newsletters.email import email_message_for
from portal.newsletters.models import Audience, Channel, IssueStatus, NewsletterIssue
from portal.outbox.models import OutboxMessage
from portal.outbox.services import enqueue_email
from portal.settings.models import CouncilSettings
from portal.settings.services import current_settings

MAX_SUBJECT_LENGTH = 200
MAX_SUMMARY_LENGTH = 500
MAX_BODY_LENGTH = 50_000
TEST_SUBJECT_PREFIX = "[Test] "
RECENTLY_SENT = 10
EDITABLE = frozenset({IssueStatus.DRAFT, IssueStatus.AWAITING_APPROVAL, IssueStatus.APPROVED})
# The form field that holds the wards or groups chosen, where a refusal about them is shown.
VALUES_FIELD = {Audience.WARDS: "wards", Audience.GROUPS: "groups"}
VALUES_NOUN = {Audience.WARDS: "ward", Audience.GROUPS: "political group"}
ISSUE_FIELDS = ("subject", "summary", "body_markdown", "channel", "audience", "audience_values")


class NewsletterError(ValueError):
    """A refusal in words for the person who asked; `field` names the form field it concerns, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class IssueInput:
    subject: str
    summary: str
    body_markdown: str
    channel: str = Channel.NEWSLETTER.value
    audience: str = Audience.ALL_COUNCILLORS.value
    audience_values: list[str] = field(default_factory=list)


# ---- reading ---------------------------------------------------------------------------------------------


def get_issue_or_404(issue_id: int) -> NewsletterIssue:
    return db.get_or_404(NewsletterIssue, issue_id)


@dataclass
class IssueLists:
    """The issues on the writers' dashboard, in the order they will need attention."""

    drafts: list[NewsletterIssue]
    awaiting_approval: list[NewsletterIssue]
    approved: list[NewsletterIssue]
    scheduled: list[NewsletterIssue]  # with those whose time passed while the system was down
    sending: list[NewsletterIssue]
    recently_sent: list[NewsletterIssue]


def _issues(*conditions, order_by, limit: int | None = None) -> list[NewsletterIssue]:
    query = select(NewsletterIssue).where(*conditions).order_by(*order_by).limit(limit)
    query = query.options(selectinload(NewsletterIssue.author), selectinload(NewsletterIssue.approved_by))
    return list(db.session.scalars(query))


def issues_for_editing() -> IssueLists:
    """Every issue not yet sent, by stage, and the most recently sent few."""
    unsent = _issues(
        NewsletterIssue.status != IssueStatus.SENT, order_by=(NewsletterIssue.updated_at.desc(), NewsletterIssue.id)
    )

    def at(*statuses: IssueStatus) -> list[NewsletterIssue]:
        return [issue for issue in unsent if issue.status in statuses]

    return IssueLists(
        drafts=at(IssueStatus.DRAFT),
        awaiting_approval=at(IssueStatus.AWAITING_APPROVAL),
        approved=at(IssueStatus.APPROVED),
        scheduled=sorted(
            at(IssueStatus.SCHEDULED, IssueStatus.NEEDS_CONFIRMATION), key=lambda issue: issue.scheduled_for or utcnow()
        ),
        sending=at(IssueStatus.SENDING),
        recently_sent=_issues(
            NewsletterIssue.status == IssueStatus.SENT,
            order_by=(NewsletterIssue.sent_at.desc(), NewsletterIssue.id.desc()),
            limit=RECENTLY_SENT,
        ),
    )


def describe_audience(audience: str, values: list[str]) -> str:
    """The audience in words, as in "Councillors in chosen wards: Abbey, Castle"."""
    label = AUDIENCE_LABELS[Audience(audience)]
    return f"{label}: {', '.join(values)}" if values else label


def recipient_count(audience: str, values: list[str], channel: str) -> int:
    """How many people the audience reaches now, less those who opted out when it is an ordinary newsletter."""
    people = audience_query(audience, values, channel).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(people))


def recipient_count_of(issue: NewsletterIssue) -> int:
    return recipient_count(issue.audience, issue.audience_values or [], issue.channel)


def approval_required(settings: CouncilSettings | None = None) -> bool:
    return (settings or current_settings()).newsletter_approval_required


# ---- checking what was written ---------------------------------------------------------------------------


def _one_line(value: str | None) -> str:
    # The subject becomes an email header: line breaks and runs of spaces have no place in it.
    return " ".join((value or "").split())


def _checked_text(data: IssueInput) -> IssueInput:
    subject, summary = _one_line(data.subject), _one_line(data.summary)
    body = (data.body_markdown or "").replace("\r\n", "\n").strip("\n")  # leading spaces can mean code
    if not subject:
        raise NewsletterError("Enter a subject", "subject")
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise NewsletterError(f"Keep the subject to {MAX_SUBJECT_LENGTH} characters or fewer", "subject")
    if len(summary) > MAX_SUMMARY_LENGTH:
        raise NewsletterError(f"Keep the summary to {MAX_SUMMARY_LENGTH} characters or fewer", "summary")
    if not body.strip():
        raise NewsletterError("Enter the text of the newsletter", "body_markdown")
    if len(body) > MAX_BODY_LENGTH:
        raise NewsletterError(f"Keep the text to {MAX_BODY_LENGTH:,} characters or fewer", "body_markdown")
    return replace(data, subject=subject, summary=summary, body_markdown=body)


def _chosen_values(audience: Audience, values: list[str]) -> list[str]:
    """The wards or groups chosen, each one a ward or group of a current councillor, in the list's order."""
    if audience not in VALUES_FIELD:
        return []
    wards, groups = ward_and_group_choices()
    known = wards if audience is Audience.WARDS else groups
    noun, field_name = VALUES_NOUN[audience], VALUES_FIELD[audience]
    chosen = {value.strip() for value in values if value and value.strip()}
    if not chosen:
        raise NewsletterError(f"Choose at least one {noun}", field_name)
    unknown = sorted(chosen - set(known))
    if unknown:
        raise NewsletterError(
            f"No current councillor is in the {noun} “{unknown[0]}”: choose from the list", field_name
        )
    return [value for value in known if value in chosen]


def _checked_audience(data: IssueInput) -> IssueInput:
    try:
        channel = Channel(data.channel)
    except ValueError:
        raise NewsletterError("Choose whether this is a newsletter or a safety notice", "channel") from None
    try:
        audience = Audience(data.audience)
    except ValueError:
        raise NewsletterError("Choose who should receive it", "audience") from None
    values = _chosen_values(audience, data.audience_values or [])
    return replace(data, channel=channel.value, audience=audience.value, audience_values=values)


def _check_someone_receives(data: IssueInput) -> None:
    if recipient_count(data.audience, data.audience_values, data.channel) > 0:
        return
    who = describe_audience(data.audience, data.audience_values)
    if Channel(data.channel) is Channel.NEWSLETTER:
        reason = f"no one in “{who}” has an active account and takes newsletters"
    else:
        reason = f"no one in “{who}” has an active account"
    field_name = VALUES_FIELD.get(Audience(data.audience), "audience")
    raise NewsletterError(f"No one would receive this: {reason}. Choose a different audience.", field_name)


def check_issue(data: IssueInput) -> IssueInput:
    """`data` tidied (one-line subject and summary, wards and groups in list order), or NewsletterError."""
    checked = _checked_audience(_checked_text(data))
    _check_someone_receives(checked)
    return checked


# ---- writing ---------------------------------------------------------------------------------------------


def _apply(issue: NewsletterIssue, data: IssueInput) -> bool:
    """Copy `data` onto `issue` with the body rendered; whether anything changed."""
    before = {name: getattr(issue, name) for name in ISSUE_FIELDS}
    rendered = rendering.render(data.body_markdown)
    issue.subject, issue.summary, issue.body_markdown = data.subject, data.summary, data.body_markdown
    issue.body_html, issue.body_text = rendered.html, rendered.text
    issue.channel, issue.audience, issue.audience_values = data.channel, data.audience, list(data.audience_values)
    return any(before[name] != getattr(issue, name) for name in ISSUE_FIELDS)


def create_issue(data: IssueInput, by: User) -> NewsletterIssue:
    """A new draft by `by`, its Markdown rendered to sanitised HTML and plain text; NewsletterError if refused."""
    checked = check_issue(data)
    issue = NewsletterIssue(author=by, status=IssueStatus.DRAFT.value)
    _apply(issue, checked)
    db.session.add(issue)
    db.session.flush()
    audit.record(by, "newsletter.created", f"Started the newsletter “{issue.subject}”", target=issue)
    return issue


def _check_editable(issue: NewsletterIssue) -> None:
    if issue.status not in EDITABLE:
        status = IssueStatus(issue.status).label.lower()
        raise NewsletterError(f"This issue is {status}, so it can no longer be changed")


def update_issue(issue: NewsletterIssue, data: IssueInput, by: User) -> NewsletterIssue:
    """Save changes to an issue not yet scheduled or sent; a change to an approved issue withdraws the approval."""
    _check_editable(issue)
    checked = check_issue(data)
    if _apply(issue, checked) and issue.status == IssueStatus.APPROVED:
        _clear_approval(issue)
        issue.status = IssueStatus.AWAITING_APPROVAL.value if approval_required() else IssueStatus.DRAFT.value
        audit.record(by, "newsletter.approval-withdrawn", f"Changed “{issue.subject}” after its approval", target=issue)
    return issue


# ---- approval --------------------------------------------------------------------------------------------


def _clear_approval(issue: NewsletterIssue) -> None:
    issue.approved_by, issue.approved_at = None, None


def submit_for_approval(issue: NewsletterIssue, by: User) -> None:
    """Ask an officer to approve a draft (only while the approval setting is on)."""
    if not approval_required():
        raise NewsletterError("Newsletters do not need approval at the moment: this one can be sent as it is")
    if issue.status != IssueStatus.DRAFT:
        raise NewsletterError("Only a draft can be submitted for approval")
    issue.status = IssueStatus.AWAITING_APPROVAL.value
    audit.record(by, "newsletter.submitted", f"Asked for “{issue.subject}” to be approved", target=issue)


def approve(issue: NewsletterIssue, by: User) -> None:
    """An officer approves an issue as it stands now, recording who and when; their own issues included."""
    if not by.has_role(Role.OFFICER):
        raise NewsletterError("Only an officer can approve a newsletter")
    if issue.status not in (IssueStatus.DRAFT, IssueStatus.AWAITING_APPROVAL):
        raise NewsletterError(f"This issue is {IssueStatus(issue.status).label.lower()}: there is nothing to approve")
    issue.status = IssueStatus.APPROVED.value
    issue.approved_by, issue.approved_at = by, utcnow()
    audit.record(by, "newsletter.approved", f"Approved the newsletter “{issue.subject}”", target=issue)


def return_to_draft(issue: NewsletterIssue, by: User) -> None:
    """Take an issue back to draft: the author withdraws a request, or an officer sends it back for changes."""
    if issue.status not in (IssueStatus.AWAITING_APPROVAL, IssueStatus.APPROVED):
        raise NewsletterError("Only an issue waiting for approval or approved can go back to draft")
    issue.status = IssueStatus.DRAFT.value
    _clear_approval(issue)
    audit.record(by, "newsletter.returned-to-draft", f"Took “{issue.subject}” back to draft", target=issue)


def send_blocker(issue: NewsletterIssue, settings: CouncilSettings) -> str | None:
    """Why `issue` cannot be sent or scheduled now, in words; None when it can."""
    status = IssueStatus(issue.status)
    if status not in EDITABLE:
        return f"This issue is {status.label.lower()}."
    if settings.newsletter_approval_required and status is not IssueStatus.APPROVED:
        return "An officer must approve this issue before it can be sent."
    return None


def can_send(issue: NewsletterIssue, settings: CouncilSettings) -> bool:
    """Whether `issue` may be sent or scheduled now (see this module's docstring for the rule)."""
    return send_blocker(issue, settings) is None


# ---- the test send ---------------------------------------------------------------------------------------


def send_test(issue: NewsletterIssue, to_user: User, unsubscribe_url: str | None = None) -> OutboxMessage:
    """Put one copy of the real email, subject marked "[Test]", in the outbox for `to_user` and no one else.

    Pass the person's own unsubscribe link to see a newsletter's footer and headers exactly as members get them.
    """
    person = Person(user_id=to_user.id, email=to_user.email, name=to_user.name)
    message = email_message_for(issue, person, unsubscribe_url)
    subject = TEST_SUBJECT_PREFIX + message.subject
    return enqueue_email(
        person.email,
        subject,
        message.template,
        {**message.context, "subject": subject},
        headers=message.headers,
        group_key=f"newsletter-test:{issue.id}",  # kept apart from the real send's delivery figures
    )
