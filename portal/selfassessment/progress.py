"""Progress between two assessment cycles: statement by statement, principle by principle, and the whole.

Statements are matched by principle and statement number, the numbering the toolkit gives them. The wording an
assessment recorded may differ from the other's (the framework was edited in between): the comparison says so,
because a changed score may then partly reflect a changed statement.
"""

from dataclasses import dataclass

from portal.selfassessment.models import AssessedStatement, Assessment
from portal.selfassessment.scoring import PrincipleTotal, Totals, totals


@dataclass(frozen=True)
class Pair:
    """Two bars of a chart: the same thing in each cycle (None: not scored, or not in that assessment)."""

    label: str
    earlier: int | None
    later: int | None


@dataclass(frozen=True)
class StatementChange:
    principle_number: int
    statement_number: int
    earlier: AssessedStatement | None  # None: the statement was not in that assessment
    later: AssessedStatement | None

    @property
    def key(self) -> str:
        return f"{self.principle_number}.{self.statement_number}"

    @property
    def text(self) -> str:
        """The wording as the later assessment recorded it (or the earlier, for a statement since removed)."""
        return (self.later or self.earlier).text

    @property
    def earlier_score(self) -> int | None:
        return self.earlier.score if self.earlier else None

    @property
    def later_score(self) -> int | None:
        return self.later.score if self.later else None

    @property
    def change(self) -> int | None:
        """Later minus earlier; None unless both were scored."""
        if self.earlier_score is None or self.later_score is None:
            return None
        return self.later_score - self.earlier_score

    @property
    def wording_changed(self) -> bool:
        return self.earlier is not None and self.later is not None and self.earlier.text != self.later.text


@dataclass(frozen=True)
class PrincipleChange:
    number: int
    title: str
    earlier: PrincipleTotal | None
    later: PrincipleTotal | None
    statements: list[StatementChange]

    @property
    def earlier_score(self) -> int | None:
        return self.earlier.score if self.earlier else None

    @property
    def later_score(self) -> int | None:
        return self.later.score if self.later else None

    @property
    def change(self) -> int | None:
        if self.earlier is None or self.later is None:
            return None
        return self.later.score - self.earlier.score

    @property
    def out_of(self) -> int:
        return max(total.out_of for total in (self.earlier, self.later) if total is not None)

    def chart_pairs(self) -> list[Pair]:
        """Each statement's score in both cycles, out of 2."""
        return [Pair(statement.key, statement.earlier_score, statement.later_score) for statement in self.statements]


@dataclass(frozen=True)
class Comparison:
    earlier: Assessment
    later: Assessment
    earlier_totals: Totals
    later_totals: Totals
    principles: list[PrincipleChange]

    @property
    def change(self) -> int:
        return self.later_totals.score - self.earlier_totals.score

    def chart_pairs(self) -> list[Pair]:
        """Each principle's total in both cycles."""
        return [Pair(f"Principle {p.number}", p.earlier_score, p.later_score) for p in self.principles]

    @property
    def wording_changes(self) -> int:
        return sum(statement.wording_changed for principle in self.principles for statement in principle.statements)


def _statement_changes(earlier: PrincipleTotal | None, later: PrincipleTotal | None) -> list[StatementChange]:
    before = {statement.statement_number: statement for statement in (earlier.statements if earlier else [])}
    after = {statement.statement_number: statement for statement in (later.statements if later else [])}
    principle_number = (later or earlier).number
    return [
        StatementChange(principle_number, number, before.get(number), after.get(number))
        for number in sorted(before.keys() | after.keys())
    ]


def compare(earlier: Assessment, later: Assessment) -> Comparison:
    """Both assessments' scores side by side, with the change from `earlier` to `later`."""
    earlier_totals, later_totals = totals(earlier), totals(later)
    numbers = sorted({p.number for p in earlier_totals.principles} | {p.number for p in later_totals.principles})
    principles = []
    for number in numbers:
        before, after = earlier_totals.principle(number), later_totals.principle(number)
        principles.append(
            PrincipleChange(number, (after or before).title, before, after, _statement_changes(before, after))
        )
    return Comparison(earlier, later, earlier_totals, later_totals, principles)


def chosen_pair(
    newest_first: list[Assessment], earlier_id: int | None, later_id: int | None
) -> tuple[Assessment | None, Assessment | None]:
    """The two assessments to compare: those chosen, or else the two most recent (the newer as `later`)."""
    by_id = {assessment.id: assessment for assessment in newest_first}
    later = by_id.get(later_id)
    earlier = by_id.get(earlier_id)
    if later is None:
        later = next((assessment for assessment in newest_first if assessment is not earlier), None)
    if earlier is None:
        earlier = next((assessment for assessment in newest_first if assessment is not later), None)
    return earlier, later
