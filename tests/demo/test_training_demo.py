"""The demo council's training: the toolkit's courses, and records that show every status whenever it loads."""

from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import select

from portal.accounts.services import find_by_email
from portal.demo import data, training_data
from portal.demo.services import load_demo
from portal.extensions import db
from portal.training import services
from portal.training.jobs import send_training_reminders
from portal.training.models import Completion, CourseCategory
from portal.training.status import Status, add_months

TOOLKIT_COURSES = {
    "Personal safety and risk assessment": CourseCategory.PERSONAL_SAFETY,
    "Social media and digital citizenship": CourseCategory.SOCIAL_MEDIA,
    "Communications and healthy debate": CourseCategory.COMMUNICATIONS,
    "Emotional intelligence": CourseCategory.EMOTIONAL_INTELLIGENCE,
    "Conflict de-escalation": CourseCategory.DE_ESCALATION,
    "Code of conduct": CourseCategory.CODE_OF_CONDUCT,
}


def test_the_toolkit_course_list_and_the_councils_own(app_context):
    load_demo()
    courses = {course.title: course for course in services.courses()}
    for title, category in TOOLKIT_COURSES.items():
        assert courses[title].category == category
    assert any(course.category == CourseCategory.COUNCIL_OWN for course in courses.values())
    assert training_data.LGA in {course.provider for course in courses.values()}
    links = [urlsplit(course.link) for course in courses.values() if course.link]
    assert links and all(link.scheme == "https" and link.hostname.endswith(".example") for link in links)
    refreshers = {course.refresher_months for course in courses.values()}
    assert None in refreshers and refreshers - {None} <= set(range(12, 37))


def test_code_of_conduct_is_mandatory_within_two_months_of_election(app_context):
    load_demo()
    conduct = services.course_titled("Code of conduct")
    assert conduct.mandatory
    assert conduct.due_within_months_of_election == 2
    jo = find_by_email(data.email_for("jo.whitfield"))  # the most recently elected demo member
    taken = db.session.scalar(
        select(Completion.completed_on).where(Completion.user_id == jo.id, Completion.course_id == conduct.id)
    )
    assert taken <= add_months(jo.date_elected, 2)


def test_members_have_a_year_of_records_with_some_due_soon_and_some_expired(app_context):
    load_demo()
    today = date.today()
    matrix = services.compliance_matrix()
    statuses = [cell.status for cell in matrix.cells.values()]
    assert statuses.count(Status.DUE_SOON) >= 3
    assert statuses.count(Status.EXPIRED) >= 3
    assert statuses.count(Status.VALID) > statuses.count(Status.EXPIRED)
    dates = list(db.session.scalars(select(Completion.completed_on)))
    assert all(day <= today for day in dates)
    assert sum((today - day).days <= 365 for day in dates) >= 20
    members_with_records = {user_id for user_id, _ in services.latest_completions()}
    assert {member.id for member in matrix.members} == members_with_records


def test_the_demo_gives_the_reminder_job_something_to_send(app_context):
    load_demo()
    assert send_training_reminders() >= 3
