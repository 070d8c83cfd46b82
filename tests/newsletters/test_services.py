"""The writing rules, called directly: checking and rendering on save, approval, who may send, the test send."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import AuditEvent, Role
from portal.common.time import utcnow
from portal.extensions import db
from portal.newsletters import services
from portal.newsletters.email import email_message_for, rendered_parts
from portal.newsletters.models import Audience, Channel, IssueStatus, NewsletterIssue
from portal.outbox.models import OutboxMessage
from portal.outbox.worker import drain
from portal.settings.services import current_settings

UNSUBSCRIBE = "http://localhost/newsletters/unsubscribe/a-signed-token"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def issue_input(**overrides) -> services.IssueInput:
    fields = {
        "subject": "Staying safe at surgeries",
        "summary": "New advice on ward surgeries.",
        "body_markdown": "## Before you go\n\nTell someone where you will be. [Guidance](https://example.org/safe)",
    }
    return services.IssueInput(**{**fields, **overrides})


def refusal(data: services.IssueInput, by) -> services.NewsletterError:
    with pytest.raises(services.NewsletterError) as caught:
        services.create_issue(data, by=by)
    return caught.value


def set_approval(required: bool) -> None:
    current_settings().newsletter_approval_required = required
    db.session.flush()


@pytest.fixture
def people(make_user):
    """A champion who writes, an officer who approves, and councillors in two wards and two groups."""
    return {
        "champion": make_user(Role.CHAMPION, name="Cara Champion"),
        "officer": make_user(Role.OFFICER, name="Olu Officer"),
        "abbey": make_user(Role.COUNCILLOR, ward="Abbey", political_group="Green"),
        "castle": make_user(Role.COUNCILLOR, ward="Castle", political_group="Independent"),
    }


@pytest.fixture
def draft(people) -> NewsletterIssue:
    issue = services.create_issue(issue_input(), by=people["champion"])
    db.session.commit()
    return issue


# ---- saving a draft --------------------------------------------------------------------------------------


def test_a_new_draft_is_rendered_and_recorded(people):
    issue = services.create_issue(issue_input(), by=people["champion"])

    assert (issue.status, issue.author, issue.channel, issue.audience) == (
        IssueStatus.DRAFT,
        people["champion"],
        Channel.NEWSLETTER,
        Audience.ALL_COUNCILLORS,
    )
    assert issue.body_html.startswith("<h3>Before you go</h3>")
    assert 'href="https://example.org/safe"' in issue.body_html
    assert issue.body_text == "Before you go\n\nTell someone where you will be. Guidance (https://example.org/safe)\n"
    assert audit_actions() == ["newsletter.created"]


def test_the_subject_and_summary_are_kept_to_one_line(people):
    issue = services.create_issue(
        issue_input(subject="  Staying\r\nsafe \n", summary=" Two\nlines "), by=people["champion"]
    )

    assert (issue.subject, issue.summary) == ("Staying safe", "Two lines")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"subject": "   "}, "subject", "Enter a subject"),
        ({"subject": "x" * 201}, "subject", "Keep the subject to 200 characters or fewer"),
        ({"summary": "x" * 501}, "summary", "Keep the summary to 500 characters or fewer"),
        ({"body_markdown": " \r\n \n"}, "body_markdown", "Enter the text of the newsletter"),
        ({"body_markdown": "x" * 50_001}, "body_markdown", "Keep the text to 50,000 characters or fewer"),
        ({"channel": "sms"}, "channel", "Choose whether this is a newsletter or a safety notice"),
        ({"audience": "everyone_in_town"}, "audience", "Choose who should receive it"),
        ({"audience": "wards", "audience_values": []}, "wards", "Choose at least one ward"),
        ({"audience": "groups", "audience_values": [" "]}, "groups", "Choose at least one political group"),
        (
            {"audience": "wards", "audience_values": ["Abbey", "Nowhere"]},
            "wards",
            "No current councillor is in the ward “Nowhere”: choose from the list",
        ),
    ],
)
def test_what_cannot_be_saved_is_refused_beside_its_field(people, changes, field, message):
    error = refusal(issue_input(**changes), people["champion"])

    assert (error.field, str(error)) == (field, message)
    assert count(NewsletterIssue) == 0


def test_chosen_wards_are_kept_in_the_lists_order_and_other_audiences_keep_none(people):
    wards = services.create_issue(
        issue_input(audience="wards", audience_values=["Castle", "Abbey", "Castle"]), by=people["champion"]
    )
    everyone = services.create_issue(issue_input(audience="all_users", audience_values=["Abbey"]), by=people["officer"])

    assert wards.audience_values == ["Abbey", "Castle"]
    assert everyone.audience_values == []


def test_an_audience_with_no_one_in_it_is_refused(people):
    people["abbey"].wants_newsletters = False
    people["castle"].active = False

    error = refusal(issue_input(), people["champion"])

    assert error.field == "audience"
    assert str(error) == (
        "No one would receive this: no one in “All councillors” has an active account and takes newsletters. "
        "Choose a different audience."
    )


def test_no_one_in_the_chosen_ward_is_refused_beside_the_wards(people):
    people["abbey"].wants_newsletters = False

    error = refusal(issue_input(audience="wards", audience_values=["Abbey"]), people["champion"])

    assert error.field == "wards"
    assert str(error).startswith("No one would receive this: no one in “Councillors in chosen wards: Abbey”")


def test_a_safety_notice_reaches_those_who_opted_out_of_newsletters(people):
    for councillor in (people["abbey"], people["castle"]):
        councillor.wants_newsletters = False

    issue = services.create_issue(issue_input(channel="safety_notice"), by=people["champion"])

    assert services.recipient_count_of(issue) == 2


def test_the_recipient_count_and_description_follow_the_audience(people):
    issue = services.create_issue(
        issue_input(audience="groups", audience_values=["Independent"]), by=people["champion"]
    )

    assert services.recipient_count_of(issue) == 1
    assert services.describe_audience(issue.audience, issue.audience_values) == (
        "Councillors in chosen political groups: Independent"
    )


def test_an_update_renders_the_new_text(draft, people):
    services.update_issue(draft, issue_input(body_markdown="*Changed*"), by=people["officer"])

    assert (draft.body_markdown, draft.body_html, draft.body_text) == (
        "*Changed*",
        "<p><em>Changed</em></p>\n",
        "Changed\n",
    )


def test_a_refused_update_changes_nothing(draft, people):
    with pytest.raises(services.NewsletterError):
        services.update_issue(draft, issue_input(subject="", body_markdown="New"), by=people["champion"])

    assert (draft.subject, draft.body_markdown.startswith("## Before")) == ("Staying safe at surgeries", True)


@pytest.mark.parametrize(
    "status", [IssueStatus.SCHEDULED, IssueStatus.NEEDS_CONFIRMATION, IssueStatus.SENDING, IssueStatus.SENT]
)
def test_an_issue_scheduled_or_sent_can_no_longer_be_changed(draft, people, status):
    draft.status = status

    with pytest.raises(services.NewsletterError, match="can no longer be changed"):
        services.update_issue(draft, issue_input(subject="Too late"), by=people["champion"])


# ---- approval --------------------------------------------------------------------------------------------


def test_a_champion_submits_and_an_officer_approves_recording_who_and_when(draft, people):
    set_approval(True)
    services.submit_for_approval(draft, by=people["champion"])
    assert draft.status == IssueStatus.AWAITING_APPROVAL

    before = utcnow()
    services.approve(draft, by=people["officer"])

    assert (draft.status, draft.approved_by) == (IssueStatus.APPROVED, people["officer"])
    assert before - timedelta(seconds=1) <= draft.approved_at <= utcnow()
    assert audit_actions()[-2:] == ["newsletter.submitted", "newsletter.approved"]


def test_only_an_officer_approves(draft, people):
    set_approval(True)
    services.submit_for_approval(draft, by=people["champion"])

    with pytest.raises(services.NewsletterError, match="Only an officer can approve"):
        services.approve(draft, by=people["champion"])
    assert draft.status == IssueStatus.AWAITING_APPROVAL


def test_an_officer_approves_their_own_draft(people):
    set_approval(True)
    issue = services.create_issue(issue_input(), by=people["officer"])

    services.approve(issue, by=people["officer"])

    assert (issue.status, issue.approved_by) == (IssueStatus.APPROVED, people["officer"])


def test_submitting_is_refused_while_approval_is_off(draft, people):
    with pytest.raises(services.NewsletterError, match="do not need approval"):
        services.submit_for_approval(draft, by=people["champion"])


def test_changing_an_approved_issue_withdraws_the_approval(draft, people):
    set_approval(True)
    services.approve(draft, by=people["officer"])

    services.update_issue(draft, issue_input(body_markdown="Something else entirely"), by=people["champion"])

    assert (draft.status, draft.approved_by, draft.approved_at) == (IssueStatus.AWAITING_APPROVAL, None, None)
    assert audit_actions()[-1] == "newsletter.approval-withdrawn"


def test_saving_an_approved_issue_unchanged_keeps_the_approval(draft, people):
    set_approval(True)
    services.approve(draft, by=people["officer"])

    services.update_issue(draft, issue_input(), by=people["champion"])

    assert (draft.status, draft.approved_by) == (IssueStatus.APPROVED, people["officer"])


def test_an_issue_goes_back_to_draft(draft, people):
    set_approval(True)
    services.approve(draft, by=people["officer"])

    services.return_to_draft(draft, by=people["officer"])

    assert (draft.status, draft.approved_by, draft.approved_at) == (IssueStatus.DRAFT, None, None)
    with pytest.raises(services.NewsletterError):
        services.return_to_draft(draft, by=people["officer"])


@pytest.mark.parametrize(
    ("status", "without_approval", "with_approval"),
    [
        (IssueStatus.DRAFT, True, False),
        (IssueStatus.AWAITING_APPROVAL, True, False),
        (IssueStatus.APPROVED, True, True),
        (IssueStatus.SCHEDULED, False, False),
        (IssueStatus.NEEDS_CONFIRMATION, False, False),
        (IssueStatus.SENDING, False, False),
        (IssueStatus.SENT, False, False),
    ],
)
def test_who_may_send_follows_the_status_and_the_approval_setting(draft, status, without_approval, with_approval):
    draft.status = status
    settings = current_settings()

    settings.newsletter_approval_required = False
    assert services.can_send(draft, settings) is without_approval
    settings.newsletter_approval_required = True
    assert services.can_send(draft, settings) is with_approval
    assert (services.send_blocker(draft, settings) is None) is with_approval


# ---- the dashboard ---------------------------------------------------------------------------------------


def test_the_dashboard_sorts_issues_by_stage(people):
    made = {}
    for status in IssueStatus:
        made[status] = services.create_issue(issue_input(subject=f"Issue {status.value}"), by=people["champion"])
        made[status].status = status
    made[IssueStatus.SCHEDULED].scheduled_for = utcnow() + timedelta(days=1)
    made[IssueStatus.NEEDS_CONFIRMATION].scheduled_for = utcnow() - timedelta(days=2)
    made[IssueStatus.SENT].sent_at = made[IssueStatus.SENDING].sent_at = utcnow()
    db.session.commit()

    lists = services.issues_for_editing()

    assert lists.drafts == [made[IssueStatus.DRAFT]]
    assert lists.awaiting_approval == [made[IssueStatus.AWAITING_APPROVAL]]
    assert lists.approved == [made[IssueStatus.APPROVED]]
    assert lists.scheduled == [made[IssueStatus.NEEDS_CONFIRMATION], made[IssueStatus.SCHEDULED]]
    assert lists.sending == [made[IssueStatus.SENDING]]
    assert lists.recently_sent == [made[IssueStatus.SENT]]


# ---- the email and the test send -------------------------------------------------------------------------


def test_a_newsletter_email_carries_the_one_click_unsubscribe_link(draft, people):
    message = email_message_for(draft, people["abbey"], UNSUBSCRIBE)
    text, html = rendered_parts(message)

    assert message.subject == "Staying safe at surgeries"
    assert message.headers == {
        "List-Unsubscribe": f"<{UNSUBSCRIBE}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert UNSUBSCRIBE in text and f'href="{UNSUBSCRIBE}"' in html
    assert "Tell someone where you will be. Guidance (https://example.org/safe)" in text
    assert '<a href="https://example.org/safe" rel="noopener noreferrer">Guidance</a>' in html
    assert "New advice on ward surgeries." in text and "New advice on ward surgeries." in html


def test_a_newsletter_without_a_link_has_no_unsubscribe_headers(draft, people):
    assert email_message_for(draft, people["abbey"]).headers == {}


def test_a_safety_notice_says_so_and_offers_no_way_out(people):
    notice = services.create_issue(issue_input(channel="safety_notice"), by=people["champion"])

    message = email_message_for(notice, people["abbey"], UNSUBSCRIBE)
    text, html = rendered_parts(message)

    assert message.subject == "Safety notice: Staying safe at surgeries"
    assert message.headers == {}
    assert UNSUBSCRIBE not in text and UNSUBSCRIBE not in html
    assert "unsubscribe" not in text.lower() and "unsubscribe" not in html.lower()


def test_a_test_send_is_one_real_email_to_the_person_who_asked(draft, people, mail_catcher):
    message = services.send_test(draft, people["officer"], UNSUBSCRIBE)
    db.session.commit()

    assert (message.to_address, message.subject) == (people["officer"].email, "[Test] Staying safe at surgeries")
    assert message.group_key != draft.group_key
    assert count(OutboxMessage) == 1
    assert drain().sent == 1
    [email] = mail_catcher.wait_for(1)
    assert mail_catcher.envelopes[0][1] == [people["officer"].email]
    assert email["Subject"] == "[Test] Staying safe at surgeries"
    assert email["List-Unsubscribe"].strip() == f"<{UNSUBSCRIBE}>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Tell someone where you will be." in email.get_body(("plain",)).get_content()
    assert "<h3>Before you go</h3>" in email.get_body(("html",)).get_content()


def test_a_test_safety_notice_has_no_unsubscribe_headers(people, mail_catcher):
    notice = services.create_issue(issue_input(channel="safety_notice"), by=people["champion"])
    services.send_test(notice, people["champion"], UNSUBSCRIBE)
    db.session.commit()

    drain()
    [email] = mail_catcher.wait_for(1)
    assert email["Subject"] == "[Test] Safety notice: Staying safe at surgeries"
    assert (email["List-Unsubscribe"], email["List-Unsubscribe-Post"]) == (None, None)
