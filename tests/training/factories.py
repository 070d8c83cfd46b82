"""Courses and completions for tests, made through the training services."""

from datetime import date

from portal.training import services
from portal.training.models import Course, CourseCategory


def make_course(**overrides) -> Course:
    fields = {
        "title": "Personal safety for councillors",
        "category": CourseCategory.PERSONAL_SAFETY.value,
        "refresher_months": 24,
        "mandatory": True,
    }
    fields.update(overrides)
    return services.create_course(services.CourseInput(**fields), by=None)


def complete(user, course: Course, on: date, note: str = ""):
    return services.record_completion(user, course, on, note, by=None)
