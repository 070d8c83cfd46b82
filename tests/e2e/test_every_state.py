"""The states links do not reach, each checked with axe like every other page (see browsing.py).

- Error pages (400, 403, 404, 405, 410) as each role, and the 500 page from a route that fails on purpose.
- A portal with nothing in it yet: its own live server on an empty database holding only an admin, an officer
  and a councillor, crawled as each of them (no services, newsletters, surveys, champions or assessments).
- Every form with its errors showing: each form is cleared, given the invalid values in `FORMS`, and submitted,
  so its error summary and the messages beside its fields are checked. `test_every_form_is_in_the_table`
  walks the app's URL map and fails when a form is added that the table does not cover. These run on a live
  server of their own with the demo council (and a few things the demo lacks: a draft newsletter, a template
  not yet used, a round not yet open, a schedule, an assessment not yet scored), so a form that wrongly
  accepted what it was given could not disturb the other journeys.

The crawl (test_accessibility.py) and the journeys check every page reachable by links and the happy paths.
"""

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import Flask, url_for
from flask_migrate import upgrade
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from config import TestingConfig
from portal import create_app
from portal.accounts.models import Role, User, UserRole
from portal.accounts.permissions import public
from portal.accounts.services import set_password
from portal.accounts.tokens import Purpose, make_token
from portal.demo import data
from portal.demo.services import load_demo
from portal.extensions import db
from tests.e2e.browsing import Tab
from tests.e2e.steps import demo_person, error_summary, heading, sign_in_behind_the_scenes
from tests.e2e.test_accessibility import NO_PERMISSION, PAGE_NOT_FOUND, page_kind, visit_every_kind_of_page

pytestmark = pytest.mark.e2e

NOT_AVAILABLE = "Sorry, that action is not available here"
BAD_REQUEST = "Sorry, there is a problem with your request"
SERVICE_PROBLEM = "Sorry, there is a problem with the service"
LINK_PROBLEM = re.compile(r"link", re.IGNORECASE)


# ---- live servers of our own ---------------------------------------------------------------------------


def _app_on_a_new_database(tmp_path_factory, name: str) -> Flask:
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp(name) / 'portal.sqlite3'}"
        WTF_CSRF_ENABLED = True
        PROPAGATE_EXCEPTIONS = False  # an unexpected error shows the portal's 500 page, as in production

    app = create_app(Config)
    with app.app_context():
        upgrade()
    return app


