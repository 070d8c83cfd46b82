"""The checks themselves: a tab must notice an axe violation and a blocked inline script, or it proves nothing."""

import pytest
from playwright.sync_api import Route

pytestmark = pytest.mark.e2e

SPOILER = '<img src="/static/govuk/assets/images/favicon.svg"><script>document.title = "ran";</script>'


def add_spoiler(route: Route) -> None:
    """Serve the real page, with its real headers, plus an image without a text alternative and inline script."""
    response = route.fetch()
    route.fulfill(response=response, body=response.text().replace("</main>", f"{SPOILER}</main>"))


def test_a_tab_reports_axe_violations_and_csp_violations(tab):
    tab.page.route("**/accessibility", add_spoiler)
    tab.page.goto("/accessibility")

    with pytest.raises(AssertionError) as failure:
        tab.check()

    assert "image-alt (critical)" in str(failure.value)
    assert "violates the following Content Security Policy directive" in str(failure.value)
