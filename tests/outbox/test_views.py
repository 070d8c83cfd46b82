"""The officers' outbox page: counts by status and what went wrong, for officers and admins only."""

from bs4 import BeautifulSoup
from sqlalchemy import update

from portal.accounts.models import Role
from portal.extensions import db
from portal.outbox.models import MessageStatus, OutboxMessage

REFUSAL = "recipient refused: 550 5.1.1 No such mailbox here"


def _set_status(ids: list[int], status: MessageStatus, **values) -> None:
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(status=status, **values))
    db.session.commit()


def _fill_outbox(queue_messages) -> None:
    queue_messages(2, to_address="waiting{n}@council.example")
    _set_status(queue_messages(1, to_address="sent{n}@council.example"), MessageStatus.SENT, attempts=1)
    failed = queue_messages(1, to_address="bounced{n}@council.example", subject="Training reminder")
    _set_status(failed, MessageStatus.FAILED, attempts=8, last_error=REFUSAL)


def _page(client, url: str = "/outbox/") -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.data, "html.parser")


def _table_rows(page: BeautifulSoup) -> list[list[str]]:
    """Each body row's cells, without the first (the time it was queued)."""
    return [[cell.get_text(strip=True) for cell in row.find_all("td")][1:] for row in page.select("tbody tr")]


def test_officer_sees_counts_and_the_error_of_each_failed_message(client_as, queue_messages):
    client = client_as(Role.OFFICER)
    _fill_outbox(queue_messages)

    page = _page(client)

    assert page.h1.get_text(strip=True) == "Outbox"
    counts = [item.get_text(strip=True) for item in page.select("main ul.govuk-list li")]
    assert counts == ["All", "Pending: 2", "Sending: 0", "Sent: 1", "Failed: 1"]
    assert ["bounced0@council.example", "Training reminder", "Failed", "8", REFUSAL] in _table_rows(page)


def test_status_filter_shows_only_failed_messages(client_as, queue_messages):
    client = client_as(Role.ADMIN)
    _fill_outbox(queue_messages)

    page = _page(client, "/outbox/?status=failed")

    assert page.select_one("caption").get_text(strip=True) == "Failed messages"
    assert _table_rows(page) == [["bounced0@council.example", "Training reminder", "Failed", "8", REFUSAL]]


def test_councillors_and_champions_may_not_see_the_outbox(client_as):
    for role in (Role.COUNCILLOR, Role.CHAMPION):
        assert client_as(role).get("/outbox/").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/outbox/")

    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
