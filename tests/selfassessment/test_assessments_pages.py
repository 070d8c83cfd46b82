"""The assessment pages as officers use them: the list, starting one, the overview, a statement, finalising."""

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.extensions import db
from portal.selfassessment.models import AssessedStatement, Assessment, AssessmentStatus
from tests.conftest import sign_in_as
from tests.pages import Page, redirect_path
from tests.selfassessment.factories_assessments import audit_actions, score_all, start, statement, stored


@pytest.fixture
def officer_client(client_as):
    return client_as(Role.OFFICER)


def statement_url(assessment, key: str) -> str:
    return f"/self-assessment/{assessment.id}/statements/{statement(assessment, key).id}"


def form_values(page: Page) -> dict:
    """What the statement form holds, as it would be posted back."""
    return {
        "score": next(iter(page.checked("score")), None),
        "evidence": page.soup.find(id="evidence").text.strip("\n"),
        "links": page.soup.find(id="links").text.strip("\n"),
        "revision": page.value("revision"),
    }


def count_assessments() -> int:
    return db.session.scalar(select(func.count()).select_from(Assessment))


# ---- who may see them ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.CHAMPION, Role.ADMIN])
def test_only_officers_may_use_the_assessment_pages(client_as, make_user, role):
    assessment = start(make_user(Role.OFFICER))
    client = client_as(role)
    for path in (
        "/self-assessment/",
        "/self-assessment/new",
        f"/self-assessment/{assessment.id}",
        statement_url(assessment, "1.1"),
        f"/self-assessment/{assessment.id}/finalise",
    ):
        assert client.get(path).status_code == 403, path


# ---- the list and starting -------------------------------------------------------------------------------


def test_the_list_shows_assessments_newest_first_with_status_and_total(officer_client):
    last_year = start(officer_client.user, "2025/26")
    score_all(last_year, 2)
    this_year = start(officer_client.user, "2026/27")
    statement(this_year, "1.1").score = 1
    db.session.commit()

    page = Page(officer_client.get("/self-assessment/"))

    assert page.status == 200
    rows = page.table_rows()
    assert [row[0] for row in rows] == ["2026/27", "2025/26"]
    assert rows[0][1:2] + rows[0][3:] == ["Draft", "1 out of 50", "24"]
    assert rows[1][1:2] + rows[1][3:] == ["Draft", "50 out of 50", "0"]
    assert page.soup.find("a", string="Start an assessment")["href"] == "/self-assessment/new"


def test_starting_an_assessment_goes_to_its_overview(officer_client):
    response = officer_client.post("/self-assessment/new", data={"title": " 2026/27 ", "copy_from": "0"})

    assessment = db.session.scalar(select(Assessment))
    assert redirect_path(response) == f"/self-assessment/{assessment.id}"
    assert (assessment.title, assessment.copied_from_id, len(assessment.statements)) == ("2026/27", None, 25)
    assert audit_actions() == ["assessment.started"]


def test_starting_can_carry_the_last_assessment_forward(officer_client):
    last_year = start(officer_client.user, "2025/26")
    statement(last_year, "4.2").score = 2
    db.session.commit()

    page = Page(officer_client.get("/self-assessment/new"))
    assert [option.text for option in page.soup.select("#copy_from option")] == ["Nothing: start afresh", "2025/26"]
    officer_client.post("/self-assessment/new", data={"title": "2026/27", "copy_from": str(last_year.id)})

    this_year = db.session.scalar(select(Assessment).where(Assessment.title == "2026/27"))
    assert this_year.copied_from_id == last_year.id
    assert statement(this_year, "4.2").score == 2


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "Enter a title, for example 2026/27"),
        ("x" * 101, "Keep the title to 100 characters or fewer"),
        ("2025/26", "There is already an assessment called 2025/26: choose another title"),
    ],
)
def test_a_bad_title_is_explained_beside_the_field_and_nothing_is_started(officer_client, title, message):
    last_year = start(officer_client.user, "2025/26")

    page = Page(officer_client.post("/self-assessment/new", data={"title": title, "copy_from": str(last_year.id)}))

    assert page.status == 422
    assert page.field_error("title") == message
    assert page.error_summary == [message]
    assert page.title.startswith("Error: ")
    assert page.value("title") == title
    assert page.soup.select_one("#copy_from option[selected]")["value"] == str(last_year.id)
    assert count_assessments() == 1


