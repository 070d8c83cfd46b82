"""Training pages, checked through what people see on them."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.extensions import db
from portal.training import services
from portal.training.models import Completion, Course, CourseCategory
from portal.training.status import add_months
from tests.training.factories import complete, make_course

TODAY = date.today()


def months_ago(months: int) -> date:
    return add_months(TODAY, -months)


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text(element) -> str:
    return element.get_text(" ", strip=True)


def rows(soup: BeautifulSoup, caption: str) -> list[list[str]]:
    """The body rows of the table whose caption starts with `caption`, as lists of cell texts."""
    table = next(t for t in soup.select("table") if text(t.caption).startswith(caption))
    return [[text(cell) for cell in row.select("th, td")] for row in table.select("tbody tr")]


def error_beside(soup: BeautifulSoup, field: str) -> str:
    message = soup.find(id=f"{field}-error")
    return text(message) if message else ""


def summary_errors(soup: BeautifulSoup) -> list[str]:
    return [text(item) for item in soup.select(".govuk-error-summary__list li")]


def value_of(soup: BeautifulSoup, name: str) -> list[str]:
    return [field.get("value", "") for field in soup.select(f"input[name={name}]")]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def date_parts(on: date) -> list[str]:
    return [str(on.day), str(on.month), str(on.year)]


# ---- who may see what ----------------------------------------------------------------------------------


@pytest.fixture
def records(make_user):
    """A member with one completion, and a course: enough for every page's address."""
    member = make_user(name="Ann Member")
    course = make_course()
    completion = complete(member, course, months_ago(1))
    db.session.commit()
    return member, course, completion


def officer_pages(member, course, completion) -> list[tuple[str, str]]:
    return [
        ("get", "/training/courses"),
        ("get", "/training/courses/new"),
        ("post", "/training/courses/new"),
        ("get", f"/training/courses/{course.id}/edit"),
        ("post", f"/training/courses/{course.id}/edit"),
        ("get", "/training/members"),
        ("get", f"/training/members/{member.id}"),
        ("post", f"/training/members/{member.id}/completions"),
        ("get", f"/training/completions/{completion.id}/edit"),
        ("post", f"/training/completions/{completion.id}/edit"),
        ("get", "/training/attendance"),
        ("post", "/training/attendance"),
        ("get", "/training/settings"),
        ("post", "/training/settings"),
    ]


@pytest.mark.parametrize("roles", [(Role.COUNCILLOR,), (Role.CHAMPION,), (Role.COUNCILLOR, Role.CHAMPION)])
def test_members_and_champions_may_not_open_officer_pages(client_as, records, roles):
    client = client_as(*roles)
    for method, url in officer_pages(*records):
        assert getattr(client, method)(url).status_code == 403, (method, url)
    assert count(Completion) == 1


def test_officers_may_open_every_page(client_as, records):
    client = client_as(Role.OFFICER)
    for url in ["/training"] + [url for method, url in officer_pages(*records) if method == "get"]:
        assert client.get(url).status_code == 200, url


def test_signing_in_is_needed(client, records):
    response = client.get("/training")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


# ---- my training ---------------------------------------------------------------------------------------


def test_my_training_shows_my_record_with_what_is_due_next_first(client_as, make_user):
    conduct = make_course(
        title="Code of conduct",
        category=CourseCategory.CODE_OF_CONDUCT.value,
        refresher_months=None,
        link="https://www.local.gov.uk/code-of-conduct",
        provider="Local Government Association",
    )
    safety = make_course(title="Personal safety", refresher_months=12)
    social = make_course(title="Social media", category=CourseCategory.SOCIAL_MEDIA.value, mandatory=False)
    client = client_as(Role.COUNCILLOR, name="Ann Member")
    complete(client.user, safety, months_ago(13), "Council chamber")
    complete(client.user, social, months_ago(1))
    complete(make_user(name="Bob Other"), conduct, months_ago(1), "Bob's session")
    db.session.commit()

    soup = page(client.get("/training"))

    assert text(soup.h1) == "My training"
    due_next = [text(item) for item in soup.select(".app-due-next li")]
    assert len(due_next) == 2
    assert due_next[0].startswith("Personal safety Expired Expired on")
    assert due_next[1].startswith("Code of conduct Not taken")
    [link] = soup.select(".app-due-next li")[1].select("a")
    assert text(link) == "Book or take it : Code of conduct"
    assert link["href"] == "https://www.local.gov.uk/code-of-conduct"
    assert "Ask member services how to book it" in due_next[0]
    assert [row[:2] for row in rows(soup, "All courses")] == [
        ["Personal safety Mandatory", "Expired"],
        ["Code of conduct Mandatory", "Not taken"],
        ["Social media Optional", "Valid"],
    ]
    tags = {text(tag): tag["class"] for tag in soup.select("table .govuk-tag")}
    assert "govuk-tag--red" in tags["Expired"]
    assert "govuk-tag--green" in tags["Valid"]
    history = rows(soup, "Your completed courses")
    assert [row[1:] for row in history] == [["Social media", ""], ["Personal safety", "Council chamber"]]
    assert "Bob" not in soup.get_text()
    assert not soup.find("a", href="/training/courses")  # no officer links


