"""The one place an issue becomes an email: the test send and the real send both compose it here.

A newsletter given an unsubscribe link carries it in the footer and in the RFC 8058 one-click headers, so mail
programs can offer their own "Unsubscribe" button. A safety notice goes to everyone in its audience whatever
their preferences, so it has neither link nor headers, and its subject says what it is.
"""

from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol

from portal.accounts.services import absolute_url
from portal.newsletters.models import Channel, NewsletterIssue
from portal.outbox.services import render_email

TEMPLATE = "newsletters/issue"
SAFETY_NOTICE_PREFIX = "Safety notice: "


class Addressee(Protocol):
    """Who a copy is for: an account, or a recipient row read for sending (audience.Person)."""

    email: str
    name: str


class IssueEmail(NamedTuple):
    """What `portal.outbox.services.enqueue_email` takes, apart from the address."""

    subject: str
    template: str
    context: Mapping[str, Any]
    headers: Mapping[str, str]


def email_subject(issue: NewsletterIssue) -> str:
    if Channel(issue.channel) is Channel.SAFETY_NOTICE:
        return SAFETY_NOTICE_PREFIX + issue.subject
    return issue.subject


def unsubscribe_headers(unsubscribe_url: str | None) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: the link, and the promise that a bare POST to it is enough."""
    if not unsubscribe_url:
        return {}
    return {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def email_message_for(issue: NewsletterIssue, person: Addressee, unsubscribe_url: str | None = None) -> IssueEmail:
    """The subject, template, context and headers of `issue` as emailed to `person`.

    `unsubscribe_url` is the person's own one-click link (portal.newsletters.unsubscribe.unsubscribe_url); a
    safety notice ignores it, because no one may opt out of those.
    """
    is_safety_notice = Channel(issue.channel) is Channel.SAFETY_NOTICE
    link = None if is_safety_notice else unsubscribe_url
    subject = email_subject(issue)
    context = {
        "subject": subject,
        "title": issue.subject,
        "summary": issue.summary,
        "body_html": issue.body_html,  # sanitised against rendering.py's allow-list when the issue was saved
        "body_text": issue.body_text,
        "is_safety_notice": is_safety_notice,
        "unsubscribe_url": link,
        "profile_url": absolute_url("accounts.profile"),
        "recipient_email": person.email,
    }
    return IssueEmail(subject, TEMPLATE, context, unsubscribe_headers(link))


def rendered_parts(message: IssueEmail) -> tuple[str, str]:
    """The plain-text and HTML bodies of a composed message, for a sender that enqueues pre-rendered rows."""
    return render_email(message.template, message.context)
