"""The training rules, called directly: catalogue, completions, corrections, records, coverage and the matrix."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select
from werkzeug.exceptions import NotFound

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.training import services
from portal.training.models import Completion, CompletionChange, Course, CourseCategory
from portal.training.status import Status, add_months
from tests.training.factories import complete, make_course

TODAY = date.today()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def course_input(**overrides) -> services.CourseInput:
    fields = {"title": "Handling social media abuse", "category": CourseCategory.SOCIAL_MEDIA.value}
    fields.update(overrides)
    return services.CourseInput(**fields)


# ---- catalogue -----------------------------------------------------------------------------------------


def test_create_course_keeps_every_field_and_is_audited(app_context, make_user):
    officer = make_user(Role.OFFICER)
    course = services.create_course(
        course_input(
            title="  Code of conduct induction ",
            category=CourseCategory.CODE_OF_CONDUCT.value,
            provider="Local Government Association",
            link="https://www.local.gov.uk/e-learning",
            format="e_learning",
            mandatory=True,
            refresher_months=None,
            due_within_months_of_election=2,
        ),
        by=officer,
    )
    assert course.title == "Code of conduct induction"
    assert (course.provider, course.format, course.due_within_months_of_election) == (
        "Local Government Association",
        "e_learning",
        2,
    )
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.course-created"))
    assert event_.actor_id == officer.id


def test_duplicate_title_is_refused_whatever_its_case(app_context):
    make_course(title="Personal safety")
    with pytest.raises(services.TrainingError) as refused:
        services.create_course(course_input(title="PERSONAL SAFETY "), by=None)
    assert refused.value.field == "title"
    assert count(Course) == 1


def test_a_course_may_keep_its_own_title_but_not_take_another(app_context, make_user):
    officer = make_user(Role.OFFICER)
    first, second = make_course(title="First"), make_course(title="Second")
    services.update_course(first, course_input(title="First", refresher_months=12), by=officer)
    assert first.refresher_months == 12
    with pytest.raises(services.TrainingError, match="already exists"):
        services.update_course(second, course_input(title="first"), by=officer)


def test_update_course_records_what_changed(app_context, make_user):
    officer = make_user(Role.OFFICER)
    course = make_course(title="De-escalation", category=CourseCategory.DE_ESCALATION.value, refresher_months=24)
    services.update_course(
        course, course_input(title="De-escalation", category=CourseCategory.DE_ESCALATION.value), by=officer
    )
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.course-updated"))
    assert event_.detail["refresher_months"] == [24, None]


def test_unknown_category_is_refused(app_context):
    with pytest.raises(services.TrainingError) as refused:
        services.create_course(course_input(category="juggling"), by=None)
    assert refused.value.field == "category"


@pytest.mark.parametrize("field", ["refresher_months", "due_within_months_of_election"])
@pytest.mark.parametrize("months", [0, 121, -3])
def test_months_outside_1_to_120_are_refused(app_context, field, months):
    with pytest.raises(services.TrainingError) as refused:
        services.create_course(course_input(**{field: months}), by=None)
    assert refused.value.field == field


@pytest.mark.parametrize("months", [1, 120, None])
def test_months_from_1_to_120_or_none_are_accepted(app_context, months):
    course = services.create_course(
        course_input(refresher_months=months, due_within_months_of_election=months), by=None
    )
    assert course.refresher_months == months


def test_courses_lists_active_ones_unless_asked(app_context):
    make_course(title="Offered")
    make_course(title="Retired", active=False)
    assert [c.title for c in services.courses()] == ["Offered"]
    assert {c.title for c in services.courses(active_only=False)} == {"Offered", "Retired"}


# ---- completions ---------------------------------------------------------------------------------------


def test_record_completion_keeps_who_recorded_it(app_context, make_user):
    officer, member = make_user(Role.OFFICER), make_user()
    course = make_course()
    completion = services.record_completion(member, course, date(2025, 3, 4), " Town hall ", by=officer)
    assert completion.note == "Town hall"
    [change] = completion.changes
    assert (change.action, change.changed_by, change.before) == ("recorded", officer, "")
    assert change.after == "Personal safety for councillors on 4 March 2025 (Town hall)"


def test_the_same_course_on_the_same_day_twice_is_refused(app_context, make_user):
    member, course = make_user(name="Ann Lee"), make_course()
    complete(member, course, date(2025, 3, 4))
    with pytest.raises(services.TrainingError, match="Ann Lee already has") as refused:
        complete(member, course, date(2025, 3, 4))
    assert refused.value.field == "completed_on"
    complete(member, course, date(2025, 3, 5))  # another day is another completion
    assert count(Completion) == 2


@pytest.mark.parametrize(
    ("on", "message"),
    [(TODAY + timedelta(days=1), "today or in the past"), (date(1989, 12, 31), "after 1990")],
)
def test_dates_in_the_future_or_long_ago_are_refused(app_context, make_user, on, message):
    with pytest.raises(services.TrainingError, match=message) as refused:
        complete(make_user(), make_course(), on)
    assert refused.value.field == "completed_on"
    assert count(Completion) == 0


def test_today_is_accepted(app_context, make_user):
    assert complete(make_user(), make_course(), TODAY).completed_on == TODAY


# ---- attendance ----------------------------------------------------------------------------------------


def test_attendance_records_everyone_on_the_list(app_context, make_user):
    officer = make_user(Role.OFFICER)
    people = [make_user() for _ in range(3)]
    completions = services.record_attendance(make_course(), people, date(2025, 6, 1), "Evening session", by=officer)
    assert {c.user_id for c in completions} == {p.id for p in people}
    assert all(c.note == "Evening session" for c in completions)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.attendance-recorded"))


def test_attendance_with_one_duplicate_records_nobody_and_names_them(app_context, make_user):
    officer = make_user(Role.OFFICER)
    course = make_course()
    first, already, last = make_user(name="Ann Lee"), make_user(name="Bob Khan"), make_user(name="Cat Ode")
    complete(already, course, date(2025, 6, 1))
    with pytest.raises(services.TrainingError) as refused:
        services.record_attendance(course, [first, already, last], date(2025, 6, 1), by=officer)
    assert "Bob Khan already has" in str(refused.value)
    assert "Ann Lee" not in str(refused.value)
    assert refused.value.field == "people"
    assert count(Completion) == 1  # nothing was added, not even for those before the clash
    assert not db.session.new


def test_attendance_names_everyone_who_clashes(app_context, make_user):
    course = make_course()
    people = [make_user(name=name) for name in ("Ann Lee", "Bob Khan", "Cat Ode")]
    for person in people[:2]:
        complete(person, course, date(2025, 6, 1))
    with pytest.raises(services.TrainingError, match="Ann Lee and Bob Khan already have"):
        services.record_attendance(course, people, date(2025, 6, 1), by=make_user(Role.OFFICER))


def test_attendance_with_a_future_date_records_nobody(app_context, make_user):
    with pytest.raises(services.TrainingError):
        services.record_attendance(make_course(), [make_user()], TODAY + timedelta(days=1), by=make_user(Role.OFFICER))
    assert count(Completion) == 0


def test_attendance_needs_someone_and_counts_each_person_once(app_context, make_user):
    officer, member = make_user(Role.OFFICER), make_user()
    course = make_course()
    with pytest.raises(services.TrainingError, match="at least one") as refused:
        services.record_attendance(course, [], date(2025, 6, 1), by=officer)
    assert refused.value.field == "people"
    assert len(services.record_attendance(course, [member, member], date(2025, 6, 1), by=officer)) == 1


# ---- corrections ---------------------------------------------------------------------------------------


def test_a_correction_keeps_who_changed_what(app_context, make_user):
    recorder, corrector = make_user(Role.OFFICER, name="Rita Recorder"), make_user(Role.OFFICER, name="Colin Corrector")
    completion = services.record_completion(make_user(), make_course(), date(2025, 3, 4), "Hall", by=recorder)
    services.correct_completion(completion, date(2025, 3, 14), "Hall B", by=corrector)
    db.session.flush()
    assert (completion.completed_on, completion.note) == (date(2025, 3, 14), "Hall B")
    recorded, corrected = completion.changes
    assert (recorded.action, recorded.changed_by) == ("recorded", recorder)
    assert (corrected.action, corrected.changed_by) == ("corrected", corrector)
    assert corrected.before == "Personal safety for councillors on 4 March 2025 (Hall)"
    assert corrected.after == "Personal safety for councillors on 14 March 2025 (Hall B)"
    assert count(CompletionChange) == 2


def test_a_correction_that_changes_nothing_leaves_no_history(app_context, make_user):
    completion = complete(make_user(), make_course(), date(2025, 3, 4), "Hall")
    services.correct_completion(completion, date(2025, 3, 4), " Hall ", by=make_user(Role.OFFICER))
    assert len(completion.changes) == 1


def test_a_correction_may_not_clash_with_another_record_or_the_future(app_context, make_user):
    member, course = make_user(), make_course()
    complete(member, course, date(2025, 3, 4))
    later = complete(member, course, date(2025, 9, 4))
    officer = make_user(Role.OFFICER)
    for bad_date in (date(2025, 3, 4), TODAY + timedelta(days=1)):
        with pytest.raises(services.TrainingError) as refused:
            services.correct_completion(later, bad_date, "", by=officer)
        assert refused.value.field == "completed_on"
    assert later.completed_on == date(2025, 9, 4)
    assert len(later.changes) == 1


def test_completions_of_lists_the_latest_first(app_context, make_user):
    member, course = make_user(), make_course()
    for day in (date(2023, 1, 1), date(2025, 1, 1), date(2024, 1, 1)):
        complete(member, course, day)
    complete(make_user(), course, date(2025, 6, 1))  # someone else's
    assert [c.completed_on.year for c in services.completions_of(member)] == [2025, 2024, 2023]


# ---- a member's record ---------------------------------------------------------------------------------


def months_ago(months: int) -> date:
    return add_months(TODAY, -months)


def test_member_record_puts_what_needs_doing_first(app_context, make_user):
    member = make_user(date_elected=months_ago(2))
    courses = {
        "valid": make_course(title="V valid", refresher_months=24),
        "due soon": make_course(title="D due soon", refresher_months=12),
        "expired": make_course(title="E expired", refresher_months=12),
        "after election": make_course(title="A after election", due_within_months_of_election=3),
        "mandatory": make_course(title="Z mandatory never taken", mandatory=True),
        "optional": make_course(title="B optional never taken", mandatory=False),
        "overdue": make_course(title="Y overdue after election", mandatory=False, due_within_months_of_election=1),
        "retired": make_course(title="R retired", active=False),
    }
    complete(member, courses["valid"], months_ago(1))
    complete(member, courses["due soon"], months_ago(12) + timedelta(days=10))
    complete(member, courses["expired"], months_ago(13))
    record = services.member_record(member, today=TODAY)
    assert [(line.course.title, line.standing.status) for line in record] == [
        ("E expired", Status.EXPIRED),
        ("Z mandatory never taken", Status.NOT_TAKEN),
        ("Y overdue after election", Status.NOT_TAKEN),
        ("B optional never taken", Status.NOT_TAKEN),
        ("D due soon", Status.DUE_SOON),
        ("A after election", Status.DUE_AFTER_ELECTION),
        ("V valid", Status.VALID),
    ]
    assert [line.course.title for line in services.due_next(record)] == [
        "E expired",
        "Z mandatory never taken",
        "Y overdue after election",
        "D due soon",
        "A after election",
    ]


def test_member_record_orders_equal_statuses_by_due_date(app_context, make_user):
    member = make_user()
    later = make_course(title="A later", refresher_months=12)
    sooner = make_course(title="B sooner", refresher_months=12)
    complete(member, later, add_months(TODAY, -12) + timedelta(days=20))
    complete(member, sooner, add_months(TODAY, -12) + timedelta(days=10))
    assert [line.course.title for line in services.member_record(member)] == ["B sooner", "A later"]


def test_the_due_soon_window_comes_from_the_settings(app_context, make_user):
    officer, member = make_user(Role.OFFICER), make_user()
    course = make_course(refresher_months=12)
    complete(member, course, months_ago(12) + timedelta(days=45))  # expires in 45 days
    assert services.due_soon_days() == 60
    assert services.member_record(member)[0].standing.status is Status.DUE_SOON
    services.set_due_soon_days(30, by=officer)
    assert services.due_soon_days() == 30
    assert services.member_record(member)[0].standing.status is Status.VALID


@pytest.mark.parametrize("days", [0, 366])
def test_the_due_soon_window_must_be_1_to_365_days(app_context, make_user, days):
    with pytest.raises(services.TrainingError) as refused:
        services.set_due_soon_days(days, by=make_user(Role.OFFICER))
    assert refused.value.field == "due_soon_days"
    assert services.due_soon_days() == 60


def test_get_member_or_404_only_finds_members(app_context, make_user):
    member, officer = make_user(), make_user(Role.OFFICER)
    assert services.get_member_or_404(member.id) == member
    for user_id in (officer.id, 999_999):
        with pytest.raises(NotFound):
            services.get_member_or_404(user_id)


def test_member_summaries_count_what_needs_attention(app_context, make_user):
    course = make_course(refresher_months=12)
    code = make_course(title="Code of conduct", due_within_months_of_election=1, refresher_months=None)
    lapsed, fine = make_user(name="A Lapsed", date_elected=months_ago(3)), make_user(name="B Fine")
    make_user(Role.OFFICER)
    complete(lapsed, course, months_ago(13))
    complete(fine, course, months_ago(1))
    complete(fine, code, months_ago(1))
    summaries = services.member_summaries()
    assert [(s.member.name, s.expired, s.due_soon, s.overdue) for s in summaries] == [
        ("A Lapsed", 1, 0, 1),
        ("B Fine", 0, 0, 0),
    ]


# ---- coverage and the compliance matrix ----------------------------------------------------------------


def test_coverage_per_course_and_category_on_a_date(app_context, make_user):
    on = date(2025, 6, 30)
    safety_refresher = make_course(title="Safety refresher", refresher_months=12)
    safety_once = make_course(title="Safety basics", refresher_months=None)
    make_course(title="Code of conduct", category=CourseCategory.CODE_OF_CONDUCT.value)
    members = [make_user() for _ in range(4)]
    make_user(Role.OFFICER)  # not a member: not counted
    make_user(active=False)  # a former member: not counted
    complete(members[0], safety_refresher, date(2025, 1, 1))  # valid on the date
    complete(members[1], safety_refresher, date(2024, 7, 15))  # due soon on the date: still covered
    complete(members[2], safety_refresher, date(2024, 1, 1))  # expired on the date
    complete(members[3], safety_refresher, date(2025, 7, 1))  # after the date: not counted
    complete(members[0], safety_once, date(2010, 1, 1))

    result = services.coverage(on)

    assert (result.on, result.members) == (on, 4)
    assert result.by_course == {"Safety refresher": 0.5, "Safety basics": 0.25, "Code of conduct": 0.0}
    assert result.by_category == {"Personal safety and risk assessment": 3 / 8, "Code of conduct": 0.0}


def test_coverage_with_no_members_is_zero_not_an_error(app_context):
    make_course()
    result = services.coverage(TODAY)
    assert result.members == 0
    assert result.by_course == {"Personal safety for councillors": 0.0}


def count_statements(run) -> int:
    statements = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return len(statements)


def add_members(how_many: int, courses: list[Course], make_user) -> None:
    for n in range(how_many):
        member = make_user(date_elected=date(2022, 5, 5))
        complete(member, courses[n % len(courses)], date(2025, 1, 1) + timedelta(days=n))
    db.session.commit()
    db.session.expire_all()


def test_compliance_matrix_queries_do_not_grow_with_members(app_context, make_user):
    on = date(2025, 6, 1)
    courses = [make_course(title=f"Course {n}", refresher_months=12) for n in range(4)]
    add_members(5, courses, make_user)
    for_five = count_statements(lambda: services.compliance_matrix(today=on))
    add_members(35, courses, make_user)
    for_forty = count_statements(lambda: services.compliance_matrix(today=on))

    assert for_five == for_forty <= 6
    matrix = services.compliance_matrix(today=on)
    assert len(matrix.members) == 40
    assert len(matrix.cells) == 40 * 4
    assert sum(totals[Status.VALID] for totals in matrix.course_totals.values()) == 40
