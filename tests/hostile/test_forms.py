"""Hostile posts to every form: never a server error; a refusal changes nothing; what is accepted is stored safely.

Each example starts from the endpoint's valid post (tests/hostile/endpoints.py) and spoils part of it: a field
holding SQL, markup, a formula, control characters, 100,000 characters, a number out of range, an impossible
date, a list where one value belongs, a file that is not what it claims; fields missing; unknown fields, a few
or thousands. An accepted post is followed to the page it leads to, which must not run anything it was sent.
"""

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from werkzeug.urls import quote

from portal.extensions import db
from tests.hostile.endpoints import ENDPOINTS, Endpoint
from tests.hostile.harness import (
    ACCEPTED,
    REFUSED,
    Harness,
    changed_tables,
    fingerprint,
    live_script,
    unsafe_stored_values,
)
from tests.hostile.strategies import core_posts, hostile_body, hostile_post, hostile_text
from tests.pages import Page

# Examples per endpoint: a form with fields, and a button (which only sees unknown fields, odd paths and bodies).
# Each also gets the explicit `core_posts`, the same classic attacks on every endpoint. PostgreSQL runs a sample of
# the endpoints (tests/hostile/conftest.py) with fewer random examples: what differs there is how values are stored.
EXAMPLES, BUTTON_EXAMPLES = 6, 3
EXAMPLES_ON_POSTGRESQL = 4
# Parts of a path that are free text (a link's token, an answer's id, a block's code): sometimes spoilt too.
FREE_PATH_PARTS = ("{invitation_token}", "{reset_token}", "{unsubscribe_token}", "{free_text_answer}", "/who5/")


def _spoilt_path(harness: Harness, endpoint: Endpoint, replacement: str | None) -> str | None:
    part = next((part for part in FREE_PATH_PARTS if part in endpoint.path), None)
    if replacement is None or part is None:
        return None
    hostile = quote(replacement, safe="") or "%20"
    spoilt = endpoint.path.replace(part, f"/{hostile}/" if part.startswith("/") else hostile)
    return harness.world.fill(spoilt)


def _examples(endpoint: Endpoint) -> int:
    if db.engine.dialect.name == "postgresql":
        return EXAMPLES_ON_POSTGRESQL
    return EXAMPLES if endpoint.fields else BUTTON_EXAMPLES


def _check(harness: Harness, pairs, path_part, raw) -> None:
    endpoint = harness.endpoint
    post = harness.prepare(pairs, _spoilt_path(harness, endpoint, path_part), raw)
    before = fingerprint()
    result = post.send()
    assert result.status < 500, f"{endpoint.endpoint} answered {result.status}"
    assert live_script(result.html) == [], f"{endpoint.endpoint} echoed something a browser would run"
    if result.outcome == REFUSED:
        changed = changed_tables(before, fingerprint())
        assert changed == [], f"{endpoint.endpoint} refused the post ({result.status}) but changed {changed}"
        return
    assert result.outcome == ACCEPTED
    assert unsafe_stored_values() == [], f"{endpoint.endpoint} stored something unsafe"
    if result.location:
        status, html = harness.page_after(result)
        assert status < 500, f"after {endpoint.endpoint}, {result.location} answered {status}"
        assert live_script(html) == [], f"after {endpoint.endpoint}, {result.location} would run something"
    harness.reset()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.endpoint)
def test_hostile_posts_are_refused_cleanly_or_stored_safely(app_context, endpoint: Endpoint):
    harness = Harness(app_context, endpoint)

    @settings(
        max_examples=_examples(endpoint),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
    )
    @given(pairs=hostile_post(endpoint.fields), path_part=st.none() | st.none() | hostile_text(), raw=hostile_body())
    def hostile(pairs, path_part, raw):
        _check(harness, pairs, path_part, raw)

    for pairs in core_posts(endpoint.fields):
        hostile = example(pairs=pairs, path_part=None, raw=None)(hostile)
    if any(part in endpoint.path for part in FREE_PATH_PARTS):
        hostile = example(pairs=[], path_part="\x00", raw=None)(hostile)
    hostile()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.endpoint)
def test_the_valid_post_is_accepted(app_context, endpoint: Endpoint):
    """The starting point is really valid, so that the hostile posts reach past the other fields' checks."""
    harness = Harness(app_context, endpoint)
    pairs = [(name, value) for name, (_kind, valid) in endpoint.fields.items() for value in valid]

    result = harness.post(pairs)

    problems = Page(result).error_summary or Page(result).text[:300]
    assert (result.status, result.outcome) in ((302, ACCEPTED), (200, ACCEPTED)), problems
