"""The rules for building survey templates, checked on the service functions (on SQLite and PostgreSQL)."""

import pytest
from sqlalchemy import select

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.surveys import authoring, blocks
from portal.surveys.authoring import AuthoringError, QuestionInput, TemplateLocked
from portal.surveys.models import QuestionKind, SurveyQuestion, SurveyTemplate
from tests.surveys.factories import make_round


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, name="Olive Officer")


@pytest.fixture
def template(officer):
    return authoring.create_template("Member wellbeing", "Twice a year", by=officer)


def choice(text="Which channel?", options=("Email", "Phone"), **fields) -> QuestionInput:
    return QuestionInput(kind=QuestionKind.SINGLE_CHOICE.value, text=text, options=list(options), **fields)


def stored(template: SurveyTemplate) -> list[SurveyQuestion]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(SurveyQuestion).where(SurveyQuestion.template_id == template.id).order_by(SurveyQuestion.position)
        )
    )


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# ---- templates -----------------------------------------------------------------------------------------


def test_a_template_is_created_and_edited_with_each_change_in_the_audit_log(template, officer):
    authoring.update_template(template, "  Wellbeing 2026 ", "Spring round", by=officer)
    db.session.commit()

    assert (template.name, template.description, template.locked) == ("Wellbeing 2026", "Spring round", False)
    events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [event.action for event in events] == ["surveys.template-created", "surveys.template-updated"]
    assert events[1].actor == officer
    assert events[1].detail == {
        "name": ["Member wellbeing", "Wellbeing 2026"],
        "description": ["Twice a year", "Spring round"],
    }


def test_a_template_needs_a_name(officer):
    with pytest.raises(AuthoringError, match="Enter the template's name") as refused:
        authoring.create_template("   ", by=officer)
    assert refused.value.field == "name"


def test_archived_templates_leave_the_current_list_and_can_come_back(template, officer):
    other = authoring.create_template("Another", by=officer)
    authoring.set_archived(template, True, by=officer)

    assert authoring.templates() == [other]
    assert authoring.templates(archived=True) == [template]
    authoring.set_archived(template, False, by=officer)
    assert authoring.templates() == [other, template]


# ---- questions -----------------------------------------------------------------------------------------


def test_questions_are_added_in_order_each_with_its_own_stable_key(template, officer):
    first = authoring.add_question(template, choice(help_text="Pick one", required=True), by=officer)
    second = authoring.add_question(
        template, QuestionInput(kind="agreement", text="I feel supported", statement_tags=["1.2, 3.1"]), by=officer
    )
    third = authoring.add_question(template, QuestionInput(kind="free_text", text="Anything else?"), by=officer)

    assert [question.id for question in stored(template)] == [first.id, second.id, third.id]
    assert len({first.key, second.key, third.key}) == 3 and all(q.key.startswith("q.") for q in (first, second))
    assert (first.options, first.required, first.help_text) == (["Email", "Phone"], True, "Pick one")
    assert (second.options, second.statement_tags) == (blocks.AGREEMENT_OPTIONS, ["1.2", "3.1"])
    assert third.options == []
    assert audit_actions().count("surveys.question-added") == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["Only one"], "at least 2 options"),
        (["Email", "", "  "], "at least 2 options"),
        ([f"Option {n}" for n in range(21)], "no more than 20 options"),
        (["Email", "x" * 201], "200 characters or fewer"),
        (["Email", "Phone", "email"], "“email” is listed twice"),
    ],
)
def test_choice_options_are_checked(template, officer, options, message):
    with pytest.raises(AuthoringError, match=message) as refused:
        authoring.add_question(template, choice(options=options), by=officer)

    assert refused.value.field == "options"
    assert stored(template) == []


def test_blank_lines_between_options_are_not_options(template, officer):
    question = authoring.add_question(template, choice(options=["", " Email ", "", "Phone", ""]), by=officer)
    assert question.options == ["Email", "Phone"]


@pytest.mark.parametrize("tags", ["1.2, 6.1", "1.0", "principle 1", "12", "1.2.3", "a.b"])
def test_statement_tags_must_name_a_principle_and_a_statement(template, officer, tags):
    with pytest.raises(AuthoringError, match=r"principle\.statement") as refused:
        authoring.add_question(template, choice(statement_tags=[tags]), by=officer)
    assert refused.value.field == "statement_tags"


def test_statement_tags_accept_commas_or_spaces_and_are_kept_once(template, officer):
    question = authoring.add_question(template, choice(statement_tags=["3.1  1.2,3.1 ;5.9"]), by=officer)
    assert question.statement_tags == ["3.1", "1.2", "5.9"]


