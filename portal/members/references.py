"""Every column that points at a person (a foreign key to users.id), and what members' data does with it.

One table, so that the subject access export and the removal cannot drift apart: a test walks the models'
foreign keys and fails when a column is missing here, so a new table cannot be forgotten.
"""

import enum
from dataclasses import dataclass


class OnRemoval(enum.StrEnum):
    DELETE = "delete"  # the rows are about the person: they go
    UNASSIGN = "unassign"  # the row is the council's; the person's name on it goes (owner becomes empty)
    KEEP = "keep"  # the row is a record of who did what: it now points at the "Former member" account


@dataclass(frozen=True)
class Reference:
    section: str  # the key of the subject access export that holds these rows
    on_removal: OnRemoval


USER_REFERENCES: dict[str, Reference] = {
    "user_roles.user_id": Reference("account", OnRemoval.DELETE),
    "audit_events.actor_id": Reference("audit_events", OnRemoval.KEEP),
    "champion_profiles.user_id": Reference("champion_profile", OnRemoval.DELETE),
    "training_completions.user_id": Reference("training_completions", OnRemoval.DELETE),
    "training_reminders_sent.user_id": Reference("training_reminders", OnRemoval.DELETE),
    "newsletter_recipients.user_id": Reference("newsletters_received", OnRemoval.KEEP),  # name and email blanked
    "survey_invitations.user_id": Reference("survey_invitations", OnRemoval.DELETE),
    "survey_drafts.user_id": Reference("survey_drafts", OnRemoval.DELETE),
    "directory_services.owner_id": Reference("directory_entries", OnRemoval.UNASSIGN),
    "directory_review_reminders.owner_id": Reference("directory_review_reminders", OnRemoval.DELETE),
    "assessment_actions.owner_id": Reference("assessment_actions", OnRemoval.UNASSIGN),
    # Records of work done as an officer, champion or admin: who wrote, approved, released or recorded what.
    "newsletter_issues.author_id": Reference("work_records", OnRemoval.KEEP),
    "newsletter_issues.approved_by_id": Reference("work_records", OnRemoval.KEEP),
    "newsletter_issues.sent_by_id": Reference("work_records", OnRemoval.KEEP),
    "survey_rounds.released_by_id": Reference("work_records", OnRemoval.KEEP),
    "training_completions.recorded_by_id": Reference("work_records", OnRemoval.KEEP),
    "training_completion_changes.changed_by_id": Reference("work_records", OnRemoval.KEEP),
    "framework_changes.changed_by_id": Reference("work_records", OnRemoval.KEEP),
    "assessments.created_by_id": Reference("work_records", OnRemoval.KEEP),
    "assessments.finalised_by_id": Reference("work_records", OnRemoval.KEEP),
    "assessed_statements.updated_by_id": Reference("work_records", OnRemoval.KEEP),
    "assessment_evidence.attached_by_id": Reference("work_records", OnRemoval.KEEP),
}