@contextmanager
def serving(app: Flask, name: str) -> Iterator[str]:
    """The base URL of `app` served on a free loopback port from a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


# The people of the empty portal, signed in with the demo password.
EMPTY_PORTAL_PEOPLE = {"admin": Role.ADMIN, "officer": Role.OFFICER, "councillor": Role.COUNCILLOR}


@pytest.fixture(scope="session")
def empty_server(tmp_path_factory) -> Iterator[str]:
    """A portal just set up: three people and nothing else, plus /fails, which raises (for the 500 page)."""
    app = _app_on_a_new_database(tmp_path_factory, "e2e-empty")

    @public
    def fails():
        raise RuntimeError("an unexpected error, on purpose")

    app.add_url_rule("/fails", view_func=fails)
    with app.app_context():
        for local_part, role in EMPTY_PORTAL_PEOPLE.items():
            person = demo_person(local_part)
            user = User(email=person.email, name=person.name)
            user.role_rows = [UserRole(role=role.value)]
            set_password(user, data.DEMO_PASSWORD)
            db.session.add(user)
        db.session.commit()
    with serving(app, "e2e-empty-server") as url:
        yield url


@dataclass(frozen=True)
class FormsPortal:
    url: str
    ids: dict[str, int | str]  # the demo's ids (and tokens) the pages are built from
    pages: dict[str, str]  # endpoint -> the path of the page that shows its form
    actions: dict[str, str]  # endpoint -> the path its form posts to


@pytest.fixture(scope="session")
def forms_portal(tmp_path_factory) -> Iterator[FormsPortal]:
    """The demo council and what it lacks for some forms, on a live server of its own."""
    app = _app_on_a_new_database(tmp_path_factory, "e2e-forms")
    with app.app_context():
        load_demo()
        ids = _add_what_the_forms_need()
        db.session.commit()
        with app.test_request_context():
            cases = [*FORMS.values(), *CONFIRMATIONS.values()]
            pages = {case.endpoint: _path(case.page or case.endpoint, case.ids, ids) for case in cases}
            actions = {case.endpoint: _path(case.endpoint, case.ids, ids) for case in cases}
    with serving(app, "e2e-forms-server") as url:
        yield FormsPortal(url=url, ids=ids, pages=pages, actions=actions)


def _path(endpoint: str, arguments: dict[str, str], ids: dict[str, int | str]) -> str:
    return url_for(endpoint, **{argument: ids[name] for argument, name in arguments.items()})


def _add_what_the_forms_need() -> dict[str, int | str]:
    """The demo lacks a few things some forms need; add them, and return every id the table uses."""
    from portal.champions.models import ChampionProfile
    from portal.directory.models import Service
    from portal.newsletters.services import IssueInput, create_issue
    from portal.newsletters.unsubscribe import unsubscribe_token
    from portal.selfassessment.assessments import start_assessment
    from portal.selfassessment.models import Action, AssessedStatement, Assessment, AssessmentStatus, Principle
    from portal.selfassessment.models import Statement as FrameworkStatement
    from portal.surveys import authoring, rounds
    from portal.surveys.models import RoundStatus, SurveyRound, SurveyTemplate
    from portal.training.models import Completion, Course

    def person(local_part: str) -> User:
        return db.session.scalar(select(User).where(User.email == data.email_for(local_part)))

    officer, jo = person("officer"), person("jo.whitfield")
    first = db.session.scalars
    template = first(select(SurveyTemplate).order_by(SurveyTemplate.id)).first()
    unused_template = authoring.copy_template(template, by=officer)
    today = rounds.council_today()
    spring = rounds.RoundInput(template.id, "Spring check-in", today + timedelta(30), today + timedelta(44), [], 5, 10)
    not_yet_open = rounds.create_round(spring, officer)
    schedule = rounds.save_schedule(
        None, rounds.ScheduleInput(template.id, "Quarterly", 3, 14, [7], today + timedelta(60), True), officer
    )
    draft = first(select(Assessment).where(Assessment.status == AssessmentStatus.DRAFT)).one()
    unscored = start_assessment("2030/31", None, by=officer)
    action = first(select(Action).join(AssessedStatement).where(AssessedStatement.assessment_id == draft.id)).first()
    draft_issue = create_issue(IssueInput("Winter safety roundup", "What to know", "Some words."), officer)
    db.session.flush()
    return {
        "councillor": person("councillor").id,
        "admin": person("admin").id,
        "champion_profile": first(
            select(ChampionProfile.id).where(ChampionProfile.user_id == person("champion").id)
        ).one(),
        "service": first(select(Service).order_by(Service.id)).first().id,
        "invitation": make_token(jo, Purpose.INVITATION),
        "reset": make_token(jo, Purpose.RESET),
        "unsubscribe": unsubscribe_token(jo.id),
        "draft_issue": draft_issue.id,
        "draft_assessment": draft.id,
        "unscored_assessment": unscored.id,
        "assessed_statement": draft.statements[0].id,
        "unscored_statement": unscored.statements[0].id,
        "action": action.id,
        "principle": first(select(Principle).order_by(Principle.id)).first().id,
        "framework_statement": first(select(FrameworkStatement).order_by(FrameworkStatement.id)).first().id,
        "open_round": first(select(SurveyRound).where(SurveyRound.status == RoundStatus.OPEN)).one().id,
        "round_not_yet_open": not_yet_open.id,
        "schedule": schedule.id,
        "unused_template": unused_template.id,
        "unused_question": unused_template.questions[0].id,
        "completion": first(select(Completion).order_by(Completion.id)).first().id,
        "course": first(select(Course).order_by(Course.id)).first().id,
    }


# ---- tabs ----------------------------------------------------------------------------------------------


class TabsByRole:
    """One signed-in tab per role on the forms portal, shared by the form tests (a sign-in costs a page)."""

    def __init__(self, browser: Browser, base_url: str):
        self._browser, self._base_url = browser, base_url
        self._tabs: dict[str | None, Tab] = {}
        self._contexts = []

    def __call__(self, local_part: str | None) -> Tab:
        if local_part not in self._tabs:
            self._contexts.append(self._browser.new_context(base_url=self._base_url, locale="en-GB"))
            tab = Tab(self._contexts[-1].new_page())
            if local_part is not None:
                sign_in_behind_the_scenes(tab, demo_person(local_part))
            self._tabs[local_part] = tab
        return self._tabs[local_part]

    def close(self) -> None:
        for context in self._contexts:
            context.close()


@pytest.fixture(scope="session")
def forms_tabs(browser: Browser, forms_portal: FormsPortal) -> Iterator[TabsByRole]:
    tabs = TabsByRole(browser, forms_portal.url)
    yield tabs
    tabs.close()


# ---- error pages ---------------------------------------------------------------------------------------

# A page each role may not see.
FORBIDDEN_TO = {
    "councillor": "/admin/users",
    "champion": "/training/courses",
    "officer": "/admin/settings",
    "admin": "/self-assessment/",
}


@pytest.mark.parametrize("local_part", FORBIDDEN_TO)
def test_error_pages_as_each_role(tab, local_part):
    sign_in_behind_the_scenes(tab, demo_person(local_part))
    expect(heading(tab.visit(FORBIDDEN_TO[local_part], status=403))).to_have_text(NO_PERMISSION)
    expect(heading(tab.visit("/directory/services/999999", status=404))).to_have_text(PAGE_NOT_FOUND)
    expect(heading(tab.visit("/sign-out", status=405))).to_have_text(NOT_AVAILABLE)


def test_error_pages_before_signing_in(tab):
    page = tab.visit("/sign-out", status=405)
    expect(heading(page)).to_have_text(NOT_AVAILABLE)
    expect(heading(tab.visit("/invitation/not-a-real-link", status=410))).to_have_text(LINK_PROBLEM)
    expect(heading(tab.visit("/reset-password/not-a-real-link", status=410))).to_have_text(LINK_PROBLEM)

    # A form whose CSRF token is missing (a page kept open past the session, say) is refused with a 400.
    page = tab.visit("/sign-in")
    page.locator('input[name="csrf_token"]').evaluate("input => input.remove()")
    with tab.expect_page():
        page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text(BAD_REQUEST)


@pytest.mark.parametrize("local_part", [None, "admin"])
def test_the_500_page(open_tab, empty_server, local_part):
    tab = open_tab(base_url=empty_server)
    if local_part:
        sign_in_behind_the_scenes(tab, demo_person(local_part))
    expect(heading(tab.visit("/fails", status=500))).to_have_text(SERVICE_PROBLEM)


# ---- a portal with nothing in it -----------------------------------------------------------------------

# Pages of the empty portal each role must reach, and words each shows while there is nothing to show.
EMPTY_STATES = {
    "/": "No newsletters have been sent yet",
    "/directory": "No services found",
    "/help-now": "call 999",
    "/champions": "No champions have been appointed yet",
    "/newsletters": "No newsletters have been sent yet",
    "/training": "No completed courses are recorded for you yet",
    "/surveys": "No results have been released yet",
}
OFFICERS_EMPTY_STATES = {
    "/directory/due-a-check": "Every entry has been checked",
    "/newsletters/manage": "No drafts.",
    "/training/courses": "No courses yet",
    "/surveys/rounds": "None",
    "/surveys/templates": "No templates yet",
    "/surveys/schedules": "No schedules yet",
    "/self-assessment/": "No assessment yet",
    "/self-assessment/progress": "nothing to compare yet",
    "/outbox/": "No messages.",
}
EMPTY_STATES_BY_ROLE = {
    "councillor": EMPTY_STATES,
    "officer": EMPTY_STATES | OFFICERS_EMPTY_STATES,
    "admin": EMPTY_STATES | {"/outbox/": "No messages."},
}


class RecordingTab(Tab):
    """A tab that keeps the words of each page's main part, by kind of page, as a crawl visits them."""

    def __init__(self, page: Page):
        super().__init__(page)
        self.words: dict[str, str] = {}

    def visit(self, path: str, status: int = 200) -> Page:
        page = super().visit(path, status)
        self.words.setdefault(page_kind(page.url), page.locator("main").inner_text())
        return page


