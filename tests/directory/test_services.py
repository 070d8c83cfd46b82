"""The directory's rules, called directly: keeping entries, the audit trail, staleness, views and categories."""

from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import AuditEvent, Role
from portal.directory import services
from portal.directory.models import Category, Provider, Service, ServiceStatus
from portal.extensions import db
from tests.directory.factories import category_named, make_service, service_input

TODAY = date(2026, 6, 15)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def names_found(query: str) -> list[str]:
    return [service.name for service in services.search_services(services.SearchRequest(query=query)).items]


# ---- creating and changing ----------------------------------------------------------------------------


def test_creating_a_service_is_audited(make_user):
    officer = make_user(Role.OFFICER)
    service = services.create_service(service_input(name="Legal advice"), by=officer)
    [event] = events("directory.service-created")
    assert (event.actor_id, event.target_id) == (officer.id, str(service.id))
    assert event.summary == "Added Legal advice to the directory"


def test_creating_a_service_saves_its_contacts_phones_and_hours(app_context):
    service = make_service(
        contacts=[services.ContactInput("Sam Patel", "Coordinator")],
        phones=[services.PhoneInput("01632 960001", "text", "For texts")],
        periods=[services.PeriodInput(2, time(10), time(14))],
    )
    db.session.expire_all()
    stored = db.session.get(Service, service.id)
    assert [(c.name, c.role) for c in stored.contacts] == [("Sam Patel", "Coordinator")]
    assert [(p.number, p.kind, p.description) for p in stored.phones] == [("01632 960001", "text", "For texts")]
    assert [(h.weekday, h.opens_at, h.closes_at) for h in stored.opening_hours] == [(2, time(10), time(14))]


def test_an_update_records_only_what_changed(make_user):
    officer = make_user(Role.OFFICER)
    service = make_service(name="Legal advice", email="old@example.org")
    changes = service_input(name="Legal advice line", email="new@example.org")
    services.update_service(service, changes, by=officer)
    [event] = events("directory.service-updated")
    assert event.actor_id == officer.id
    assert event.detail == {
        "name": ["Legal advice", "Legal advice line"],
        "email": ["old@example.org", "new@example.org"],
    }


def test_an_update_records_a_new_category_provider_phone_and_hours(make_user):
    service = make_service()
    changes = service_input(
        category="Legal",
        provider_name="Northshire Law Centre",
        phones=[services.PhoneInput("01632 960777")],
        periods=[services.PeriodInput(0, time(10), time(12))],
    )
    services.update_service(service, changes, by=make_user(Role.OFFICER))
    detail = events("directory.service-updated")[0].detail
    assert detail["category"] == ["Wellbeing", "Legal"]
    assert detail["provider"] == ["Northshire Employee Assistance", "Northshire Law Centre"]
    assert detail["phones"] == [["01632 960000 (voice)"], ["01632 960777 (voice)"]]
    assert "Monday: 10am to midday" in detail["opening_hours"][1]


def test_an_update_with_no_changes_records_an_empty_difference(make_user):
    service = make_service()
    services.update_service(service, service_input(), by=make_user(Role.OFFICER))
    assert events("directory.service-updated")[0].detail == {}


def test_an_update_keeps_the_search_text_in_step(make_user):
    service = make_service(name="Legal advice", contacts=[services.ContactInput("Sam Patel")])
    changes = service_input(name="Defamation clinic", contacts=[services.ContactInput("Jo Okafor")])
    services.update_service(service, changes, by=make_user(Role.OFFICER))
    db.session.commit()
    assert names_found("defamation") == ["Defamation clinic"]
    assert names_found("okafor") == ["Defamation clinic"]
    assert names_found("legal advice") == []
    assert names_found("patel") == []


def test_an_update_replaces_the_hours_including_one_on_the_same_day(make_user):
    service = make_service(periods=[services.PeriodInput(0, time(9), time(17))])
    changes = service_input(periods=[services.PeriodInput(0, time(9), time(13))])
    services.update_service(service, changes, by=make_user(Role.OFFICER))
    db.session.commit()
    db.session.expire_all()
    assert [(h.opens_at, h.closes_at) for h in db.session.get(Service, service.id).opening_hours] == [
        (time(9), time(13))
    ]


def test_a_provider_is_shared_whatever_the_case_of_its_name(app_context):
    make_service(name="One", provider_name="Northshire Law Centre")
    make_service(name="Two", provider_name="northshire law centre")
    assert db.session.scalar(select(func.count()).select_from(Provider)) == 1


def test_an_unknown_category_is_refused(app_context):
    with pytest.raises(services.DirectoryError) as refused:
        services.create_service(replace(service_input(), category_id=99999), by=None)
    assert refused.value.field == "category_id"


def test_two_periods_starting_together_on_one_day_are_refused(app_context):
    same_start = [services.PeriodInput(0, time(9), time(12)), services.PeriodInput(0, time(9), time(17))]
    with pytest.raises(services.DirectoryError, match="same time on the same day"):
        services.create_service(service_input(periods=same_start), by=None)