def test_a_question_needs_its_words_and_a_kind_officers_may_choose(template, officer):
    with pytest.raises(AuthoringError, match="Enter the question"):
        authoring.add_question(template, choice(text="  "), by=officer)
    with pytest.raises(AuthoringError, match="Choose the kind of answer"):
        authoring.add_question(template, QuestionInput(kind="frequency", text="How often?"), by=officer)
    assert stored(template) == []


def test_editing_a_question_records_what_changed_and_keeps_its_key(template, officer):
    question = authoring.add_question(template, choice(), by=officer)
    key = question.key

    authoring.update_question(question, choice(text="Which channel most?", options=["Email", "Post"]), by=officer)

    assert (stored(template)[0].key, stored(template)[0].options) == (key, ["Email", "Post"])
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "surveys.question-updated")).one()
    assert event.detail["text"] == ["Which channel?", "Which channel most?"]
    assert event.detail["options"] == [["Email", "Phone"], ["Email", "Post"]]


def test_questions_move_up_and_down_and_stay_put_at_either_end(template, officer):
    *_, last = (authoring.add_question(template, choice(text=text), by=officer) for text in "ABC")

    authoring.move_question(last, -1, by=officer)
    assert [q.text for q in stored(template)] == ["A", "C", "B"]
    authoring.move_question(stored(template)[0], -1, by=officer)  # already first
    authoring.move_question(stored(template)[0], 1, by=officer)
    assert [q.text for q in stored(template)] == ["C", "A", "B"]
    assert [q.position for q in stored(template)] == [0, 1, 2]


def test_deleting_a_question_closes_the_gap(template, officer):
    _, middle, _ = (authoring.add_question(template, choice(text=text), by=officer) for text in "ABC")

    authoring.delete_question(middle, by=officer)

    assert [(q.text, q.position) for q in stored(template)] == [("A", 0), ("C", 1)]
    assert "surveys.question-deleted" in audit_actions()


# ---- blocks --------------------------------------------------------------------------------------------


def test_a_block_is_added_whole_in_its_order_at_the_end_and_only_once(template, officer):
    authoring.add_question(template, choice(text="Mine first"), by=officer)

    authoring.add_block(template, "who5", by=officer)
    authoring.add_block(template, "ons4", by=officer)

    keys = [q.key for q in stored(template)]
    assert keys[1:] == blocks.WHO5_KEYS + [q.key for q in blocks.ONS4.questions]
    who5 = stored(template)[1]
    assert (who5.kind, who5.options, who5.required, who5.block) == ("frequency", blocks.FREQUENCY_OPTIONS, True, "who5")
    with pytest.raises(AuthoringError, match="already has the WHO-5"):
        authoring.add_block(template, "who5", by=officer)
    assert len(stored(template)) == 1 + 5 + 4
    assert [block.code for block in authoring.blocks_in(template)] == ["who5", "ons4"]
    assert [block.code for block in authoring.blocks_to_add(template)] == ["experience"]


def test_a_block_question_keeps_its_wording_but_takes_new_tags(template, officer):
    authoring.add_block(template, "experience", by=officer)
    question = stored(template)[0]

    with pytest.raises(AuthoringError, match="keep their wording"):
        authoring.update_question(question, choice(), by=officer)
    with pytest.raises(AuthoringError, match="whole block"):
        authoring.delete_question(question, by=officer)
    authoring.update_statement_tags(question, "4.4", by=officer)

    assert stored(template)[0].statement_tags == ["4.4"]


def test_a_block_is_removed_whole(template, officer):
    authoring.add_block(template, "who5", by=officer)
    authoring.add_question(template, choice(text="After"), by=officer)

    authoring.remove_block(template, "who5", by=officer)

    assert [(q.text, q.position) for q in stored(template)] == [("After", 0)]


def test_an_unknown_block_is_refused(template, officer):
    with pytest.raises(AuthoringError, match="standard blocks"):
        authoring.add_block(template, "phq9", by=officer)


# ---- attributes ----------------------------------------------------------------------------------------


def test_an_attribute_always_ends_with_prefer_not_to_say_and_is_never_required(template, officer):
    typed_last = authoring.add_question(
        template, choice("Ward type?", ["Urban", "Rural"], is_attribute=True, required=True), by=officer
    )
    typed_first = authoring.add_question(
        template, choice("Group?", ["prefer not to say", "Yes", "No"], is_attribute=True), by=officer
    )

    assert typed_last.options == ["Urban", "Rural", blocks.PREFER_NOT_TO_SAY]
    assert typed_first.options == ["Yes", "No", blocks.PREFER_NOT_TO_SAY]
    assert (typed_last.is_attribute, typed_last.required) == (True, False)


