"""Survey template pages, checked through what an officer sees on them."""

import pytest
from sqlalchemy import func, select

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.surveys import authoring, blocks
from portal.surveys.models import SurveyQuestion, SurveyTemplate
from tests.pages import Page, redirect_path, text
from tests.surveys.factories import make_round, make_template


@pytest.fixture
def officer(client_as):
    return client_as(Role.OFFICER, name="Olive Officer")


@pytest.fixture
def template(officer):
    template = authoring.create_template("Member wellbeing", "Twice a year", by=officer.user)
    db.session.commit()
    return template


def questions_of(template: SurveyTemplate) -> list[SurveyQuestion]:
    db.session.expire_all()
    query = select(SurveyQuestion).where(SurveyQuestion.template_id == template.id).order_by(SurveyQuestion.position)
    return list(db.session.scalars(query))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def question_form(**changes) -> dict:
    return {
        "text": "Which channel reaches you most?",
        "help_text": "Choose one",
        "kind": "single_choice",
        "options": "Email\r\nPhone\r\nLetter",
        "statement_tags": "1.2, 3.1",
        **changes,
    }


def card_titles(page: Page) -> list[str]:
    return [text(title) for title in page.soup.select(".govuk-summary-card__title")]


def follow(client, response) -> Page:
    return Page(client.get(redirect_path(response)))


# ---- who may come in -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COUNCILLOR, Role.CHAMPION])
def test_only_officers_see_the_template_pages(client_as, role):
    visitor = client_as(role)
    template = make_template()
    db.session.commit()

    assert visitor.get("/surveys/templates").status_code == 403
    assert visitor.get(f"/surveys/templates/{template.id}").status_code == 403
    assert visitor.post("/surveys/templates/new", data={"name": "Sneaky"}).status_code == 403
    assert count(SurveyTemplate) == 1


def test_a_template_or_question_that_does_not_exist_is_not_found(officer, template):
    other = make_template()
    db.session.commit()
    assert officer.get("/surveys/templates/9999").status_code == 404
    foreign = other.questions[0].id
    assert officer.get(f"/surveys/templates/{template.id}/questions/{foreign}/edit").status_code == 404


# ---- templates -----------------------------------------------------------------------------------------


def test_an_officer_creates_a_template_and_finds_it_in_the_list(officer):
    page = Page(officer.get("/surveys/templates/new"))
    assert page.heading == "Create a survey template"

    response = officer.post("/surveys/templates/new", data={"name": " Spring wellbeing ", "description": "Annual"})

    page = follow(officer, response)
    assert page.heading == "Spring wellbeing"
    assert "Spring wellbeing created" in page.notification
    assert "No questions yet" in page.text
    rows = Page(officer.get("/surveys/templates")).table_rows()
    assert rows == [["Spring wellbeing", "0", "Can be changed"]]
    assert db.session.scalar(select(AuditEvent.action)) == "surveys.template-created"


def test_a_template_without_a_name_is_refused_and_the_description_is_kept(officer):
    response = officer.post("/surveys/templates/new", data={"name": "  ", "description": "Kept words"})

    page = Page(response)
    assert response.status_code == 422
    assert page.title.startswith("Error:")
    assert page.field_error("name") == "Enter the template's name"
    assert page.error_summary == ["Enter the template's name"]
    assert page.soup.find(id="description").get_text() == "Kept words"
    assert count(SurveyTemplate) == 0


def test_an_officer_renames_a_template(officer, template):
    page = Page(officer.get(f"/surveys/templates/{template.id}/edit"))
    assert page.value("name") == "Member wellbeing"

    response = officer.post(f"/surveys/templates/{template.id}/edit", data={"name": "Autumn", "description": ""})

    assert redirect_path(response) == f"/surveys/templates/{template.id}"
    db.session.expire_all()
    assert (template.name, template.description) == ("Autumn", "")


def test_a_rename_that_is_too_long_is_refused_and_what_was_typed_stays(officer, template):
    response = officer.post(f"/surveys/templates/{template.id}/edit", data={"name": "x" * 201, "description": "New"})

    page = Page(response)
    assert response.status_code == 422
    assert page.field_error("name") == "Keep the name to 200 characters or fewer"
    assert page.value("name") == "x" * 201
    db.session.expire_all()
    assert template.name == "Member wellbeing"


def test_an_archived_template_leaves_the_list_and_can_be_brought_back(officer, template):
    response = officer.post(f"/surveys/templates/{template.id}/archive")

    assert "archived" in follow(officer, response).notification
    assert Page(officer.get("/surveys/templates")).table_rows() == [["No templates yet. Create the first one."]]
    archived = Page(officer.get("/surveys/templates/archived"))
    assert archived.table_rows() == [["Member wellbeing", "0", "Can be changed"]]
    officer.post(f"/surveys/templates/{template.id}/restore")
    assert Page(officer.get("/surveys/templates")).table_rows()[0][0] == "Member wellbeing"