# ---- the overview ----------------------------------------------------------------------------------------


def test_the_overview_shows_each_principle_out_of_ten_and_the_whole_out_of_fifty(officer_client):
    assessment = start(officer_client.user)
    for key, score in {"1.1": 2, "1.2": 1, "3.5": 0}.items():
        statement(assessment, key).score = score
    db.session.commit()

    page = Page(officer_client.get(f"/self-assessment/{assessment.id}"))

    assert page.status == 200
    assert page.soup.find(id="whole-total").text == "3 out of 50"
    assert page.soup.find(id="unscored").text.strip() == "22 statements"
    first = page.soup.find(id="principle-1")
    assert "3 out of 10 (3 not scored yet)" in " ".join(first.caption.text.split())
    rows = [[" ".join(cell.text.split()) for cell in row.select("td")] for row in first.select("tbody tr")]
    assert rows[0][1] == "2: Comprehensive implementation"
    assert rows[1][1] == "1: Partial implementation"
    assert rows[2][1] == "Not scored yet"
    assert first.select_one("tbody a")["href"] == statement_url(assessment, "1.1")
    third = page.soup.find(id="principle-3")
    assert "0 out of 10 (4 not scored yet)" in " ".join(third.caption.text.split())
    assert page.soup.find("a", string="Finalise the assessment")


def test_the_overview_links_to_the_exports_plan_and_progress(officer_client):
    assessment = start(officer_client.user)
    links = {a["href"] for a in Page(officer_client.get(f"/self-assessment/{assessment.id}")).soup.select("a")}
    assert {
        f"/self-assessment/{assessment.id}/assessment.pdf",
        f"/self-assessment/{assessment.id}/assessment.xlsx",
        f"/self-assessment/{assessment.id}/assessment.csv",
        "/self-assessment/plan",
        "/self-assessment/progress",
    } <= links


def test_an_unknown_assessment_or_a_statement_of_another_is_not_found(officer_client):
    one, other = start(officer_client.user, "2025/26"), start(officer_client.user, "2026/27")
    assert officer_client.get(f"/self-assessment/{other.id + 1}").status_code == 404
    assert officer_client.get(f"/self-assessment/{one.id}/statements/{other.statements[0].id}").status_code == 404


# ---- a statement -----------------------------------------------------------------------------------------


def test_the_statement_page_shows_the_wording_guidance_and_a_form_at_its_revision(officer_client):
    assessment = start(officer_client.user)
    target = statement(assessment, "2.1")

    page = Page(officer_client.get(statement_url(assessment, "2.1")))

    assert page.status == 200
    assert page.heading == "Statement 2.1"
    assert page.soup.find(id="statement-text").text == target.text
    if target.guidance:
        assert target.guidance.split("\n")[0].strip() in page.soup.find(id="statement-guidance").text
    assert form_values(page) == {"score": "unscored", "evidence": "", "links": "", "revision": "1"}
    labels = [" ".join(label.text.split()) for label in page.soup.select("#statement-form .govuk-radios__label")]
    scale = ["0: Not addressed", "1: Partial implementation", "2: Comprehensive implementation"]
    assert labels == [*scale, "Not scored yet"]
    assert page.soup.find(id="gathered") is not None  # part C's partial is included


