"""Releasing a closed round's figures, and reading them back under the suppression rules.

Release freezes `SurveyAggregate` rows, computed by GROUP BY in the database over `survey_answers` (never a
Python loop over answer rows): one statement per family of metrics, each counting everyone and every
attribute group at once, so 100,000 responses release in seconds. The metrics, each either for everyone (no
attribute) or for the respondents who chose one option of an attribute question (`attribute_question_id`,
`attribute_option`):

- "responses": how many responses (value ""; question none). With an attribute: that group's size.
- "answers": how many responses answered a question (value ""), for every question kind, free text included.
- "option": how many chose an option, `value` the option index (choice questions and attributes; one
  response can count towards several options of a multiple-choice question).
- "number": how many gave a number, `value` the number (agreement 1-5, scale 0-10, WHO-5 items 0-5).
- "who5_score": how many responses with all five WHO-5 items scored `value` (the sum times 4, 0-100); their
  total is the number of WHO-5 scores, and the mean and the share at or below 50 come from them.

Everything shown afterwards is read from these rows, so results survive the deletion of the raw answers.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import and_, delete, distinct, func, insert, null, or_, select, union_all

from portal.accounts import audit
from portal.accounts.models import User
from portal.common.time import utcnow
from portal.extensions import db
from portal.surveys import blocks, disclosure
from portal.surveys.models import (
    QuestionKind,
    RoundStatus,
    SurveyAggregate,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
)

WHO5_BANDS = [(0, 28, "28 or below"), (32, 50, "32 to 50"), (52, 76, "52 to 76"), (80, 100, "80 to 100")]
AGREE = (4, 5)  # Agree, Strongly agree
KNOW_SUPPORT_KEY = "exp.know_support"
WHO5_KEY = "who5"  # the trend key of the WHO-5 score


class ReleaseError(ValueError):
    pass


# ---- release ------------------------------------------------------------------------------------------


def release(survey_round: SurveyRound, by: User) -> None:
    """Freeze the round's figures and make them visible to officers (and a summary to members)."""
    if survey_round.status != RoundStatus.CLOSED:
        raise ReleaseError("Only a closed round can be released")
    db.session.execute(delete(SurveyAggregate).where(SurveyAggregate.round_id == survey_round.id))
    rows = aggregate_rows(survey_round)
    if rows:
        db.session.execute(insert(SurveyAggregate), rows)
    survey_round.status = RoundStatus.RELEASED
    survey_round.released_at = utcnow()
    survey_round.released_by_id = by.id
    audit.record(
        by,
        "survey.released",
        f"Released the results of {survey_round.title}",
        target=survey_round,
        detail={"round_id": survey_round.id},
    )


def aggregate_rows(survey_round: SurveyRound) -> list[dict]:
    """Every aggregate of the round, as rows ready to insert: one GROUP BY statement per metric family.

    Each statement counts everyone straight from the (round, question, value) index, and the breakdowns by
    joining every answer to its response's attribute answers (`_attribute_scopes`, computed once per
    statement), so a round costs the same few statements whatever its number of questions and attributes.
    """
    round_id = survey_round.id
    questions = survey_round.template.questions
    attribute_ids = [question.id for question in questions if question.is_attribute]
    who5_ids = _who5_question_ids(questions)

    def row(metric, count, question_id=None, value="", attribute_question_id=None, attribute_option=None) -> dict:
        return {
            "round_id": round_id,
            "question_id": question_id,
            "metric": metric,
            "value": str(value),
            "attribute_question_id": attribute_question_id,
            "attribute_option": attribute_option,
            "count": count,
        }

    responses = db.session.scalar(select(func.count()).where(SurveyResponse.round_id == round_id))
    rows = [row("responses", responses)]
    scopes = _attribute_scopes(round_id, attribute_ids) if attribute_ids else None

    for attribute_id, attribute_option, question_id, option, number, count in db.session.execute(
        _values_by_scope(round_id, scopes)
    ):
        metric = "option" if option is not None else "number"
        rows.append(row(metric, count, question_id, _value(option, number), attribute_id, attribute_option))
        if attribute_id is None and question_id in attribute_ids:
            rows.append(row("responses", count, attribute_question_id=question_id, attribute_option=option))

    for attribute_id, attribute_option, question_id, count in db.session.execute(_answered_by_scope(round_id, scopes)):
        rows.append(row("answers", count, question_id, "", attribute_id, attribute_option))

    if who5_ids:
        for attribute_id, attribute_option, score, count in db.session.execute(
            _who5_scores_by_scope(round_id, who5_ids, scopes)
        ):
            rows.append(row("who5_score", count, None, score, attribute_id, attribute_option))
    return rows


