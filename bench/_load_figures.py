"""What bench/load_test.py measured, per page and in all: percentiles, errors, and the checks at the end."""

from collections import Counter
from dataclasses import dataclass

from bench._load_browser import Hit
from bench._support import report_result

TARGET_P95_MS = 300
BASELINE = "/healthz (baseline)"
EVERY_PAGE = "every page"


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of values sorted ascending (share 0.95 for the 95th); 0 when there are none."""
    if not ordered:
        return 0.0
    rank = -(-round(share * len(ordered) * 1e9) // 10**9)  # ceil(share × n), without float noise at whole ranks
    return ordered[min(len(ordered), max(1, rank)) - 1]


@dataclass(frozen=True)
class PageFigures:
    page: str
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @classmethod
    def of(cls, page: str, hits: list[Hit]) -> "PageFigures":
        times = sorted(hit.seconds * 1000 for hit in hits)
        errors = sum(hit.failed for hit in hits)
        return cls(page, len(hits), errors, *(percentile(times, share) for share in (0.5, 0.95, 0.99)))


def page_table(hits: list[Hit]) -> list[PageFigures]:
    """Figures per page in the order first seen, then every page together (the baseline left out) last."""
    pages = list(dict.fromkeys(hit.page for hit in hits))
    rows = [PageFigures.of(page, [hit for hit in hits if hit.page == page]) for page in pages]
    return [*rows, PageFigures.of(EVERY_PAGE, [hit for hit in hits if hit.page != BASELINE])]


def format_pages(rows: list[PageFigures], seconds: float) -> str:
    lines = [f"{'page':<30} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"]
    for row in rows:
        flag = "  p95 over target" if row.p95_ms > TARGET_P95_MS and row.page != BASELINE else ""
        lines.append(
            f"{row.page:<30} {row.requests:>8} {row.requests / seconds:>7.1f} {row.p50_ms:>8.0f} {row.p95_ms:>8.0f}"
            f" {row.p99_ms:>8.0f} {row.errors:>7}{flag}"
        )
    return "\n".join(lines)


def error_lines(hits: list[Hit], limit: int = 10) -> list[str]:
    """The commonest failures: page and status (or the exception when nothing came back), with how many."""
    problems = Counter(f"{hit.page}: {hit.status or hit.error}" for hit in hits if hit.failed)
    return [f"  error  {problem} ({times}x)" for problem, times in problems.most_common(limit)]


@dataclass(frozen=True)
class Outcome:
    """What the database and the catcher hold after the run, and what the people said they did."""

    submitted: int  # members whose survey submit sent them on to the thank-you page
    unanswered: int  # submits that had no answer (timed out): each may or may not have been recorded
    responses: int  # survey responses recorded in the open round during the run
    answered: int  # invitations marked answered during the run
    newsletter_sent: bool  # the officer's "Send now" ended on the progress page
    enqueued: int  # newsletter messages the send wrote to the outbox
    sent: int  # of those, marked sent by the worker
    delivered: int  # newsletter messages the catcher received
    addresses: int  # to how many different addresses

    @property
    def survey_holds(self) -> bool:
        """One response per invitation answered; none lost of those thanked, none beyond those who submitted."""
        recorded = self.responses == self.answered > 0
        return recorded and self.submitted <= self.responses <= self.submitted + self.unanswered

    @property
    def mail_holds(self) -> bool:
        """Every message the send wrote went out, and reached the catcher once (the officer may not have seen
        the send's answer, but the outbox is what counts)."""
        return self.enqueued == self.sent == self.delivered == self.addresses > 0


def verdicts(everything: PageFigures, outcome: Outcome) -> list[tuple[str, bool]]:
    """Each check in words, with whether it passed."""
    return [
        (
            f"No errors and p95 under {TARGET_P95_MS} ms: {everything.errors} errors, p95 {everything.p95_ms:.0f} ms",
            everything.errors == 0 and everything.p95_ms < TARGET_P95_MS,
        ),
        (
            f"Survey: {outcome.submitted} members submitted (and {outcome.unanswered} submits had no answer); "
            f"{outcome.responses} responses and {outcome.answered} invitations answered recorded",
            outcome.survey_holds,
        ),
        (
            f"Newsletter: {'sent' if outcome.newsletter_sent else 'NOT sent'} to {outcome.enqueued}; the worker sent "
            f"{outcome.sent}; the catcher received {outcome.delivered}, to {outcome.addresses} different addresses",
            outcome.mail_holds,
        ),
    ]


def emit(rows: list[PageFigures], seconds: float, outcome: Outcome, cpu_ms: float) -> None:
    """The figures for run_all.py's table, each against what it was measured beside in the same run."""
    everything = rows[-1]
    baseline = next((row for row in rows if row.page == BASELINE), None)
    p95 = {"baseline": "/healthz p95", "baseline_value": baseline.p95_ms if baseline else None}
    p99 = {"baseline": "/healthz p99", "baseline_value": baseline.p99_ms if baseline else None}
    pages = [row for row in rows[:-1] if row.page != BASELINE]
    slowest = max(pages, key=lambda row: row.p95_ms) if pages else everything
    report_result("requests per second", everything.requests / seconds, "req/s")
    report_result("web server CPU per request", cpu_ms, "ms")
    report_result("p95, every page", everything.p95_ms, "ms", value_max=TARGET_P95_MS, **p95)
    report_result("p99, every page", everything.p99_ms, "ms", **p99)
    report_result(f"slowest page's p95: {slowest.page}", slowest.p95_ms, "ms", **p95)
    report_result("errors", everything.errors, "", baseline="requests", baseline_value=everything.requests, value_max=0)
    report_result(
        "survey responses recorded",
        outcome.responses,
        "",
        baseline="members thanked",
        baseline_value=outcome.submitted,
        target="one each" + (f", {outcome.unanswered} unknown" if outcome.unanswered else ""),
        met=outcome.survey_holds,
    )
    report_result(
        "newsletter messages delivered",
        outcome.delivered,
        "",
        baseline="messages enqueued",
        baseline_value=outcome.enqueued,
        target="all, once each",
        met=outcome.mail_holds,
    )