@pytest.mark.parametrize("local_part", EMPTY_PORTAL_PEOPLE)
def test_every_page_of_an_empty_portal_is_accessible(browser, empty_server, local_part):
    context = browser.new_context(base_url=empty_server, locale="en-GB")
    try:
        tab = RecordingTab(context.new_page())
        sign_in_behind_the_scenes(tab, demo_person(local_part))
        reached = visit_every_kind_of_page(tab)
        tab.assert_every_page_checked()
    finally:
        context.close()
    expected = EMPTY_STATES_BY_ROLE[local_part]
    assert set(expected) <= reached, f"not reached: {sorted(set(expected) - reached)}"
    for path, words in expected.items():
        assert words in tab.words[path], f"{path} does not say {words!r}: {tab.words[path]!r}"


# ---- every form with its errors showing ----------------------------------------------------------------


@dataclass(frozen=True)
class FormCase:
    """A form, who fills it in, and how to get it wrong.

    `ids` maps the endpoint's URL arguments to names in the forms portal's ids. The form is cleared (text
    emptied, boxes unticked, selects unchosen), then `invalid` (CSS selector within the form -> value) is set,
    and the form is submitted with `button` (or its first button). `expect` are messages the error summary
    must hold. `page` is the endpoint of the page that shows the form, when it is not the form's own.
    """

    endpoint: str
    role: str | None
    expect: tuple[str, ...]
    ids: dict[str, str] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)
    button: str | None = None
    page: str | None = None
    submit: bool = False  # for a confirmation: press its button, and expect `expect` on the page that follows