_answers = SurveyAnswer.__table__
_responses = SurveyResponse.__table__
_EVERYONE_SCOPE = (null().label("attribute_question_id"), null().label("attribute_option"))


def _attribute_scopes(round_id: int, attribute_ids: list[int]):
    """Each response's attribute answers: (response, attribute question, option chosen).

    Driven from the round's responses in id order, so the lookups into the answers' (response, question)
    index walk it in order rather than jumping about.
    """
    attribute = _answers.alias("attribute")
    return (
        select(
            _responses.c.id.label("response_id"),
            attribute.c.question_id.label("attribute_question_id"),
            attribute.c.option_index.label("attribute_option"),
        )
        .join(attribute, attribute.c.response_id == _responses.c.id)
        .where(_responses.c.round_id == round_id, attribute.c.question_id.in_(attribute_ids))
        .cte("attribute_scopes")
    )


def _crossed(scopes):
    """Answers joined to the attribute groups of their response, leaving out the attribute crossed with itself."""
    return _answers.join(
        scopes,
        and_(scopes.c.response_id == _answers.c.response_id, _answers.c.question_id != scopes.c.attribute_question_id),
    )


def _values_by_scope(round_id: int, scopes):
    """(attribute question, option, question, option index, number, count): options chosen, numbers given."""
    has_value = or_(_answers.c.option_index.is_not(None), _answers.c.number.is_not(None))
    value = (_answers.c.question_id, _answers.c.option_index, _answers.c.number)
    everyone = select(*_EVERYONE_SCOPE, *value, func.count()).where(_answers.c.round_id == round_id, has_value)
    everyone = everyone.group_by(*value)
    if scopes is None:
        return everyone
    by_group = (scopes.c.attribute_question_id, scopes.c.attribute_option)
    grouped = select(*by_group, *value, func.count()).select_from(_crossed(scopes)).where(has_value)
    return union_all(everyone, grouped.group_by(*by_group, *value))


def _answered_by_scope(round_id: int, scopes):
    """(attribute question, option, question, count): how many responses answered each question."""
    answered = func.count(distinct(_answers.c.response_id))
    everyone = select(*_EVERYONE_SCOPE, _answers.c.question_id, answered).where(_answers.c.round_id == round_id)
    everyone = everyone.group_by(_answers.c.question_id)
    if scopes is None:
        return everyone
    by_group = (scopes.c.attribute_question_id, scopes.c.attribute_option)
    grouped = select(*by_group, _answers.c.question_id, answered).select_from(_crossed(scopes))
    return union_all(everyone, grouped.group_by(*by_group, _answers.c.question_id))


def _who5_scores_by_scope(round_id: int, who5_ids: list[int], scopes):
    """(attribute question, option, score, count) over the responses with all five WHO-5 items."""
    scores = (
        select(
            _responses.c.id.label("response_id"), (func.sum(_answers.c.number) * blocks.WHO5_MULTIPLIER).label("score")
        )
        .join(_answers, _answers.c.response_id == _responses.c.id)
        .where(_responses.c.round_id == round_id, _answers.c.question_id.in_(who5_ids))
        .group_by(_responses.c.id)
        .having(func.count() == len(who5_ids))
        .cte("who5_scores")
    )
    everyone = select(*_EVERYONE_SCOPE, scores.c.score, func.count()).group_by(scores.c.score)
    if scopes is None:
        return everyone
    by_group = (scopes.c.attribute_question_id, scopes.c.attribute_option)
    grouped = (
        select(*by_group, scores.c.score, func.count())
        .select_from(scores.join(scopes, scopes.c.response_id == scores.c.response_id))
        .group_by(*by_group, scores.c.score)
    )
    return union_all(everyone, grouped)


def _value(option: int | None, number: int | None) -> int:
    return option if option is not None else number


def _who5_question_ids(questions: list[SurveyQuestion]) -> list[int]:
    """The five WHO-5 items, or none when the template does not hold all five."""
    ids = [question.id for question in questions if question.key in blocks.WHO5_KEYS]
    return ids if len(ids) == len(blocks.WHO5_KEYS) else []


# ---- reading the frozen figures -----------------------------------------------------------------------

