"""Writing newsletters through the pages: the editor, the preview of both parts, the test send and approval."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.newsletters.models import IssueStatus, NewsletterIssue
from portal.outbox.models import OutboxMessage
from portal.outbox.worker import drain
from portal.settings.services import current_settings
from tests.conftest import sign_in_as
from tests.newsletters.test_rendering import ATTACKS, dangers_in
from tests.pages import Page, page, redirect_path, text

BODY = "## What is new\n\n- Personal alarms for every member\n- [Book a session](https://example.org/book)"


def form(**changes) -> dict:
    """What the editor sends, with a plain newsletter to all councillors unless changed."""
    return {
        "subject": "Personal safety update",
        "summary": "Alarms and training.",
        "body_markdown": BODY,
        "channel": "newsletter",
        "audience": "all_councillors",
        **changes,
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def only_issue() -> NewsletterIssue:
    db.session.expire_all()
    [issue] = db.session.scalars(select(NewsletterIssue))
    return issue


@pytest.fixture
def councillors(make_user):
    return [
        make_user(Role.COUNCILLOR, name="Ann Abbey", ward="Abbey", political_group="Green"),
        make_user(Role.COUNCILLOR, name="Cal Castle", ward="Castle", political_group="Independent"),
    ]


@pytest.fixture
def champion(client_as, councillors):
    return client_as(Role.CHAMPION, name="Cara Champion")


def write(client, **changes) -> NewsletterIssue:
    response = client.post("/newsletters/new", data=form(**changes))
    assert response.status_code == 302, Page(response).error_summary
    return only_issue()


def email_preview(client, issue) -> str:
    return client.get(f"/newsletters/{issue.id}/preview/email.html").get_data(as_text=True)


def portal_part(response):
    return page(response).select_one("section.app-newsletter-preview")


def plain_text_part(response) -> str:
    return page(response).find(id="plain-text-part").get_text()


def received_test(mail_catcher):
    assert drain().sent == 1
    [email] = mail_catcher.wait_for(1)
    return email


# ---- writing and the preview -----------------------------------------------------------------------------


def test_the_editor_offers_every_ward_and_group_even_without_javascript(champion):
    soup = page(champion.get("/newsletters/new"))

    assert [box["value"] for box in soup.select("input[name=wards]")] == ["Abbey", "Castle"]
    assert [box["value"] for box in soup.select("input[name=groups]")] == ["Green", "Independent"]
    assert soup.select_one("input[name=channel][checked]")["value"] == "newsletter"
    assert soup.select_one("input[name=audience][checked]")["value"] == "all_councillors"
    assert "How to format the text" in text(soup.select_one("details"))


def test_a_written_issue_is_previewed_in_the_portal_and_as_both_parts_of_the_email(champion):
    response = champion.post("/newsletters/new", data=form())
    issue = only_issue()

    assert redirect_path(response) == f"/newsletters/{issue.id}/preview"
    preview = champion.get(f"/newsletters/{issue.id}/preview")
    soup = page(preview)
    assert text(soup.h1) == "Personal safety update"
    portal = portal_part(preview)
    assert text(portal.h3) == "What is new"
    assert [text(li) for li in portal.select("li")] == ["Personal alarms for every member", "Book a session"]
    assert portal.select_one("a")["href"] == "https://example.org/book"
    assert "- Book a session (https://example.org/book)" in plain_text_part(preview)
    facts = Page(preview).text
    assert "Would reach now 2 people" in facts and "Audience All councillors" in facts
    assert "Written by Cara Champion" in facts
    assert soup.select_one(f"a[href='/newsletters/{issue.id}/preview/email.html']") is not None


def test_the_email_preview_is_the_html_part_on_a_page_where_nothing_can_run(champion):
    issue = write(champion)

    response = champion.get(f"/newsletters/{issue.id}/preview/email.html")

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "form-action 'none'" in policy
    assert "script-src" not in policy and "unsafe-inline" not in policy.replace("style-src 'unsafe-inline'", "")
    soup = page(response)
    assert text(soup.h1) == "Personal safety update"
    assert soup.find("a", string="Book a session")["href"] == "https://example.org/book"


def test_an_image_by_link_shows_in_the_preview_which_allows_images_from_the_web(champion):
    issue = write(champion, body_markdown="![The town hall](https://example.org/hall.jpg)")

    response = champion.get(f"/newsletters/{issue.id}/preview")

    assert portal_part(response).img["src"] == "https://example.org/hall.jpg"
    assert "img-src 'self' data: https:;" in response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in response.headers["Content-Security-Policy"]
    assert "[Image: The town hall]" in plain_text_part(response)


def test_wards_chosen_are_kept_and_described(champion):
    issue = write(champion, audience="wards", wards=["Castle"], groups=["Green"])

    assert (issue.audience, issue.audience_values) == ("wards", ["Castle"])
    preview = Page(champion.get(f"/newsletters/{issue.id}/preview"))
    assert "Audience Councillors in chosen wards: Castle" in preview.text
    assert "Would reach now 1 person" in preview.text
    edit = page(champion.get(f"/newsletters/{issue.id}/edit"))
    assert [box["value"] for box in edit.select("input[name=wards][checked]")] == ["Castle"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"subject": "  "}, "subject", "Enter a subject"),
        ({"body_markdown": " \r\n "}, "body_markdown", "Enter the text of the newsletter"),
        ({"audience": "wards"}, "wards", "Choose at least one ward"),
    ],
)
def test_what_is_missing_is_refused_beside_the_field_keeping_what_was_typed(champion, changes, field, message):
    response = champion.post("/newsletters/new", data=form(**changes))

    result = Page(response)
    assert result.status == 422
    assert result.field_error(field) == message
    assert result.error_summary == [message]
    typed = form(**changes)
    assert result.value("subject") == typed["subject"].strip()
    assert result.soup.find(id="summary").get_text() == typed["summary"]
    assert result.soup.find(id="body_markdown").get_text().strip() == typed["body_markdown"].strip()
    assert count(NewsletterIssue) == 0


def test_an_audience_with_no_one_in_it_is_refused(champion, councillors):
    for councillor in councillors:
        councillor.wants_newsletters = False
    db.session.commit()

    result = Page(champion.post("/newsletters/new", data=form()))

    assert result.status == 422
    assert result.field_error("audience").startswith("No one would receive this: no one in “All councillors”")
    assert count(NewsletterIssue) == 0


def test_an_edit_is_saved_and_previewed(champion):
    issue = write(champion)

    response = champion.post(f"/newsletters/{issue.id}/edit", data=form(subject="Personal safety: alarms"))

    assert redirect_path(response) == f"/newsletters/{issue.id}/preview"
    assert only_issue().subject == "Personal safety: alarms"
    assert "Changes saved." in Page(champion.get(f"/newsletters/{issue.id}/preview")).notification


def test_a_sent_issue_cannot_be_edited(champion):
    issue = write(champion)
    issue.status = IssueStatus.SENT
    db.session.commit()

    response = champion.post(f"/newsletters/{issue.id}/edit", data=form(subject="Rewritten history"))

    assert redirect_path(response) == f"/newsletters/{issue.id}/preview"
    assert only_issue().subject == "Personal safety update"
    assert "can no longer be changed" in Page(champion.get(f"/newsletters/{issue.id}/preview")).notification


def test_the_dashboard_lists_drafts(champion):
    issue = write(champion)

    soup = page(champion.get("/newsletters/manage"))

    drafts = next(table for table in soup.select("table") if text(table.caption) == "Drafts")
    assert [text(cell) for cell in drafts.select("tbody td")][:3] == [
        "Personal safety update",
        "Newsletter",
        "Cara Champion",
    ]
    assert drafts.select_one("a")["href"] == f"/newsletters/{issue.id}/preview"


def test_a_missing_issue_is_not_found(champion):
    assert champion.get("/newsletters/999/preview").status_code == 404
    assert champion.post("/newsletters/999/test").status_code == 404


# ---- attacks never reach a page or an email --------------------------------------------------------------


@pytest.mark.parametrize("markdown", ATTACKS.values(), ids=ATTACKS.keys())
def test_no_attack_reaches_the_preview_the_email_preview_or_the_test_email(champion, mail_catcher, markdown):
    issue = write(champion, body_markdown=f"Before\n\n{markdown}\n\nAfter")

    preview = champion.get(f"/newsletters/{issue.id}/preview")
    assert dangers_in(str(portal_part(preview))) == []
    assert "<script" not in plain_text_part(preview).lower()
    assert_email_harmless(email_preview(champion, issue))
    champion.post(f"/newsletters/{issue.id}/test")
    email = received_test(mail_catcher)
    assert_email_harmless(email.get_body(("html",)).get_content())
    assert "javascript:" not in email.get_body(("plain",)).get_content().lower()


def assert_email_harmless(html: str) -> None:
    """Nothing dangerous anywhere in the email; and no style at all in the issue's words (the layout has its own)."""
    email = page_of(html)
    assert [danger for danger in dangers_in(str(email.body)) if not danger.startswith("style on")] == []
    assert dangers_in(str(email.select_one("div.issue-body"))) == []
    assert "javascript:" not in html.lower()


