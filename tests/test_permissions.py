"""Every endpoint declares who may use it, and every page answers each kind of visitor as this table says."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from config import TestingConfig
from portal import create_app
from portal.accounts.models import Role
from portal.accounts.permissions import ACCESS_RULE_ATTR, public, role_required, signed_in
from portal.champions.services import ProfileInput, appoint
from portal.common.time import utcnow
from portal.directory.models import ServiceStatus
from portal.extensions import db
from portal.newsletters.models import IssueStatus, NewsletterIssue
from portal.selfassessment.actions import ActionInput, add_action
from portal.selfassessment.assessments import start_assessment
from portal.selfassessment.models import ActionStatus, Principle
from portal.settings.services import current_settings
from portal.surveys.models import RoundStatus, SurveySchedule
from tests.conftest import sign_in_as
from tests.directory.factories import make_service
from tests.pages import redirect_path
from tests.surveys.factories import make_round, make_template
from tests.surveys.results_factories import released_round as released_round_of
from tests.surveys.results_factories import who5
from tests.training.factories import complete, make_course

# What each visitor gets from each page: a status code, "sign-in" (sent to the sign-in page) or "home" (sent to
# the home page). {person} is an account that exists, {missing} an id no account has, {token} a link never issued.
PAGES = """
page                              anonymous  councillor  champion  officer  admin
/                                 sign-in    200         200       200      200
/accessibility                    200        200         200       200      200
/healthz                          200        200         200       200      200
/static/dist/app.css              200        200         200       200      200
/branding/logo                    200        200         200       200      200
/sign-in                          200        home        home      home     home
/reset-password                   200        200         200       200      200
/invitation/{token}               410        410         410       410      410
/reset-password/{token}           410        410         410       410      410
/profile                          sign-in    200         200       200      200
/outbox/                          sign-in    403         403       200      200
/admin/users                      sign-in    403         403       403      200
/admin/users/invite               sign-in    403         403       403      200
/admin/users/{person}             sign-in    403         403       403      200
/admin/users/{missing}            sign-in    403         403       403      404
/admin/audit-log                  sign-in    403         403       403      200
/admin/settings                   sign-in    403         403       403      200
/directory                        sign-in    200         200       200      200
/directory/services/{service}     sign-in    200         200       200      200
/directory/services/{closed}      sign-in    404         404       200      404
/directory/services/{missing}     sign-in    404         404       404      404
/directory/services/new           sign-in    403         403       200      403
/directory/services/{service}/edit  sign-in  403         403       200      403
/directory/due-a-check            sign-in    403         403       200      403
/directory/categories             sign-in    403         403       200      403
/directory/export.csv             sign-in    403         403       200      403
/directory/import                 sign-in    403         403       200      403
/directory/import/template.csv    sign-in    403         403       200      403
/help-now                         sign-in    200         200       200      200
/champions                        sign-in    200         200       200      200
/champions/appoint                sign-in    403         403       403      200
/champions/{profile}/edit         sign-in    403         403       403      200
/champions/{profile}/photo        sign-in    200         200       200      200
/api/oruk/                        200        200         200       200      200
/api/oruk/openapi.json            200        200         200       200      200
/api/oruk/services                200        200         200       200      200
/api/oruk/services/{uuid}         200        200         200       200      200
/api/oruk/services/{closed_uuid}  404        404         404       404      404
/api/oruk/service_at_locations    200        200         200       200      200
/api/oruk/taxonomies              200        200         200       200      200
/api/oruk/taxonomy_terms          200        200         200       200      200
/api/oruk/service_at_locations/{nouuid}  404  404         404       404      404
/api/oruk/taxonomies/{nouuid}     404        404         404       404      404
/api/oruk/taxonomy_terms/{nouuid}  404       404         404       404      404
/training                         sign-in    200         200       200      200
/training/courses                 sign-in    403         403       200      403
/training/courses/new             sign-in    403         403       200      403
/training/courses/{course}/edit   sign-in    403         403       200      403
/training/members                 sign-in    403         403       200      403
/training/members/{person}        sign-in    403         403       200      403
/training/completions/{completion}/edit  sign-in  403     403       200      403
/training/attendance              sign-in    403         403       200      403
/training/settings                sign-in    403         403       200      403
/training/compliance-matrix       sign-in    403         403       200      403
/training/compliance-matrix.csv   sign-in    403         403       200      403
/training/compliance-matrix.xlsx  sign-in    403         403       200      403
/training/import                  sign-in    403         403       200      403
/training/import/template.csv     sign-in    403         403       200      403
/newsletters                      sign-in    200         200       200      200
/newsletters/{sent_issue}         sign-in    200         200       200      200
/newsletters/{issue}              sign-in    404         404       404      404
/newsletters/manage               sign-in    403         200       200      403
/newsletters/new                  sign-in    403         200       200      403
/newsletters/{issue}/edit         sign-in    403         200       200      403
/newsletters/{issue}/preview      sign-in    403         200       200      403
/newsletters/{issue}/preview/email.html  sign-in  403    200       200      403
/newsletters/{missing}/preview    sign-in    403         404       404      403
/newsletters/{missing}/sending    sign-in    403         404       404      403
/newsletters/{missing}/progress.json  sign-in  403       404       404      403
/newsletters/unsubscribe/{token}  404        404         404       404      404
/surveys                          sign-in    200         200       200      200
/surveys/{open_round}             sign-in    404         404       404      404
/surveys/{open_round}/thanks      sign-in    404         404       404      404
/surveys/{released_round}/summary  sign-in   200         200       200      200
/surveys/{open_round}/summary     sign-in    404         404       404      404
/surveys/templates                sign-in    403         403       200      403
/surveys/templates/archived       sign-in    403         403       200      403
/surveys/templates/new            sign-in    403         403       200      403
/surveys/templates/{template}     sign-in    403         403       200      403
/surveys/templates/{missing}      sign-in    403         403       404      403
/surveys/templates/{template}/edit  sign-in  403         403       200      403
/surveys/templates/{template}/questions/new  sign-in  403  403     200      403
/surveys/templates/{template}/questions/{question}/edit  sign-in  403  403  200  403
/surveys/rounds                   sign-in    403         403       200      403
/surveys/rounds/new               sign-in    403         403       200      403
/surveys/rounds/{open_round}      sign-in    403         403       200      403
/surveys/rounds/{missing}         sign-in    403         403       404      403
/surveys/rounds/{scheduled_round}/edit  sign-in  403     403       200      403
/surveys/rounds/{open_round}/close  sign-in  403         403       200      403
/surveys/rounds/{scheduled_round}/cancel  sign-in  403   403       200      403
/surveys/schedules                sign-in    403         403       200      403
/surveys/schedules/new            sign-in    403         403       200      403
/surveys/schedules/{schedule}/edit  sign-in  403         403       200      403
/surveys/rounds/{released_round}/review  sign-in  403    403       200      403
/surveys/rounds/{released_round}/results  sign-in  403   403       200      403
/surveys/rounds/{open_round}/results  sign-in  403       403       404      403
/surveys/rounds/{released_round}/results.csv  sign-in  403  403    200      403
/surveys/rounds/{released_round}/results.xlsx  sign-in  403  403   200      403
/surveys/rounds/{released_round}/free-text  sign-in  403  403      200      403
/surveys/trends                   sign-in    403         403       200      403
/self-assessment/                 sign-in    403         403       200      403
/self-assessment/new              sign-in    403         403       200      403
/self-assessment/{assessment}     sign-in    403         403       200      403
/self-assessment/{missing}        sign-in    403         403       404      403
/self-assessment/{assessment}/statements/{assessed}  sign-in  403  403  200    403
/self-assessment/{assessment}/statements/{missing}  sign-in  403  403   404    403
/self-assessment/{assessment}/finalise  sign-in  403     403       200      403
/self-assessment/{assessment}/statements/{assessed}/actions/new  sign-in  403  403  200  403
/self-assessment/{assessment}/actions/{action}/edit  sign-in  403  403   200      403
/self-assessment/plan             sign-in    403         403       200      403
/self-assessment/progress         sign-in    403         403       200      403
/self-assessment/{assessment}/assessment.csv  sign-in  403  403    200      403
/self-assessment/{assessment}/assessment.xlsx  sign-in  403  403   200      403
/self-assessment/{missing}/assessment.pdf  sign-in  403  403       404      403
/self-assessment/framework        sign-in    403         403       200      200
/self-assessment/framework/principles/{principle}/edit  sign-in  403  403  403  200
/self-assessment/framework/statements/{statement}/edit  sign-in  403  403  403  200
/self-assessment/framework/principles/{principle}/statements/new  sign-in  403  403  403  200
/self-assessment/framework/statements/{statement}/retire  sign-in  403  403  403  200
/my-data                          sign-in    200         200       200      200
/my-data.json                     sign-in    200         200       200      200
/admin/users/{person}/remove-personal-data  sign-in  403  403      403      200
/admin/users/{missing}/remove-personal-data  sign-in  403  403     403      404
/no-such-page                     404        404         404       404      404
"""

# The same for actions that only take a POST (sign-out last: it ends the visit).
ACTIONS = """
action                                     anonymous  councillor  champion  officer  admin
/admin/users/{missing}/deactivate          sign-in    403         403       403      404
/admin/users/{missing}/reactivate          sign-in    403         403       403      404
/admin/users/{missing}/resend-invitation   sign-in    403         403       403      404
/directory/services/{missing}/checked      sign-in    403         403       404      403
/directory/services/{missing}/retire       sign-in    403         403       404      403
/champions/{missing}/remove                sign-in    403         403       403      404
/training/members/{missing}/completions    sign-in    403         403       404      403
/newsletters/{missing}/test                 sign-in    403         404       404      403
/newsletters/{missing}/submit-for-approval  sign-in    403         404       404      403
/newsletters/{missing}/approve              sign-in    403         403       404      403
/newsletters/{missing}/return-to-draft      sign-in    403         404       404      403
/newsletters/{missing}/send                 sign-in    403         404       404      403
/newsletters/{missing}/schedule             sign-in    403         404       404      403
/newsletters/{missing}/unschedule           sign-in    403         404       404      403
/newsletters/{missing}/confirm-overdue      sign-in    403         403       404      403
/newsletters/{missing}/retry-failed         sign-in    403         403       404      403
/newsletters/unsubscribe/{token}            404        404         404       404      404
/surveys/templates/{missing}/archive        sign-in    403         403       404      403
/surveys/templates/{missing}/restore        sign-in    403         403       404      403
/surveys/templates/{missing}/copy           sign-in    403         403       404      403
/surveys/templates/{missing}/blocks         sign-in    403         403       404      403
/surveys/templates/{missing}/blocks/who5/remove  sign-in  403      403       404      403
/surveys/templates/{missing}/attributes     sign-in    403         403       404      403
/surveys/templates/{missing}/questions/1/delete   sign-in  403     403       404      403
/surveys/templates/{missing}/questions/1/move-up  sign-in  403     403       404      403
/surveys/rounds/{missing}/release           sign-in    403         403       404      403
/surveys/rounds/{missing}/free-text/none/redact  sign-in  403      403       404      403
/self-assessment/{missing}/actions/{missing}/delete  sign-in  403  403    404      403
/self-assessment/{missing}/statements/{missing}/evidence  sign-in  403  403  404    403
/self-assessment/{missing}/statements/{missing}/evidence/1/remove  sign-in  403  403  404  403
/admin/users/{missing}/remove-personal-data  sign-in  403         403       403      404
/sign-out                                  sign-in    sign-in     sign-in   sign-in  sign-in
"""

VISITORS = ["anonymous", *(role.value for role in Role)]
NO_SUCH_UUID = "00000000-0000-4000-8000-000000000000"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _rows(table: str) -> list[tuple[str, dict[str, str]]]:
    header, *lines = (line.split() for line in table.strip().splitlines())
    return [(cells[0], dict(zip(header[1:], cells[1:], strict=True))) for cells in lines]


def _outcome(response) -> str:
    if response.status_code == 302:
        path = redirect_path(response)
        return {"/sign-in": "sign-in", "/": "home"}.get(path, f"302 to {path}")
    return str(response.status_code)


def _mismatches(client, method: str, table: str, visitor: str, places: dict[str, str]) -> list[str]:
    found = []
    for path_template, expected in _rows(table):
        path = path_template.format(**places)
        outcome = _outcome(client.open(path, method=method))
        if outcome != expected[visitor]:
            found.append(f"{visitor:>10}  {method} {path_template}: expected {expected[visitor]}, got {outcome}")
    return found


def _each_visitor(app, make_user):
    """(visitor, a test client of their own) for an anonymous visitor and someone holding each role."""
    for visitor in VISITORS:
        client = app.test_client()
        if visitor != "anonymous":
            sign_in_as(client, make_user(Role(visitor)))
        yield visitor, client


def endpoints_without_an_access_rule(app) -> list[str]:
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not hasattr(app.view_functions[rule.endpoint], ACCESS_RULE_ATTR)
    )


def test_every_endpoint_declares_who_may_use_it(app):
    assert endpoints_without_an_access_rule(app) == []


def test_an_endpoint_without_a_declared_rule_is_caught():
    bare = create_app(TestingConfig)
    bare.add_url_rule("/forgotten", "forgotten", lambda: "anyone could see this")

    assert endpoints_without_an_access_rule(bare) == ["forgotten"]


def test_every_declared_rule_is_public_signed_in_or_a_set_of_roles(app):
    for endpoint, view in app.view_functions.items():
        rule = getattr(view, ACCESS_RULE_ATTR)
        valid_roles = isinstance(rule, frozenset) and rule and all(isinstance(role, Role) for role in rule)
        assert rule in ("public", "signed-in") or valid_roles, f"{endpoint} has the access rule {rule!r}"


def test_the_tables_cover_every_endpoint(app):
    urls = app.url_map.bind("localhost")
    places = {
        "person": "1",
        "missing": "2",
        "token": "abc",
        "service": "1",
        "closed": "2",
        "profile": "1",
        "uuid": "u",
        "closed_uuid": "c",
        "nouuid": NO_SUCH_UUID,
        "course": "1",
        "completion": "1",
        "issue": "1",
        "sent_issue": "2",
        "template": "1",
        "question": "1",
        "open_round": "1",
        "scheduled_round": "2",
        "released_round": "3",
        "schedule": "1",
        "assessment": "1",
        "assessed": "1",
        "action": "1",
        "principle": "1",
        "statement": "1",
    }
    covered = set()
    for method, table in (("GET", PAGES), ("POST", ACTIONS)):
        for path, _expected in _rows(table):
            try:
                covered.add(urls.match(path.format(**places), method=method)[0])
            except NotFound:
                continue
    assert sorted(set(app.view_functions) - covered) == []


def test_role_required_refuses_what_is_not_a_role():
    with pytest.raises(TypeError, match="use the Role enum"):
        role_required("admin")
    with pytest.raises(TypeError, match="use the Role enum"):
        role_required(Role.OFFICER, "superuser")


def test_role_required_refuses_an_empty_list_of_roles():
    with pytest.raises(ValueError, match="at least one role"):
        role_required()


def test_the_decorators_record_their_rule_on_the_view():
    def view():
        return "page"

    assert getattr(public(view), ACCESS_RULE_ATTR) == "public"
    assert getattr(signed_in(view), ACCESS_RULE_ATTR) == "signed-in"
    assert getattr(role_required(Role.OFFICER, Role.ADMIN)(view), ACCESS_RULE_ATTR) == {Role.OFFICER, Role.ADMIN}


@pytest.fixture
def places(make_user) -> dict[str, str]:
    """Real ids for the tables' placeholders, a logo for /branding/logo and a champion with a photo."""
    person = make_user(Role.COUNCILLOR)
    settings = current_settings()
    settings.logo, settings.logo_mimetype = PNG, "image/png"
    service, closed = make_service(), make_service(name="A closed line", status=ServiceStatus.CLOSED)
    profile = appoint(make_user(Role.COUNCILLOR), ProfileInput("Champion", "Remit", "Email", "Any time"), by=None)
    profile.photo, profile.photo_mimetype, profile.photo_alt_text = PNG, "image/png", "A photo"
    course = make_course()
    completion = complete(person, course, date(2026, 1, 5))
    issue = NewsletterIssue(subject="A draft", body_markdown="Words", body_html="<p>Words</p>", body_text="Words")
    sent_issue = NewsletterIssue(subject="Sent", body_html="<p>Sent</p>", status=IssueStatus.SENT, sent_at=utcnow())
    db.session.add_all([issue, sent_issue])
    db.session.flush()
    survey = _surveys()
    assessment = _assessment(person)
    db.session.commit()
    return {
        "person": str(person.id),
        "missing": str(person.id + 1000),
        "token": "not-a-real-token",
        "service": str(service.id),
        "closed": str(closed.id),
        "uuid": service.uuid,
        "closed_uuid": closed.uuid,
        "profile": str(profile.id),
        "course": str(course.id),
        "completion": str(completion.id),
        "issue": str(issue.id),
        "sent_issue": str(sent_issue.id),
        "nouuid": NO_SUCH_UUID,
        **survey,
        **assessment,
    }