def _forms(*cases: FormCase) -> dict[str, FormCase]:
    return {case.endpoint: case for case in cases}


NOT_AN_EMAIL = "not an email address"
NOT_A_WEB_ADDRESS = "not a web address"
IMPOSSIBLE_DAY = {"[name$='day'], [id$='-day']": "31", "[name$='month'], [id$='-month']": "2"}

FORMS = _forms(
    # ---- signing in and accounts
    FormCase("accounts.sign_in", None, ("Enter your email address", "Enter your password")),
    FormCase("accounts.request_reset", None, ("in the correct format",), invalid={"#email": NOT_AN_EMAIL}),
    FormCase(
        "accounts.reset_password",
        None,
        ("12 characters or more", "Confirm your new password"),
        ids={"token": "reset"},
        invalid={"#password": "too short"},
    ),
    FormCase(
        "accounts.accept_invitation",
        None,
        ("12 characters or more", "Confirm your new password"),
        ids={"token": "invitation"},
        invalid={"#password": "too short"},
    ),
    FormCase("accounts.profile", "councillor", ("Enter your full name", "must be a real date"), invalid=IMPOSSIBLE_DAY),
    # ---- administration
    FormCase(
        "settings.edit_settings",
        "admin",
        ("Enter the council's name", "Enter a valid email address"),
        invalid={"#support_email": NOT_AN_EMAIL},
    ),
    FormCase(
        "admin.invite", "admin", ("Enter the person's full name", "in the correct format"), invalid={"#email": "x"}
    ),
    FormCase("admin.user", "admin", ("Select at least one role",), ids={"user_id": "councillor"}),
    FormCase("champions.appoint", "admin", ("Choose who to appoint",), invalid={"#position": "first"}),
    FormCase("champions.edit", "champion", ("Enter a number for the order",), ids={"profile_id": "champion_profile"}),
    # ---- directory
    FormCase(
        "directory.new_service",
        "officer",
        ("Enter the service's name", "Enter a web address starting with https://"),
        invalid={"#website": NOT_A_WEB_ADDRESS},
    ),
    FormCase(
        "directory.edit_service",
        "officer",
        ("Enter the service's name", "Enter an email address like name@example.com"),
        ids={"service_id": "service"},
        invalid={"#email": NOT_AN_EMAIL},
    ),
    FormCase("directory.categories", "officer", ("Enter the category's name",)),
    FormCase("directory.import_services", "officer", ("Choose a CSV file",)),
    # ---- training
    FormCase(
        "training.new_course",
        "officer",
        ("Enter the course title", "Enter a web address starting with https://"),
        invalid={"#link": NOT_A_WEB_ADDRESS},
    ),
    FormCase("training.edit_course", "officer", ("Enter the course title",), ids={"course_id": "course"}),
    FormCase("training.record_attendance", "officer", ("Choose the course", "real date"), invalid=IMPOSSIBLE_DAY),
    FormCase(
        "training.correct_completion",
        "officer",
        ("real date",),
        ids={"completion_id": "completion"},
        invalid=IMPOSSIBLE_DAY,
    ),
    FormCase("training.import_completions", "officer", ("Choose a CSV file",)),
    FormCase("training.settings", "officer", ("from 1 to 365",), invalid={"#due_soon_days": "400"}),
    FormCase(
        "training.record_completion",
        "officer",
        ("Choose the course", "real date"),
        ids={"user_id": "councillor"},
        invalid=IMPOSSIBLE_DAY,
        page="training.member_record",
    ),
    # ---- newsletters
    FormCase("newsletters.new_issue", "champion", ("Enter a subject", "Enter the text of the newsletter")),
    FormCase("newsletters.edit_issue", "champion", ("Enter a subject",), ids={"issue_id": "draft_issue"}),
    FormCase(
        "newsletters.schedule",
        "officer",
        ("real date",),
        ids={"issue_id": "draft_issue"},
        invalid=IMPOSSIBLE_DAY,
        page="newsletters.preview",
    ),
    # ---- surveys
    FormCase(
        "surveys.answer",
        "councillor",
        ("Select an answer to question 1",),
        ids={"round_id": "open_round"},
        button="Submit answers",
    ),
    FormCase("surveys.new_template", "officer", ("Enter the template's name",)),
    FormCase(
        "surveys.edit_template", "officer", ("Enter the template's name",), ids={"template_id": "unused_template"}
    ),
    FormCase(
        "surveys.new_question",
        "officer",
        ("Enter the question", "Choose the kind of answer"),
        ids={"template_id": "unused_template"},
    ),
    FormCase(
        "surveys.edit_question",
        "officer",
        ("“9.9” is not a statement",),
        ids={"template_id": "unused_template", "question_id": "unused_question"},
        invalid={"#statement_tags": "9.9"},
    ),
    FormCase(
        "surveys.new_round", "officer", ("Choose a template", "Enter a title", "real date"), invalid=IMPOSSIBLE_DAY
    ),
    FormCase("surveys.edit_round", "officer", ("Enter a title",), ids={"round_id": "round_not_yet_open"}),
    FormCase("surveys.new_schedule", "officer", ("Choose a template", "real date"), invalid=IMPOSSIBLE_DAY),
    FormCase("surveys.edit_schedule", "officer", ("Enter a title",), ids={"schedule_id": "schedule"}),
    # ---- self-assessment
    FormCase("selfassessment.new_assessment", "officer", ("Enter a title",)),
    FormCase(
        "selfassessment.statement",
        "officer",
        ("Choose a score", "Enter a web address starting with https://"),
        ids={"assessment_id": "unscored_assessment", "statement_id": "unscored_statement"},
        invalid={"#links": NOT_A_WEB_ADDRESS},
    ),
    FormCase(
        "selfassessment.new_action",
        "officer",
        ("Enter what will be done",),
        ids={"assessment_id": "draft_assessment", "statement_id": "assessed_statement"},
    ),
    FormCase(
        "selfassessment.edit_action",
        "officer",
        ("Enter what will be done",),
        ids={"assessment_id": "draft_assessment", "action_id": "action"},
    ),
    FormCase("selfassessment.edit_principle", "admin", ("Enter the title",), ids={"principle_id": "principle"}),
    FormCase("selfassessment.add_statement", "admin", ("Enter the statement",), ids={"principle_id": "principle"}),
    FormCase(
        "selfassessment.edit_statement", "admin", ("Enter the statement",), ids={"statement_id": "framework_statement"}
    ),
    # Someone else changed the framework since the page was loaded: the version the form carries is stale.
    FormCase(
        "selfassessment.retire_statement",
        "admin",
        ("Someone else changed the framework",),
        ids={"statement_id": "framework_statement"},
        invalid={"input[name='version']": "0"},
    ),
)

