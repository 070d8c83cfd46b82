"""The rules for training: the catalogue, recording completions, and each member's standing."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts import audit
from portal.accounts.models import Role, User, UserRole
from portal.common.time import format_date
from portal.extensions import db
from portal.training.models import (
    DEFAULT_DUE_SOON_DAYS,
    Completion,
    CompletionChange,
    Course,
    CourseCategory,
    TrainingSettings,
)
from portal.training.status import CourseStanding, Status, standing

EARLIEST_COMPLETION = date(1990, 1, 1)
MIN_MONTHS, MAX_MONTHS = 1, 120
MIN_DUE_SOON_DAYS, MAX_DUE_SOON_DAYS = 1, 365


class TrainingError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# ---- catalogue -----------------------------------------------------------------------------------------


def courses(*, active_only: bool = True, category: str | None = None) -> list[Course]:
    query = select(Course).order_by(Course.category, Course.title)
    if active_only:
        query = query.where(Course.active.is_(True))
    if category:
        query = query.where(Course.category == category)
    return list(db.session.scalars(query))


def get_course_or_404(course_id: int) -> Course:
    return db.get_or_404(Course, course_id)


def course_titled(title: str) -> Course | None:
    return db.session.scalar(select(Course).where(func.lower(Course.title) == title.strip().lower()))


@dataclass
class CourseInput:
    title: str
    category: str
    description: str = ""
    provider: str = "In-house"
    link: str | None = None
    format: str = "workshop"
    mandatory: bool = False
    refresher_months: int | None = None
    due_within_months_of_election: int | None = None
    active: bool = True


COURSE_FIELDS = tuple(CourseInput.__dataclass_fields__)
MONTHS_MESSAGE = f"Enter a number of months from {MIN_MONTHS} to {MAX_MONTHS}, or leave it empty"


def _check_course(data: CourseInput, course: Course | None = None) -> None:
    if data.category not in {category.value for category in CourseCategory}:
        raise TrainingError("Choose a category", "category")
    existing = course_titled(data.title)
    if existing is not None and existing is not course:
        raise TrainingError("A course with this title already exists", "title")
    for name in ("refresher_months", "due_within_months_of_election"):
        value = getattr(data, name)
        if value is not None and not MIN_MONTHS <= value <= MAX_MONTHS:
            raise TrainingError(MONTHS_MESSAGE, name)


def create_course(data: CourseInput, *, by: User | None) -> Course:
    _check_course(data)
    course = Course(**{name: getattr(data, name) for name in COURSE_FIELDS})
    course.title = course.title.strip()
    db.session.add(course)
    db.session.flush()
    audit.record(by, "training.course-created", f"Added the course {course.title}", target=course)
    return course


def update_course(course: Course, data: CourseInput, *, by: User) -> Course:
    _check_course(data, course)
    changed = {}
    for name in COURSE_FIELDS:
        before, after = getattr(course, name), getattr(data, name)
        if before != after:
            changed[name] = [before, after]
            setattr(course, name, after)
    audit.record(by, "training.course-updated", f"Edited the course {course.title}", target=course, detail=changed)
    return course


# ---- completions ---------------------------------------------------------------------------------------


def _check_date(completed_on: date, today: date | None = None) -> None:
    today = today or date.today()
    if completed_on > today:
        raise TrainingError("The completion date must be today or in the past", "completed_on")
    if completed_on < EARLIEST_COMPLETION:
        raise TrainingError(f"The completion date must be after {EARLIEST_COMPLETION.year}", "completed_on")


def _describe(completion: Completion) -> str:
    note = f" ({completion.note})" if completion.note else ""
    return f"{completion.course.title} on {format_date(completion.completed_on)}{note}"


def record_completion(user: User, course: Course, completed_on: date, note: str = "", *, by: User | None) -> Completion:
    """Record that `user` completed `course` on `completed_on`; the same course and day twice is refused."""
    _check_date(completed_on)
    if _already_recorded(course, completed_on, [user.id]):
        raise TrainingError(f"{user.name} already has {course.title} recorded on that date", "completed_on")
    completion = Completion(user=user, course=course, completed_on=completed_on, note=note.strip(), recorded_by=by)
    completion.changes.append(CompletionChange(changed_by=by, action="recorded", after=_describe(completion)))
    db.session.add(completion)
    db.session.flush()
    return completion


def _already_recorded(
    course: Course, completed_on: date, user_ids: Iterable[int], *, besides: int | None = None
) -> list[int]:
    """The ids of those among `user_ids` who already have `course` recorded on `completed_on`."""
    query = select(Completion.user_id).where(
        Completion.course_id == course.id,
        Completion.completed_on == completed_on,
        Completion.user_id.in_(list(user_ids)),
    )
    if besides is not None:
        query = query.where(Completion.id != besides)
    return list(db.session.scalars(query))


def _names(people: Sequence[User]) -> str:
    names = [person.name for person in people]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def record_attendance(
    course: Course, people: Sequence[User], completed_on: date, note: str = "", *, by: User
) -> list[Completion]:
    """A whole session's attendance list at once: all recorded, or none if any is refused.

    Everything is checked before anything is written, so a refusal leaves the session untouched.
    """
    people = list({person.id: person for person in people}.values())
    if not people:
        raise TrainingError("Choose at least one person who attended", "people")
    _check_date(completed_on)
    clashes = set(_already_recorded(course, completed_on, [person.id for person in people]))
    if clashes:
        named = _names([person for person in people if person.id in clashes])
        verb = "has" if len(clashes) == 1 else "have"
        raise TrainingError(
            f"{named} already {verb} {course.title} recorded on {format_date(completed_on)}. "
            "Nobody on this list has been recorded: untick them or check the date, then save again.",
            "people",
        )
    completions = [record_completion(person, course, completed_on, note, by=by) for person in people]
    audit.record(
        by,
        "training.attendance-recorded",
        f"Recorded {len(completions)} attendances at {course.title} on {completed_on.isoformat()}",
        target=course,
        detail={"people": [person.id for person in people]},
    )
    return completions


def correct_completion(completion: Completion, completed_on: date, note: str, *, by: User) -> None:
    """Change a record's date or note, keeping what it said before in its history."""
    _check_date(completed_on)
    if _already_recorded(completion.course, completed_on, [completion.user_id], besides=completion.id):
        raise TrainingError(
            f"{completion.user.name} already has {completion.course.title} recorded on that date", "completed_on"
        )
    before = _describe(completion)
    completion.completed_on, completion.note = completed_on, note.strip()
    after = _describe(completion)
    if before == after:
        return
    completion.changes.append(CompletionChange(changed_by=by, action="corrected", before=before, after=after))
    audit.record(
        by,
        "training.completion-corrected",
        f"Corrected a training record of {completion.user.name}",
        target=completion,
        detail={"before": before, "after": after},
    )


