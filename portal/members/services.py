"""A member's subject access request: everything the portal holds about them, gathered in one place.

`personal_data` returns plain values (dates stay dates) that the readable page shows and `as_json` writes.
Each section's key is named in references.USER_REFERENCES, which a test holds against every foreign key to
users.id. Submitted survey answers are not here, and cannot be: they hold nothing that links them to anyone.
"""

import base64
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import undefer

from portal.accounts import audit
from portal.accounts.models import AuditEvent, User
from portal.champions.models import ChampionProfile
from portal.common.time import utcnow
from portal.directory.models import ReviewReminder, Service
from portal.extensions import db
from portal.newsletters.models import Channel, NewsletterIssue, Recipient
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.selfassessment.models import (
    Action,
    ActionStatus,
    AssessedStatement,
    Assessment,
    AttachedEvidence,
    FrameworkChange,
)
from portal.surveys.blocks import AGREEMENT_OPTIONS, FREQUENCY_OPTIONS
from portal.surveys.models import QuestionKind, RoundStatus, SurveyDraft, SurveyInvitation, SurveyQuestion, SurveyRound
from portal.training.models import Completion, CompletionChange, Course, ReminderSent

SURVEY_RESPONSES_NOTE = (
    "Your submitted survey answers are stored without your name, so the portal cannot find them. "
    "Only whether you answered each survey you were invited to is kept, and it is shown here."
)
PHOTO_NOTE = "The photo itself is in the JSON download, as base64 with its file type; this page only notes it."


def personal_data(user: User, *, include_photo: bool = False) -> dict[str, Any]:
    """Everything the portal holds about `user`, section by section (see references.py for the sections)."""
    return {
        "generated_at": utcnow(),
        "account": _account(user),
        "email_preferences": _email_preferences(user),
        "audit_events": _audit_events(user),
        "champion_profile": _champion_profile(user, include_photo),
        "training_completions": _training_completions(user),
        "training_reminders": _training_reminders(user),
        "newsletters_received": _newsletters_received(user),
        "emails": _emails(user),
        "survey_invitations": _survey_invitations(user),
        "survey_drafts": _survey_drafts(user),
        "survey_responses": SURVEY_RESPONSES_NOTE,
        "directory_entries": _directory_entries(user),
        "directory_review_reminders": _directory_review_reminders(user),
        "assessment_actions": _assessment_actions(user),
        "work_records": _work_records(user),
    }


