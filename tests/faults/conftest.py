"""The fault tests: real processes, real signals, a real mail server, no mocks. `make test-faults` runs them.

They take minutes (the mail server outage alone lasts five), so the ordinary `pytest` run leaves them out, all
but the quick versions some of them have. Each is marked `fault(backends=..., quick=...)`: with PORTAL_FAULTS=1
(as `make test-faults` sets) it runs in full on each database in `backends`; without, only its quick version
runs, on the database named by `quick`, if it has one. Each test adds a line of figures to the "fault results"
section printed at the end of the run.
"""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.harness import CatcherProcess, FaultDatabase, WebServer, Worker, full_run, portal_environment

RESULTS: list[str] = []


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "fault(backends, quick=None): a fault test, run in full on `backends` when PORTAL_FAULTS=1, "
        "otherwise only its quick version, on the `quick` database",
    )


def pytest_collection_modifyitems(config, items):
    kept, left_out = [], []
    for item in items:
        marker = item.get_closest_marker("fault")
        if marker is None:
            kept.append(item)
            continue
        backend = item.callspec.params.get("backend", "postgresql") if hasattr(item, "callspec") else "postgresql"
        if full_run():
            wanted = backend in marker.kwargs.get("backends", ("postgresql",))
        else:
            wanted = backend == marker.kwargs.get("quick")
        (kept if wanted else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def pytest_terminal_summary(terminalreporter):
    if RESULTS:
        terminalreporter.section("fault results")
        for line in RESULTS:
            terminalreporter.line(line)


@pytest.fixture
def results(request) -> Iterator[list[str]]:
    """Lines of figures for the summary, each prefixed with the test's name."""
    lines: list[str] = []
    started = time.monotonic()
    yield lines
    RESULTS.append(f"{request.node.name} ({time.monotonic() - started:.0f} s)")
    RESULTS.extend(f"    {line}" for line in lines)


@pytest.fixture
def fault_db(app_context, database_url, backend) -> FaultDatabase:
    """The suite's database for this backend, emptied after the test (see tests/conftest.py)."""
    return FaultDatabase(app_context, database_url, backend)


@pytest.fixture
def catcher() -> Iterator[CatcherProcess]:
    process = CatcherProcess()
    yield process
    process.quit()


class Launcher:
    """Starts the portal's processes against the test's database and catcher; stops them all at the end."""

    def __init__(self, database: FaultDatabase, catcher: CatcherProcess, folder: Path):
        self.database, self.catcher, self.folder = database, catcher, folder
        self.started: list = []

    def _env(self, settings: dict) -> dict:
        return portal_environment(self.database.url, self.catcher, self.folder, **settings)

    def web(self, **settings) -> WebServer:
        server = WebServer(self._env(settings), self.folder)
        self.started.append(server)
        return server.start()

    def worker(self, **settings) -> Worker:
        worker = Worker(self._env({"OUTBOX_IDLE_SECONDS": 0.2, **settings}), self.folder)
        self.started.append(worker)
        return worker.start()

    def stop_all(self) -> None:
        for process in self.started:
            process.stop()


@pytest.fixture
def launch(fault_db, catcher, tmp_path) -> Iterator[Launcher]:
    launcher = Launcher(fault_db, catcher, tmp_path)
    yield launcher
    launcher.stop_all()  # before fault_db's teardown empties the tables under them
