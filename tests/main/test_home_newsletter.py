"""The home page shows the latest newsletter or safety notice sent, and leads to the archive."""

from datetime import timedelta

from portal.accounts.models import Role
from portal.common.time import utcnow
from portal.extensions import db
from portal.newsletters import rendering
from portal.newsletters.models import Channel, IssueStatus, NewsletterIssue
from tests.pages import page, text


def add_issue(subject: str, status: IssueStatus = IssueStatus.SENT, days_ago: int = 1, **fields) -> NewsletterIssue:
    rendered = rendering.render(f"About {subject}.")
    issue = NewsletterIssue(
        subject=subject,
        body_markdown=f"About {subject}.",
        body_html=rendered.html,
        body_text=rendered.text,
        status=status,
        sent_at=utcnow() - timedelta(days=days_ago) if status == IssueStatus.SENT else None,
        **fields,
    )
    db.session.add(issue)
    db.session.commit()
    return issue


def newsletter_section(response) -> list[str]:
    """The words of the "Latest newsletter" section, up to the next second-level heading."""
    section_heading = page(response).find("h2", string="Latest newsletter")
    assert section_heading is not None, "no Latest newsletter section"
    lines = []
    for element in section_heading.find_next_siblings():
        if element.name == "h2" or element.find("h2"):
            break
        lines.append(text(element))
    return lines


def test_home_shows_the_latest_sent_issue(client_as):
    add_issue("Last month's bulletin", days_ago=35)
    latest = add_issue("A new police contact", days_ago=3, summary="Meet your single point of contact")
    add_issue("Next month's bulletin, not sent yet", status=IssueStatus.DRAFT)
    add_issue("Scheduled notice", status=IssueStatus.SCHEDULED, scheduled_for=utcnow() + timedelta(days=1))

    response = client_as(Role.COUNCILLOR).get("/")

    section = newsletter_section(response)
    assert section[0] == "A new police contact"
    assert "Meet your single point of contact" in section
    assert section[-1] == "All newsletters"
    link = page(response).find("a", string="A new police contact")
    assert link["href"] == f"/newsletters/{latest.id}"
    assert page(response).find("a", string="All newsletters")["href"] == "/newsletters"


def test_a_safety_notice_is_marked_as_one(client_as):
    add_issue("Callers asking for addresses", channel=Channel.SAFETY_NOTICE)

    response = client_as(Role.COUNCILLOR).get("/")

    assert "Safety notice" in newsletter_section(response)[1]


def test_with_nothing_sent_home_says_so(client_as):
    add_issue("A draft nobody has sent", status=IssueStatus.DRAFT)

    response = client_as(Role.OFFICER).get("/")

    assert newsletter_section(response) == [
        "No newsletters have been sent yet. Your champions' newsletters and safety notices will appear here."
    ]
    assert page(response).find("a", string="A draft nobody has sent") is None


def test_the_newsletter_comes_after_training_and_before_the_champions(client_as):
    add_issue("Training dates")

    response = client_as(Role.COUNCILLOR).get("/")

    headings = [text(h2) for h2 in page(response).select("main h2")]
    order = [headings.index(name) for name in ("Your training", "Latest newsletter", "Your safety champions")]
    assert order == sorted(order)