def test_my_training_says_when_nothing_is_due(client_as):
    course = make_course(title="Personal safety", refresher_months=None)
    client = client_as(Role.CHAMPION, Role.COUNCILLOR)
    complete(client.user, course, months_ago(2))
    db.session.commit()

    soup = page(client.get("/training"))

    assert "You are up to date: nothing is due." in soup.get_text()
    assert rows(soup, "All courses")[0][1:3] == ["Valid", "Valid, no refresher needed"]


def test_officers_see_links_to_the_records_they_keep(client_as):
    soup = page(client_as(Role.OFFICER).get("/training"))
    assert soup.find("a", href="/training/courses")
    assert soup.find("a", href="/training/attendance")


# ---- the catalogue -------------------------------------------------------------------------------------


def course_form(**overrides) -> dict:
    data = {
        "title": "Conflict de-escalation",
        "category": CourseCategory.DE_ESCALATION.value,
        "description": "Calming a heated surgery",
        "provider": "In-house",
        "link": "https://learning.council.example/de-escalation",
        "format": "workshop",
        "mandatory": "y",
        "refresher_months": "36",
        "due_within_months_of_election": "",
        "active": "y",
    }
    data.update(overrides)
    return data


def test_the_catalogue_lists_every_course(client_as):
    make_course(title="Personal safety", refresher_months=24, link="https://example.org/safety")
    make_course(title="Old briefing", active=False, mandatory=False, refresher_months=None)
    db.session.commit()

    soup = page(client_as(Role.OFFICER).get("/training/courses"))

    assert text(soup.h1) == "Course catalogue"
    assert rows(soup, "2 courses") == [
        ["Old briefing Not offered", "Personal safety and risk assessment", "In-house, workshop", "No", "None",
         "No deadline"],
        ["Personal safety", "Personal safety and risk assessment", "In-house, workshop Course link : Personal safety",
         "Yes", "Every 24 months", "No deadline"],
    ]  # fmt: skip
    assert soup.find("a", string="Add a course")["href"] == "/training/courses/new"


def test_a_new_course_starts_with_sensible_defaults(client_as):
    soup = page(client_as(Role.OFFICER).get("/training/courses/new"))
    assert value_of(soup, "provider") == ["In-house"]
    assert soup.find("input", {"name": "active"}).has_attr("checked")


def test_adding_a_course(client_as):
    client = client_as(Role.OFFICER)

    response = client.post("/training/courses/new", data=course_form(), follow_redirects=True)

    assert response.status_code == 200
    assert "Conflict de-escalation added to the catalogue" in text(
        page(response).select_one(".govuk-notification-banner")
    )
    course = db.session.scalar(select(Course))
    assert (course.title, course.refresher_months, course.mandatory, course.due_within_months_of_election) == (
        "Conflict de-escalation",
        36,
        True,
        None,
    )