Scope = tuple[int | None, int | None]  # (attribute question id, attribute option); (None, None) for everyone
EVERYONE: Scope = (None, None)


@dataclass
class Aggregates:
    """A round's frozen counts, read in one query and indexed by what they count."""

    responses: dict[Scope, int] = field(default_factory=dict)
    answers: dict[tuple[int, Scope], int] = field(default_factory=dict)
    values: dict[tuple[int, Scope], dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    who5: dict[Scope, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))

    @classmethod
    def of(cls, survey_round: SurveyRound) -> "Aggregates":
        found = cls()
        # Plain rows, not ORM objects: a round has hundreds of aggregates and every results page reads them.
        query = select(
            SurveyAggregate.metric,
            SurveyAggregate.question_id,
            SurveyAggregate.value,
            SurveyAggregate.attribute_question_id,
            SurveyAggregate.attribute_option,
            SurveyAggregate.count,
        ).where(SurveyAggregate.round_id == survey_round.id)
        for metric, question_id, value, attribute_id, attribute_option, count in db.session.execute(query):
            scope = (attribute_id, attribute_option)
            if metric == "responses":
                found.responses[scope] = count
            elif metric == "answers":
                found.answers[(question_id, scope)] = count
            elif metric in ("option", "number"):
                found.values[(question_id, scope)][int(value)] = count
            elif metric == "who5_score":
                found.who5[scope][int(value)] = count
        return found

    def total(self) -> int:
        return self.responses.get(EVERYONE, 0)

    def who5_count(self, scope: Scope) -> int:
        return sum(self.who5.get(scope, {}).values())


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: float

    @property
    def value(self) -> float:
        """What a chart draws: the share."""
        return self.percent

    @property
    def text(self) -> str:
        return f"{self.percent:.0f}% ({self.count})"


@dataclass(frozen=True)
class ChartBar:
    """A bar of a trend chart: a round's headline figure."""

    label: str
    value: float
    text: str


@dataclass(frozen=True)
class Distribution:
    """A question's answers in one group of at least K: counts, shares of those who answered, and a mean."""

    answers: int
    bars: list[Bar]
    mean: float | None = None
    mean_out_of: int | None = None

    @property
    def headline(self) -> str:
        if self.mean is not None:
            return f"mean {self.mean:.1f} out of {self.mean_out_of}"
        return "; ".join(f"{bar.label} {bar.percent:.0f}%" for bar in self.bars if bar.count)


@dataclass(frozen=True)
class Who5:
    scores: int  # responses with all five items
    mean: float
    low_share: float  # percent at or below 50
    bars: list[Bar]


def option_labels(question: SurveyQuestion) -> dict[int, str]:
    """What each stored value of a question means, in the order it is shown."""
    kind = QuestionKind(question.kind)
    if kind is QuestionKind.AGREEMENT:
        labels = question.options or blocks.AGREEMENT_OPTIONS
        return {number: labels[number - 1] for number in range(1, 6)}
    if kind is QuestionKind.FREQUENCY:
        labels = question.options or blocks.FREQUENCY_OPTIONS
        return {number: f"{number} {labels[number]}" for number in range(6)}
    if kind is QuestionKind.SCALE:
        return {number: str(number) for number in range(11)}
    return dict(enumerate(question.options))


def distribution(question: SurveyQuestion, aggregates: Aggregates, scope: Scope, k: int) -> Distribution | None:
    """The question's distribution in `scope`, or None unless at least K answered it there."""
    answered = aggregates.answers.get((question.id, scope), 0)
    if question.kind == QuestionKind.FREE_TEXT or not disclosure.meets_threshold(answered, k):
        return None
    counts = aggregates.values.get((question.id, scope), {})
    bars = [
        Bar(label, counts.get(value, 0), 100 * counts.get(value, 0) / answered)
        for value, label in option_labels(question).items()
    ]
    mean, out_of = None, None
    if question.kind in (QuestionKind.SCALE, QuestionKind.FREQUENCY):
        mean, out_of = _mean(counts), 10 if question.kind == QuestionKind.SCALE else 5
    return Distribution(answered, bars, mean, out_of)


def _mean(counts: dict[int, int]) -> float | None:
    total = sum(counts.values())
    return sum(value * count for value, count in counts.items()) / total if total else None