# Forms with nothing to get wrong, a button that confirms: their pages are checked, but submitting would act.
CONFIRMATIONS = _forms(
    FormCase("surveys.close_round", "officer", (), ids={"round_id": "open_round"}),
    FormCase("surveys.cancel_round", "officer", (), ids={"round_id": "round_not_yet_open"}),
    FormCase("selfassessment.finalise", "officer", (), ids={"assessment_id": "draft_assessment"}),
    FormCase(
        "members.remove_personal_data", "admin", (), ids={"user_id": "councillor"}, page="members.confirm_removal"
    ),
    # Harmless on the forms portal, and what follows is a page no link leads to: submitted (see `submit`).
    FormCase(
        "newsletters.confirm_unsubscribe",
        None,
        ("will no longer be emailed to you",),
        ids={"token": "unsubscribe"},
        page="newsletters.unsubscribe",
        submit=True,
    ),
)
# Pages that explain why something cannot be done yet, instead of offering the form: (role, path with ids).
REFUSALS = {
    "finalising an assessment not yet scored": (
        "officer",
        "/self-assessment/{unscored_assessment}/finalise",
        "not scored",
    ),
    "removing one's own personal data": ("admin", "/admin/users/{admin}/remove-personal-data", "ask another admin"),
}
# POST-only endpoints behind a single button (or a choice from a list): no field to show an error beside; a
# refusal comes back as a message on the page the button was on.
BUTTONS = {
    "accounts.sign_out",
    "admin.deactivate",
    "admin.reactivate",
    "admin.resend_invitation",
    "champions.remove",
    "directory.mark_checked",
    "directory.retire_service",
    "newsletters.approve",
    "newsletters.confirm_overdue",
    "newsletters.retry_failed",
    "newsletters.return_to_draft",
    "newsletters.send_now",
    "newsletters.send_test",
    "newsletters.submit_for_approval",
    "newsletters.unschedule",
    "selfassessment.attach_evidence",
    "selfassessment.detach_evidence",
    "selfassessment.delete_action",
    "surveys.add_block",
    "surveys.add_ready_attribute",
    "surveys.archive_template",
    "surveys.copy_template",
    "surveys.delete_question",
    "surveys.move_question",
    "surveys.redact_answer",
    "surveys.release_round",
    "surveys.remove_block",
    "surveys.restore_template",
}


