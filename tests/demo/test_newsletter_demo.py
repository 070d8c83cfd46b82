"""The demo council's past bulletins and safety notice: sent, in the past, readable and fictional."""

import re
from datetime import timedelta
from itertools import pairwise

from sqlalchemy import select

from portal.accounts.models import Role
from portal.accounts.services import find_by_email
from portal.common.time import utcnow
from portal.demo import data, newsletter_data
from portal.demo.services import load_demo
from portal.extensions import db
from portal.newsletters import archive, rendering
from portal.newsletters.models import Channel, IssueStatus, NewsletterIssue
from tests.conftest import sign_in_as
from tests.pages import heading, page, text

UK_NUMBER = re.compile(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b")
DRAMA_RANGES = re.compile(r"01632 960\d{3}|07700 900\d{3}")


def _issues() -> list[NewsletterIssue]:
    return list(db.session.scalars(select(NewsletterIssue).order_by(NewsletterIssue.sent_at)))


def test_the_demo_has_monthly_bulletins_and_one_safety_notice(app_context):
    load_demo()

    issues = _issues()
    bulletins = [issue for issue in issues if issue.channel == Channel.NEWSLETTER]
    notices = [issue for issue in issues if issue.channel == Channel.SAFETY_NOTICE]
    assert 4 <= len(bulletins) <= 5
    assert len(notices) == 1
    assert all(issue.subject.startswith(newsletter_data.BULLETIN) for issue in bulletins)
    gaps = [(later.sent_at - earlier.sent_at).days for earlier, later in pairwise(bulletins)]
    assert all(27 <= gap <= 32 for gap in gaps)
    champion = find_by_email(data.email_for("champion"))
    assert {issue.author_id for issue in bulletins} == {champion.id}


def test_every_demo_issue_was_sent_in_the_past_to_real_recipients(app_context):
    load_demo()

    now = utcnow()
    for issue in _issues():
        assert issue.status == IssueStatus.SENT
        assert now - timedelta(days=200) < issue.sent_at < now
        assert issue.recipient_count > 0
        assert issue.summary and issue.body_text
        assert issue.body_html == rendering.to_html(issue.body_markdown)


def test_the_archive_shows_the_demo_newest_first(app_context):
    load_demo()

    listed = archive.sent_issues().items
    assert [issue.sent_at for issue in listed] == sorted((issue.sent_at for issue in listed), reverse=True)
    assert len(listed) == len(_issues())
    assert archive.latest_issue() == listed[0]
    assert [issue.channel for issue in archive.sent_issues("courier parcel").items] == [Channel.SAFETY_NOTICE]


def test_demo_phone_numbers_are_in_the_ranges_kept_for_drama(app_context):
    load_demo()

    numbers = [number for issue in _issues() for number in UK_NUMBER.findall(issue.body_text + issue.summary)]
    assert len(numbers) >= 10
    assert [number for number in numbers if not DRAMA_RANGES.fullmatch(number)] == []


def test_a_demo_councillor_reads_the_safety_notice(client):
    load_demo()
    sign_in_as(client, find_by_email(data.email_for("councillor")))
    notice = next(issue for issue in _issues() if issue.channel == Channel.SAFETY_NOTICE)

    response = client.get(f"/newsletters/{notice.id}")

    assert response.status_code == 200
    assert heading(response) == notice.subject
    assert text(page(response).select_one(".app-newsletter-body h2")) == "Callers asking where you live"
    assert notice.author.has_role(Role.CHAMPION)