def test_saving_a_statement(officer_client):
    assessment = start(officer_client.user)
    target = statement(assessment, "2.1")
    data = {
        "score": "1",
        "evidence": "Risk assessments for surgeries\nReviewed each year",
        "links": "https://council.example/risk\n\nhttps://council.example/policy\n",
        "revision": "1",
    }

    response = officer_client.post(statement_url(assessment, "2.1"), data=data)

    assert redirect_path(response) == f"/self-assessment/{assessment.id}"
    assert response.headers["Location"].endswith("#statement-2-1")
    saved = stored(target.id)
    assert (saved.score, saved.evidence) == (1, "Risk assessments for surgeries\nReviewed each year")
    assert saved.links == ["https://council.example/risk", "https://council.example/policy"]
    assert (saved.revision, saved.updated_by_id) == (2, officer_client.user.id)
    assert audit_actions()[-1] == "assessment.statement_saved"
    # and clearing it again
    officer_client.post(statement_url(assessment, "2.1"), data={"score": "unscored", "revision": "2"})
    assert (stored(target.id).score, stored(target.id).links) == (None, [])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"score": "3"}, "score", "Not a valid choice."),
        ({"score": None}, "score", "Choose a score, or Not scored yet"),
        (
            {"links": "https://council.example/ok\ncouncil.example/no"},
            "links",
            "Line 2: Enter a web address starting with https:// or http://",
        ),
        (
            {"links": "https://council.example/" + "a" * 480},
            "links",
            "Line 1: keep each link to 500 characters or fewer",
        ),
        ({"evidence": "x" * 20_001}, "evidence", "Keep the evidence to 20,000 characters or fewer"),
    ],
)
def test_bad_input_is_explained_beside_the_field_keeping_what_was_typed(officer_client, changes, field, message):
    assessment = start(officer_client.user)
    target = statement(assessment, "1.3")
    data = {"score": "2", "evidence": "Typed evidence", "links": "https://council.example/a", "revision": "1"}
    data.update(changes)
    data = {name: value for name, value in data.items() if value is not None}

    page = Page(officer_client.post(statement_url(assessment, "1.3"), data=data))

    assert page.status == 422
    assert page.field_error(field) == message
    assert message in page.error_summary
    typed = form_values(page)
    assert (typed["evidence"], typed["links"]) == (data["evidence"], data["links"])
    if field != "score":
        assert typed["score"] == "2"
    saved = stored(target.id)
    assert (saved.score, saved.evidence, saved.revision) == (None, "", 1)


# ---- two officers at once --------------------------------------------------------------------------------


@pytest.fixture
def two_officers(app_context, make_user):
    """Two browsers, each signed in as a different officer."""
    officers = make_user(Role.OFFICER, name="Alice Able"), make_user(Role.OFFICER, name="Ben Baker")
    clients = []
    for officer in officers:
        client = app_context.test_client()
        sign_in_as(client, officer)
        client.user = officer
        clients.append(client)
    return clients


def test_the_second_save_of_the_same_statement_is_shown_the_first_and_decides(two_officers):
    alice, ben = two_officers
    assessment = start(alice.user)
    url, target_id = statement_url(assessment, "3.2"), statement(assessment, "3.2").id
    alices_form = form_values(Page(alice.get(url)))
    bens_form = form_values(Page(ben.get(url)))

    alices_form.update(score="2", evidence="Alice's evidence", links="https://council.example/alice")
    assert redirect_path(alice.post(url, data=alices_form)) == f"/self-assessment/{assessment.id}"
    bens_form.update(score="1", evidence="Ben's evidence", links="https://council.example/ben")
    page = Page(ben.post(url, data=bens_form))

    # Ben is told, and nothing of his is saved over Alice's
    assert page.status == 409
    assert "Someone else saved this statement since you opened it" in page.soup.find(id="conflict").text
    theirs = " ".join(page.soup.find(id="their-version").text.split())
    assert "2: Comprehensive implementation" in theirs
    assert "Alice's evidence" in theirs and "https://council.example/alice" in theirs and "by Alice Able" in theirs
    mine = " ".join(page.soup.find(id="your-version").text.split())
    assert "1: Partial implementation" in mine and "Ben's evidence" in mine and "https://council.example/ben" in mine
    kept = form_values(page)
    assert kept == {
        "score": "1",
        "evidence": "Ben's evidence",
        "links": "https://council.example/ben",
        "revision": "2",
    }
    assert page.soup.find("button", string="Keep mine") is not None
    assert page.soup.find("a", string="Use theirs")["href"] == url
    saved = stored(target_id)
    assert (saved.score, saved.evidence, saved.revision) == (2, "Alice's evidence", 2)

    # Ben keeps his: it is saved now, on top of Alice's
    assert redirect_path(ben.post(url, data=kept)) == f"/self-assessment/{assessment.id}"
    saved = stored(target_id)
    assert (saved.score, saved.evidence, saved.updated_by_id, saved.revision) == (1, "Ben's evidence", ben.user.id, 3)
    assert audit_actions().count("assessment.statement_saved") == 2


