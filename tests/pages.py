"""Reading pages the way a person does: headings, links, error messages and the title, from the HTML."""

from bs4 import BeautifulSoup


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text(element) -> str:
    """An element's visible words, white space squeezed."""
    return " ".join(element.get_text(" ").split()) if element is not None else ""


def title(response) -> str:
    return text(page(response).title)


def heading(response) -> str:
    return text(page(response).find("h1"))


def field_error(response, field_id: str) -> str:
    """The error message shown beside a field (GOV.UK puts it in `<id>-error`)."""
    return text(page(response).find(id=f"{field_id}-error"))


def error_summary(response) -> list[str]:
    summary = page(response).select_one(".govuk-error-summary")
    return [text(item) for item in summary.select("li")] if summary else []


def banner(response) -> str:
    return text(page(response).select_one(".govuk-notification-banner"))
