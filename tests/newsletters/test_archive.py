"""The archive: every sent issue for signed-in members, newest first, searchable; nothing else readable."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from portal.accounts.models import Role
from portal.common.time import utcnow
from portal.extensions import db
from portal.newsletters import archive, archive_routes, rendering
from portal.newsletters.models import Channel, IssueStatus, NewsletterIssue
from tests.pages import heading, page, redirect_path, text, title

HOSTILE = "<script>alert('boo')</script>' OR 1=1; DROP TABLE newsletter_issues; -- %_"


def sent_issue(subject: str, days_ago: int = 1, **fields) -> NewsletterIssue:
    """A sent issue saved directly, its body rendered the way the editor saves it."""
    markdown = fields.pop("markdown", f"News about {subject}.")
    rendered = rendering.render(markdown)
    fields.setdefault("status", IssueStatus.SENT)
    if fields["status"] == IssueStatus.SENT:
        fields.setdefault("sent_at", utcnow() - timedelta(days=days_ago))
        fields.setdefault("recipient_count", 12)
    issue = NewsletterIssue(
        subject=subject, body_markdown=markdown, body_html=rendered.html, body_text=rendered.text, **fields
    )
    db.session.add(issue)
    db.session.commit()
    return issue


def listed_subjects(response) -> list[str]:
    return [text(link) for link in page(response).select("main ul.govuk-list h3 a")]


# ---- the service -------------------------------------------------------------------------------------------


def test_sent_issues_come_newest_first(app_context):
    sent_issue("Middle", days_ago=30)
    sent_issue("Newest", days_ago=2)
    sent_issue("Oldest", days_ago=60)

    assert [issue.subject for issue in archive.sent_issues().items] == ["Newest", "Middle", "Oldest"]
    assert archive.latest_issue().subject == "Newest"


def test_only_sent_issues_are_in_the_archive(app_context):
    sent = sent_issue("Sent bulletin")
    for status in (IssueStatus.DRAFT, IssueStatus.SCHEDULED, IssueStatus.SENDING, IssueStatus.AWAITING_APPROVAL):
        unsent = sent_issue(f"Not yet: {status.label}", status=status)
        with pytest.raises(NotFound):
            archive.get_sent_issue_or_404(unsent.id)

    assert [issue.subject for issue in archive.sent_issues().items] == ["Sent bulletin"]
    assert archive.get_sent_issue_or_404(sent.id) == sent
    with pytest.raises(NotFound):
        archive.get_sent_issue_or_404(sent.id + 100)


def test_no_latest_issue_before_the_first_is_sent(app_context):
    sent_issue("Still a draft", status=IssueStatus.DRAFT)

    assert archive.latest_issue() is None


def test_search_finds_words_in_the_subject_summary_or_body_in_any_case(app_context):
    sent_issue("A new police contact", summary="Who to call")
    sent_issue("Training dates", summary="Conflict de-escalation workshops")
    sent_issue("Online abuse", markdown="Keep a **screenshot** before you block anyone.")

    def found(query: str) -> list[str]:
        return [issue.subject for issue in archive.sent_issues(query).items]

    assert found("POLICE") == ["A new police contact"]
    assert found("de-escalation") == ["Training dates"]
    assert found("Screenshot") == ["Online abuse"]
    assert found("workshop") == ["Training dates"]  # a word found inside a longer one
    assert found("screenshots") == ["Online abuse"]  # a plural finds the singular
    assert found("police screenshot") == []  # every word must appear
    assert found("") == found("   ") == ["Online abuse", "Training dates", "A new police contact"]


def test_a_plural_in_ies_finds_both_forms(app_context):
    sent_issue("Our policy on recording meetings")
    sent_issue("Two new policies")

    assert {issue.subject for issue in archive.sent_issues("policies").items} == {
        "Our policy on recording meetings",
        "Two new policies",
    }


def test_search_words_are_only_letters_and_digits(app_context):
    assert archive.search_stems(HOSTILE) == ["script", "alert", "boo", "or", "1", "drop", "table", "newsletter"]
    assert len(archive.search_stems(" ".join(f"word{n}" for n in range(50)))) == 8
    assert archive.search_stems("%_%") == []


def test_pages_of_results(app_context):
    for number in range(5):
        sent_issue(f"Issue {number}", days_ago=number + 1)

    first, last = archive.sent_issues(per_page=2), archive.sent_issues(page=3, per_page=2)

    assert (first.total, first.pages) == (5, 3)
    assert [issue.subject for issue in first.items] == ["Issue 0", "Issue 1"]
    assert [issue.subject for issue in last.items] == ["Issue 4"]
    assert archive.sent_issues(page=10**9, per_page=2).items == []
    assert archive.sent_issues(page=-3, per_page=2).page == 1


# ---- the pages ---------------------------------------------------------------------------------------------


def test_the_archive_lists_sent_issues_newest_first_with_date_and_channel(client_as):
    sent_issue("Older bulletin", sent_at=datetime(2026, 10, 1, 9, 30), summary="Training dates")
    sent_issue("Newer notice", sent_at=datetime(2026, 11, 28, 10, 0), channel=Channel.SAFETY_NOTICE)
    sent_issue("Unsent draft", status=IssueStatus.DRAFT)

    response = client_as(Role.COUNCILLOR).get("/newsletters")

    assert response.status_code == 200
    assert heading(response) == "Newsletters"
    assert listed_subjects(response) == ["Newer notice", "Older bulletin"]
    items = [text(item) for item in page(response).select("main ul.govuk-list > li")]
    assert items[0].startswith("Newer notice 28 November 2026 · Safety notice")
    assert items[1] == "Older bulletin 1 October 2026 · Newsletter Training dates"
    tags = page(response).select("main ul.govuk-list .govuk-tag")
    assert "govuk-tag--red" in tags[0]["class"] and "govuk-tag--red" not in tags[1]["class"]


def test_drafts_and_scheduled_issues_cannot_be_read(client_as):
    draft = sent_issue("Draft", status=IssueStatus.DRAFT)
    scheduled = sent_issue("Scheduled", status=IssueStatus.SCHEDULED, scheduled_for=utcnow() + timedelta(days=1))
    client = client_as(Role.CHAMPION)

    assert client.get(f"/newsletters/{draft.id}").status_code == 404
    assert client.get(f"/newsletters/{scheduled.id}").status_code == 404
    assert client.get(f"/newsletters/{scheduled.id + 100}").status_code == 404
    assert listed_subjects(client.get("/newsletters")) == []


def test_anonymous_visitors_are_sent_to_sign_in(client):
    issue = sent_issue("For members only")

    assert redirect_path(client.get("/newsletters")) == "/sign-in"
    assert redirect_path(client.get(f"/newsletters/{issue.id}")) == "/sign-in"


def test_with_nothing_sent_the_archive_says_so(client_as):
    response = client_as(Role.COUNCILLOR).get("/newsletters")

    assert "No newsletters have been sent yet" in text(page(response).main)


def test_the_search_box_filters_and_keeps_the_query(client_as):
    sent_issue("Callers asking for addresses", markdown="Do not confirm your **home address**.")
    sent_issue("Training dates")

    response = client_as(Role.COUNCILLOR).get("/newsletters?q=Home+ADDRESS")

    assert listed_subjects(response) == ["Callers asking for addresses"]
    assert text(page(response).find(id="results-heading")) == "1 newsletter matching “Home ADDRESS”"
    assert page(response).find(id="q")["value"] == "Home ADDRESS"
    assert title(response).startswith("Newsletters: Home ADDRESS")


def test_a_search_that_finds_nothing_suggests_what_to_do(client_as):
    sent_issue("Training dates")

    response = client_as(Role.COUNCILLOR).get("/newsletters?q=helicopter")

    assert text(page(response).find(id="results-heading")) == "No newsletters found matching “helicopter”"
    assert "see every newsletter" in text(page(response).main)


@pytest.mark.parametrize("query", [HOSTILE, "x" * 2000, "%", "a" * 100 + " " + "b" * 1900])
def test_a_hostile_or_huge_query_gets_an_ordinary_page(client_as, query):
    sent_issue("Training dates")
    client = client_as(Role.COUNCILLOR)

    response = client.get("/newsletters", query_string={"q": query})

    assert response.status_code == 200
    soup = page(response)
    assert not [script for script in soup.find_all("script") if "alert" in script.get_text()]
    shown = " ".join(query.split())[: archive_routes.MAX_QUERY_LENGTH]
    assert soup.find(id="q")["value"] == shown
    assert shown in text(soup.find(id="results-heading"))
    assert db.session.scalar(select(func.count()).select_from(NewsletterIssue)) == 1


def test_a_nul_character_in_a_query_is_refused_with_the_bad_request_page(client_as):
    sent_issue("Training dates")
    response = client_as(Role.COUNCILLOR).get("/newsletters", query_string={"q": "\u0000 null"})
    assert response.status_code == 400
    assert text(page(response).find("h1")) == "Sorry, there is a problem with your request"


def test_results_come_in_pages(client_as):
    for number in range(archive_routes.PER_PAGE + 3):
        sent_issue(f"Bulletin {number:02d}", days_ago=number + 1)
    client = client_as(Role.COUNCILLOR)

    first, second = client.get("/newsletters"), client.get("/newsletters?page=2")

    assert len(listed_subjects(first)) == archive_routes.PER_PAGE
    assert listed_subjects(second) == ["Bulletin 20", "Bulletin 21", "Bulletin 22"]
    assert "Page 1 of 2" in text(page(first).select_one(".govuk-pagination"))
    assert page(first).select_one(".govuk-pagination__next a")["href"].endswith("/newsletters?page=2")
    assert client.get("/newsletters?page=nonsense").status_code == 200
    assert client.get("/newsletters?page=99999999999999999999").status_code == 200


def test_the_next_page_keeps_the_search(client_as):
    for number in range(archive_routes.PER_PAGE + 1):
        sent_issue(f"Safety bulletin {number}", days_ago=number + 1)

    response = client_as(Role.COUNCILLOR).get("/newsletters?q=safety")

    assert page(response).select_one(".govuk-pagination__next a")["href"].endswith("/newsletters?q=safety&page=2")


def test_an_issue_reads_in_the_portals_design(client_as, make_user):
    author = make_user(Role.CHAMPION, name="Priya Patel")
    issue = sent_issue(
        "New police contact",
        summary="Meet PS Kerrigan",
        markdown="# Who to call\n\nRing **01632 960500**.",
        sent_at=datetime(2026, 11, 28, 10, 0),
        author_id=author.id,
    )

    response = client_as(Role.COUNCILLOR).get(f"/newsletters/{issue.id}")

    soup = page(response)
    assert response.status_code == 200
    assert heading(response) == "New police contact"
    assert "Newsletter Sent on 28 November 2026 by Priya Patel" in text(soup.main)
    assert "Meet PS Kerrigan" in text(soup.main)
    assert text(soup.select_one(".app-newsletter-body h2")) == "Who to call"
    assert text(soup.select_one(".app-newsletter-body strong")) == "01632 960500"
    back = [link["href"] for link in soup.find_all("a") if text(link) == "Back to all newsletters"]
    assert back and all(href == "/newsletters" for href in back)


def test_an_issue_shows_only_sanitised_html(client_as):
    markdown = (
        "Hello <script>alert('x')</script>\n\n"
        "[click](javascript:alert(1)) <img src=x onerror=alert(2)>\n\n"
        '<iframe src="https://evil.example"></iframe>'
    )
    issue = sent_issue("Tricky", markdown=markdown, channel=Channel.SAFETY_NOTICE)

    response = client_as(Role.COUNCILLOR).get(f"/newsletters/{issue.id}")

    body = page(response).select_one(".app-newsletter-body")
    assert body.find_all(["script", "iframe", "img"]) == []
    assert not [tag for tag in body.find_all(True) if any(name.startswith("on") for name in tag.attrs)]
    assert "javascript" not in str(body)
    assert "<script>" in text(body)  # what was typed is shown as words
    assert text(page(response).select_one("main .govuk-tag--red")) == "Safety notice"


def test_links_to_write_and_send_show_only_to_those_who_may_use_them(client_as, app_context):
    sent_issue("Training dates")
    views = app_context.view_functions
    expected = [label for label, endpoint in archive_routes.WRITING_LINKS if endpoint in views]

    councillor_page = page(client_as(Role.COUNCILLOR).get("/newsletters"))
    champion_page = page(client_as(Role.CHAMPION).get("/newsletters"))

    labels = {label for label, _ in archive_routes.WRITING_LINKS}
    assert [text(link) for link in councillor_page.select("main a") if text(link) in labels] == []
    assert [text(link) for link in champion_page.select("main a") if text(link) in labels] == expected


def test_writing_links_skip_pages_that_do_not_exist(app_context, make_user, monkeypatch):
    officer = make_user(Role.OFFICER)
    links = (("A page that exists", "training.matrix"), ("A page not yet built", "newsletters.no_such_page"))
    monkeypatch.setattr(archive_routes, "WRITING_LINKS", links)

    with app_context.test_request_context(), monkeypatch.context() as patch:
        patch.setattr(archive_routes, "current_user", officer)
        assert archive_routes._writing_links() == [("A page that exists", "training.matrix")]