def get_completion_or_404(completion_id: int) -> Completion:
    return db.get_or_404(Completion, completion_id)


def completions_of(user: User) -> list[Completion]:
    """A member's completions, latest first, with each record's history and who made it."""
    query = (
        select(Completion)
        .where(Completion.user_id == user.id)
        .options(
            selectinload(Completion.changes).joinedload(CompletionChange.changed_by),
            selectinload(Completion.recorded_by),
        )
        .order_by(Completion.completed_on.desc(), Completion.id.desc())
    )
    return list(db.session.scalars(query))


# ---- standing ------------------------------------------------------------------------------------------


def due_soon_days() -> int:
    settings = db.session.scalar(select(TrainingSettings).limit(1))
    return settings.due_soon_days if settings else DEFAULT_DUE_SOON_DAYS


DUE_SOON_MESSAGE = f"Enter a number of days from {MIN_DUE_SOON_DAYS} to {MAX_DUE_SOON_DAYS}"


def set_due_soon_days(days: int, *, by: User) -> None:
    if not MIN_DUE_SOON_DAYS <= days <= MAX_DUE_SOON_DAYS:
        raise TrainingError(DUE_SOON_MESSAGE, "due_soon_days")
    settings = db.session.scalar(select(TrainingSettings).limit(1))
    if settings is None:
        settings = TrainingSettings()
        db.session.add(settings)
    before = settings.due_soon_days
    settings.due_soon_days = days
    audit.record(
        by,
        "training.settings-changed",
        f"Set the due-soon window to {days} days",
        detail={"before": before, "after": days},
    )


def latest_completions(user_ids: Iterable[int] | None = None, on: date | None = None) -> dict[tuple[int, int], date]:
    """(user id, course id) → the latest completion date on or before `on`, in one grouped query."""
    query = select(Completion.user_id, Completion.course_id, func.max(Completion.completed_on)).group_by(
        Completion.user_id, Completion.course_id
    )
    if user_ids is not None:
        query = query.where(Completion.user_id.in_(list(user_ids)))
    if on is not None:
        query = query.where(Completion.completed_on <= on)
    return {(user_id, course_id): latest for user_id, course_id, latest in db.session.execute(query)}


def standing_of(user: User, course: Course, latest: date | None, today: date, window: int) -> CourseStanding:
    return standing(
        refresher_months=course.refresher_months,
        due_within_months_of_election=course.due_within_months_of_election,
        completed_on=latest,
        date_elected=user.date_elected,
        today=today,
        due_soon_days=window,
    )


URGENCY = [Status.EXPIRED, Status.NOT_TAKEN, Status.DUE_SOON, Status.DUE_AFTER_ELECTION, Status.VALID]


