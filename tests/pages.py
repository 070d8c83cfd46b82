"""Read a response the way a person sees it: title, heading, error summary, messages beside fields, tables.

Also small readers for what the tests follow: where a redirect goes, and the link in an email.
"""

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag
from sqlalchemy import select

from portal.extensions import db
from portal.outbox.models import OutboxMessage

LINK = re.compile(r"https?://[^\s\"'<>]+")


def _text(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split()) if element is not None else ""


class Page:
    """An HTML page as a person sees it."""

    def __init__(self, response):
        self.status = response.status_code
        self.soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")

    @property
    def title(self) -> str:
        return _text(self.soup.title)

    @property
    def heading(self) -> str:
        return _text(self.soup.h1)

    @property
    def heading_classes(self) -> list[str]:
        return self.soup.h1.get("class", [])

    @property
    def text(self) -> str:
        return _text(self.soup.body)

    @property
    def council_name(self) -> str:
        return _text(self.soup.select_one(".govuk-header .app-header__council-name"))

    @property
    def error_summary(self) -> list[str]:
        """The entries of the error summary at the top of the page (none when there is no summary)."""
        summary = self.soup.select_one(".govuk-error-summary")
        if summary is None:
            return []
        entries = summary.select(".govuk-error-summary__list li") or summary.select(".govuk-error-summary__body")
        return [_text(entry) for entry in entries]

    @property
    def error_summary_links(self) -> list[str]:
        return [link["href"] for link in self.soup.select(".govuk-error-summary__list a")]

    def field_error(self, field_id: str) -> str | None:
        """The message shown beside a field, without the hidden "Error:" prefix; None when there is none."""
        message = self.soup.find(id=f"{field_id}-error")
        return _text(message).removeprefix("Error:").strip() if message is not None else None

    def value(self, field_id: str) -> str | None:
        return self.soup.find(id=field_id).get("value")

    def checked(self, name: str) -> set[str]:
        return {box["value"] for box in self.soup.select(f"input[name={name}][checked]")}

    @property
    def notification(self) -> str:
        return _text(self.soup.select_one(".govuk-notification-banner"))

    def table_rows(self) -> list[list[str]]:
        return [[_text(cell) for cell in row.select("th, td")] for row in self.soup.select("table tbody tr")]

    @property
    def navigation(self) -> list[str]:
        return [_text(item) for item in self.soup.select(".govuk-service-navigation__item")]


def redirect_path(response) -> str | None:
    """The path a redirect sends the browser to (None when the response is not a redirect)."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return None
    return urlsplit(response.headers["Location"]).path


def path_of(link: str) -> str:
    return urlsplit(link).path


def links_in(text: str) -> list[str]:
    return LINK.findall(text)


def outbox() -> list[OutboxMessage]:
    """Every message in the outbox, oldest first."""
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def emailed_link(to_address: str) -> str:
    """The link in the newest outbox message to `to_address`."""
    messages = [message for message in outbox() if message.to_address == to_address]
    assert messages, f"no email to {to_address} in the outbox"
    return links_in(messages[-1].body_text)[0]


def shape(element) -> tuple:
    """An element as the browser, the GOV.UK CSS and JavaScript see it: names, attributes and words, not the
    white space between them (for checking plain markup against what the GOV.UK macros make)."""
    attributes = {name: sorted(value) if name == "class" else value for name, value in element.attrs.items()}
    children = []
    for child in element.children:
        if isinstance(child, Tag):
            children.append(shape(child))
        elif words := " ".join(child.split()):
            children.append(words)
    return element.name, sorted(attributes.items()), children


# One-thing readers, for tests that want a single fact from a response.


def page(response) -> BeautifulSoup:
    return Page(response).soup


def text(element) -> str:
    """An element's visible words, white space squeezed."""
    return _text(element)


def title(response) -> str:
    return Page(response).title


def heading(response) -> str:
    return Page(response).heading


def field_error(response, field_id: str) -> str:
    """The whole message beside a field, with GOV.UK's hidden "Error:" prefix; empty when there is none."""
    return _text(page(response).find(id=f"{field_id}-error"))


def error_summary(response) -> list[str]:
    return Page(response).error_summary


def banner(response) -> str:
    return Page(response).notification