def who5(aggregates: Aggregates, scope: Scope, k: int) -> Who5 | None:
    scores = aggregates.who5.get(scope, {})
    count = sum(scores.values())
    if not disclosure.meets_threshold(count, k):
        return None
    low = sum(n for score, n in scores.items() if score <= blocks.WHO5_LOW_WELLBEING_AT_OR_BELOW)
    bars = []
    for low_end, high_end, label in WHO5_BANDS:
        in_band = sum(n for score, n in scores.items() if low_end <= score <= high_end)
        bars.append(Bar(label, in_band, 100 * in_band / count))
    return Who5(count, _mean(scores), 100 * low / count, bars)


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answers: int
    distribution: Distribution | None


@dataclass
class RoundResults:
    survey_round: SurveyRound
    k: int
    responses: int
    invited: int
    questions: list[QuestionResult]
    who5: Who5 | None
    has_who5: bool
    attributes: list[SurveyQuestion]

    @property
    def shows_figures(self) -> bool:
        return disclosure.meets_threshold(self.responses, self.k)

    @property
    def rate(self) -> float | None:
        return 100 * self.responses / self.invited if self.invited else None


def released_round_or_404(round_id: int) -> SurveyRound:
    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None or survey_round.status != RoundStatus.RELEASED:
        abort(404)
    return survey_round


def round_results(survey_round: SurveyRound, aggregates: Aggregates | None = None) -> RoundResults:
    """A released round's figures for everyone; nothing but the count when fewer than K responded."""
    if survey_round.status != RoundStatus.RELEASED:
        raise ReleaseError("Question-level results appear only once a round is released")
    aggregates = aggregates or Aggregates.of(survey_round)
    k = survey_round.anonymity_threshold
    questions = survey_round.template.questions
    shows = disclosure.meets_threshold(aggregates.total(), k)
    return RoundResults(
        survey_round=survey_round,
        k=k,
        responses=aggregates.total(),
        invited=survey_round.invited_count,
        questions=[
            QuestionResult(
                question,
                aggregates.answers.get((question.id, EVERYONE), 0),
                distribution(question, aggregates, EVERYONE, k) if shows else None,
            )
            for question in questions
        ],
        who5=who5(aggregates, EVERYONE, k) if shows else None,
        has_who5=bool(_who5_question_ids(questions)),
        attributes=[question for question in questions if question.is_attribute],
    )


# ---- breakdowns ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    option: int
    label: str
    shown: bool
    size: int | None  # only when shown
    reason: str = ""


@dataclass
class BreakdownRow:
    question: SurveyQuestion
    cells: dict[int, Distribution | None]  # by group option; None: not shown


@dataclass
class Breakdown:
    attribute: SurveyQuestion
    groups: list[Group]
    rows: list[BreakdownRow]
    who5: dict[int, Who5 | None] | None
    compared_with: SurveyRound | None

    @property
    def shown_groups(self) -> list[Group]:
        return [group for group in self.groups if group.shown]


def group_labels(attribute: SurveyQuestion) -> dict[int, str]:
    """The attribute's options that form groups: all but the last, "Prefer not to say", which is left out."""
    options = list(attribute.options)
    if options and options[-1] == blocks.PREFER_NOT_TO_SAY:
        options = options[:-1]
    return dict(enumerate(options))


def group_sizes(attribute: SurveyQuestion, aggregates: Aggregates) -> dict[int, int]:
    return {option: aggregates.responses.get((attribute.id, option), 0) for option in group_labels(attribute)}


def previous_round_with(
    survey_round: SurveyRound, attribute: SurveyQuestion
) -> tuple[SurveyRound, SurveyQuestion] | None:
    """The released round before this one that asked an attribute with the same key."""
    query = (
        select(SurveyRound, SurveyQuestion)
        .join(SurveyQuestion, SurveyQuestion.template_id == SurveyRound.template_id)
        .where(
            SurveyRound.status == RoundStatus.RELEASED,
            SurveyRound.id != survey_round.id,
            SurveyRound.closes_on <= survey_round.closes_on,
            SurveyQuestion.key == attribute.key,
            SurveyQuestion.is_attribute.is_(True),
        )
        .order_by(SurveyRound.closes_on.desc(), SurveyRound.id.desc())
    )
    for earlier, question in db.session.execute(query):
        if earlier.closes_on < survey_round.closes_on or earlier.id < survey_round.id:
            return earlier, question
    return None