def as_json(data: dict[str, Any]) -> str:
    """The download: dates and times in ISO 8601 (times in UTC), readable indentation."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=_json_value)


def _json_value(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def record_download(user: User) -> None:
    """The download leaves an audit event with the member as its actor."""
    audit.record(user, "members.data-downloaded", "Downloaded a copy of their own data", target=user)


def _account(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "email": user.email,
        "roles": sorted(role.value for role in user.roles),
        "ward": user.ward,
        "political_group": user.political_group,
        "date_elected": user.date_elected,
        "active": user.active,
        "has_password": user.has_password,  # the password itself is kept only as a one-way hash, not shown
        "created_at": user.created_at,
        "last_signed_in_at": user.last_signed_in_at,
    }


def _email_preferences(user: User) -> dict[str, Any]:
    return {
        "newsletters": user.wants_newsletters,  # False once they unsubscribe by the link in a newsletter
        "reminders": user.wants_reminders,
        "safety_notices": True,  # a channel no one leaves
    }


def _audit_events(user: User) -> list[dict[str, Any]]:
    about_them = (AuditEvent.target_type == "User") & (AuditEvent.target_id == str(user.id))
    query = select(AuditEvent).where(or_(AuditEvent.actor_id == user.id, about_them)).order_by(AuditEvent.id)
    return [
        {
            "occurred_at": event.occurred_at,
            "action": event.action,
            "summary": event.summary,
            "you_did_this": event.actor_id == user.id,
            "about_you": event.target_type == "User" and event.target_id == str(user.id),
            "detail": event.detail,
        }
        for event in db.session.scalars(query)
    ]


def _champion_profile(user: User, include_photo: bool) -> dict[str, Any] | None:
    query = select(ChampionProfile).where(ChampionProfile.user_id == user.id)
    profile = db.session.scalar(query.options(undefer(ChampionProfile.photo)) if include_photo else query)
    if profile is None:
        return None
    has_photo = profile.photo_mimetype is not None
    data = {
        "title": profile.title,
        "remit": profile.remit,
        "how_to_contact": profile.how_to_contact,
        "when_to_contact": profile.when_to_contact,
        "appointed_at": profile.appointed_at,
        "photo": None,
    }
    if has_photo:
        data["photo"] = {"type": profile.photo_mimetype, "description": profile.photo_alt_text or ""}
        if include_photo and profile.photo:
            data["photo"]["base64"] = base64.b64encode(profile.photo).decode("ascii")
    return data


def _training_completions(user: User) -> list[dict[str, Any]]:
    query = select(Completion).where(Completion.user_id == user.id).order_by(Completion.completed_on)
    return [
        {
            "course": completion.course.title,
            "completed_on": completion.completed_on,
            "note": completion.note,
            "recorded_at": completion.recorded_at,
            "recorded_by": completion.recorded_by.name if completion.recorded_by else None,
            "history": [_change(change) for change in completion.changes],
        }
        for completion in db.session.scalars(query)
    ]


def _change(change: CompletionChange) -> dict[str, Any]:
    return {
        "changed_at": change.changed_at,
        "action": change.action,
        "before": change.before,
        "after": change.after,
        "changed_by": change.changed_by.name if change.changed_by else None,
    }


def _training_reminders(user: User) -> list[dict[str, Any]]:
    query = (
        select(Course.title, ReminderSent.due_on, ReminderSent.sent_at)
        .join(Course, Course.id == ReminderSent.course_id)
        .where(ReminderSent.user_id == user.id)
        .order_by(ReminderSent.sent_at)
    )
    return [
        {"course": title, "due_on": due_on, "sent_at": sent_at} for title, due_on, sent_at in db.session.execute(query)
    ]


def _newsletters_received(user: User) -> list[dict[str, Any]]:
    query = (
        select(NewsletterIssue, Recipient, OutboxMessage.status, OutboxMessage.sent_at)
        .join(Recipient, Recipient.issue_id == NewsletterIssue.id)
        .outerjoin(OutboxMessage, OutboxMessage.id == Recipient.outbox_message_id)
        .where(Recipient.user_id == user.id)
        .order_by(NewsletterIssue.sent_at, NewsletterIssue.id)
    )
    return [
        {
            "subject": issue.subject,
            "channel": Channel(issue.channel).label,
            "sent_at": issue.sent_at,
            "address": recipient.email,
            # A recipient whose outbox row is gone was sent: the outbox prunes sent mail after a while.
            "delivery_status": status or MessageStatus.SENT.value,
            "delivered_at": delivered_at,
        }
        for issue, recipient, status, delivered_at in db.session.execute(query)
    ]


def _emails(user: User) -> list[dict[str, Any]]:
    query = (
        select(OutboxMessage)
        .where(func.lower(OutboxMessage.to_address) == user.email.lower())
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [
        {
            "subject": message.subject,
            "status": message.status,
            "created_at": message.created_at,
            "sent_at": message.sent_at,
            "attempts": message.attempts,
            "last_error": message.last_error,
            "body_text": message.body_text,  # the plain-text part; the HTML part says the same
        }
        for message in db.session.scalars(query)
    ]


def _survey_invitations(user: User) -> list[dict[str, Any]]:
    query = (
        select(SurveyRound, SurveyInvitation.answered)
        .join(SurveyInvitation, SurveyInvitation.round_id == SurveyRound.id)
        .where(SurveyInvitation.user_id == user.id)
        .order_by(SurveyRound.opens_on, SurveyRound.id)
    )
    return [
        {
            "round": survey_round.title,
            "status": RoundStatus(survey_round.status).label,
            "opens_on": survey_round.opens_on,
            "closes_on": survey_round.closes_on,
            "answered": answered,
        }
        for survey_round, answered in db.session.execute(query)
    ]


def _survey_drafts(user: User) -> list[dict[str, Any]]:
    query = (
        select(SurveyDraft, SurveyRound.title, SurveyRound.template_id)
        .join(SurveyRound, SurveyRound.id == SurveyDraft.round_id)
        .where(SurveyDraft.user_id == user.id)
        .order_by(SurveyDraft.id)
    )
    drafts = []
    for draft, title, template_id in db.session.execute(query):
        questions = db.session.scalars(
            select(SurveyQuestion).where(SurveyQuestion.template_id == template_id).order_by(SurveyQuestion.position)
        )
        saved = draft.answers or {}
        answers = [
            {"question": question.text, "answer": _readable_answer(question, saved[str(question.id)])}
            for question in questions
            if str(question.id) in saved
        ]
        drafts.append({"round": title, "saved_at": draft.saved_at, "answers": answers})
    return drafts


def _readable_answer(question: SurveyQuestion, value: Any) -> str:
    """A saved value in words: the option chosen rather than its number."""
    kind = QuestionKind(question.kind)
    labels = {
        QuestionKind.AGREEMENT: ["", *AGREEMENT_OPTIONS],  # stored 1 to 5
        QuestionKind.FREQUENCY: FREQUENCY_OPTIONS,  # stored 0 to 5
        QuestionKind.SINGLE_CHOICE: question.options,
        QuestionKind.MULTIPLE_CHOICE: question.options,
    }.get(kind)

    def label(index: Any) -> str:
        if labels and isinstance(index, int) and 0 <= index < len(labels) and labels[index]:
            return labels[index]
        return str(index)

    if isinstance(value, list):
        return ", ".join(label(item) for item in value)
    return label(value)


def _directory_entries(user: User) -> list[dict[str, Any]]:
    query = select(Service).where(Service.owner_id == user.id).order_by(func.lower(Service.name))
    return [
        {"name": service.name, "status": service.status, "last_checked_on": service.last_checked_on}
        for service in db.session.scalars(query)
    ]


def _directory_review_reminders(user: User) -> list[dict[str, Any]]:
    query = select(ReviewReminder.last_sent_at).where(ReviewReminder.owner_id == user.id)
    return [{"last_sent_at": sent_at} for sent_at in db.session.scalars(query)]


def _assessment_actions(user: User) -> list[dict[str, Any]]:
    query = (
        select(Action, AssessedStatement, Assessment.title)
        .join(AssessedStatement, AssessedStatement.id == Action.statement_id)
        .join(Assessment, Assessment.id == AssessedStatement.assessment_id)
        .where(Action.owner_id == user.id)
        .order_by(Action.id)
    )
    return [
        {
            "assessment": title,
            "statement": statement.key,
            "what": action.what,
            "due_on": action.due_on,
            "status": ActionStatus(action.status).label,
        }
        for action, statement, title in db.session.execute(query)
    ]


# Records of work someone did in the portal, by the column naming them: (what the record is, their part, the
# columns that describe it and date it). Descriptions name no other member.
_WORK = (
    ("Newsletter issue", "author", NewsletterIssue.author_id, NewsletterIssue.subject, NewsletterIssue.created_at),
    (
        "Newsletter issue",
        "approver",
        NewsletterIssue.approved_by_id,
        NewsletterIssue.subject,
        NewsletterIssue.approved_at,
    ),
    ("Newsletter issue", "sender", NewsletterIssue.sent_by_id, NewsletterIssue.subject, NewsletterIssue.sent_at),
    ("Survey round", "released the results", SurveyRound.released_by_id, SurveyRound.title, SurveyRound.released_at),
    (
        "Framework change",
        "made the change",
        FrameworkChange.changed_by_id,
        FrameworkChange.summary,
        FrameworkChange.changed_at,
    ),
    ("Assessment", "started it", Assessment.created_by_id, Assessment.title, Assessment.created_at),
    ("Assessment", "finalised it", Assessment.finalised_by_id, Assessment.title, Assessment.finalised_at),
    (
        "Assessed statement",
        "last edited it",
        AssessedStatement.updated_by_id,
        AssessedStatement.text,
        AssessedStatement.updated_at,
    ),
    (
        "Evidence attached",
        "attached it",
        AttachedEvidence.attached_by_id,
        AttachedEvidence.label,
        AttachedEvidence.attached_at,
    ),
)


def _work_records(user: User) -> list[dict[str, Any]]:
    records = []
    for record, part, by_column, description, when in _WORK:
        query = select(description, when).where(by_column == user.id).order_by(when)
        records.extend(
            {"record": record, "your_part": part, "description": text, "date": moment}
            for text, moment in db.session.execute(query)
        )
    records.extend(_training_work(user))
    return records


def _training_work(user: User) -> list[dict[str, Any]]:
    """Training records this person entered or corrected for members: the course, not the member."""
    recorded = (
        select(Course.title, Completion.recorded_at)
        .join(Course, Course.id == Completion.course_id)
        .where(Completion.recorded_by_id == user.id)
        .order_by(Completion.recorded_at)
    )
    changed = (
        select(Course.title, CompletionChange.action, CompletionChange.changed_at)
        .join(Completion, Completion.id == CompletionChange.completion_id)
        .join(Course, Course.id == Completion.course_id)
        .where(CompletionChange.changed_by_id == user.id)
        .order_by(CompletionChange.changed_at)
    )
    return [
        *(
            {"record": "Training completion", "your_part": "recorded it", "description": title, "date": moment}
            for title, moment in db.session.execute(recorded)
        ),
        *(
            {"record": "Training record history", "your_part": action, "description": title, "date": moment}
            for title, action, moment in db.session.execute(changed)
        ),
    ]