def test_every_form_is_in_the_table(live_app):
    """A new form must join FORMS (or, with nothing to get wrong, CONFIRMATIONS or BUTTONS).

    A form page is a path that answers both GET and POST, through one endpoint or two; it is named by the
    endpoint that takes the POST.
    """
    rules = list(live_app.url_map.iter_rules())
    shown = {rule.rule for rule in rules if "GET" in rule.methods}
    posted = {rule.endpoint: rule.rule for rule in rules if "POST" in rule.methods}
    forms = {endpoint for endpoint, path in posted.items() if path in shown}
    covered = set(FORMS) | set(CONFIRMATIONS)
    assert forms - covered == set(), "form pages with no row in FORMS or CONFIRMATIONS"
    assert set(posted) - covered - BUTTONS == set(), "POST endpoints in no table"
    assert covered - set(posted) == set(), "rows for endpoints that no longer take a POST"


def the_form(page: Page, action_path: str) -> Locator:
    """The form in main that posts to `action_path` (read from the attribute: a button named "action" hides the
    property)."""
    index = page.evaluate(
        """path => [...document.querySelectorAll('main form')]
                .findIndex(form => new URL(form.getAttribute('action') || '', location.href).pathname === path)""",
        action_path,
    )
    assert index >= 0, f"no form on {page.url} posts to {action_path}"
    return page.locator("main form").nth(index)