@dataclass
class RecordLine:
    course: Course
    standing: CourseStanding

    @property
    def needs_action(self) -> bool:
        """Whether the member should book this course: lapsed, lapsing, due, or mandatory and never taken."""
        if self.standing.status is Status.NOT_TAKEN:
            return self.course.mandatory or self.standing.due_on is not None
        return self.standing.status is not Status.VALID

    @property
    def sort_key(self) -> tuple:
        due_on = self.standing.due_on or date.max
        return URGENCY.index(self.standing.status), not self.course.mandatory, due_on, self.course.title.lower()


def member_record(user: User, today: date | None = None) -> list[RecordLine]:
    """Every active course with where `user` stands on it; what needs doing first.

    Order: expired, not taken, due soon, due after election, valid; mandatory before optional; then the
    earliest due date; then the title.
    """
    today = today or date.today()
    window = due_soon_days()
    latest = latest_completions([user.id], on=today)
    lines = [
        RecordLine(course, standing_of(user, course, latest.get((user.id, course.id)), today, window))
        for course in courses()
    ]
    return sorted(lines, key=lambda line: line.sort_key)


def due_next(record: Sequence[RecordLine]) -> list[RecordLine]:
    """The lines of a member's record that ask them to do something, most urgent first."""
    return [line for line in record if line.needs_action]


def get_member_or_404(user_id: int) -> User:
    """A person who holds (or held) the councillor role: training records are kept for members."""
    user = db.get_or_404(User, user_id)
    if not user.has_role(Role.COUNCILLOR):
        abort(404)
    return user


def current_members(ward: str | None = None, group: str | None = None) -> list[User]:
    query = (
        select(User)
        .join(UserRole)
        .where(UserRole.role == Role.COUNCILLOR.value, User.active.is_(True))
        .order_by(User.name)
    )
    if ward:
        query = query.where(User.ward == ward)
    if group:
        query = query.where(User.political_group == group)
    return list(db.session.scalars(query))


@dataclass
class Matrix:
    members: list[User]
    courses: list[Course]
    cells: dict[tuple[int, int], CourseStanding]
    course_totals: dict[int, dict[Status, int]] = field(default_factory=dict)
    member_totals: dict[int, dict[Status, int]] = field(default_factory=dict)


def compliance_matrix(
    *, ward: str | None = None, group: str | None = None, category: str | None = None, today: date | None = None
) -> Matrix:
    """Members × courses with each cell's standing and totals both ways, in three queries whatever the size."""
    today = today or date.today()
    window = due_soon_days()
    members, course_list = current_members(ward, group), courses(category=category)
    latest = latest_completions(on=today)
    matrix = Matrix(members, course_list, {})
    for course in course_list:
        matrix.course_totals[course.id] = dict.fromkeys(Status, 0)
    for member in members:
        totals = matrix.member_totals[member.id] = dict.fromkeys(Status, 0)
        for course in course_list:
            cell = standing_of(member, course, latest.get((member.id, course.id)), today, window)
            matrix.cells[member.id, course.id] = cell
            totals[cell.status] += 1
            matrix.course_totals[course.id][cell.status] += 1
    return matrix


@dataclass
class MemberSummary:
    member: User
    expired: int
    due_soon: int
    overdue: int  # never taken, and the deadline after their election has passed


def member_summaries(today: date | None = None) -> list[MemberSummary]:
    """Each current member with how many courses have expired, are due soon, or are overdue after election."""
    matrix = compliance_matrix(today=today)
    summaries = []
    for member in matrix.members:
        totals = matrix.member_totals[member.id]
        overdue = sum(matrix.cells[member.id, course.id].overdue for course in matrix.courses)
        summaries.append(MemberSummary(member, totals[Status.EXPIRED], totals[Status.DUE_SOON], overdue))
    return summaries


def wards_and_groups() -> tuple[list[str], list[str]]:
    members = current_members()
    return (
        sorted({m.ward for m in members if m.ward}),
        sorted({m.political_group for m in members if m.political_group}),
    )


@dataclass
class Coverage:
    on: date
    members: int
    by_course: dict[str, float]  # course title → share of current members covered (0 to 1)
    by_category: dict[str, float]  # category label → share of member-course pairs covered in that category


def coverage(on: date | None = None) -> Coverage:
    """The share of current members with valid training, per course and per category, on a date.

    For the self-assessment's evidence. Due soon still counts as covered: the training has not lapsed yet.
    """
    matrix = compliance_matrix(today=on)
    on = on or date.today()
    count = len(matrix.members)
    by_course, category_counts = {}, {}
    for course in matrix.courses:
        covered = sum(matrix.course_totals[course.id][status] for status in Status if status.counts_as_covered)
        by_course[course.title] = covered / count if count else 0.0
        label = CourseCategory(course.category).label
        done, total = category_counts.get(label, (0, 0))
        category_counts[label] = (done + covered, total + count)
    by_category = {label: (done / total if total else 0.0) for label, (done, total) in category_counts.items()}
    return Coverage(on, count, by_course, by_category)
