"""The figures the portal already holds that bear on a statement, and attaching one as frozen evidence.

Each source is a small function in `SOURCES`, keyed by the name the framework lists in a statement's
`indicators` ("training.coverage:personal_safety" asks the "training.coverage" source for one category).
A source returns zero or more `Indicator`s, each with a stable name that the Attach button sends back.

Survey figures come only from released rounds' frozen aggregates through portal/surveys/results.py, which
applies the round's anonymity threshold K: a figure resting on fewer than K answers is never computed here,
only said to be unavailable, and cannot be attached.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import abort
from sqlalchemy import func, select

from portal.accounts import audit
from portal.accounts.models import User
from portal.champions import services as champions
from portal.directory import services as directory
from portal.directory.models import Service, ServiceStatus
from portal.extensions import db
from portal.newsletters.models import Channel, IssueStatus, NewsletterIssue
from portal.selfassessment.assessments import refuse_if_finalised
from portal.selfassessment.models import AssessedStatement, AttachedEvidence
from portal.surveys import results
from portal.surveys.models import QuestionKind, RoundStatus, SurveyQuestion, SurveyRound
from portal.training import services as training
from portal.training.models import CourseCategory

MAX_TEXT = 300  # the stored columns' length


@dataclass(frozen=True)
class Indicator:
    name: str  # stable id, e.g. "training.coverage:personal_safety"
    label: str
    value: str
    source: str  # where it came from, in words
    as_of: date  # the date the figure describes
    attachable: bool = True  # False when there is nothing to show, such as a survey figure under K


@dataclass(frozen=True)
class Request:
    """What a source is asked: the statement, the day, and the part of the name after a colon."""

    statement: AssessedStatement
    on: date
    argument: str = ""


Source = Callable[[Request], list[Indicator]]


class EvidenceError(ValueError):
    """A figure that cannot be attached (a finalised assessment raises assessments.AssessmentFinalised)."""


def indicators_for(statement: AssessedStatement, on: date | None = None) -> list[Indicator]:
    """The live figures for each indicator the statement lists, in the framework's order; unknown names skipped."""
    on = on or date.today()
    found: list[Indicator] = []
    for name in statement.indicators or []:
        source_name, _, argument = name.partition(":")
        source = SOURCES.get(source_name)
        if source is not None:
            found += source(Request(statement, on, argument))
    return found


# ---- surveys: released rounds only, under the round's threshold ----------------------------------------


def _released_rounds(on: date) -> list[SurveyRound]:
    """Rounds released by the end of `on`, newest first."""
    end_of_day = datetime.combine(on, time.max)
    return list(
        db.session.scalars(
            select(SurveyRound)
            .where(SurveyRound.status == RoundStatus.RELEASED, SurveyRound.released_at <= end_of_day)
            .order_by(SurveyRound.closes_on.desc(), SurveyRound.id.desc())
        )
    )


def _survey_source(survey_round: SurveyRound, responses: int) -> str:
    return f"Released results of the survey “{survey_round.title}”, {responses} responses"


def _not_enough(k: int) -> str:
    return f"Not enough answers to show (fewer than {k})"


def _question_figure(question: SurveyQuestion, distribution: results.Distribution) -> str:
    """The headline of a question's answers, in words."""
    answered = f"{distribution.answers} answered"
    if question.kind == QuestionKind.AGREEMENT:
        values = list(results.option_labels(question))
        agreeing = sum(
            bar.count for value, bar in zip(values, distribution.bars, strict=True) if value in results.AGREE
        )
        return f"{100 * agreeing / distribution.answers:.0f}% agree or strongly agree ({answered})"
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return f"{distribution.headline} ({answered}; more than one answer allowed)"
    return f"{distribution.headline} ({answered})"