def page_of(html: str):
    return BeautifulSoup(html, "html.parser")


# ---- the test send ---------------------------------------------------------------------------------------


def test_a_test_goes_to_the_person_who_asked_and_no_one_else(champion, councillors, mail_catcher):
    issue = write(champion)

    response = champion.post(f"/newsletters/{issue.id}/test")

    assert redirect_path(response) == f"/newsletters/{issue.id}/preview"
    assert "A test has been sent to" in Page(champion.get(f"/newsletters/{issue.id}/preview")).notification
    email = received_test(mail_catcher)
    assert [recipients for _sender, recipients in mail_catcher.envelopes] == [[champion.user.email]]
    assert email["To"] == champion.user.email
    assert email["Subject"] == "[Test] Personal safety update"
    assert "- Book a session (https://example.org/book)" in email.get_body(("plain",)).get_content()
    assert '<a href="https://example.org/book"' in email.get_body(("html",)).get_content()
    assert only_issue().status == IssueStatus.DRAFT


def test_a_test_newsletter_carries_the_one_click_unsubscribe_headers(champion, mail_catcher):
    issue = write(champion)

    champion.post(f"/newsletters/{issue.id}/test")

    email = received_test(mail_catcher)
    link = email["List-Unsubscribe"].strip()  # folded onto its own line: the address is long
    assert link.startswith("<http://localhost/newsletters/unsubscribe/") and link.endswith(">")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link[1:-1] in email.get_body(("plain",)).get_content()