def test_retiring_closes_the_service_and_takes_it_out_of_help_now(make_user):
    officer = make_user(Role.OFFICER)
    service = make_service(name="Old line", help_now_role=services.HelpNowRole.OUT_OF_HOURS)
    services.retire_service(service, by=officer)
    db.session.commit()
    assert (service.status, service.help_now_role) == (ServiceStatus.CLOSED, None)
    assert events("directory.service-retired")[0].actor_id == officer.id
    assert names_found("old line") == []
    assert services.help_now().out_of_hours == []


def test_marking_checked_dates_the_check_and_is_audited(make_user):
    officer = make_user(Role.OFFICER)
    service = make_service(last_checked_on=TODAY - timedelta(days=400))
    services.mark_checked(service, by=officer, on=TODAY)
    assert service.last_checked_on == TODAY
    [event] = events("directory.service-checked")
    assert (event.actor_id, event.target_id) == (officer.id, str(service.id))


def test_marking_checked_without_a_date_means_today(make_user):
    service = make_service(last_checked_on=None)
    services.mark_checked(service, by=make_user(Role.OFFICER))
    assert service.last_checked_on == date.today()


# ---- staleness ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_checked", "stale"),
    [
        (None, True),
        (TODAY, False),
        (TODAY - timedelta(days=364), False),
        (TODAY - timedelta(days=365), True),
        (TODAY - timedelta(days=800), True),
    ],
)
def test_an_entry_is_stale_after_twelve_months_or_if_never_checked(last_checked, stale):
    assert services.is_stale(Service(last_checked_on=last_checked), today=TODAY) is stale


def test_entries_due_a_check_come_never_checked_first_then_oldest(app_context):
    make_service(name="Checked last year", last_checked_on=TODAY - timedelta(days=400))
    make_service(name="Fresh", last_checked_on=TODAY - timedelta(days=10))
    make_service(name="Never checked", last_checked_on=None)
    make_service(name="Checked long ago", last_checked_on=TODAY - timedelta(days=900))
    make_service(name="Retired", last_checked_on=None, status=ServiceStatus.CLOSED)
    assert [service.name for service in services.due_a_check(TODAY)] == [
        "Never checked",
        "Checked long ago",
        "Checked last year",
    ]
    assert services.count_due_a_check(TODAY) == 3


def test_entries_due_a_check_can_be_limited_to_one_owner(make_user):
    mine, theirs = make_user(Role.OFFICER), make_user(Role.OFFICER)
    make_service(name="Mine", owner_id=mine.id, last_checked_on=None)
    make_service(name="Theirs", owner_id=theirs.id, last_checked_on=None)
    make_service(name="Nobody's", last_checked_on=None)
    assert [service.name for service in services.due_a_check(TODAY, owner=mine)] == ["Mine"]


# ---- views and categories -----------------------------------------------------------------------------


def test_recording_a_view_adds_one_to_the_count(app_context):
    service = make_service()
    services.record_view(service)
    services.record_view(service)
    assert service.view_count == 2
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Service, service.id).view_count == 2


def test_popular_categories_are_those_with_most_views(app_context):
    views = {
        ("Legal one", "Legal"): 3,
        ("Legal two", "Legal"): 2,
        ("Wellbeing", "Wellbeing"): 4,
        ("Peer", "Peer support"): 0,
    }
    for (name, category), count in views.items():
        service = make_service(name=name, category=category)
        for _ in range(count):
            services.record_view(service)
    gone = make_service(name="Retired police line", category="Police", status=ServiceStatus.CLOSED)
    for _ in range(10):
        services.record_view(gone)
    popular = [(category.name, visits) for category, visits in services.popular_categories()]
    assert popular == [("Legal", 5), ("Wellbeing", 4), ("Peer support", 0)]


def test_popular_categories_stop_at_the_limit(app_context):
    for category in ("Legal", "Wellbeing", "Police"):
        make_service(name=category, category=category)
    assert len(services.popular_categories(limit=2)) == 2


def test_a_new_category_goes_last_and_is_audited(make_user):
    officer = make_user(Role.OFFICER)
    category = services.create_category("  Surgeries and events ", "Safety at public events", by=officer)
    assert category.name == "Surgeries and events"
    assert services.categories()[-1] == category
    assert events("directory.category-created")[0].actor_id == officer.id


def test_a_category_name_cannot_be_used_twice_whatever_its_case(make_user, subtests):
    officer = make_user(Role.OFFICER)
    for name in ["Wellbeing", "wellbeing", "  WELLBEING "]:
        with subtests.test(name=name), pytest.raises(services.DirectoryError, match="already exists"):
            services.create_category(name, "", by=officer)
    assert db.session.scalar(select(func.count()).where(func.lower(Category.name) == "wellbeing")) == 1


def test_the_default_categories_are_in_their_set_order(app_context):
    names = [category.name for category in services.categories()]
    assert names[:2] == ["Wellbeing", "Counselling and employee assistance"]
    assert category_named("Member services") == services.categories()[9]