def test_a_course_form_with_errors_keeps_what_was_typed_and_saves_nothing(client_as):
    client = client_as(Role.OFFICER)
    typed = course_form(
        title="",
        category="",
        provider="Local Government Association",
        link="www.local.gov.uk",
        refresher_months="two",
        due_within_months_of_election="121",
    )

    response = client.post("/training/courses/new", data=typed)

    assert response.status_code == 422
    soup = page(response)
    assert soup.title.string.startswith("Error: Add a course")
    assert error_beside(soup, "title") == "Error: Enter the course title"
    assert error_beside(soup, "category") == "Error: Choose a category"
    assert error_beside(soup, "link") == "Error: Enter a web address starting with https:// or http://"
    months = "Error: Enter a number of months from 1 to 120, or leave it empty"
    assert error_beside(soup, "refresher_months") == months
    assert error_beside(soup, "due_within_months_of_election") == months
    assert "Enter the course title" in summary_errors(soup)
    assert value_of(soup, "provider") == ["Local Government Association"]
    assert value_of(soup, "link") == ["www.local.gov.uk"]
    assert value_of(soup, "refresher_months") == ["two"]
    assert value_of(soup, "due_within_months_of_election") == ["121"]
    assert text(soup.find("textarea", {"name": "description"})) == "Calming a heated surgery"
    assert count(Course) == 0


def test_a_duplicate_title_is_shown_beside_the_title(client_as):
    make_course(title="Conflict de-escalation")
    db.session.commit()

    response = client_as(Role.OFFICER).post("/training/courses/new", data=course_form(title="conflict de-escalation"))

    assert response.status_code == 422
    assert error_beside(page(response), "title") == "Error: A course with this title already exists"
    assert count(Course) == 1


def test_editing_a_course(client_as):
    course = make_course(title="Personal safety", refresher_months=24)
    db.session.commit()
    client = client_as(Role.OFFICER)

    soup = page(client.get(f"/training/courses/{course.id}/edit"))
    assert value_of(soup, "title") == ["Personal safety"]
    assert value_of(soup, "refresher_months") == ["24"]
    assert soup.find("input", {"name": "mandatory"}).has_attr("checked")

    form = course_form(title="Personal safety", category=course.category, refresher_months="12", mandatory="")
    response = client.post(f"/training/courses/{course.id}/edit", data=form)
    assert response.status_code == 302
    db.session.refresh(course)
    assert (course.refresher_months, course.mandatory) == (12, False)


def test_a_course_edit_with_errors_changes_nothing(client_as):
    course = make_course(title="Personal safety", refresher_months=24)
    db.session.commit()

    response = client_as(Role.OFFICER).post(
        f"/training/courses/{course.id}/edit", data=course_form(title="Personal safety", refresher_months="0")
    )

    assert response.status_code == 422
    assert value_of(page(response), "refresher_months") == ["0"]
    db.session.refresh(course)
    assert course.refresher_months == 24


def test_an_unknown_course_is_not_found(client_as):
    assert client_as(Role.OFFICER).get("/training/courses/999/edit").status_code == 404


# ---- members' records ----------------------------------------------------------------------------------


def test_the_members_list_counts_what_needs_attention(client_as, make_user):
    course = make_course(refresher_months=12)
    lapsed, current = make_user(name="Ann Lapsed", ward="North"), make_user(name="Bob Current")
    complete(lapsed, course, months_ago(13))
    complete(current, course, months_ago(11) - timedelta(days=15))  # expires in about two weeks
    db.session.commit()

    soup = page(client_as(Role.OFFICER, name="Olive Officer").get("/training/members"))

    assert rows(soup, "2 current members") == [
        ["Ann Lapsed", "North", "1", "0", "0"],
        ["Bob Current", "", "0", "1", "0"],
    ]
    assert soup.find("a", string="Ann Lapsed")["href"] == f"/training/members/{lapsed.id}"
    assert "Olive Officer" not in text(soup.find("table"))