def _tagged(request: Request) -> list[Indicator]:
    """Each question tagged with the statement's key, from the latest released round that asked it."""
    key = request.statement.key
    for survey_round in _released_rounds(request.on):
        if not any(key in (question.statement_tags or []) for question in survey_round.template.questions):
            continue
        found = results.round_results(survey_round)
        source = _survey_source(survey_round, found.responses)
        indicators = []
        for result in found.questions:
            if key not in (result.question.statement_tags or []) or result.question.kind == QuestionKind.FREE_TEXT:
                continue
            shown = result.distribution is not None
            indicators.append(
                Indicator(
                    name=f"surveys.tagged:{result.question.key}",
                    label=f"Survey: {result.question.text}",
                    value=_question_figure(result.question, result.distribution) if shown else _not_enough(found.k),
                    source=source,
                    as_of=survey_round.closes_on,
                    attachable=shown,
                )
            )
        return indicators
    return []


def _who5(request: Request) -> list[Indicator]:
    for survey_round in _released_rounds(request.on):
        found = results.round_results(survey_round)
        if not found.has_who5:
            continue
        if found.who5 is None:
            value = _not_enough(found.k)
        else:
            value = (
                f"Mean {found.who5.mean:.0f} out of 100; {found.who5.low_share:.0f}% at or below 50, "
                f"a sign of low wellbeing ({found.who5.scores} scores)"
            )
        return [
            Indicator(
                "surveys.who5",
                "Wellbeing (WHO-5 score)",
                value,
                _survey_source(survey_round, found.responses),
                survey_round.closes_on,
                attachable=found.who5 is not None,
            )
        ]
    return []


def _response_rate(request: Request) -> list[Indicator]:
    rounds = _released_rounds(request.on)
    if not rounds:
        return []
    survey_round = rounds[0]
    found = results.round_results(survey_round)
    if found.rate is None:
        value = f"{found.responses} responses"
    else:
        value = f"{found.rate:.0f}% ({found.responses} of {found.invited} invited members answered)"
    return [
        Indicator(
            "surveys.response_rate",
            "Survey response rate",
            value,
            f"Released results of the survey “{survey_round.title}”",
            survey_round.closes_on,
        )
    ]


# ---- training ------------------------------------------------------------------------------------------


def _coverage(request: Request) -> list[Indicator]:
    """Share of current members with valid training, for one category or for every category with courses."""
    if request.argument and request.argument not in {category.value for category in CourseCategory}:
        return []
    coverage = training.coverage(request.on)
    categories = [CourseCategory(request.argument)] if request.argument else list(CourseCategory)
    indicators = []
    for category in categories:
        share = coverage.by_category.get(category.label)
        if share is None and not request.argument:
            continue  # no courses in it: not worth a line unless the framework asked for this category
        if share is None:
            value = "No active course in this category"
        elif not coverage.members:
            value = "No current members"
        else:
            courses = len(training.courses(category=category.value))
            value = f"{100 * share:.0f}% of {coverage.members} current members across {_count(courses, 'course')}"
        indicators.append(
            Indicator(
                f"training.coverage:{category.value}",
                f"Members with valid training: {category.label}",
                value,
                "Training records, counting training due soon as still valid",
                coverage.on,
            )
        )
    return indicators


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


# ---- directory -----------------------------------------------------------------------------------------


def _named(services: list[Service], role: str) -> str:
    if not services:
        return f"No: no active directory entry is marked as {role}"
    return "Yes: " + ", ".join(service.name for service in services)


def _police_contact(request: Request) -> list[Indicator]:
    named = directory.help_now().police_contacts
    return [
        Indicator(
            "directory.police_contact",
            "A police single point of contact in the directory",
            _named(named, "the police single point of contact"),
            "Support directory",
            request.on,
        )
    ]


def _out_of_hours(request: Request) -> list[Indicator]:
    named = directory.help_now().out_of_hours
    return [
        Indicator(
            "directory.out_of_hours",
            "An out-of-hours number in the directory",
            _named(named, "the council's out-of-hours number"),
            "Support directory",
            request.on,
        )
    ]


def _overdue(request: Request) -> list[Indicator]:
    due = directory.count_due_a_check(request.on)
    value = (
        "None: every entry was checked in the last 12 months"
        if not due
        else _count(due, "entry", "entries") + " overdue"
    )
    return [
        Indicator(
            "directory.overdue",
            "Directory entries not checked in the last 12 months",
            value,
            "Support directory",
            request.on,
        )
    ]


