"""The directory's version, and the rendered search pages each worker keeps under it: a change shows at once."""

from datetime import datetime, time

import pytest
from sqlalchemy import select, update

from portal.accounts.models import Role
from portal.common.time import COUNCIL_TZ
from portal.directory import hours, services, transfer, version
from portal.directory.models import DirectoryVersion, Service
from portal.extensions import db
from tests.directory.factories import category_named, make_service, service_input
from tests.directory.test_search import found
from tests.directory.test_transfer import csv_text, new_row
from tests.pages import page, text


def _renamed(service: Service, name: str) -> None:
    services.update_service(service, service_input(name=name), by=None)


def _hours_changed(service: Service) -> None:
    always = [services.PeriodInput(day, time(0), time(0)) for day in range(7)]
    services.update_service(service, service_input(name=service.name, periods=always), by=None)


def _imported(_service: Service) -> None:
    check = transfer.check_rows(csv_text([new_row()]))
    assert not check.problems, check.problems
    transfer.import_rows(check, by=None)


CHANGES = {
    "added": lambda _service: services.create_service(service_input(name="Another line"), by=None),
    "renamed": lambda service: _renamed(service, "Members' support line"),
    "opening hours changed": _hours_changed,
    "retired": lambda service: services.retire_service(service, by=None),
    "checked": lambda service: services.mark_checked(service, by=None, on=datetime(2030, 1, 1).date()),
    "category added": lambda _service: services.create_category("Housing", "", by=None),
    "imported": _imported,
}


@pytest.mark.parametrize("change", CHANGES)
def test_each_change_to_the_directory_gives_it_a_new_version(app_context, change):
    service = make_service()
    before = version.current()
    CHANGES[change](service)
    db.session.commit()
    assert version.current() not in (before, None)


def test_a_visit_to_a_service_page_leaves_the_version_alone(app_context):
    service = make_service()
    before = version.current()
    services.record_view(service)
    db.session.commit()
    assert version.current() == before


def test_a_change_rolled_back_leaves_the_version_alone(app_context):
    service = make_service()
    before = version.current()
    _renamed(service, "Never saved")
    db.session.flush()
    db.session.rollback()
    assert version.current() == before


def test_an_edited_entry_shows_on_the_next_search(client_as):
    service = make_service(name="Legal advice line")
    client = client_as(Role.COUNCILLOR)
    assert found(client, q="advice") == ["Legal advice line"]
    assert version.current() is not None  # so that page was kept
    _renamed(service, "Legal advice service")
    db.session.commit()
    assert found(client, q="advice") == ["Legal advice service"]


def test_a_change_committed_by_another_worker_shows_on_the_next_search(client_as):
    """Another process's change reaches this worker through the version row alone."""
    service = make_service(name="Legal advice line")
    client = client_as(Role.COUNCILLOR)
    assert found(client, q="legal") == ["Legal advice line"]
    renamed = update(Service).where(Service.id == service.id).values(name="Legal advice service")
    db.session.execute(renamed)  # the name changes behind this worker's back, the version does not...
    db.session.commit()
    assert found(client, q="legal") == ["Legal advice line"]  # ...so this worker shows what it kept
    db.session.execute(update(DirectoryVersion).values(token="from-another-worker"))
    db.session.commit()
    assert found(client, q="legal") == ["Legal advice service"]


def test_a_new_category_is_offered_on_the_next_search(client_as):
    make_service()
    client = client_as(Role.OFFICER)
    client.get("/directory")
    client.post("/directory/categories", data={"name": "Housing", "description": ""})
    options = [text(option) for option in page(client.get("/directory")).select("#category option")]
    assert "Housing" in options


def test_officers_asking_for_closed_entries_do_not_share_members_pages(client_as):
    make_service(name="Old line", status="closed")
    make_service(name="New line")
    assert found(client_as(Role.OFFICER), closed="1") == ["New line", "Old line"]
    assert found(client_as(Role.COUNCILLOR), closed="1") == ["New line"]


@pytest.fixture
def clock(monkeypatch) -> list[datetime]:
    """The council's clock, set by the test (clock[0]); it starts at 8:59:30 on a Monday."""
    real_local_now = hours.local_now
    now = [datetime(2026, 11, 30, 8, 59, 30, tzinfo=COUNCIL_TZ)]
    monkeypatch.setattr(hours, "local_now", lambda moment=None: real_local_now(moment or now[0]))
    return now


def test_open_now_is_worked_out_afresh_each_minute(client_as, clock):
    make_service(name="Day line")  # weekdays 9am to 5pm
    client = client_as(Role.COUNCILLOR)
    assert found(client, open_now="y") == []
    clock[0] = datetime(2026, 11, 30, 9, 0, 5, tzinfo=COUNCIL_TZ)
    assert found(client, open_now="y") == ["Day line"]
    clock[0] = datetime(2026, 11, 30, 17, 0, 0, tzinfo=COUNCIL_TZ)
    assert found(client, open_now="y") == []


def test_without_the_version_row_nothing_is_kept(client_as):
    service = make_service(name="Legal advice line")
    db.session.execute(DirectoryVersion.__table__.delete())
    db.session.commit()
    client = client_as(Role.COUNCILLOR)
    assert found(client, q="legal") == ["Legal advice line"]
    db.session.execute(update(Service).where(Service.id == service.id).values(name="Legal advice service"))
    db.session.commit()
    assert found(client, q="legal") == ["Legal advice service"]


def test_the_page_shows_the_category_chosen_with_the_kept_results(client_as):
    make_service(name="Legal advice line", category="Legal")
    client = client_as(Role.COUNCILLOR)
    legal = category_named("Legal").id
    for _ in range(2):
        chosen = page(client.get("/directory", query_string={"category": legal})).select_one("option[selected]")
        assert text(chosen) == "Legal"


def _help_now_box(client) -> str:
    return text(page(client.get("/")).select_one(".app-help-now"))


def test_the_help_now_box_shows_a_change_on_the_next_page(client_as):
    make_service(name="Council out of hours", help_now_role=services.HelpNowRole.OUT_OF_HOURS)
    client = client_as(Role.COUNCILLOR)
    assert "Council out of hours" in _help_now_box(client)
    assert version.current() is not None  # so that box was kept
    renamed = service_input(name="Duty officer, out of hours", help_now_role=services.HelpNowRole.OUT_OF_HOURS)
    services.update_service(db.session.scalars(select(Service)).one(), renamed, by=None)
    db.session.commit()
    assert "Duty officer, out of hours" in _help_now_box(client)
    assert "Duty officer, out of hours" in text(page(client.get("/help-now")).select_one(".app-help-now"))


def test_the_help_now_box_works_out_what_is_open_each_minute(client_as, clock):
    make_service(name="Day line")  # weekdays 9am to 5pm
    client = client_as(Role.COUNCILLOR)
    assert "Day line" not in _help_now_box(client)
    clock[0] = datetime(2026, 11, 30, 9, 0, 5, tzinfo=COUNCIL_TZ)
    assert "Day line" in _help_now_box(client)