def sizes_by_label(attribute: SurveyQuestion, aggregates: Aggregates) -> dict[str, int]:
    labels = group_labels(attribute)
    return {labels[option]: size for option, size in group_sizes(attribute, aggregates).items()}


def breakdown(survey_round: SurveyRound, attribute: SurveyQuestion, aggregates: Aggregates | None = None) -> Breakdown:
    """Every question by the attribute's groups, each group and each cell under the suppression rules."""
    aggregates = aggregates or Aggregates.of(survey_round)
    k = survey_round.anonymity_threshold
    labels = group_labels(attribute)
    sizes = group_sizes(attribute, aggregates)
    previous = previous_round_with(survey_round, attribute)
    refused: set = set()
    if previous is not None:
        earlier, earlier_attribute = previous
        by_label = disclosure.refused_by_comparison(
            sizes_by_label(attribute, aggregates), sizes_by_label(earlier_attribute, Aggregates.of(earlier)), k
        )
        refused = {option for option, label in labels.items() if label in by_label}
    hidden = disclosure.hidden_groups(sizes, aggregates.total(), k, already_hidden=refused)
    if not disclosure.meets_threshold(aggregates.total(), k):
        hidden |= set(labels)
    groups = [
        Group(
            option,
            label,
            option not in hidden,
            sizes[option] if option not in hidden else None,
            _reason(option, sizes, refused, k),
        )
        for option, label in labels.items()
    ]
    rows = []
    for question in survey_round.template.questions:
        if question.id == attribute.id or question.kind == QuestionKind.FREE_TEXT:
            continue
        answered = {option: aggregates.answers.get((question.id, (attribute.id, option)), 0) for option in labels}
        total = aggregates.answers.get((question.id, EVERYONE), 0)
        hidden_here = disclosure.hidden_groups(answered, total, k, already_hidden=hidden)
        cells = {
            option: None if option in hidden_here else distribution(question, aggregates, (attribute.id, option), k)
            for option in labels
        }
        rows.append(BreakdownRow(question, cells))
    who5_cells = None
    if _who5_question_ids(survey_round.template.questions):
        scored = {option: aggregates.who5_count((attribute.id, option)) for option in labels}
        hidden_here = disclosure.hidden_groups(scored, aggregates.who5_count(EVERYONE), k, already_hidden=hidden)
        who5_cells = {
            option: None if option in hidden_here else who5(aggregates, (attribute.id, option), k) for option in labels
        }
    return Breakdown(attribute, groups, rows, who5_cells, previous[0] if previous else None)


def _reason(option: int, sizes: dict[int, int], refused: set, k: int) -> str:
    if sizes[option] < k:
        return f"fewer than {k} in this group"
    if option in refused:
        return "its size changed by fewer than the minimum since the previous round"
    return "another small group could be worked out from it"


# ---- trends -------------------------------------------------------------------------------------------


@dataclass
class TrendPoint:
    survey_round: SurveyRound
    responses: int
    shown: bool
    figure: Distribution | Who5 | None
    groups: dict[str, Distribution | Who5 | None] = field(default_factory=dict)  # by group label


@dataclass
class Trend:
    key: str
    title: str
    question: SurveyQuestion | None  # None for the WHO-5 score
    points: list[TrendPoint]
    attribute_key: str | None
    group_labels: list[str]
    labels: list[str]

    @property
    def shown_points(self) -> list[TrendPoint]:
        return [point for point in self.points if point.shown]

    @property
    def measure(self) -> str:
        """What the chart draws for each round."""
        if self.question is None:
            return "Mean WHO-5 score (0 to 100)"
        if self.question.kind == QuestionKind.AGREEMENT:
            return "Share who agree or strongly agree (%)"
        if self.question.kind in (QuestionKind.SCALE, QuestionKind.FREQUENCY):
            return f"Mean answer (0 to {10 if self.question.kind == QuestionKind.SCALE else 5})"
        return "Share choosing each answer (%)"

    @property
    def out_of(self) -> int:
        if self.question is not None and self.question.kind == QuestionKind.SCALE:
            return 10
        if self.question is not None and self.question.kind == QuestionKind.FREQUENCY:
            return 5
        return 100

    def headline(self, figure: "Distribution | Who5 | None") -> list[tuple[str, float]]:
        """The figure(s) the chart draws for one round or group: (what, value)."""
        if figure is None:
            return []
        if isinstance(figure, Who5):
            return [("", figure.mean)]
        if figure.mean is not None:
            return [("", figure.mean)]
        if self.question.kind == QuestionKind.AGREEMENT:
            return [("", sum(bar.percent for bar in figure.bars[3:]))]
        return [(bar.label, bar.percent) for bar in figure.bars]

    def chart_bars(self) -> list[ChartBar]:
        share = self.question is not None and self.question.kind not in (QuestionKind.SCALE, QuestionKind.FREQUENCY)
        bars = []
        for point in self.shown_points:
            for what, value in self.headline(point.figure):
                label = f"{point.survey_round.title}: {what}" if what else point.survey_round.title
                bars.append(ChartBar(label, value, f"{value:.0f}%" if share else f"{value:.1f}"))
        return bars