def _assessment(officer) -> dict[str, str]:
    """A draft self-assessment with an action on its first statement, and the framework's first entries."""
    assessment = start_assessment("2026/27", None, by=officer)
    first = assessment.statements[0]
    action = add_action(first, ActionInput("Write it down", None, None, ActionStatus.NOT_STARTED), by=officer)
    principle = db.session.scalars(select(Principle).order_by(Principle.number)).first()
    return {
        "assessment": str(assessment.id),
        "assessed": str(first.id),
        "action": str(action.id),
        "principle": str(principle.id),
        "statement": str(principle.statements[0].id),
    }


def _surveys() -> dict[str, str]:
    """An unused template with a question, and rounds that are open, scheduled and released (another template)."""
    template = make_template("who5")
    open_round = make_round(make_template("who5", name="Used"))
    scheduled_round = make_round(open_round.template, RoundStatus.SCHEDULED, opens_on=date.today() + timedelta(days=3))
    released_round = released_round_of([who5(3)] * 5)
    schedule = SurveySchedule(
        template=open_round.template, title="Every six months", next_opens_on=date.today() + timedelta(days=30)
    )
    db.session.add(schedule)
    db.session.flush()
    return {
        "template": str(template.id),
        "question": str(template.questions[0].id),
        "open_round": str(open_round.id),
        "scheduled_round": str(scheduled_round.id),
        "released_round": str(released_round.id),
        "schedule": str(schedule.id),
    }


def test_each_page_answers_each_visitor_as_the_table_says(app_context, make_user, places):
    mismatches = [
        mismatch
        for visitor, client in _each_visitor(app_context, make_user)
        for mismatch in _mismatches(client, "GET", PAGES, visitor, places)
    ]

    assert mismatches == []


def test_each_action_answers_each_visitor_as_the_table_says(app_context, make_user, places):
    mismatches = [
        mismatch
        for visitor, client in _each_visitor(app_context, make_user)
        for mismatch in _mismatches(client, "POST", ACTIONS, visitor, places)
    ]

    assert mismatches == []
