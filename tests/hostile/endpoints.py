"""Every endpoint that takes a POST, who posts to it, and what a valid post holds.

Hostile tests start from the valid post and spoil part of it, so that the bad value reaches the code past the
other fields' checks. Values in braces are filled in from tests/hostile/world.py when the post is made; a date
is three values (day, month, year) under one name, as the GOV.UK date input posts it.
test_endpoint_table.py fails when an endpoint taking POST is missing here.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.accounts.models import Role
from portal.directory.transfer import template_csv
from tests.factories import PASSWORD
from tests.hostile.strategies import Upload

# Endpoints not in the table, and why.
NOT_FUZZED = {"accounts.sign_out": "it takes no input, and ends the session the other posts need"}

NEW_PASSWORD = "Tangerine kettle on the moor 42"
TRAINING_CSV = "member email,course,completion date,note\r\n{person_email},{course_title},05/01/2026,Hall\r\n"


class Valid(str):
    """A valid value, which may hold {placeholders}; hostile values are plain strings and are sent as they are."""


class ValidUpload(Upload):
    """A valid file, whose text may hold {placeholders}."""


@dataclass(frozen=True)
class Endpoint:
    endpoint: str
    path: str
    role: Role | None  # who is signed in; None: nobody
    fields: dict[str, tuple[str, list]] = field(default_factory=dict)  # name -> (kind, valid values)

    @property
    def takes_files(self) -> bool:
        return any(kind == "file" for kind, _ in self.fields.values())


def text(value: str = "Some words") -> tuple[str, list]:
    return ("text", [Valid(value)])


def kind(name: str, *values: str) -> tuple[str, list]:
    return (name, [Valid(value) for value in values])


def on(day: date) -> tuple[str, list]:
    return kind("date", str(day.day), str(day.month), str(day.year))


def csv_upload(content: str, filename: str = "import.csv") -> tuple[str, list]:
    return ("file", [ValidUpload(content.encode("utf-8"), filename, "text/csv")])


SOON, LATER = date.today() + timedelta(days=10), date.today() + timedelta(days=40)
OFFICER, ADMIN, COUNCILLOR = Role.OFFICER, Role.ADMIN, Role.COUNCILLOR

_PROFILE = {
    "title": text("Safety champion"),
    "remit": text("Listens and helps"),
    "how_to_contact": text("By email"),
    "when_to_contact": text("Weekdays"),
    "photo": ("file", []),
    "photo_alt_text": text("A smiling person"),
    "position": kind("number", "100"),
}
_SERVICE = {
    "name": text("Legal advice line"),
    "summary": text("Free legal advice"),
    "description": text("For members and their families."),
    "category_id": kind("choice", "{category}"),
    "provider_name": text("Law Centre"),
    "is_internal": kind("bool", "y"),
    "email": kind("email", "advice@example.org"),
    "website": kind("url", "https://example.org/advice"),
    "phones-0-number": text("01632 960001"),
    "phones-0-kind": kind("choice", "voice"),
    "phones-0-description": text("Calls"),
    "contacts-0-name": text("Sam Taylor"),
    "contacts-0-role": text("Adviser"),
    "hours-0-opens": text("9am"),
    "hours-0-closes": text("5pm"),
    "opening_notes": text("Closed on bank holidays"),
    "out_of_hours": kind("bool", "y"),
    "audience": text("All members"),
    "shareable": kind("bool", "y"),
    "status": kind("choice", "active"),
    "help_now_role": kind("choice", ""),
    "owner_id": kind("choice", "{officer}"),
    "last_checked_on": on(date(2026, 3, 1)),
}
_COURSE = {
    "title": text("Handling abuse online"),
    "category": kind("choice", "social_media"),
    "description": text("A workshop"),
    "provider": text("In-house"),
    "link": kind("url", "https://example.org/course"),
    "format": kind("choice", "workshop"),
    "mandatory": kind("bool", "y"),
    "refresher_months": kind("number", "24"),
    "due_within_months_of_election": kind("number", ""),
    "active": kind("bool", "y"),
}
_ISSUE = {
    "subject": text("News for members"),
    "summary": text("This month"),
    "body_markdown": text("Hello **members**, see [the guide](https://example.org)."),
    "channel": kind("choice", "newsletter"),
    "audience": kind("choice", "all_councillors"),
    "wards": kind("multi"),
    "groups": kind("multi"),
}
_QUESTION = {
    "text": text("Where do you work?"),
    "help_text": text(""),
    "kind": kind("choice", "single_choice"),
    "options": text("At home\nAt the town hall"),
    "required": kind("bool", "y"),
    "is_attribute": kind("bool"),
    "statement_tags": text("1.2"),
}
_ROUND = {
    "template_id": kind("choice", "{template}"),
    "title": text("Spring survey"),
    "opens_on": on(SOON),
    "closes_on": on(LATER),
    "reminder_days": text("7, 2"),
    "anonymity_threshold": kind("number", "5"),
    "free_text_threshold": kind("number", "10"),
}
_SCHEDULE = {
    "template_id": kind("choice", "{template}"),
    "title": text("Twice a year"),
    "interval_months": kind("choice", "6"),
    "open_days": kind("number", "21"),
    "reminder_days": text("7, 2"),
    "next_opens_on": on(SOON),
    "active": kind("bool", "y"),
}
_ANSWERS = {
    **{f"q{{question:who5.{n}}}": kind("choice", "3") for n in range(1, 6)},
    **{f"q{{question:ons.{key}}}": kind("choice", "7") for key in ("satisfied", "worthwhile", "happy", "anxious")},
    "q{question:exp.experienced}": kind("choice", "0"),
    "q{question:exp.how_often}": kind("choice", "0"),
    "q{question:exp.channels}": kind("multi", "0", "1"),
    "q{question:exp.kinds}": kind("multi", "0"),
    "q{question:exp.reported_to}": kind("multi", "0"),
    "q{question:exp.know_support}": kind("choice", "4"),
    "q{question:exp.arrangements_work}": kind("choice", "4"),
    "q{question:attr.group}": kind("choice", "1"),
    "q{question:own.words}": text("The new rota helps"),
    "action": kind("choice", "submit"),
}
_STATEMENT = {
    "text": text("Members know where to get help"),
    "guidance": text("A survey result"),
    "indicators": kind("multi", "training.coverage"),
    "version": kind("hidden", "{framework_version}"),
}
_ACTION = {
    "what": text("Write a guide"),
    "owner": kind("choice", "{officer}"),
    "due_on": on(LATER),
    "status": kind("choice", "in_progress"),
}

ENDPOINTS = [
    # accounts and administration
    Endpoint(
        "accounts.sign_in", "/sign-in", None, {"email": kind("email", "{person_email}"), "password": text(PASSWORD)}
    ),
    Endpoint(
        "accounts.accept_invitation",
        "/invitation/{invitation_token}",
        None,
        {"password": text(NEW_PASSWORD), "confirm": text(NEW_PASSWORD)},
    ),
    Endpoint("accounts.request_reset", "/reset-password", None, {"email": kind("email", "{person_email}")}),
    Endpoint(
        "accounts.reset_password",
        "/reset-password/{reset_token}",
        None,
        {"password": text(NEW_PASSWORD), "confirm": text(NEW_PASSWORD)},
    ),
    Endpoint(
        "accounts.profile",
        "/profile",
        COUNCILLOR,
        {
            "name": text("Pat Jones"),
            "ward": text("Riverside"),
            "political_group": text("Independent"),
            "date_elected": on(date(2022, 5, 5)),
            "wants_newsletters": kind("bool", "y"),
            "wants_reminders": kind("bool", "y"),
        },
    ),
    Endpoint(
        "admin.invite",
        "/admin/users/invite",
        ADMIN,
        {
            "name": text("New Person"),
            "email": kind("email", "new.person@council.example"),
            "roles": kind("multi", "councillor"),
        },
    ),
    Endpoint("admin.user", "/admin/users/{person}", ADMIN, {"roles": kind("multi", "councillor", "champion")}),
    Endpoint("admin.deactivate", "/admin/users/{person}/deactivate", ADMIN),
    Endpoint("admin.reactivate", "/admin/users/{person}/reactivate", ADMIN),
    Endpoint("admin.resend_invitation", "/admin/users/{invited}/resend-invitation", ADMIN),
    Endpoint("members.remove_personal_data", "/admin/users/{person}/remove-personal-data", ADMIN),
    Endpoint(
        "settings.edit_settings",
        "/admin/settings",
        ADMIN,
        {
            "council_name": text("Northshire Council"),
            "logo": ("file", []),
            "logo_alt_text": text("Northshire crest"),
            "anonymity_threshold": kind("number", "5"),
            "free_text_threshold": kind("number", "10"),
            "survey_retention_months": kind("number", "24"),
            "mail_from_name": text("Member services"),
            "mail_reply_to": kind("email", "members@council.example"),
            "support_email": kind("email", "members@council.example"),
            "newsletter_approval_required": kind("bool", "y"),
        },
    ),
    # champions
    Endpoint("champions.appoint", "/champions/appoint", ADMIN, {"user_id": kind("choice", "{person}"), **_PROFILE}),
    Endpoint("champions.edit", "/champions/{profile}/edit", ADMIN, _PROFILE),
    Endpoint("champions.remove", "/champions/{profile}/remove", ADMIN),
    # directory
    Endpoint("directory.new_service", "/directory/services/new", OFFICER, _SERVICE),
    Endpoint("directory.edit_service", "/directory/services/{service}/edit", OFFICER, _SERVICE),
    Endpoint("directory.retire_service", "/directory/services/{service}/retire", OFFICER),
    Endpoint(
        "directory.mark_checked", "/directory/services/{service}/checked", OFFICER, {"return_to": kind("choice", "due")}
    ),
    Endpoint(
        "directory.categories",
        "/directory/categories",
        OFFICER,
        {"name": text("Legal help"), "description": text("Advice on the law")},
    ),
    Endpoint("directory.import_services", "/directory/import", OFFICER, {"csv_file": csv_upload(template_csv())}),
    # training
    Endpoint("training.new_course", "/training/courses/new", OFFICER, _COURSE),
    Endpoint("training.edit_course", "/training/courses/{course}/edit", OFFICER, _COURSE),
    Endpoint(
        "training.record_completion",
        "/training/members/{person}/completions",
        OFFICER,
        {"course_id": kind("choice", "{course}"), "completed_on": on(date(2026, 1, 5)), "note": text("Town hall")},
    ),
    Endpoint(
        "training.correct_completion",
        "/training/completions/{completion}/edit",
        OFFICER,
        {"completed_on": on(date(2026, 1, 6)), "note": text("Corrected")},
    ),
    Endpoint(
        "training.record_attendance",
        "/training/attendance",
        OFFICER,
        {
            "course_id": kind("choice", "{course}"),
            "completed_on": on(date(2026, 2, 1)),
            "note": text("Session one"),
            "people": kind("multi", "{person}"),
        },
    ),
    Endpoint("training.settings", "/training/settings", OFFICER, {"due_soon_days": kind("number", "30")}),
    Endpoint("training.import_completions", "/training/import", OFFICER, {"file": csv_upload(TRAINING_CSV)}),
    # newsletters
    Endpoint("newsletters.new_issue", "/newsletters/new", OFFICER, _ISSUE),
    Endpoint("newsletters.edit_issue", "/newsletters/{issue}/edit", OFFICER, _ISSUE),
    Endpoint("newsletters.send_test", "/newsletters/{issue}/test", OFFICER),
    Endpoint("newsletters.submit_for_approval", "/newsletters/{issue_to_submit}/submit-for-approval", OFFICER),
    Endpoint("newsletters.approve", "/newsletters/{issue}/approve", OFFICER),
    Endpoint("newsletters.return_to_draft", "/newsletters/{awaiting_issue}/return-to-draft", OFFICER),
    Endpoint("newsletters.send_now", "/newsletters/{issue}/send", OFFICER, {"recipient_count": kind("number", "")}),
    Endpoint(
        "newsletters.schedule",
        "/newsletters/{issue}/schedule",
        OFFICER,
        {"send_on": on(SOON), "send_at": text("9am")},
    ),
    Endpoint("newsletters.unschedule", "/newsletters/{scheduled_issue}/unschedule", OFFICER),
    Endpoint("newsletters.confirm_overdue", "/newsletters/{overdue_issue}/confirm-overdue", OFFICER),
    Endpoint("newsletters.retry_failed", "/newsletters/{issue_with_failures}/retry-failed", OFFICER),
    Endpoint(
        "newsletters.confirm_unsubscribe",
        "/newsletters/unsubscribe/{unsubscribe_token}",
        None,
        {"List-Unsubscribe": text("One-Click")},
    ),
    # surveys: templates
    Endpoint(
        "surveys.new_template",
        "/surveys/templates/new",
        OFFICER,
        {"name": text("Pulse survey"), "description": text("Short")},
    ),
    Endpoint(
        "surveys.edit_template",
        "/surveys/templates/{template}/edit",
        OFFICER,
        {"name": text("Pulse survey"), "description": text("Short")},
    ),
    Endpoint("surveys.archive_template", "/surveys/templates/{template}/archive", OFFICER),
    Endpoint("surveys.restore_template", "/surveys/templates/{template}/restore", OFFICER),
    Endpoint("surveys.copy_template", "/surveys/templates/{template}/copy", OFFICER),
    Endpoint("surveys.new_question", "/surveys/templates/{template}/questions/new", OFFICER, _QUESTION),
    Endpoint(
        "surveys.edit_question", "/surveys/templates/{template}/questions/{custom_question}/edit", OFFICER, _QUESTION
    ),
    Endpoint("surveys.delete_question", "/surveys/templates/{template}/questions/{custom_question}/delete", OFFICER),
    Endpoint("surveys.move_question", "/surveys/templates/{template}/questions/{custom_question}/move-up", OFFICER),
    Endpoint("surveys.add_block", "/surveys/templates/{template}/blocks", OFFICER, {"block": kind("choice", "ons4")}),
    Endpoint("surveys.remove_block", "/surveys/templates/{template}/blocks/who5/remove", OFFICER),
    Endpoint(
        "surveys.add_ready_attribute",
        "/surveys/templates/{template}/attributes",
        OFFICER,
        {"attribute": kind("choice", "independent")},
    ),
    # surveys: rounds, schedules, results and answering
    Endpoint("surveys.new_round", "/surveys/rounds/new", OFFICER, _ROUND),
    Endpoint(
        "surveys.edit_round",
        "/surveys/rounds/{scheduled_round}/edit",
        OFFICER,
        {**_ROUND, "template_id": kind("choice", "{used_template}")},
    ),
    Endpoint("surveys.close_round", "/surveys/rounds/{open_round}/close", OFFICER),
    Endpoint("surveys.cancel_round", "/surveys/rounds/{scheduled_round}/cancel", OFFICER),
    Endpoint("surveys.new_schedule", "/surveys/schedules/new", OFFICER, _SCHEDULE),
    Endpoint("surveys.edit_schedule", "/surveys/schedules/{schedule}/edit", OFFICER, _SCHEDULE),
    Endpoint("surveys.release_round", "/surveys/rounds/{closed_round}/release", OFFICER),
    Endpoint("surveys.redact_answer", "/surveys/rounds/{released_round}/free-text/{free_text_answer}/redact", OFFICER),
    Endpoint("surveys.answer", "/surveys/{open_round}", COUNCILLOR, _ANSWERS),
    # self-assessment
    Endpoint(
        "selfassessment.new_assessment",
        "/self-assessment/new",
        OFFICER,
        {"title": text("2027/28"), "copy_from": kind("choice", "0")},
    ),
    Endpoint(
        "selfassessment.statement",
        "/self-assessment/{assessment}/statements/{assessed}",
        OFFICER,
        {
            "score": kind("choice", "1"),
            "evidence": text("Minutes of the meeting"),
            "links": kind("url", "https://example.org/minutes"),
            "revision": kind("hidden", "{assessed_revision}"),
        },
    ),
    Endpoint("selfassessment.finalise", "/self-assessment/{scored_assessment}/finalise", OFFICER),
    Endpoint(
        "selfassessment.new_action", "/self-assessment/{assessment}/statements/{assessed}/actions/new", OFFICER, _ACTION
    ),
    Endpoint(
        "selfassessment.edit_action",
        "/self-assessment/{assessment}/actions/{action}/edit",
        OFFICER,
        {**_ACTION, "revision": kind("hidden", "{action_revision}")},
    ),
    Endpoint("selfassessment.delete_action", "/self-assessment/{assessment}/actions/{action}/delete", OFFICER),
    Endpoint(
        "selfassessment.attach_evidence",
        "/self-assessment/{assessment}/statements/{assessed}/evidence",
        OFFICER,
        {"indicator": kind("choice", "champions.appointed")},
    ),
    Endpoint(
        "selfassessment.detach_evidence",
        "/self-assessment/{assessment}/statements/{assessed}/evidence/{evidence}/remove",
        OFFICER,
    ),
    Endpoint(
        "selfassessment.edit_principle",
        "/self-assessment/framework/principles/{principle}/edit",
        ADMIN,
        {
            "title": text("Leadership"),
            "introduction": text("Leaders set the tone"),
            "version": kind("hidden", "{framework_version}"),
        },
    ),
    Endpoint(
        "selfassessment.edit_statement", "/self-assessment/framework/statements/{statement}/edit", ADMIN, _STATEMENT
    ),
    Endpoint(
        "selfassessment.add_statement",
        "/self-assessment/framework/principles/{principle}/statements/new",
        ADMIN,
        _STATEMENT,
    ),
    Endpoint(
        "selfassessment.retire_statement",
        "/self-assessment/framework/statements/{statement}/retire",
        ADMIN,
        {"version": kind("hidden", "{framework_version}")},
    ),
]

# Run on PostgreSQL as well as SQLite: one or two of each kind of form, and every file upload.
ON_POSTGRESQL = {
    "accounts.profile",
    "settings.edit_settings",
    "champions.appoint",
    "directory.new_service",
    "directory.import_services",
    "training.record_completion",
    "training.import_completions",
    "newsletters.new_issue",
    "newsletters.schedule",
    "surveys.new_question",
    "surveys.new_round",
    "surveys.answer",
    "surveys.redact_answer",
    "selfassessment.statement",
    "selfassessment.edit_action",
    "selfassessment.edit_statement",
}