# ---- questions -----------------------------------------------------------------------------------------


def test_an_officer_adds_a_choice_question_and_sees_everything_about_it(officer, template):
    assert Page(officer.get(f"/surveys/templates/{template.id}/questions/new")).heading == "Add a question"

    response = officer.post(f"/surveys/templates/{template.id}/questions/new", data=question_form(required="y"))

    page = follow(officer, response)
    assert "Question added" in page.notification
    assert card_titles(page) == ["1. Which channel reaches you most?"]
    card = page.soup.select_one(".govuk-summary-card")
    assert "Single choice, required" in text(card)
    assert "Choose one" in text(card)
    assert [text(li) for li in card.select(".govuk-summary-list__value li")] == ["Email", "Phone", "Letter"]
    assert "1.2, 3.1" in text(card)
    (question,) = questions_of(template)
    assert (question.options, question.statement_tags, question.required) == (
        ["Email", "Phone", "Letter"],
        ["1.2", "3.1"],
        True,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text": "  "}, "text", "Enter the question"),
        ({"text": "x" * 501}, "text", "Keep the question to 500 characters or fewer"),
        ({"kind": ""}, "kind", "Choose the kind of answer"),
        ({"options": "Only one"}, "options", "Enter at least 2 options, one on each line"),
        ({"options": "\n".join(f"O{n}" for n in range(21))}, "options", "Enter no more than 20 options"),
        ({"options": "Yes\n" + "y" * 201}, "options", "Keep each option to 200 characters or fewer"),
        ({"options": "Yes\nNo\nyes"}, "options", "“yes” is listed twice: each option must be different"),
        ({"statement_tags": "1.2, 7.1"}, "statement_tags", "“7.1” is not a statement. " + authoring.TAGS_MESSAGE),
        ({"kind": "scale", "is_attribute": "y"}, "kind", "A self-reported attribute must be a single choice question"),
    ],
)
def test_a_bad_question_is_refused_beside_the_field_and_everything_typed_stays(
    officer, template, changes, field, message
):
    form = question_form(**changes)

    response = officer.post(f"/surveys/templates/{template.id}/questions/new", data=form)

    page = Page(response)
    assert response.status_code == 422
    assert page.field_error(field) == message
    assert page.error_summary == [message]
    if field != "text":
        assert page.value("text") == form["text"]
    assert page.value("statement_tags") == form["statement_tags"]
    assert page.soup.find(id="options").get_text().splitlines() == form["options"].splitlines()
    assert questions_of(template) == []
    assert count(AuditEvent) == 1  # the template's creation only


def test_an_officer_edits_a_question_and_its_form_shows_what_it_holds(officer, template):
    question = authoring.add_question(
        template, authoring.QuestionInput("multiple_choice", "Old", options=["A", "B"]), by=officer.user
    )
    db.session.commit()
    url = f"/surveys/templates/{template.id}/questions/{question.id}/edit"
    page = Page(officer.get(url))
    assert (page.value("text"), page.soup.find(id="options").get_text().strip()) == ("Old", "A\nB")

    response = officer.post(url, data=question_form(kind="agreement", options=""))

    assert redirect_path(response) == f"/surveys/templates/{template.id}"
    (saved,) = questions_of(template)
    assert (saved.kind, saved.options, saved.key) == ("agreement", blocks.AGREEMENT_OPTIONS, question.key)


def test_a_bad_edit_changes_nothing(officer, template):
    question = authoring.add_question(template, authoring.QuestionInput("free_text", "Anything else?"), by=officer.user)
    db.session.commit()

    response = officer.post(
        f"/surveys/templates/{template.id}/questions/{question.id}/edit",
        data=question_form(text="Changed", statement_tags="nine"),
    )

    assert response.status_code == 422
    assert Page(response).value("text") == "Changed"
    assert [(q.text, q.kind) for q in questions_of(template)] == [("Anything else?", "free_text")]


def test_questions_move_and_are_deleted_from_the_template_page(officer, template):
    for words in ("First", "Second", "Third"):
        authoring.add_question(template, authoring.QuestionInput("scale", words), by=officer.user)
    db.session.commit()
    first, second, third = questions_of(template)

    officer.post(f"/surveys/templates/{template.id}/questions/{third.id}/move-up")
    officer.post(f"/surveys/templates/{template.id}/questions/{first.id}/move-down")
    response = officer.post(f"/surveys/templates/{template.id}/questions/{second.id}/delete")

    page = follow(officer, response)
    assert "Question removed: Second" in page.notification
    assert card_titles(page) == ["1. Third", "2. First"]