CLEAR_FORM = """form => {
  for (const element of form.elements) {
    if (['hidden', 'submit', 'button'].includes(element.type) || element.tagName === 'BUTTON') continue;
    if (['checkbox', 'radio'].includes(element.type)) element.checked = false;
    else if (element.tagName === 'SELECT') element.selectedIndex = [...element.options].findIndex(o => !o.value);
    else element.value = '';
  }
}"""


def submit_with_errors(tab: Tab, case: FormCase, page_path: str, action_path: str) -> Page:
    page = tab.visit(page_path)
    form = the_form(page, action_path)
    form.evaluate(CLEAR_FORM)
    for selector, value in case.invalid.items():
        field_ = form.locator(selector).first
        field_.evaluate("(element, value) => { element.value = value }", value)
    button = (
        form.get_by_role("button", name=case.button, exact=True)
        if case.button
        else form.locator("button:not([type=button]), input[type=submit]").first
    )
    with tab.expect_page():
        button.click()
    return page


def assert_errors_shown(page: Page, case: FormCase) -> None:
    summary = error_summary(page)
    expect(summary).to_be_visible()
    for message in case.expect:
        expect(summary).to_contain_text(message)
    expect(page).to_have_title(re.compile(r"^Error: "))
    # Each link in the summary leads to something on the page (the field, or the part at fault).
    missing = page.evaluate(
        """() => [...document.querySelectorAll('.govuk-error-summary a[href^="#"]')]
                .map(link => link.getAttribute('href').slice(1))
                .filter(id => !document.getElementById(id))"""
    )
    assert missing == [], f"error summary links to nothing: {missing}"
    # Each message beside a field is part of that field's description, so a screen reader reads it there.
    unannounced = page.evaluate(
        """() => [...document.querySelectorAll('main .govuk-error-message')]
                .filter(message => !message.id || !document.querySelector(
                    `[aria-describedby~="${message.id}"]`))
                .map(message => message.textContent.trim())"""
    )
    assert unannounced == [], f"error messages no field is described by: {unannounced}"


@pytest.mark.parametrize("endpoint", FORMS)
def test_each_form_shows_its_errors_accessibly(forms_portal, forms_tabs, endpoint):
    case = FORMS[endpoint]
    tab = forms_tabs(case.role)
    page = submit_with_errors(tab, case, forms_portal.pages[endpoint], forms_portal.actions[endpoint])
    assert_errors_shown(page, case)
    tab.assert_every_page_checked()


@pytest.mark.parametrize("endpoint", CONFIRMATIONS)
def test_each_confirmation_page_is_accessible(forms_portal, forms_tabs, endpoint):
    case = CONFIRMATIONS[endpoint]
    tab = forms_tabs(case.role)
    page = tab.visit(forms_portal.pages[endpoint])
    form = the_form(page, forms_portal.actions[endpoint])
    if case.submit:
        with tab.expect_page():
            form.get_by_role("button").first.click()
        for words in case.expect:
            expect(page.locator("main")).to_contain_text(words)
    tab.assert_every_page_checked()


@pytest.mark.parametrize("refusal", REFUSALS)
def test_each_refusal_is_explained_accessibly(forms_portal, forms_tabs, refusal):
    local_part, path, explanation = REFUSALS[refusal]
    tab = forms_tabs(local_part)
    page = tab.visit(path.format(**forms_portal.ids))
    expect(page.locator("main")).to_contain_text(explanation)
    expect(page.locator("main form")).to_have_count(0)
    if error_summary(page).count():
        expect(page).to_have_title(re.compile(r"^Error: "))
    tab.assert_every_page_checked()