def test_a_test_safety_notice_has_no_unsubscribe_link_or_headers(champion, mail_catcher):
    issue = write(champion, channel="safety_notice")

    champion.post(f"/newsletters/{issue.id}/test")

    email = received_test(mail_catcher)
    assert email["Subject"] == "[Test] Safety notice: Personal safety update"
    assert (email["List-Unsubscribe"], email["List-Unsubscribe-Post"]) == (None, None)
    assert "unsubscribe" not in email.get_body(("plain",)).get_content().lower()
    assert "unsubscribe" not in email.get_body(("html",)).get_content().lower()


# ---- approval --------------------------------------------------------------------------------------------


@pytest.fixture
def approval_on(app_context):
    current_settings().newsletter_approval_required = True
    db.session.commit()


def buttons(response) -> list[str]:
    return [text(button) for button in page(response).select("main form button")]


def test_with_approval_on_a_champion_cannot_send_until_an_officer_approves(
    champion, approval_on, app_context, make_user
):
    issue = write(champion)
    preview = champion.get(f"/newsletters/{issue.id}/preview")
    assert "Submit for approval" in buttons(preview)
    assert "Approve" not in buttons(preview)
    assert "An officer must approve this issue before it can be sent." in Page(preview).text

    champion.post(f"/newsletters/{issue.id}/submit-for-approval")
    assert only_issue().status == IssueStatus.AWAITING_APPROVAL
    assert champion.post(f"/newsletters/{issue.id}/approve").status_code == 403

    officer = app_context.test_client()
    sign_in_as(officer, make_user(Role.OFFICER, name="Olu Officer"))
    assert "Approve" in buttons(officer.get(f"/newsletters/{issue.id}/preview"))
    officer.post(f"/newsletters/{issue.id}/approve")

    approved = only_issue()
    assert (approved.status, approved.approved_by.name) == (IssueStatus.APPROVED, "Olu Officer")
    facts = Page(champion.get(f"/newsletters/{issue.id}/preview")).text
    assert "Approved by Olu Officer on " in facts
    assert "An officer must approve" not in facts
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)) == (
        "newsletter.approved"
    )