def test_an_attribute_must_be_single_choice_with_two_real_options(template, officer):
    with pytest.raises(AuthoringError, match="single choice") as refused:
        authoring.add_question(template, QuestionInput(kind="scale", text="Age?", is_attribute=True), by=officer)
    assert refused.value.field == "kind"
    with pytest.raises(AuthoringError, match="besides “Prefer not to say”"):
        authoring.add_question(template, choice(options=["Yes", "Prefer not to say"], is_attribute=True), by=officer)


def test_editing_an_attribute_keeps_prefer_not_to_say_last(template, officer):
    question = authoring.add_question(template, choice(options=["Yes", "No"], is_attribute=True), by=officer)

    authoring.update_question(
        question, choice(options=["Prefer not to say", "Yes", "No", "Unsure"], is_attribute=True), by=officer
    )

    assert stored(template)[0].options == ["Yes", "No", "Unsure", blocks.PREFER_NOT_TO_SAY]


def test_the_ready_made_attributes_are_added_with_one_call_each_once(template, officer):
    independent = authoring.add_ready_attribute(template, "independent", by=officer)
    years = authoring.add_ready_attribute(template, "years_in_office", by=officer)

    assert (independent.text, independent.options) == (
        "Are you an independent councillor?",
        ["Yes", "No", blocks.PREFER_NOT_TO_SAY],
    )
    assert years.options == [
        "Less than 2 years",
        "2 to 5 years",
        "6 to 10 years",
        "More than 10 years",
        blocks.PREFER_NOT_TO_SAY,
    ]
    assert all(q.is_attribute and not q.required and q.kind == "single_choice" for q in (independent, years))
    with pytest.raises(AuthoringError, match="already asks"):
        authoring.add_ready_attribute(template, "independent", by=officer)
    assert authoring.ready_attributes_to_add(template) == {}


# ---- locking and copying -------------------------------------------------------------------------------


def test_a_template_a_round_uses_refuses_every_change(template, officer):
    question = authoring.add_question(template, choice(), by=officer)
    authoring.add_block(template, "who5", by=officer)
    make_round(template)
    db.session.commit()
    db.session.refresh(template)
    before = [(q.key, q.text, q.position, q.options, q.statement_tags) for q in stored(template)]
    events_before = len(audit_actions())

    changes = [
        lambda: authoring.update_template(template, "Renamed", "", by=officer),
        lambda: authoring.add_question(template, choice(text="New"), by=officer),
        lambda: authoring.update_question(question, choice(text="Changed"), by=officer),
        lambda: authoring.update_statement_tags(question, "2.2", by=officer),
        lambda: authoring.delete_question(question, by=officer),
        lambda: authoring.move_question(question, 1, by=officer),
        lambda: authoring.add_block(template, "ons4", by=officer),
        lambda: authoring.remove_block(template, "who5", by=officer),
        lambda: authoring.add_ready_attribute(template, "independent", by=officer),
    ]
    for change in changes:
        with pytest.raises(TemplateLocked, match="Copy it to make changes"):
            change()
    db.session.commit()

    assert [(q.key, q.text, q.position, q.options, q.statement_tags) for q in stored(template)] == before
    assert template.name == "Member wellbeing"
    assert len(audit_actions()) == events_before


def test_a_copy_keeps_every_question_key_tag_block_and_attribute_and_is_unlocked(template, officer):
    authoring.add_block(template, "who5", by=officer)
    authoring.add_question(template, choice(statement_tags=["2.3"], help_text="One only"), by=officer)
    authoring.add_ready_attribute(template, "independent", by=officer)
    make_round(template)
    db.session.commit()
    db.session.refresh(template)

    copy = authoring.copy_template(template, by=officer)
    db.session.commit()

    def shape(questions):
        return [
            (q.position, q.key, q.kind, q.text, q.help_text, q.required, q.options, q.block, q.is_attribute,
             q.statement_tags)
            for q in questions
        ]  # fmt: skip

    assert (copy.name, copy.description, copy.locked, copy.archived) == (
        "Copy of Member wellbeing",
        "Twice a year",
        False,
        False,
    )
    assert shape(stored(copy)) == shape(stored(template))
    assert {q.id for q in stored(copy)}.isdisjoint({q.id for q in stored(template)})
    authoring.add_question(copy, choice(text="Only in the copy"), by=officer)  # the copy can change
    assert len(stored(template)) == 5 + 1 + 1
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "surveys.template-copied")).one()
    assert event.detail == {"copied_from": template.id}
