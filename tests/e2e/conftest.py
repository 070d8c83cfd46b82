"""The end-to-end harness: the real app on a live server and one headless Chromium for the whole session.

The app runs as in production as far as a browser can tell: CSRF on, the real migrations, a SQLite file, and
the demo council loaded. Each test gets a fresh browser context (no shared cookies) and tabs that check every
page they show (see tests/e2e/browsing.py).
"""

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from config import TestingConfig
from portal import create_app
from portal.demo.services import load_demo
from portal.extensions import db
from tests.e2e.browsing import Tab

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator[Flask]:
    """The portal with CSRF on, its schema from the migrations and the demo council loaded."""

    class EndToEndConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'portal.sqlite3'}"
        WTF_CSRF_ENABLED = True

    app = create_app(EndToEndConfig)
    with app.app_context():
        upgrade()
        load_demo()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The base URL of the portal served on a free loopback port from a background thread."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def _skip_or_fail_without_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"End-to-end tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI must run them.", pytrace=False)
    pytest.skip(f"{message}; skipped here (with CI=true this is a failure).")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    _skip_or_fail_without_chromium()
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()
    playwright.stop()


TEST_PASSED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[TEST_PASSED] = report.passed
    return report


@pytest.fixture
def open_tab(request, browser: Browser, live_server: str) -> Iterator[Callable[..., Tab]]:
    """`open_tab(**context_options)`: a tab in a new browser context, closed after the test.

    The context is on the live server unless the options name another `base_url`.

    A test that passed must also have checked every page its tabs showed.
    """
    contexts, tabs = [], []

    def new_page(**context_options) -> Page:
        context = browser.new_context(**{"base_url": live_server, "locale": "en-GB", **context_options})
        contexts.append(context)
        return context.new_page()

    def open_new(**context_options) -> Tab:
        without_script = context_options.get("java_script_enabled") is False
        tabs.append(Tab(new_page(**context_options), scratch_page=new_page() if without_script else None))
        return tabs[-1]

    yield open_new
    for context in contexts:
        context.close()
    if request.node.stash.get(TEST_PASSED, False):
        for tab in tabs:
            tab.assert_every_page_checked()


@pytest.fixture
def tab(open_tab) -> Tab:
    """A tab with JavaScript on, in a browser context of its own."""
    return open_tab()
