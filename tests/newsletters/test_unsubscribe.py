"""One-click unsubscribe (RFC 8058): a signed link, no sign-in, a GET that only asks, a POST that acts."""

from urllib.parse import urlsplit

import pytest

from portal.accounts.models import Role
from portal.accounts.tokens import Purpose, make_token
from portal.extensions import db
from portal.newsletters import sending
from portal.newsletters.models import Channel
from portal.newsletters.unsubscribe import (
    unsubscribe_token,
    unsubscribe_url,
    unsubscribe_urls,
    user_for_unsubscribe_token,
)
from portal.outbox.worker import drain
from tests.newsletters.test_sending import add_councillors, outbox_rows, write_issue
from tests.pages import heading, page, text

ONE_CLICK = {"data": "List-Unsubscribe=One-Click", "content_type": "application/x-www-form-urlencoded"}


@pytest.fixture
def member(app_context):
    (person,) = add_councillors(1)
    return person


@pytest.fixture
def mail_program(app_context):
    """What a mail provider's one-click button is: a client with no cookies, so no session and no CSRF token."""
    return app_context.test_client(use_cookies=False)


@pytest.fixture
def csrf_on(app, monkeypatch):
    """The CSRF protection production has (the unit tests otherwise switch it off)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _path(member) -> str:
    return urlsplit(unsubscribe_url(member.id)).path


def _wants_newsletters(member) -> bool:
    db.session.expire_all()
    return member.wants_newsletters


def test_a_token_names_its_account_and_an_altered_one_names_none(member):
    token = unsubscribe_token(member.id)

    assert user_for_unsubscribe_token(token) == member
    assert user_for_unsubscribe_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    assert user_for_unsubscribe_token(unsubscribe_token(member.id + 1000)) is None  # no such account
    assert user_for_unsubscribe_token(make_token(member, Purpose.RESET)) is None  # signed for something else
    assert unsubscribe_urls([member.id]) == {member.id: unsubscribe_url(member.id)}


def test_following_the_link_asks_first_and_changes_nothing(member, mail_program):
    response = mail_program.get(_path(member))

    assert response.status_code == 200
    assert heading(response) == "Unsubscribe from the members' newsletter"
    form = page(response).select_one("main form[method=post]")
    assert form["action"] == _path(member) and text(form.button) == "Unsubscribe"
    assert "Safety notices" in text(page(response).main)
    assert _wants_newsletters(member) is True


def test_a_one_click_post_without_cookies_or_csrf_token_unsubscribes(member, mail_program, csrf_on):
    response = mail_program.post(_path(member), **ONE_CLICK)

    assert response.status_code == 200
    assert "You have unsubscribed" in text(page(response).main)
    assert _wants_newsletters(member) is False
    assert mail_program.post(_path(member), **ONE_CLICK).status_code == 200  # a second click is harmless


def test_only_the_unsubscribe_view_is_exempt_from_csrf(client_as, csrf_on):
    client = client_as(Role.CHAMPION)

    assert client.post("/newsletters/1/send").status_code == 400  # no token: refused before anything happens


def test_the_confirmation_page_button_unsubscribes_too(member, mail_program):
    response = mail_program.post(_path(member))

    assert response.status_code == 200 and _wants_newsletters(member) is False
    assert "already unsubscribed" in text(page(mail_program.get(_path(member))).main)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_not_found(member, mail_program, method):
    path = _path(member)
    tampered = path[:-3] + ("xyz" if not path.endswith("xyz") else "abc")

    response = getattr(mail_program, method)(tampered, **(ONE_CLICK if method == "post" else {}))

    assert response.status_code == 404
    assert heading(response) == "Page not found"
    assert _wants_newsletters(member) is True


def test_safety_notices_still_reach_a_member_who_unsubscribed(member, mail_program, make_user, mail_catcher):
    champion = make_user(Role.CHAMPION)
    mail_program.post(_path(member), **ONE_CLICK)
    notice = write_issue(champion, Channel.SAFETY_NOTICE, subject="Suspicious package at the civic centre")
    newsletter = write_issue(champion, audience="all_users")  # the champion still takes newsletters

    sending.send_now(notice, champion)
    sending.send_now(newsletter, champion)
    db.session.commit()
    drain()

    assert [message.to_address for message in outbox_rows(notice)] == [member.email]
    assert member.email not in [message.to_address for message in outbox_rows(newsletter)]
    assert [message["To"] for message in mail_catcher.wait_for(2)].count(member.email) == 1
