"""The demo council's directory and champions, loaded the way `flask demo load` does."""

import re

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.champions.services import champions
from portal.demo import data
from portal.demo.directory_data import ENTRIES
from portal.demo.services import DemoRefused, load_demo
from portal.directory.defaults import DEFAULT_CATEGORIES
from portal.directory.jobs import send_review_reminders
from portal.directory.models import Service, ServicePhone, ServiceStatus
from portal.directory.services import HelpNowRole, due_a_check, help_now
from portal.extensions import db
from tests.conftest import sign_in_as

# Ofcom keeps these ranges for drama: numbers in them are never given to anyone.
DRAMA_NUMBER = re.compile(r"^(01632 960\d{3}|07700 900\d{3})$")


@pytest.fixture
def demo(app_context):
    load_demo()
    return app_context


def all_services() -> list[Service]:
    return list(db.session.scalars(select(Service)))


def test_the_directory_has_forty_or_more_entries(demo):
    assert len(all_services()) == len(ENTRIES) >= 40


def test_every_default_category_is_used(demo):
    used = {service.category.name for service in all_services()}
    assert used == {name for _, name, _ in DEFAULT_CATEGORIES}


def test_help_now_has_an_out_of_hours_line_and_a_police_contact(demo):
    box = help_now()
    assert [service.name for service in box.out_of_hours] == ["Council out-of-hours emergency line"]
    assert [service.provider.name for service in box.police_contacts] == ["Northshire Police"]
    assert box.police_contacts[0].help_now_role == HelpNowRole.POLICE_CONTACT


def test_every_phone_number_is_from_the_drama_ranges(demo):
    numbers = list(db.session.scalars(select(ServicePhone.number)))
    assert len(numbers) >= 40
    assert [number for number in numbers if not DRAMA_NUMBER.match(number)] == []


def test_addresses_and_websites_are_on_example_domains(demo):
    for service in all_services():
        if service.email:
            assert service.email.endswith(".example"), service.email
        if service.website:
            assert re.match(r"^https://[a-z0-9.-]+\.example(/|$)", service.website), service.website


def test_two_champions_are_appointed(demo):
    profiles = champions()
    assert [(p.user.email, p.title) for p in profiles] == [
        (data.email_for("champion"), "Councillor Safety Champion"),
        (data.email_for("helen.ashdown"), "Officer Wellbeing Champion"),
    ]
    assert all(p.remit and p.how_to_contact and p.when_to_contact for p in profiles)


def test_some_entries_are_due_a_check_and_one_was_never_checked(demo):
    due = due_a_check()
    assert len(due) >= 4
    assert sum(service.last_checked_on is None for service in due) == 1
    assert sum(service.owner is not None for service in due) >= 4  # so the reminder job has owners to email


def test_the_mix_of_entries_is_realistic(demo):
    services = all_services()
    assert any(not service.shareable for service in services)  # internal only
    assert any(service.is_internal for service in services)
    statuses = {service.status for service in services}
    assert {ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED, ServiceStatus.CLOSED} <= statuses
    assert sum(service.out_of_hours for service in services) >= 5


def test_the_demo_loads_in_one_go_and_only_once(demo):
    assert db.session.scalar(select(func.count()).select_from(Service)) == len(ENTRIES)
    with pytest.raises(DemoRefused):
        load_demo()
    assert db.session.scalar(select(func.count()).select_from(Service)) == len(ENTRIES)


def test_the_reminder_job_has_owners_to_email(demo):
    owners = {service.owner.email for service in due_a_check() if service.owner is not None}
    assert send_review_reminders() == len(owners) >= 2


@pytest.fixture
def officer_client(demo, client):
    sign_in_as(client, db.session.scalar(select(User).where(User.email == data.email_for("officer"))))
    return client


def test_the_directory_pages_show_the_demo_data(officer_client):
    # A loop rather than pytest.mark.parametrize, which makes pytest interleave the database backends.
    for path in ["/", "/directory", "/directory?open_now=y", "/help-now", "/directory/due-a-check"]:
        assert officer_client.get(path).status_code == 200, path


def test_every_entry_page_shows_for_the_demo_officer(officer_client):
    for service in all_services():
        assert officer_client.get(f"/directory/services/{service.id}").status_code == 200, service.name


def test_the_home_page_shows_both_champions(officer_client):
    page = officer_client.get("/").get_data(as_text=True)
    assert "Priya Patel" in page and "Councillor Safety Champion" in page
    assert "Helen Ashdown" in page and "Officer Wellbeing Champion" in page
