"""A browser tab that holds every page it shows to the same standard: no axe violations, no console errors.

Tests call `tab.check()` after each page they reach (or `tab.visit(path)`, which checks for them); the harness
fails a test that showed a page it never checked, so no page in a journey escapes the accessibility check.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, Response, Route

AXE = Axe()
SCRIPT_ELEMENT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)
# Chromium logs a non-2xx document as a failed resource; the tests assert those statuses themselves.
FAILED_LOAD = "Failed to load resource"


def describe_violations(url: str, violations: list[dict]) -> str:
    """One paragraph per axe violation: rule, impact, help, and the selectors of the elements at fault."""
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        lines.extend(f"    at {', '.join(map(str, node['target']))}" for node in violation["nodes"])
    return "\n".join(lines)


class Tab:
    """One Playwright page, watched for console errors, CSP violations and unchecked pages."""

    def __init__(self, page: Page, scratch_page: Page | None = None):
        """`scratch_page`, in a context with JavaScript on, is where axe judges the pages of a tab without it."""
        self.page = page
        self._scratch_page = scratch_page
        self._console_errors: list[str] = []
        self._unchecked: list[str] = []
        self._document_urls: set[str] = set()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self._console_errors.append(f"uncaught exception: {error}"))
        page.on("response", self._on_response)
        page.on("load", lambda loaded: self._unchecked.append(loaded.url))

    def visit(self, path: str, status: int = 200) -> Page:
        """Open `path`, expect `status`, and check the page."""
        response = self.page.goto(path)
        assert response is not None and response.status == status, f"GET {path} gave {response and response.status}"
        self.check()
        return self.page

    @contextmanager
    def expect_page(self) -> Iterator[Page]:
        """Wait for what is done inside the block (a click, an Enter) to load a new page, then check that page."""
        with self.page.expect_navigation():
            yield self.page
        self.check()

    def check(self) -> None:
        """Assert the page now showing has no axe violations and logged no console error or CSP violation."""
        self.page.wait_for_load_state()
        violations = self._axe_violations()
        errors, self._console_errors = self._console_errors, []
        self._unchecked.clear()
        problems = [describe_violations(self.page.url, violations)] if violations else []
        problems += [f"console errors on {self.page.url}:", *errors] if errors else []
        assert not problems, "\n".join(problems)

    def assert_every_page_checked(self) -> None:
        assert not self._unchecked, f"pages shown but never checked for accessibility: {self._unchecked}"

    def _axe_violations(self) -> list[dict]:
        if self._scratch_page is None:
            return AXE.run(self.page).response["violations"]
        return self._axe_violations_of_copy()

    def _axe_violations_of_copy(self) -> list[dict]:
        """Axe needs timers, which a page without JavaScript lacks: judge a copy of its DOM, scripts removed."""
        html = SCRIPT_ELEMENT.sub("", self.page.content())
        url = self.page.url

        def serve_copy(route: Route) -> None:
            route.fulfill(body=html, content_type="text/html; charset=utf-8")

        self._scratch_page.route(lambda candidate: candidate == url, serve_copy)
        self._scratch_page.goto(url)
        self._scratch_page.unroute_all()
        assert self._scratch_page.url == url, f"the copy of {url} was not served; axe would judge another page"
        return AXE.run(self._scratch_page).response["violations"]

    def _on_response(self, response: Response) -> None:
        if response.request.is_navigation_request():
            self._document_urls.add(response.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if message.text.startswith(FAILED_LOAD) and message.location.get("url") in self._document_urls:
            return
        self._console_errors.append(f"{message.text} ({message.location.get('url')})")
