"""The home page invites a member to the open survey until they answer it, and tells officers what to review."""

from portal.accounts.models import Role
from portal.extensions import db
from portal.surveys.models import RoundStatus, SurveyDraft
from tests.pages import Page
from tests.surveys.factories import answer, invite, make_round, make_template

WHO5_ANSWERS = {f"who5.{n}": 3 for n in range(1, 6)}


def _survey_section(page: Page) -> str:
    heading = page.soup.find("h2", string="Wellbeing survey")
    return "" if heading is None else " ".join(p.get_text(" ", strip=True) for p in heading.find_next_siblings("p")[:2])


def test_an_invited_member_is_asked_to_answer_until_they_do(client_as):
    client = client_as(Role.COUNCILLOR)
    me = client.user
    survey_round = make_round(make_template("who5"), title="Autumn wellbeing survey")
    invite(survey_round, me)
    db.session.commit()

    section = _survey_section(Page(client.get("/")))
    assert "Autumn wellbeing survey is open until" in section
    assert "cannot be traced to you" in section
    link = Page(client.get("/")).soup.find("a", href=f"/surveys/{survey_round.id}")
    assert link.get_text(" ", strip=True).startswith("Answer the survey")

    db.session.add(SurveyDraft(round_id=survey_round.id, user_id=me.id, answers={}))
    db.session.commit()
    assert "you have saved a draft" in _survey_section(Page(client.get("/")))

    answer(survey_round, me, WHO5_ANSWERS)
    db.session.commit()
    assert _survey_section(Page(client.get("/"))) == ""


def test_a_member_not_invited_sees_no_survey(client_as):
    make_round(make_template("who5"))
    db.session.commit()

    assert "Wellbeing survey" not in Page(client_as(Role.COUNCILLOR).get("/")).text


def test_an_officer_is_told_of_closed_rounds_waiting_for_review(client_as):
    make_round(make_template("who5"), RoundStatus.CLOSED)
    db.session.commit()

    page = Page(client_as(Role.OFFICER).get("/"))

    link = page.soup.find("a", string="1 survey round has closed and is waiting for review")
    assert link["href"] == "/surveys/rounds"
    assert "Nothing needs your attention." not in page.text