def test_with_approval_on_an_officer_approves_their_own_issue(client_as, councillors, approval_on):
    officer = client_as(Role.OFFICER, name="Olu Officer")
    issue = write(officer)

    assert buttons(officer.get(f"/newsletters/{issue.id}/preview")) == ["Send a test to me", "Approve"]
    officer.post(f"/newsletters/{issue.id}/approve")

    assert only_issue().approved_by.name == "Olu Officer"


def test_with_approval_off_there_is_nothing_to_approve(champion):
    issue = write(champion)

    preview = champion.get(f"/newsletters/{issue.id}/preview")

    assert buttons(preview)[:1] == ["Send a test to me"]
    assert "Submit for approval" not in buttons(preview)
    response = champion.post(f"/newsletters/{issue.id}/submit-for-approval")
    assert "do not need approval" in Page(champion.get(redirect_path(response))).notification
    assert only_issue().status == IssueStatus.DRAFT


def test_an_admin_switches_approval_on_in_the_settings(client_as):
    admin = client_as(Role.ADMIN)
    assert page(admin.get("/admin/settings")).find(id="newsletter_approval_required").get("checked") is None

    admin.post(
        "/admin/settings",
        data={
            "council_name": "Your council",
            "anonymity_threshold": "5",
            "free_text_threshold": "10",
            "mail_from_name": "Councillor Support Hub",
            "newsletter_approval_required": "y",
        },
    )

    db.session.expire_all()
    assert current_settings().newsletter_approval_required is True
    assert page(admin.get("/admin/settings")).find(id="newsletter_approval_required").get("checked") is not None


# ---- who may write ---------------------------------------------------------------------------------------


def test_a_councillor_may_not_open_any_writing_page(client_as, make_user, councillors):
    writer = make_user(Role.CHAMPION)
    from portal.newsletters import services

    issue = services.create_issue(services.IssueInput("Subject", "", "Body"), by=writer)
    db.session.commit()
    councillor = client_as(Role.COUNCILLOR)
    pages = [
        ("get", "/newsletters/manage"),
        ("get", "/newsletters/new"),
        ("post", "/newsletters/new"),
        ("get", f"/newsletters/{issue.id}/edit"),
        ("post", f"/newsletters/{issue.id}/edit"),
        ("get", f"/newsletters/{issue.id}/preview"),
        ("get", f"/newsletters/{issue.id}/preview/email.html"),
        ("post", f"/newsletters/{issue.id}/test"),
        ("post", f"/newsletters/{issue.id}/submit-for-approval"),
        ("post", f"/newsletters/{issue.id}/approve"),
        ("post", f"/newsletters/{issue.id}/return-to-draft"),
    ]

    statuses = {path: councillor.open(path, method=method).status_code for method, path in pages}

    assert set(statuses.values()) == {403}
    assert count(OutboxMessage) == 0