def test_a_members_record_shows_where_they_stand_and_each_records_history(client_as, make_user):
    member = make_user(name="Ann Member", date_elected=months_ago(3))
    safety = make_course(title="Personal safety", refresher_months=12)
    make_course(title="Code of conduct", refresher_months=None, due_within_months_of_election=2)
    recorder = make_user(Role.OFFICER, name="Rita Recorder")
    completion = services.record_completion(member, safety, months_ago(13), "Chamber", by=recorder)
    services.correct_completion(completion, months_ago(14), "Committee room", by=recorder)
    db.session.commit()

    soup = page(client_as(Role.OFFICER).get(f"/training/members/{member.id}"))

    assert text(soup.h1) == "Ann Member"
    assert [row[:2] for row in rows(soup, "Where they stand")] == [
        ["Personal safety Mandatory", "Expired"],
        ["Code of conduct Mandatory", "Not taken"],
    ]
    [history] = rows(soup, "Completions recorded")
    assert history[1] == "Personal safety"
    changes = [text(item) for item in soup.select(".app-change-history li")]
    assert len(changes) == 2
    assert "Recorded by Rita Recorder" in changes[0]
    assert "Corrected by Rita Recorder" in changes[1]
    assert "(Chamber) → Personal safety on" in changes[1]
    assert changes[1].endswith("(Committee room)")
    assert soup.find("a", href=f"/training/completions/{completion.id}/edit")


def test_only_members_have_training_records(client_as, make_user):
    client = client_as(Role.OFFICER)
    assert client.get(f"/training/members/{make_user(Role.OFFICER).id}").status_code == 404
    assert client.get("/training/members/999").status_code == 404