def test_an_officer_adds_the_standard_blocks_each_once_and_sees_their_sources(officer, template):
    response = officer.post(f"/surveys/templates/{template.id}/blocks", data={"block": "who5"})
    officer.post(f"/surveys/templates/{template.id}/blocks", data={"block": "experience"})

    page = follow(officer, response)
    assert blocks.WHO5.source in page.text
    assert len(card_titles(page)) == 5 + len(blocks.EXPERIENCE.questions)
    buttons = [text(button) for button in page.soup.select("button")]
    assert "Add Personal wellbeing (ONS)" in buttons
    assert "Add WHO-5 Wellbeing Index" not in buttons

    again = officer.post(f"/surveys/templates/{template.id}/blocks", data={"block": "who5"})
    assert "already has the WHO-5 Wellbeing Index" in follow(officer, again).notification
    assert [q.block for q in questions_of(template)].count("who5") == 5


def test_a_block_question_offers_only_its_statements_to_change(officer, template):
    authoring.add_block(template, "who5", by=officer.user)
    db.session.commit()
    question = questions_of(template)[0]
    url = f"/surveys/templates/{template.id}/questions/{question.id}/edit"

    page = Page(officer.get(url))
    assert page.soup.find(id="text") is None and page.value("statement_tags") == "1.1"
    bad = Page(officer.post(url, data={"statement_tags": "1.1 x"}))
    assert bad.status == 422 and bad.value("statement_tags") == "1.1 x"
    officer.post(url, data={"statement_tags": "1.1, 2.4"})

    assert questions_of(template)[0].statement_tags == ["1.1", "2.4"]
    assert officer.post(f"/surveys/templates/{template.id}/questions/{question.id}/delete").status_code == 302
    assert len(questions_of(template)) == 5


def test_the_ready_made_attributes_are_added_with_one_click(officer, template):
    response = officer.post(f"/surveys/templates/{template.id}/attributes", data={"attribute": "independent"})

    page = follow(officer, response)
    assert card_titles(page) == ["1. Are you an independent councillor?"]
    assert "Single choice, optional; a self-reported attribute" in page.text
    assert questions_of(template)[0].options == ["Yes", "No", blocks.PREFER_NOT_TO_SAY]
    assert "Add “Are you an independent councillor?”" not in [text(b) for b in page.soup.select("button")]


def test_a_custom_attribute_gets_prefer_not_to_say_last_and_is_never_required(officer, template):
    officer.post(
        f"/surveys/templates/{template.id}/questions/new",
        data=question_form(options="Prefer not to say\nUrban\nRural", is_attribute="y", required="y"),
    )

    (question,) = questions_of(template)
    assert (question.options, question.is_attribute, question.required) == (
        ["Urban", "Rural", blocks.PREFER_NOT_TO_SAY],
        True,
        False,
    )


# ---- locking and copying -------------------------------------------------------------------------------


def test_a_locked_template_says_so_refuses_every_change_and_offers_a_copy(officer, template):
    question = authoring.add_question(template, authoring.QuestionInput("scale", "How safe?"), by=officer.user)
    survey_round = make_round(template, title="Spring wellbeing")
    db.session.commit()
    base = f"/surveys/templates/{template.id}"

    page = Page(officer.get(base))
    assert "locked because a survey round uses it" in page.text
    assert page.soup.find("a", string="Spring wellbeing")["href"] == f"/surveys/rounds/{survey_round.id}"
    assert "Copy this template" in [text(button) for button in page.soup.select("button")]
    assert page.soup.find("a", string="Write a question") is None
    attempts = [
        (f"{base}/edit", {"name": "Renamed"}),
        (f"{base}/questions/new", question_form()),
        (f"{base}/questions/{question.id}/edit", question_form()),
        (f"{base}/questions/{question.id}/delete", {}),
        (f"{base}/questions/{question.id}/move-down", {}),
        (f"{base}/blocks", {"block": "who5"}),
        (f"{base}/attributes", {"attribute": "independent"}),
    ]
    for url, data in attempts:
        response = officer.post(url, data=data)
        assert authoring.LOCKED_MESSAGE in follow(officer, response).notification, url
    assert [(q.text, q.kind) for q in questions_of(template)] == [("How safe?", "scale")]
    assert template.name == "Member wellbeing"
    assert count(AuditEvent) == 2  # created, one question added


def test_copying_makes_an_unlocked_template_with_the_same_questions(officer, template):
    authoring.add_block(template, "who5", by=officer.user)
    authoring.add_ready_attribute(template, "years_in_office", by=officer.user)
    make_round(template)
    db.session.commit()

    response = officer.post(f"/surveys/templates/{template.id}/copy")

    page = follow(officer, response)
    assert page.heading == "Copy of Member wellbeing"
    assert "Locked" not in [text(tag) for tag in page.soup.select(".govuk-tag")]
    copy = db.session.scalars(select(SurveyTemplate).where(SurveyTemplate.id != template.id)).one()
    assert [(q.key, q.statement_tags, q.block, q.is_attribute) for q in questions_of(copy)] == [
        (q.key, q.statement_tags, q.block, q.is_attribute) for q in questions_of(template)
    ]
    assert not copy.locked
    assert page.soup.find("a", string="Write a question") is not None
