"""The demo council's wellbeing surveys: one template, two released rounds and one open now.

Answers are drawn from a seeded random generator, so every load gives the same figures relative to its day.
Wellbeing improves a little from the first round to the second, enough for the trend to show something.
"""

import random
from datetime import date, timedelta

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.surveys import blocks, results, store
from portal.surveys.models import (
    QuestionKind,
    RoundStatus,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
    SurveyTemplate,
)

TEMPLATE_NAME = "Member wellbeing and safety survey"
ATTRIBUTES = {
    "attr.independent": ("Are you an independent councillor?", ["Yes", "No"]),
    "attr.years": (
        "How long have you been a councillor?",
        ["Less than 2 years", "2 to 5 years", "6 to 10 years", "More than 10 years"],
    ),
}
# How many respondents give each attribute option, in option order; the rest prefer not to say. The groups
# keep their sizes from round to round (or move by five or more), so breakdowns are not refused for
# singling out a joiner or leaver.
GROUP_SIZES = {"attr.independent": [8, 14], "attr.years": [6, 9, 7, 5]}
ANYTHING_ELSE = "Is there anything else you would like the council to know?"
COMMENTS = [
    "The lone-worker alarm has made evening surgeries feel much safer.",
    "It would help to have a named officer to call after a difficult meeting.",
    "Social media abuse peaks around planning decisions; support then would be welcome.",
    "The counselling sessions were quick to arrange and genuinely useful.",
    "I did not know the police had a single point of contact until this year.",
    "Please repeat the de-escalation workshop in the evening for those who work.",
    "Our group now shares tips on blocking and reporting, which helps.",
    "Home addresses on old election material are still a worry.",
    "The newsletter is a good reminder that support exists.",
    "More training on handling abuse at public meetings, please.",
    "I would like the chair of meetings to step in sooner when debate turns personal.",
    "Knowing the champions by name makes it easier to ask for help.",
]


def load_surveys(people: dict[str, User], today: date | None = None) -> None:
    """Create the template, two released rounds and an open round that the demo councillor has not answered."""
    today = today or date.today()
    rng = random.Random(2026)  # noqa: S311 (repeatable demo figures, nothing secret)  # nosec B311
    councillors = sorted((user for user in people.values() if user.has_role(Role.COUNCILLOR)), key=lambda u: u.id)
    template = _template()
    for title, days_ago, respondents, mood in (
        ("Wellbeing survey: last winter", 300, 27, 2.6),
        ("Wellbeing survey: summer", 130, 32, 3.0),
    ):
        opens_on = today - timedelta(days=days_ago)
        survey_round = _round(template, title, opens_on, opens_on + timedelta(days=21), RoundStatus.OPEN)
        _answer(survey_round, _invite(survey_round, councillors), respondents, mood, rng)
        _close_and_release(survey_round, people["officer"])
    open_round = _round(
        template, "Wellbeing survey: winter", today - timedelta(days=5), today + timedelta(days=16), RoundStatus.OPEN
    )
    others = [member for member in councillors if member.email != people["councillor"].email]
    _invite(open_round, councillors)
    _answer(open_round, others, 12, 3.1, rng)
    open_round.response_count_snapshot = 12
    open_round.response_count_snapshot_on = today


def _template() -> SurveyTemplate:
    template = SurveyTemplate(
        name=TEMPLATE_NAME,
        description="Asked every six months: how members are, what they have faced, and whether support works.",
    )
    questions = [(code, standard) for code in ("who5", "experience") for standard in blocks.BLOCKS[code].questions]
    for position, (code, standard) in enumerate(questions):
        template.questions.append(
            SurveyQuestion(
                position=position,
                key=standard.key,
                kind=standard.kind,
                text=standard.text,
                help_text=standard.help_text,
                options=list(standard.options),
                required=standard.required,
                block=code,
                statement_tags=list(standard.statement_tags),
            )
        )
    template.questions.append(
        SurveyQuestion(
            position=len(questions), key="demo.anything_else", kind=QuestionKind.FREE_TEXT, text=ANYTHING_ELSE
        )
    )
    for offset, (key, (text, options)) in enumerate(ATTRIBUTES.items(), start=len(questions) + 1):
        template.questions.append(
            SurveyQuestion(
                position=offset,
                key=key,
                kind=QuestionKind.SINGLE_CHOICE,
                text=text,
                options=[*options, blocks.PREFER_NOT_TO_SAY],
                is_attribute=True,
            )
        )
    db.session.add(template)
    return template


def _round(template: SurveyTemplate, title: str, opens_on: date, closes_on: date, status: RoundStatus) -> SurveyRound:
    survey_round = SurveyRound(
        template=template,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        status=status,
        reminder_days=[7, 2],
    )
    db.session.add(survey_round)
    db.session.flush()
    return survey_round


def _invite(survey_round: SurveyRound, members: list[User]) -> list[User]:
    db.session.add_all(SurveyInvitation(round_id=survey_round.id, user_id=member.id) for member in members)
    survey_round.invited_count = len(members)
    db.session.flush()
    return members


def _answer(survey_round: SurveyRound, members: list[User], how_many: int, mood: float, rng: random.Random) -> None:
    questions = survey_round.template.questions
    for position, member in enumerate(rng.sample(members, how_many)):
        answers = {
            question.id: value for question in questions if (value := _value(question, mood, position, rng)) is not None
        }
        store.record_response(survey_round, member.id, answers, questions)
    db.session.flush()


def _value(question: SurveyQuestion, mood: float, position: int, rng: random.Random) -> store.AnswerValue | None:
    kind = QuestionKind(question.kind)
    if kind is QuestionKind.FREQUENCY:
        return max(0, min(5, round(rng.gauss(mood, 1.1))))
    if question.key in GROUP_SIZES:
        return _group_of(position, GROUP_SIZES[question.key])
    if kind is QuestionKind.AGREEMENT:
        return max(1, min(5, round(rng.gauss(mood + 0.6, 0.9))))
    if kind is QuestionKind.FREE_TEXT:
        return COMMENTS[position] if position < len(COMMENTS) and rng.random() < 0.95 else None
    if kind is QuestionKind.MULTIPLE_CHOICE:
        return sorted(rng.sample(range(len(question.options)), rng.randint(1, 2)))
    if question.key == "exp.experienced":
        return 0 if rng.random() < 0.55 else rng.choice([1, 2])
    return rng.randrange(len(question.options))


def _group_of(position: int, sizes: list[int]) -> int:
    """The option index of the respondent at `position`; past the listed groups, "Prefer not to say"."""
    for option_index, size in enumerate(sizes):
        if position < size:
            return option_index
        position -= size
    return len(sizes)


def _close_and_release(survey_round: SurveyRound, officer: User) -> None:
    survey_round.status = RoundStatus.CLOSED
    survey_round.response_count = db.session.query(SurveyResponse).filter_by(round_id=survey_round.id).count()
    survey_round.response_count_snapshot = survey_round.response_count
    results.release(survey_round, by=officer)