def test_using_theirs_reloads_their_version(two_officers):
    alice, ben = two_officers
    assessment = start(alice.user)
    url = statement_url(assessment, "3.2")
    alices_form, bens_form = form_values(Page(alice.get(url))), form_values(Page(ben.get(url)))
    alice.post(url, data={**alices_form, "score": "2", "evidence": "Alice's evidence"})
    page = Page(ben.post(url, data={**bens_form, "score": "0", "evidence": "Ben's evidence"}))

    reloaded = form_values(Page(ben.get(page.soup.find("a", string="Use theirs")["href"])))

    assert reloaded == {"score": "2", "evidence": "Alice's evidence", "links": "", "revision": "2"}


def test_a_page_without_a_revision_is_treated_as_out_of_date(officer_client):
    assessment = start(officer_client.user)
    page = Page(officer_client.post(statement_url(assessment, "1.1"), data={"score": "2", "revision": "x"}))
    assert page.status == 409
    assert stored(statement(assessment, "1.1").id).score is None


# ---- finalising ------------------------------------------------------------------------------------------


def test_finalising_is_refused_until_every_statement_is_scored_naming_those_left(officer_client):
    assessment = start(officer_client.user)
    score_all(assessment)
    statement(assessment, "4.4").score = None
    db.session.commit()
    url = f"/self-assessment/{assessment.id}/finalise"

    page = Page(officer_client.get(url))
    assert page.status == 200
    listed = page.soup.select("#unscored-statements li a")
    assert [a["href"] for a in listed] == [statement_url(assessment, "4.4")]
    assert page.soup.find("button", string="Finalise the assessment") is None

    page = Page(officer_client.post(url))
    assert page.status == 422
    assert page.error_summary == ["Score every statement before finalising: 1 not scored yet"]
    assert stored(statement(assessment, "4.4").id).assessment.status == AssessmentStatus.DRAFT


def test_a_finalised_assessment_is_read_only(officer_client):
    assessment = start(officer_client.user)
    score_all(assessment, 2)
    url = f"/self-assessment/{assessment.id}/finalise"
    assert Page(officer_client.get(url)).soup.find("button", string="Finalise the assessment") is not None

    response = officer_client.post(url)

    assert redirect_path(response) == f"/self-assessment/{assessment.id}"
    db.session.expire_all()
    assert (assessment.status, assessment.finalised_by_id) == (AssessmentStatus.FINALISED, officer_client.user.id)
    overview = Page(officer_client.get(f"/self-assessment/{assessment.id}"))
    assert "Finalised" in overview.heading
    assert overview.soup.find("a", string="Finalise the assessment") is None
    page = Page(officer_client.get(statement_url(assessment, "1.1")))
    assert page.soup.find("form", id="statement-form") is None
    assert page.soup.find("textarea") is None
    assert "2: Comprehensive implementation" in page.text

    response = officer_client.post(statement_url(assessment, "1.1"), data={"score": "0", "revision": "1"})
    assert redirect_path(response) == statement_url(assessment, "1.1")
    assert "2026/27 is finalised, so it can no longer be changed" in Page(officer_client.get(response.location)).text
    assert stored(statement(assessment, "1.1").id).score == 2
    assert redirect_path(officer_client.post(url)) == f"/self-assessment/{assessment.id}"
    assert db.session.scalar(select(func.count()).where(AssessedStatement.score != 2)) == 0