def _support_entries(request: Request) -> list[Indicator]:
    active = db.session.scalar(select(func.count()).where(Service.status == ServiceStatus.ACTIVE))
    return [
        Indicator(
            "directory.support_entries",
            "Active entries in the support directory",
            _count(active, "active entry", "active entries"),
            "Support directory",
            request.on,
        )
    ]


# ---- champions and newsletters -------------------------------------------------------------------------


def _champions(request: Request) -> list[Indicator]:
    appointed = champions.champions()
    names = ", ".join(profile.user.name for profile in appointed)
    value = f"{len(appointed)} appointed: {names}" if appointed else "None appointed"
    return [Indicator("champions.appointed", "Safety champions appointed", value, "Champions", request.on)]


def _a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _newsletters(request: Request) -> list[Indicator]:
    since = datetime.combine(_a_year_before(request.on), time.max)
    until = datetime.combine(request.on, time.max)
    counts = dict(
        db.session.execute(
            select(NewsletterIssue.channel, func.count())
            .where(
                NewsletterIssue.status == IssueStatus.SENT,
                NewsletterIssue.sent_at > since,
                NewsletterIssue.sent_at <= until,
            )
            .group_by(NewsletterIssue.channel)
        ).all()
    )
    newsletters, notices = counts.get(Channel.NEWSLETTER, 0), counts.get(Channel.SAFETY_NOTICE, 0)
    return [
        Indicator(
            "newsletters.sent_12_months",
            "Newsletters and safety notices sent in the last 12 months",
            f"{_count(newsletters, 'newsletter')} and {_count(notices, 'safety notice')}",
            "Newsletter archive",
            request.on,
        )
    ]


SOURCES: dict[str, Source] = {
    "surveys.tagged": _tagged,
    "surveys.who5": _who5,
    "surveys.response_rate": _response_rate,
    "training.coverage": _coverage,
    "directory.police_contact": _police_contact,
    "directory.out_of_hours": _out_of_hours,
    "directory.overdue": _overdue,
    "directory.support_entries": _support_entries,
    "champions.appointed": _champions,
    "newsletters.sent_12_months": _newsletters,
}


# ---- attaching: a copy of the figure as it stands today ------------------------------------------------


def _fit(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def attach(
    statement: AssessedStatement, indicator_name: str, *, by: User, today: date | None = None
) -> AttachedEvidence:
    """Work the figure out now and keep a copy: later changes in the portal never alter what was attached."""
    refuse_if_finalised(statement.assessment)
    indicator = next(
        (found for found in indicators_for(statement, today) if found.name == indicator_name and found.attachable),
        None,
    )
    if indicator is None:
        raise EvidenceError("That figure is not one the portal can attach to this statement")
    evidence = AttachedEvidence(
        indicator=indicator.name,
        label=_fit(indicator.label),
        value=_fit(indicator.value),
        source=_fit(indicator.source),
        as_of=indicator.as_of,
        attached_by_id=by.id,
    )
    statement.gathered.append(evidence)
    db.session.flush()
    audit.record(
        by,
        "assessment.evidence_attached",
        f"Attached “{evidence.label}” to statement {statement.key} of {statement.assessment.title}",
        target=statement,
        detail={"assessment_id": statement.assessment_id, "indicator": indicator.name, "value": evidence.value},
    )
    return evidence


def get_evidence_or_404(statement: AssessedStatement, evidence_id: int) -> AttachedEvidence:
    """One of `statement`'s attached items; 404 for another statement's too."""
    return next((evidence for evidence in statement.gathered if evidence.id == evidence_id), None) or abort(404)


def detach(statement: AssessedStatement, evidence: AttachedEvidence, *, by: User) -> None:
    refuse_if_finalised(statement.assessment)
    statement.gathered.remove(evidence)
    db.session.flush()
    audit.record(
        by,
        "assessment.evidence_removed",
        f"Removed “{evidence.label}” from statement {statement.key} of {statement.assessment.title}",
        target=statement,
        detail={"assessment_id": statement.assessment_id, "indicator": evidence.indicator, "value": evidence.value},
    )
