"""The sending pages: send and schedule from the preview, follow the progress, retry failures; who may do what."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from portal.accounts.models import Role
from portal.common.security import GOVUK_TEMPLATE_SCRIPT
from portal.common.time import COUNCIL_TZ, utcnow
from portal.extensions import db
from portal.newsletters import sending
from portal.newsletters.models import IssueStatus, NewsletterIssue
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.outbox.worker import drain
from tests.newsletters.test_sending import add_councillors, outbox_rows, status_of, write_issue
from tests.pages import Page, banner, error_summary, heading, page, redirect_path, text


def _preview(issue: NewsletterIssue) -> str:
    return f"/newsletters/{issue.id}/preview"


def _summary(response) -> dict[str, str]:
    rows = page(response).select(".govuk-summary-list__row")
    return {text(row.dt): text(row.dd) for row in rows}


def _next_july_day() -> datetime:
    """A day in British Summer Time at least a week ahead, so that UK time is UTC plus one hour."""
    today = utcnow().date()
    year = today.year if today < datetime(today.year, 7, 1).date() else today.year + 1
    return datetime(year, 7, 15)


def _schedule_form(day: datetime, time_typed: str) -> dict[str, str]:
    return {"send_on": [str(day.day), str(day.month), str(day.year)], "send_at": time_typed}


@pytest.fixture
def champion_client(client_as):
    return client_as(Role.CHAMPION, name="Chris Champion")


@pytest.fixture
def issue(champion_client):
    add_councillors(3)
    return write_issue(champion_client.user, subject="Winter safety bulletin")


# ---- send now ----------------------------------------------------------------------------------------------


def test_the_preview_offers_send_now_with_the_number_of_recipients(champion_client, issue):
    response = champion_client.get(_preview(issue))

    form = page(response).select_one(f"form[action='/newsletters/{issue.id}/send']")
    assert text(form.button) == "Send now to 3 people"
    assert "This will email 3 people straight away" in text(form)
    assert form.select_one("input[name=recipient_count]")["value"] == "3"
    assert page(response).select_one(f"form[action='/newsletters/{issue.id}/schedule']")


def test_send_now_enqueues_and_shows_the_sending_page(champion_client, issue):
    response = champion_client.post(f"/newsletters/{issue.id}/send", data={"recipient_count": "3"})

    assert redirect_path(response) == f"/newsletters/{issue.id}/sending"
    assert len(outbox_rows(issue)) == 3
    shown = champion_client.get(f"/newsletters/{issue.id}/sending")
    assert "“Winter safety bulletin” is being sent to 3 people" in banner(shown)


def test_a_second_click_on_send_sends_nothing_more(champion_client, issue):
    champion_client.post(f"/newsletters/{issue.id}/send", data={"recipient_count": "3"})
    again = champion_client.post(f"/newsletters/{issue.id}/send", data={"recipient_count": "3"})

    assert redirect_path(again) == f"/newsletters/{issue.id}/sending"
    assert "already been sent" in banner(champion_client.get(f"/newsletters/{issue.id}/sending"))
    assert len(outbox_rows(issue)) == 3


def test_a_refused_send_says_why_on_the_preview_and_changes_nothing(champion_client, issue):
    response = champion_client.post(f"/newsletters/{issue.id}/send", data={"recipient_count": "2"})

    assert redirect_path(response) == _preview(issue)
    assert "The audience has changed: it now has 3 people, not 2" in banner(champion_client.get(_preview(issue)))
    assert outbox_rows(issue) == [] and status_of(issue) == IssueStatus.DRAFT


# ---- scheduling --------------------------------------------------------------------------------------------


def test_a_time_typed_in_uk_summer_time_is_stored_in_utc(champion_client, issue):
    day = _next_july_day()

    response = champion_client.post(f"/newsletters/{issue.id}/schedule", data=_schedule_form(day, "9:30am"))

    assert redirect_path(response) == _preview(issue)
    db.session.refresh(issue)
    assert (issue.status, issue.scheduled_for) == (IssueStatus.SCHEDULED, day.replace(hour=8, minute=30))
    preview = champion_client.get(_preview(issue))
    assert f"will be sent on 15 July {day.year} at 9:30am" in banner(preview)
    assert f"Scheduled to go out on 15 July {day.year} at 9:30am" in text(page(preview).main)


def test_a_time_in_the_past_is_refused_on_the_preview_with_what_was_typed_kept(champion_client, issue):
    yesterday = datetime.now(COUNCIL_TZ) - timedelta(days=1)

    response = champion_client.post(f"/newsletters/{issue.id}/schedule", data=_schedule_form(yesterday, "5:30pm"))

    assert response.status_code == 422
    assert heading(response) == "Winter safety bulletin"  # the preview page, not a page of its own
    assert error_summary(response) == ["The time to send must be in the future"]
    assert Page(response).field_error("send_at") == "The time to send must be in the future"
    assert Page(response).value("send_on-day") == str(yesterday.day)
    assert Page(response).value("send_at") == "5:30pm"
    assert status_of(issue) == IssueStatus.DRAFT


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"send_at": "9am"}, "send_on", "Enter the date to send it"),
        ({"send_on": ["31", "2", "2030"], "send_at": "9am"}, "send_on", "Date must be a real date"),
        ({"send_on": ["1", "2", "2030"], "send_at": ""}, "send_at", "Enter the time to send it"),
        ({"send_on": ["1", "2", "2030"], "send_at": "25:00"}, "send_at", "Enter a real time"),
    ],
)
def test_a_date_or_time_that_cannot_be_read_is_explained_beside_its_field(
    champion_client, issue, typed, field, message
):
    response = champion_client.post(f"/newsletters/{issue.id}/schedule", data=typed)

    assert response.status_code == 422
    assert message in Page(response).field_error(field)


def test_a_scheduled_issue_can_be_taken_off_the_schedule(champion_client, issue):
    champion_client.post(f"/newsletters/{issue.id}/schedule", data=_schedule_form(_next_july_day(), "10am"))

    response = champion_client.post(f"/newsletters/{issue.id}/unschedule")

    assert redirect_path(response) == _preview(issue)
    db.session.refresh(issue)
    assert (issue.status, issue.scheduled_for) == (IssueStatus.DRAFT, None)


def _make_overdue(issue: NewsletterIssue) -> None:
    sending.schedule(issue, utcnow() + timedelta(hours=1), issue.author)
    sending.run_scheduled(now=utcnow() + timedelta(days=2))
    db.session.commit()


def test_an_overdue_issue_asks_an_officer_who_can_send_it(client_as, make_user, issue):
    _make_overdue(issue)
    officer = client_as(Role.OFFICER)

    preview = officer.get(_preview(issue))
    assert "An officer must decide" in text(page(preview).main)
    assert not page(preview).select_one(f"form[action='/newsletters/{issue.id}/send']")
    response = officer.post(f"/newsletters/{issue.id}/confirm-overdue")

    assert redirect_path(response) == f"/newsletters/{issue.id}/sending"
    assert len(outbox_rows(issue)) == 3


def test_a_champion_cannot_send_an_overdue_issue(champion_client, issue):
    _make_overdue(issue)

    preview = champion_client.get(_preview(issue))
    assert not page(preview).select("form[action$='/send'], form[action$='/confirm-overdue']")
    assert champion_client.post(f"/newsletters/{issue.id}/confirm-overdue").status_code == 403
    champion_client.post(f"/newsletters/{issue.id}/send")
    assert outbox_rows(issue) == []


# ---- following the send ------------------------------------------------------------------------------------


def test_the_sending_page_shows_the_numbers_and_each_recipient_without_javascript(champion_client, issue):
    champion_client.post(f"/newsletters/{issue.id}/send")

    response = champion_client.get(f"/newsletters/{issue.id}/sending")

    assert response.status_code == 200
    numbers = _summary(response)
    assert (numbers["Sent"], numbers["Waiting to send"], numbers["Failed"], numbers["Recipients"]) == (
        "0",
        "3",
        "0",
        "3",
    )
    rows = Page(response).table_rows()
    assert [row[2] for row in rows] == ["Waiting"] * 3
    assert page(response).find("a", string="Refresh")["href"] == f"/newsletters/{issue.id}/sending"
    assert page(response).select_one("[aria-live=polite]")


def test_the_page_loads_its_script_from_a_file_and_has_no_inline_script(champion_client, issue):
    response = champion_client.get(f"/newsletters/{issue.id}/sending")

    scripts = page(response).find_all("script")
    sources = [script.get("src") for script in scripts if script.get("src")]
    assert "/static/js/newsletter-progress.js" in sources
    assert next(s for s in scripts if s.get("src") == "/static/js/newsletter-progress.js")["type"] == "module"
    inline = [script.string.strip() for script in scripts if not script.get("src")]
    assert inline == [GOVUK_TEMPLATE_SCRIPT]  # the template's one line, allowed by its hash in the CSP
    served = champion_client.get("/static/js/newsletter-progress.js")
    assert served.status_code == 200 and "javascript" in served.mimetype
    assert "progress.json" not in served.get_data(as_text=True)  # the address comes from the page
    assert page(response).select_one("[data-progress-url]")["data-progress-url"].endswith("/progress.json")


def test_progress_json_gives_the_numbers_for_the_script(champion_client, issue):
    champion_client.post(f"/newsletters/{issue.id}/send")

    before = champion_client.get(f"/newsletters/{issue.id}/progress.json")
    drain()
    after = champion_client.get(f"/newsletters/{issue.id}/progress.json")

    assert before.mimetype == "application/json"
    assert before.get_json() == {
        "sent": 0,
        "pending": 3,
        "failed": 0,
        "total": 3,
        "status": "sending",
        "finished": False,
    }
    assert after.get_json() == {"sent": 3, "pending": 0, "failed": 0, "total": 3, "status": "sent", "finished": True}


def test_an_officer_can_retry_failed_messages_and_filter_the_recipients(client_as, issue):
    officer = client_as(Role.OFFICER)
    officer.post(f"/newsletters/{issue.id}/send")
    drain()
    first = outbox_rows(issue)[0]
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == first.id)
        .values(status=MessageStatus.FAILED, last_error="recipient refused: 550 No such mailbox")
    )
    db.session.commit()

    failed_only = officer.get(f"/newsletters/{issue.id}/sending?status=failed")
    assert [row[1:3] + row[5:] for row in Page(failed_only).table_rows()] == [
        [first.to_address, "Failed", "recipient refused: 550 No such mailbox"]
    ]
    button = page(failed_only).select_one(f"form[action='/newsletters/{issue.id}/retry-failed'] button")
    assert text(button) == "Try the 1 failed message again"

    response = officer.post(f"/newsletters/{issue.id}/retry-failed")

    assert redirect_path(response) == f"/newsletters/{issue.id}/sending"
    assert "1 failed message is being sent again" in banner(officer.get(f"/newsletters/{issue.id}/sending"))
    assert drain().sent == 1


# ---- who may do what ---------------------------------------------------------------------------------------


def test_a_councillor_may_not_send_schedule_or_follow_a_send(client_as, issue):
    councillor = client_as(Role.COUNCILLOR)

    for path in ("sending", "progress.json"):
        assert councillor.get(f"/newsletters/{issue.id}/{path}").status_code == 403
    for action in ("send", "schedule", "unschedule", "confirm-overdue", "retry-failed"):
        assert councillor.post(f"/newsletters/{issue.id}/{action}").status_code == 403
    assert outbox_rows(issue) == []


def test_retrying_is_for_officers(champion_client, issue):
    champion_client.post(f"/newsletters/{issue.id}/send")

    assert champion_client.post(f"/newsletters/{issue.id}/retry-failed").status_code == 403
    assert not page(champion_client.get(f"/newsletters/{issue.id}/sending")).select("form[action$='/retry-failed']")


def test_an_issue_that_does_not_exist_is_not_found(champion_client):
    assert champion_client.get("/newsletters/999/sending").status_code == 404
    assert champion_client.post("/newsletters/999/send").status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(app_context, issue):
    signed_out = app_context.test_client()

    assert redirect_path(signed_out.get(f"/newsletters/{issue.id}/sending")) == "/sign-in"
    assert redirect_path(signed_out.post(f"/newsletters/{issue.id}/send")) == "/sign-in"
    assert outbox_rows(issue) == []


def test_scheduling_an_issue_already_sent_says_so_on_the_sending_page(champion_client, issue):
    champion_client.post(f"/newsletters/{issue.id}/send")

    response = champion_client.post(f"/newsletters/{issue.id}/schedule", data=_schedule_form(_next_july_day(), "9am"))

    assert redirect_path(response) == f"/newsletters/{issue.id}/sending"
    assert "already been sent" in banner(champion_client.get(f"/newsletters/{issue.id}/sending"))
    assert status_of(issue) == IssueStatus.SENDING