def test_recording_a_completion_for_a_member(client_as, make_user):
    member, course = make_user(), make_course()
    db.session.commit()
    client = client_as(Role.OFFICER)
    on = months_ago(2)

    response = client.post(
        f"/training/members/{member.id}/completions",
        data={"course_id": str(course.id), "completed_on": date_parts(on), "note": "Evening session"},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/training/members/{member.id}")
    completion = db.session.scalar(select(Completion))
    assert (completion.user_id, completion.completed_on, completion.note) == (member.id, on, "Evening session")
    assert completion.recorded_by_id == client.user.id


def test_a_completion_in_the_future_is_refused_beside_the_date(client_as, make_user):
    member, course = make_user(), make_course()
    db.session.commit()
    tomorrow = TODAY + timedelta(days=1)

    response = client_as(Role.OFFICER).post(
        f"/training/members/{member.id}/completions",
        data={"course_id": str(course.id), "completed_on": date_parts(tomorrow), "note": "Booked"},
    )

    assert response.status_code == 422
    soup = page(response)
    assert error_beside(soup, "completed_on") == "Error: The completion date must be today or in the past"
    assert value_of(soup, "completed_on") == date_parts(tomorrow)
    assert value_of(soup, "note") == ["Booked"]
    assert soup.find("select", {"name": "course_id"}).find("option", selected=True)["value"] == str(course.id)
    assert count(Completion) == 0


def test_a_completion_needs_a_course_and_a_real_date(client_as, make_user):
    member = make_user()
    make_course()
    db.session.commit()

    response = client_as(Role.OFFICER).post(
        f"/training/members/{member.id}/completions", data={"course_id": "0", "completed_on": ["31", "2", "2025"]}
    )

    assert response.status_code == 422
    soup = page(response)
    assert error_beside(soup, "course_id") == "Error: Choose the course"
    assert error_beside(soup, "completed_on") == "Error: Date completed must be a real date, for example 28 11 2026"
    assert value_of(soup, "completed_on") == ["31", "2", "2025"]
    assert count(Completion) == 0


def test_correcting_a_completion_keeps_its_history(client_as, make_user):
    member = make_user(name="Ann Member")
    completion = complete(member, make_course(title="Personal safety"), months_ago(2), "Chamber")
    db.session.commit()
    client = client_as(Role.OFFICER, name="Colin Corrector")

    soup = page(client.get(f"/training/completions/{completion.id}/edit"))
    assert value_of(soup, "completed_on") == [f"{months_ago(2):%d}", f"{months_ago(2):%m}", str(months_ago(2).year)]
    assert value_of(soup, "note") == ["Chamber"]

    new_date = months_ago(3)
    response = client.post(
        f"/training/completions/{completion.id}/edit",
        data={"completed_on": date_parts(new_date), "note": "Chamber"},
        follow_redirects=True,
    )

    assert response.status_code == 200
    soup = page(response)
    assert text(soup.h1) == "Ann Member"
    assert "Record of Personal safety for Ann Member corrected" in soup.get_text()
    assert "Corrected by Colin Corrector" in text(soup.select(".app-change-history li")[-1])
    db.session.refresh(completion)
    assert completion.completed_on == new_date


def test_a_correction_with_errors_changes_nothing(client_as, make_user):
    completion = complete(make_user(), make_course(), months_ago(2), "Chamber")
    db.session.commit()

    response = client_as(Role.OFFICER).post(
        f"/training/completions/{completion.id}/edit",
        data={"completed_on": date_parts(TODAY + timedelta(days=3)), "note": "Moved"},
    )

    assert response.status_code == 422
    soup = page(response)
    assert "today or in the past" in error_beside(soup, "completed_on")
    assert value_of(soup, "note") == ["Moved"]
    db.session.refresh(completion)
    assert (completion.completed_on, completion.note, len(completion.changes)) == (months_ago(2), "Chamber", 1)


# ---- attendance ----------------------------------------------------------------------------------------


def test_the_attendance_list_offers_current_members_only(client_as, make_user):
    make_user(name="Ann Member")
    make_user(name="Gone Member", active=False)
    make_course()
    db.session.commit()

    soup = page(client_as(Role.OFFICER, name="Olive Officer").get("/training/attendance"))

    labels = [text(label) for label in soup.select(".govuk-checkboxes__label")]
    assert labels == ["Ann Member"]


def test_recording_a_sessions_attendance(client_as, make_user):
    people = [make_user(name=name) for name in ("Ann Member", "Bob Member", "Cat Member")]
    course = make_course()
    db.session.commit()
    on = months_ago(1)

    response = client_as(Role.OFFICER).post(
        "/training/attendance",
        data={
            "course_id": str(course.id),
            "completed_on": date_parts(on),
            "people": [str(people[0].id), str(people[2].id)],
        },
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "attendance recorded for 2 people" in page(response).get_text()
    recorded = db.session.scalars(select(Completion.user_id).where(Completion.completed_on == on))
    assert set(recorded) == {people[0].id, people[2].id}


def test_an_attendance_list_with_a_duplicate_records_nobody(client_as, make_user):
    ann, bob = make_user(name="Ann Member"), make_user(name="Bob Member")
    course = make_course(title="Personal safety")
    on = months_ago(1)
    complete(bob, course, on)
    db.session.commit()

    response = client_as(Role.OFFICER).post(
        "/training/attendance",
        data={"course_id": str(course.id), "completed_on": date_parts(on), "people": [str(ann.id), str(bob.id)]},
    )

    assert response.status_code == 422
    soup = page(response)
    message = error_beside(soup, "people")
    assert message.startswith("Error: Bob Member already has Personal safety recorded on")
    assert "Nobody on this list has been recorded" in message
    ticked = [box["value"] for box in soup.select("input[name=people][checked]")]
    assert ticked == [str(ann.id), str(bob.id)]
    assert count(Completion) == 1


def test_an_attendance_list_needs_someone(client_as, make_user):
    make_user()
    course = make_course()
    db.session.commit()

    response = client_as(Role.OFFICER).post(
        "/training/attendance", data={"course_id": str(course.id), "completed_on": date_parts(months_ago(1))}
    )

    assert response.status_code == 422
    assert error_beside(page(response), "people") == "Error: Choose at least one person who attended"
    assert count(Completion) == 0


# ---- settings ------------------------------------------------------------------------------------------


def test_setting_the_due_soon_window(client_as):
    client = client_as(Role.OFFICER)
    assert value_of(page(client.get("/training/settings")), "due_soon_days") == ["60"]

    response = client.post("/training/settings", data={"due_soon_days": "30"}, follow_redirects=True)

    assert "Courses now count as due soon 30 days before they expire" in page(response).get_text()
    assert services.due_soon_days() == 30


@pytest.mark.parametrize("typed", ["0", "366", "sixty", ""])
def test_a_due_soon_window_out_of_range_is_refused(client_as, typed):
    response = client_as(Role.OFFICER).post("/training/settings", data={"due_soon_days": typed})

    assert response.status_code == 422
    soup = page(response)
    assert error_beside(soup, "due_soon_days") == "Error: Enter a number of days from 1 to 365"
    assert value_of(soup, "due_soon_days") == [typed]
    assert services.due_soon_days() == 60
