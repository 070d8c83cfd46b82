import pytest
from sqlalchemy import func, select

from portal.accounts import services
from portal.accounts.models import Role, User
from portal.demo import data
from portal.demo.services import DemoRefused, load_demo
from portal.extensions import db
from portal.settings.services import current_settings


def _users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.id)))


def test_the_demo_fills_an_empty_database(app_context):
    accounts = load_demo()

    users = _users()
    assert len(accounts) == len(data.PEOPLE) == 10  # the listed accounts
    assert len(users) == 10 + len(data.OTHER_COUNCILLORS)
    assert sum(user.has_role(Role.COUNCILLOR) for user in users) >= 35  # enough for survey groups of five
    assert set().union(*(user.roles for user in users)) == set(Role)
    assert current_settings().council_name == "Northshire District Council"


def test_every_demo_account_signs_in_with_the_published_password(app_context):
    load_demo()

    for user in _users():
        assert services.authenticate(user.email, data.DEMO_PASSWORD) == user, user.email


def test_the_demo_refuses_a_database_that_has_accounts(app_context, make_user):
    existing = make_user(Role.ADMIN, email="real.admin@council.example")

    with pytest.raises(DemoRefused, match="already has accounts"):
        load_demo()

    db.session.rollback()
    assert _users() == [existing]
    assert current_settings().council_name == "Your council"


def test_the_demo_refuses_to_load_twice(app_context):
    load_demo()
    _users()[0].name = "Renamed after loading"
    db.session.commit()

    with pytest.raises(DemoRefused):
        load_demo()

    db.session.rollback()
    assert len(_users()) == 10 + len(data.OTHER_COUNCILLORS)
    assert _users()[0].name == "Renamed after loading"


def test_the_cli_loads_once_and_with_if_empty_succeeds_quietly_after(app_context):
    runner = app_context.test_cli_runner()

    first = runner.invoke(args=["demo", "load", "--if-empty"])
    second = runner.invoke(args=["demo", "load", "--if-empty"])

    assert (first.exit_code, second.exit_code) == (0, 0)
    assert "Loaded the demo council (10 accounts" in first.output
    assert "already loaded" in second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 10 + len(data.OTHER_COUNCILLORS)


def test_the_cli_fails_without_if_empty_when_data_is_there(app_context, make_user):
    make_user()

    result = app_context.test_cli_runner().invoke(args=["demo", "load"])

    assert result.exit_code == 1
    assert "the demo loads only into an empty one" in result.output


def test_the_cli_lists_the_demo_accounts(app_context):
    result = app_context.test_cli_runner().invoke(args=["demo", "accounts"])

    assert result.exit_code == 0
    assert data.DEMO_PASSWORD in result.output
    assert result.output.count(f"@{data.DEMO_DOMAIN}") == 10