def trend_keys() -> list[tuple[str, str]]:
    """Question keys asked in at least one released round, with the question's words: the trend choices."""
    query = (
        select(SurveyQuestion.key, func.min(SurveyQuestion.text))
        .join(SurveyRound, SurveyRound.template_id == SurveyQuestion.template_id)
        .where(SurveyRound.status == RoundStatus.RELEASED, SurveyQuestion.kind != QuestionKind.FREE_TEXT)
        .group_by(SurveyQuestion.key)
        .order_by(SurveyQuestion.key)
    )
    return [(WHO5_KEY, "WHO-5 wellbeing score"), *db.session.execute(query).tuples()]


def attribute_keys() -> list[tuple[str, str]]:
    query = (
        select(SurveyQuestion.key, func.min(SurveyQuestion.text))
        .join(SurveyRound, SurveyRound.template_id == SurveyQuestion.template_id)
        .where(SurveyRound.status == RoundStatus.RELEASED, SurveyQuestion.is_attribute.is_(True))
        .group_by(SurveyQuestion.key)
        .order_by(SurveyQuestion.key)
    )
    return list(db.session.execute(query).tuples())


def _released_rounds_with(key: str) -> list[tuple[SurveyRound, SurveyQuestion | None]]:
    """Released rounds asking the question `key` (or all five WHO-5 items), oldest first."""
    rounds = db.session.scalars(
        select(SurveyRound)
        .where(SurveyRound.status == RoundStatus.RELEASED)
        .order_by(SurveyRound.closes_on, SurveyRound.id)
    )
    found = []
    for survey_round in rounds:
        questions = survey_round.template.questions
        if key == WHO5_KEY:
            if _who5_question_ids(questions):
                found.append((survey_round, None))
        elif question := next((q for q in questions if q.key == key and q.kind != QuestionKind.FREE_TEXT), None):
            found.append((survey_round, question))
    return found


def trend(key: str, attribute_key: str | None = None) -> Trend | None:
    """The question (or the WHO-5 score) across released rounds; broken down by an attribute if asked.

    Overall, a round shows only when it meets K. With a breakdown, a group is refused in a round when the
    same group in a round beside it differs in size by 1 to K-1, on top of every rule of a single round.
    """
    found = _released_rounds_with(key)
    if not found:
        return None
    k = max(survey_round.anonymity_threshold for survey_round, _ in found)
    aggregates = [Aggregates.of(survey_round) for survey_round, _ in found]
    question = found[-1][1]

    def figure(index: int, scope: Scope):
        asked = found[index][1]
        if asked is None:
            return who5(aggregates[index], scope, k)
        return distribution(asked, aggregates[index], scope, k)

    points = []
    for index, (survey_round, _) in enumerate(found):
        shown = disclosure.meets_threshold(aggregates[index].total(), k)
        points.append(
            TrendPoint(survey_round, aggregates[index].total(), shown, figure(index, EVERYONE) if shown else None)
        )
    labels = list(option_labels(question).values()) if question is not None else []
    title = question.text if question is not None else "WHO-5 wellbeing score"
    all_groups: list[str] = []
    if attribute_key:
        all_groups = _trend_breakdown(found, aggregates, points, attribute_key, k, figure)
    return Trend(key, title, question, points, attribute_key, all_groups, labels)


