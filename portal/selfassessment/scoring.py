"""Totals on the toolkit's scale: each statement 0 to 2, a principle's five out of 10, the whole out of 50."""

from dataclasses import dataclass, field

from portal.selfassessment.models import MAX_SCORE, AssessedStatement, Assessment


@dataclass
class PrincipleTotal:
    number: int
    title: str
    score: int = 0  # unscored statements count as 0
    out_of: int = 0
    scored: int = 0  # how many of its statements have a score
    statements: list[AssessedStatement] = field(default_factory=list)


@dataclass
class Totals:
    principles: list[PrincipleTotal]

    @property
    def score(self) -> int:
        return sum(principle.score for principle in self.principles)

    @property
    def out_of(self) -> int:
        return sum(principle.out_of for principle in self.principles)

    @property
    def unscored(self) -> int:
        return sum(len(principle.statements) - principle.scored for principle in self.principles)

    def principle(self, number: int) -> PrincipleTotal | None:
        return next((principle for principle in self.principles if principle.number == number), None)


def totals(assessment: Assessment) -> Totals:
    """Each principle's total and the whole, in principle order."""
    by_number: dict[int, PrincipleTotal] = {}
    for statement in assessment.statements:
        principle = by_number.setdefault(
            statement.principle_number, PrincipleTotal(statement.principle_number, statement.principle_title)
        )
        principle.statements.append(statement)
        principle.out_of += MAX_SCORE
        if statement.score is not None:
            principle.score += statement.score
            principle.scored += 1
    return Totals([by_number[number] for number in sorted(by_number)])
