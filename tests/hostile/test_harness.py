"""The hostile tests' own checks can fail: they see script, a changed table and a refusal flashed after a button."""

from portal.accounts.models import AuditEvent
from portal.common.security import GOVUK_TEMPLATE_SCRIPT
from portal.directory.models import Service
from portal.extensions import db
from tests.hostile.endpoints import ENDPOINTS
from tests.hostile.harness import REFUSED, Harness, changed_tables, fingerprint, live_script, unsafe_stored_values
from tests.hostile.strategies import Upload, core_posts


def test_live_script_finds_what_a_browser_would_run_and_nothing_else():
    assert live_script(f"<script>{GOVUK_TEMPLATE_SCRIPT}</script><script src='/static/app.js'></script>") == []
    assert live_script("<p>&lt;script&gt;alert(1)&lt;/script&gt; onerror=alert(1)</p>") == []
    for html in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href=" java\tscript:alert(1)">x</a>',
        "<script src='https://evil.example/x.js'></script>",
        "<iframe srcdoc='x'></iframe>",
    ):
        assert live_script(html) != [], html


def test_a_changed_row_shows_in_the_fingerprint(app_context):
    before = fingerprint()
    db.session.add(AuditEvent(action="test.event", summary="A row"))
    db.session.commit()

    assert changed_tables(before, fingerprint()) == ["audit_events"]


def test_an_unsafe_stored_link_is_noticed(app_context):
    harness = Harness(app_context, ENDPOINTS[0])
    service = db.session.get(Service, int(harness.world.resolve("service")))
    service.website = "javascript:alert(1)"
    db.session.commit()

    assert unsafe_stored_values() == ["service website 'javascript:alert(1)'"]


def test_a_refusal_flashed_after_a_button_counts_as_a_refusal(app_context):
    finalise = next(entry for entry in ENDPOINTS if entry.endpoint == "selfassessment.finalise")
    harness = Harness(app_context, finalise)
    harness.post([])  # finalises the assessment

    assert harness.post([]).outcome == REFUSED  # "already finalised", flashed as "info"


def test_the_core_posts_give_every_field_a_nul_among_other_attacks():
    fields = {"name": ("text", ["x"]), "logo": ("file", []), "when": ("date", ["1", "1", "2026"])}
    posts = core_posts(fields)

    assert len(posts) == 7
    assert ("name", "Legal\x00help") in posts[0]
    assert all(isinstance(value, Upload) for post in posts for name, value in post if name == "logo")
