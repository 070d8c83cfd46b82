"""Attaching and removing gathered evidence through the app, and the statement page's list of figures."""

from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.extensions import db
from portal.selfassessment.models import AssessmentStatus, AttachedEvidence
from tests.directory.factories import make_service
from tests.pages import banner, page, redirect_path, text
from tests.selfassessment.factories_evidence import assessment_by, audit_actions, statement_with
from tests.surveys.results_factories import released_round, who5


def attached_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AttachedEvidence))


def url(statement, *rest: str) -> str:
    return "/".join([f"/self-assessment/{statement.assessment_id}/statements/{statement.id}", *rest])


def officer_with_statement(client_as, *indicators: str, key: str = "1.2"):
    client = client_as(Role.OFFICER)
    statement = statement_with(assessment_by(client.user), key, *indicators)
    db.session.commit()
    return client, statement


def test_an_officer_attaches_a_figure_with_one_click(client_as):
    make_service(name="Wellbeing line")
    client, statement = officer_with_statement(client_as, "directory.support_entries")

    response = client.post(url(statement, "evidence"), data={"indicator": "directory.support_entries"})

    assert response.status_code == 302
    assert redirect_path(response) == url(statement)
    stored = db.session.scalar(select(AttachedEvidence))
    assert (stored.statement_id, stored.value, stored.attached_by_id) == (
        statement.id,
        "1 active entry",
        client.user.id,
    )
    assert "assessment.evidence_attached" in audit_actions()
    shown = client.get(url(statement))
    assert "Attached “Active entries in the support directory”" in banner(shown)
    item = text(page(shown).select_one("#gathered li"))
    assert "Active entries in the support directory" in item and "1 active entry" in item
    assert "attached on" in item and client.user.name in item


def test_the_page_offers_an_attach_button_for_each_figure_but_none_under_k(client_as):
    released_round([{**who5(3), "exp.know_support": 5}] * 4)  # under K
    make_service(name="Wellbeing line")
    client, statement = officer_with_statement(client_as, "surveys.tagged", "directory.support_entries")

    gathered = page(client.get(url(statement))).select_one("#gathered")

    offered = [field["value"] for field in gathered.select("input[name=indicator]")]
    assert offered == ["directory.support_entries"]
    assert "Not enough answers to show (fewer than 5)" in text(gathered)


def test_a_figure_under_k_cannot_be_attached_by_posting_its_name(client_as):
    released_round([{**who5(3), "exp.know_support": 5}] * 4)
    client, statement = officer_with_statement(client_as, "surveys.tagged")
    response = client.post(url(statement, "evidence"), data={"indicator": "surveys.tagged:exp.know_support"})
    assert response.status_code == 302 and attached_count() == 0


def test_an_indicator_the_statement_does_not_list_is_refused(client_as):
    client, statement = officer_with_statement(client_as, "champions.appointed")
    response = client.post(
        url(statement, "evidence"), data={"indicator": "directory.support_entries"}, follow_redirects=True
    )
    assert "not one the portal can attach" in banner(response)
    assert attached_count() == 0


def test_a_finalised_assessment_offers_no_buttons_and_refuses_changes(client_as):
    client, statement = officer_with_statement(client_as, "champions.appointed")
    client.post(url(statement, "evidence"), data={"indicator": "champions.appointed"})
    attached = db.session.scalar(select(AttachedEvidence))
    statement.assessment.status = AssessmentStatus.FINALISED
    db.session.commit()

    gathered = page(client.get(url(statement))).select_one("#gathered")
    assert gathered.select("button") == [] and "None appointed" in text(gathered)

    client.post(url(statement, "evidence"), data={"indicator": "champions.appointed"})
    client.post(url(statement, "evidence", str(attached.id), "remove"))
    assert attached_count() == 1


def test_an_officer_removes_an_attached_figure(client_as):
    client, statement = officer_with_statement(client_as, "champions.appointed")
    client.post(url(statement, "evidence"), data={"indicator": "champions.appointed"})
    attached = db.session.scalar(select(AttachedEvidence))

    response = client.post(url(statement, "evidence", str(attached.id), "remove"))

    assert response.status_code == 302 and attached_count() == 0
    assert audit_actions()[-1] == "assessment.evidence_removed"


def test_removing_another_statements_evidence_is_not_found(client_as):
    client, statement = officer_with_statement(client_as, "champions.appointed")
    other = statement_with(statement.assessment, "1.3", "champions.appointed")
    db.session.commit()
    client.post(url(other, "evidence"), data={"indicator": "champions.appointed"})
    attached = db.session.scalar(select(AttachedEvidence))
    assert client.post(url(statement, "evidence", str(attached.id), "remove")).status_code == 404
    assert attached_count() == 1


def test_councillors_may_not_attach(client_as, make_user):
    officer = make_user(Role.OFFICER)
    statement = statement_with(assessment_by(officer), "1.3", "champions.appointed")
    db.session.commit()
    client = client_as(Role.COUNCILLOR)
    assert client.post(url(statement, "evidence"), data={"indicator": "champions.appointed"}).status_code == 403
    assert attached_count() == 0
