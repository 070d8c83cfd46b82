"""The benchmark harness without running a benchmark: result lines, the one table, and run_all gathering them."""

import json
import re
import textwrap

from bench import run_all
from bench._support import RESULT_PREFIX, report_result
from bench._table import Row, failed, figure_text, format_table, parse_line, summary


def test_a_reported_result_is_one_line_the_table_reads_back(capsys):
    report_result("search page", 400.0, "req/s", baseline="/healthz", baseline_value=1000.0, ratio_min=1 / 3)

    line = capsys.readouterr().out.strip()
    assert line.startswith(RESULT_PREFIX)
    row = parse_line("directory_search", line)
    assert row == Row(
        bench="directory_search",
        figure="search page",
        value=400.0,
        unit="req/s",
        baseline="/healthz",
        baseline_value=1000.0,
        ratio=0.4,
        target="ratio >= 0.33",
        passed=True,
    )


def test_targets_on_the_ratio_and_on_the_value_pass_and_fail():
    between = {"ratio_min": 0.8, "ratio_max": 1.25}
    assert report_result("sign-in", 110, "ms", baseline="known", baseline_value=100, **between)["passed"] is True
    assert report_result("sign-in", 130, "ms", baseline="known", baseline_value=100, **between)["passed"] is False
    assert report_result("sign-in", 70, "ms", baseline="known", baseline_value=100, **between)["passed"] is False
    assert report_result("p95", 299, "ms", value_max=300)["passed"] is True
    assert report_result("p95", 301, "ms", value_max=300)["passed"] is False
    assert report_result("p95", 301, "ms", value_max=300)["target"] == "<= 300 ms"
    # No baseline to divide by: a ratio target cannot be met (nobody submitted, nothing was sent).
    assert report_result("responses", 0, "", baseline="submitted", baseline_value=0, ratio_min=1)["passed"] is False
    assert report_result("rate", 12.5, "req/s")["passed"] is None
    # A verdict of the caller's own, beside any bound.
    assert report_result("delivered", 9, "", baseline="enqueued", baseline_value=9, met=False)["passed"] is False
    assert report_result("delivered", 9, "", target="all, once each", met=True)["target"] == "all, once each"


def test_other_lines_and_garbled_results_are_not_rows():
    assert parse_line("x", "search page  400 req/s") is None
    assert parse_line("x", RESULT_PREFIX + "{not json") is None
    assert parse_line("x", RESULT_PREFIX + json.dumps({"value": 1})) is None  # no figure


def test_figures_are_shown_to_about_three_significant_digits():
    assert figure_text(1234.5, "req/s") == "1,234 req/s"
    assert figure_text(56.78, "ms") == "56.8 ms"
    assert figure_text(0.9123) == "0.91"
    assert figure_text(None) == "-"
    assert figure_text(16.0) == "16"  # a count
    assert figure_text(16.0, "ms") == "16.0 ms"


def test_the_table_lines_up_and_says_which_targets_failed():
    rows = [
        Row("directory_search", "search page", 400, "req/s", "/healthz", 1000, 0.4, "ratio >= 0.33", True),
        Row("load_test", "requests per second", 41.2, "req/s"),
        failed("training_matrix", "stopped with exit code 1"),
    ]

    lines = format_table(rows).splitlines()

    assert lines[0].split("  ")[0] == "benchmark" and lines[0].endswith("result")
    assert len({len(line) for line in lines[:2]}) == 1  # the rule is as wide as the headings
    assert "/healthz: 1,000 req/s" in lines[2] and lines[2].endswith("pass")
    assert "41.2 req/s" in lines[3] and lines[3].split()[-1] == "-"  # no target, so neither pass nor FAIL
    assert lines[4].startswith("training_matrix") and lines[4].endswith("FAIL")
    ratio_column = lines[0].index("ratio")
    assert lines[2][ratio_column : ratio_column + 5].strip() == "0.40"
    assert summary(rows) == "1 of 2 targets not met (or benchmarks failed): see FAIL above."
    assert summary(rows[:2]) == "All 1 targets met."


def test_run_all_finds_the_benchmarks_but_not_itself_or_helpers():
    names = [script.stem for script in run_all.benchmarks()]
    assert "load_test" in names and "directory_search" in names
    assert not [name for name in names if name.startswith("_") or name == "run_all"]
    assert [script.stem for script in run_all.benchmarks(["directory"])] == ["directory_search"]


def test_run_all_keeps_the_result_lines_back_and_returns_the_exit_code(tmp_path, capsys):
    script = tmp_path / "fake_bench.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import json
            print("measuring...")
            print({RESULT_PREFIX!r} + json.dumps({{"figure": "pages", "value": 5, "unit": "req/s"}}))
            raise SystemExit(3)
            """
        )
    )

    rows, returncode = run_all.run_one(script)

    assert returncode == 3
    assert rows == [Row("fake_bench", "pages", 5.0, "req/s")]
    shown = capsys.readouterr().out
    assert "measuring..." in shown and RESULT_PREFIX not in shown


def test_run_all_prints_one_table_and_fails_for_a_missed_target_or_a_crash(tmp_path, monkeypatch, capsys):
    missed = tmp_path / "missed.py"
    missed.write_text(
        "from bench._support import report_result\n"
        "report_result('p95', 400, 'ms', value_max=300)\n"
        "raise SystemExit(1)\n"
    )
    crashed = tmp_path / "crashed.py"
    crashed.write_text("raise RuntimeError('no database')\n")
    fine = tmp_path / "fine.py"
    fine.write_text("from bench._support import report_result\nreport_result('p95', 200, 'ms', value_max=300)\n")
    monkeypatch.setenv("PYTHONPATH", str(run_all.BENCH_DIR.parent))

    monkeypatch.setattr(run_all, "benchmarks", lambda names: [missed, crashed, fine])
    assert run_all.main([]) == 1
    table = capsys.readouterr().out.split("Finished")[1]
    assert [line.split()[0] for line in table.splitlines() if line.endswith(("pass", "FAIL"))] == [
        "missed",  # its FAIL row says why it exited 1: no second row for that
        "crashed",
        "fine",
    ]
    assert re.search(r"crashed +stopped with exit code 1 ", table)

    monkeypatch.setattr(run_all, "benchmarks", lambda names: [fine])
    assert run_all.main([], save=tmp_path / "results.json") == 0
    assert "All 1 targets met." in capsys.readouterr().out
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["rows"] == [
        {
            "bench": "fine",
            "figure": "p95",
            "value": 200.0,
            "unit": "ms",
            "baseline": None,
            "baseline_value": None,
            "ratio": None,
            "target": "<= 300 ms",
            "passed": True,
        }
    ]
    assert "CPUs" in saved["started"] and "load average" in saved["finished"]