def _trend_breakdown(found, aggregates, points, attribute_key: str, k: int, figure) -> list[str]:
    attributes = [
        next((q for q in survey_round.template.questions if q.key == attribute_key and q.is_attribute), None)
        for survey_round, _ in found
    ]
    sizes = [
        sizes_by_label(attribute, aggregates[index]) if attribute is not None else {}
        for index, attribute in enumerate(attributes)
    ]
    refused = disclosure.refused_side_by_side(sizes, k)
    all_groups: list[str] = []
    for index, attribute in enumerate(attributes):
        if attribute is None:
            continue
        labels = group_labels(attribute)
        all_groups += [label for label in labels.values() if label not in all_groups]
        hidden = disclosure.hidden_groups(sizes[index], aggregates[index].total(), k, already_hidden=refused[index])
        if not points[index].shown:
            hidden |= set(sizes[index])
        answered = _answered_by_label(found[index][1], attribute, aggregates[index])
        overall = (
            aggregates[index].who5_count(EVERYONE)
            if found[index][1] is None
            else aggregates[index].answers.get((found[index][1].id, EVERYONE), 0)
        )
        hidden = disclosure.hidden_groups(answered, overall, k, already_hidden=hidden)
        points[index].groups = {
            label: None if label in hidden else figure(index, (attribute.id, option))
            for option, label in labels.items()
        }
    return all_groups


def _answered_by_label(
    question: SurveyQuestion | None, attribute: SurveyQuestion, aggregates: Aggregates
) -> dict[str, int]:
    labels = group_labels(attribute)
    if question is None:
        return {label: aggregates.who5_count((attribute.id, option)) for option, label in labels.items()}
    return {label: aggregates.answers.get((question.id, (attribute.id, option)), 0) for option, label in labels.items()}


# ---- free text ----------------------------------------------------------------------------------------


@dataclass
class FreeTextQuestion:
    question: SurveyQuestion
    answered: int
    shown: bool
    answers: list[SurveyAnswer]


def free_text(survey_round: SurveyRound) -> list[FreeTextQuestion]:
    """Each free-text question's answers in random order, only where enough answered (counted at release)."""
    aggregates = Aggregates.of(survey_round)
    threshold = survey_round.free_text_threshold
    found = []
    for question in survey_round.template.questions:
        if question.kind != QuestionKind.FREE_TEXT:
            continue
        answered = aggregates.answers.get((question.id, EVERYONE), 0)
        shown = disclosure.meets_threshold(answered, threshold) and disclosure.meets_threshold(
            aggregates.total(), survey_round.anonymity_threshold
        )
        answers = []
        if shown:
            answers = list(
                db.session.scalars(
                    select(SurveyAnswer).where(
                        SurveyAnswer.round_id == survey_round.id, SurveyAnswer.question_id == question.id
                    )
                )
            )
            random.SystemRandom().shuffle(answers)
        found.append(FreeTextQuestion(question, answered, shown, answers))
    return found


REDACTED_TEXT = ""


def redact(survey_round: SurveyRound, answer_id: str, by: User) -> None:
    """Replace a free-text answer's words for good; the audit says which question, never the words."""
    answer = db.session.get(SurveyAnswer, answer_id)
    if answer is None or answer.round_id != survey_round.id or answer.text is None:
        abort(404)
    answer.text = REDACTED_TEXT
    answer.redacted = True
    audit.record(
        by,
        "survey.free_text_redacted",
        f"Redacted a free-text answer in {survey_round.title}",
        target=survey_round,
        detail={"round_id": survey_round.id, "question_id": answer.question_id},
    )


# ---- what members see, and the audit of every view ----------------------------------------------------


@dataclass
class Summary:
    survey_round: SurveyRound
    k: int
    responses: int
    shows_figures: bool
    rate: float | None
    who5: Who5 | None
    know_support: float | None  # percent agreeing or strongly agreeing


def summary(survey_round: SurveyRound) -> Summary:
    results = round_results(survey_round)
    know_support = None
    for result in results.questions:
        if result.question.key == KNOW_SUPPORT_KEY and result.distribution is not None:
            values = list(option_labels(result.question))
            agreeing = sum(result.distribution.bars[values.index(value)].count for value in AGREE)
            know_support = 100 * agreeing / result.distribution.answers
    return Summary(
        survey_round, results.k, results.responses, results.shows_figures, results.rate, results.who5, know_support
    )


def record_view(viewer: User, survey_round: SurveyRound | None, view: str, **detail) -> None:
    """Audit an officer's (or member's) view or export of results: who, which round, which view."""
    where = f" of {survey_round.title}" if survey_round is not None else ""
    audit.record(
        viewer,
        f"survey.results_{view}",
        f"Viewed survey results ({view.replace('_', ' ')}){where}",
        target=survey_round,
        detail={"round_id": survey_round.id if survey_round is not None else None, "view": view, **detail},
    )
