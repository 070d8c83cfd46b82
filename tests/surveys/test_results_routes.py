"""The results pages and files as officers and members use them; every view leaves an audit record."""

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from portal.accounts.models import AuditEvent, Role
from portal.extensions import db
from portal.surveys.models import QuestionKind, RoundStatus, SurveyAnswer, SurveyQuestion
from tests.pages import Page
from tests.surveys.factories import make_template
from tests.surveys.results_factories import closed_round, released_round, who5

INDEPENDENT, PARTY, PREFER_NOT = 0, 1, 2


def _events(action_prefix: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action.startswith(action_prefix)).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def _attribute_id(survey_round) -> int:
    return next(q.id for q in survey_round.template.questions if q.is_attribute)


def test_an_officer_reviews_and_releases_a_closed_round(client_as):
    client = client_as(Role.OFFICER)
    survey_round = closed_round([who5(3)] * 6)
    db.session.commit()
    review = Page(client.get(f"/surveys/rounds/{survey_round.id}/review"))
    assert review.status == 200
    assert "Release the results" in review.text and "Meets the minimum Yes" in review.text

    response = client.post(f"/surveys/rounds/{survey_round.id}/release")
    assert response.status_code == 302
    db.session.refresh(survey_round)
    assert survey_round.status == RoundStatus.RELEASED and survey_round.released_by_id == client.user.id


def test_the_review_page_says_when_a_round_falls_short_of_k(client_as):
    client = client_as(Role.OFFICER)
    survey_round = closed_round([who5(3)] * 3)
    db.session.commit()
    assert "Meets the minimum No" in Page(client.get(f"/surveys/rounds/{survey_round.id}/review")).text


def test_results_show_the_who5_figures_with_a_chart_and_table_and_are_audited(client_as):
    client = client_as(Role.OFFICER)
    survey_round = released_round([who5(2)] * 3 + [who5(4)] * 3, invited_extra=4)
    db.session.commit()
    page = Page(client.get(f"/surveys/rounds/{survey_round.id}/results"))
    assert page.status == 200
    assert "6 of 10 invited" in page.text and "60%" in page.text
    assert "Mean score (0 to 100) 60.0" in page.text
    assert "Score at or below 50 (low wellbeing) 50%" in page.text
    charts = page.soup.select("svg[role=img]")
    assert charts and all(element.get("style") is None for chart in charts for element in chart.find_all(True))
    assert page.soup.select("table.govuk-table")
    (event,) = _events("survey.results_")
    assert event.actor_id == client.user.id and event.detail["round_id"] == survey_round.id
    assert event.detail["view"] == "overall"


def test_results_of_a_round_not_yet_released_are_not_found(client_as):
    client = client_as(Role.OFFICER)
    open_round = closed_round([who5(3)] * 6)
    open_round.status = RoundStatus.OPEN
    closed = closed_round([who5(3)] * 6)
    db.session.commit()
    for survey_round in (open_round, closed):
        for suffix in ("/results", "/results.csv", "/results.xlsx", "/free-text"):
            assert client.get(f"/surveys/rounds/{survey_round.id}{suffix}").status_code == 404
        assert client.get(f"/surveys/{survey_round.id}/summary").status_code == 404
    assert client.get(f"/surveys/rounds/{open_round.id}/review").status_code == 404


def test_councillors_cannot_see_officers_results(client_as):
    survey_round = released_round([who5(3)] * 6)
    db.session.commit()
    client = client_as(Role.COUNCILLOR)
    assert client.get(f"/surveys/rounds/{survey_round.id}/results").status_code == 403
    assert client.get(f"/surveys/rounds/{survey_round.id}/results.csv").status_code == 403


def test_a_breakdown_page_names_the_groups_it_will_not_show_and_is_audited(client_as):
    client = client_as(Role.OFFICER)
    answer_sets = [{**who5(3), "attr.group": INDEPENDENT}] * 6 + [{**who5(2), "attr.group": PARTY}] * 7
    answer_sets += [{**who5(3), "attr.group": PREFER_NOT}] * 2
    survey_round = released_round(answer_sets)
    db.session.commit()
    page = Page(client.get(f"/surveys/rounds/{survey_round.id}/results?by={_attribute_id(survey_round)}"))
    assert page.status == 200
    groups = dict(page.table_rows()[:2])
    assert groups["Party member"] == "7"
    assert groups["Independent"].startswith("Not shown")
    assert _events("survey.results_")[-1].detail == {
        "round_id": survey_round.id,
        "view": "breakdown",
        "by": "attr.group",
    }


def test_a_breakdown_by_an_attribute_of_another_round_is_not_found(client_as):
    client = client_as(Role.OFFICER)
    survey_round = released_round([who5(3)] * 6)
    db.session.commit()
    assert client.get(f"/surveys/rounds/{survey_round.id}/results?by=99999").status_code == 404


def test_the_csv_and_xlsx_exports_hold_only_what_the_rules_allow_and_are_audited(client_as):
    client = client_as(Role.OFFICER)
    answer_sets = [{**who5(3), "attr.group": INDEPENDENT}] * 1 + [{**who5(2), "attr.group": PARTY}] * 9
    survey_round = released_round(answer_sets)
    db.session.commit()
    response = client.get(f"/surveys/rounds/{survey_round.id}/results.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[1] == ["Everyone", "", "Responses", "", "10", "100.0"]  # count and response rate
    group_rows = [row for row in rows if row[0] == "Group" and row[2] == "Responses"]
    assert [row[3].startswith("Not shown") for row in group_rows] == [True, True]  # 1, and 10 - 9 = 1
    assert not [row for row in rows if row[0] == "Group" and row[2] != "Responses"]

    workbook = load_workbook(io.BytesIO(client.get(f"/surveys/rounds/{survey_round.id}/results.xlsx").data))
    sheet_rows = [
        [cell if cell is not None else "" for cell in row] for row in workbook.active.iter_rows(values_only=True)
    ]
    assert len(sheet_rows) == len(rows)
    assert [event.detail["view"] for event in _events("survey.results_")] == ["csv_export", "xlsx_export"]


def test_an_export_of_a_round_under_k_says_only_fewer_than_k(client_as):
    client = client_as(Role.OFFICER)
    survey_round = released_round([who5(3)] * 4)
    db.session.commit()
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/surveys/rounds/{survey_round.id}/results.csv").get_data().decode("utf-8-sig"))
        )
    )
    assert rows[1:] == [["Everyone", "", "Responses", "Fewer than 5", "", ""]]


def test_members_see_a_summary_once_released(client_as):
    answer_sets = [{**who5(3), "exp.know_support": 5}] * 4 + [{**who5(2), "exp.know_support": 1}] * 4
    survey_round = released_round(answer_sets, invited_extra=2)
    db.session.commit()
    client = client_as(Role.COUNCILLOR)
    page = Page(client.get(f"/surveys/{survey_round.id}/summary"))
    assert page.status == 200
    assert "Response rate 80% (8 members)" in page.text
    assert "Average wellbeing (WHO-5, 0 to 100) 50" in page.text
    assert "Know where to get support 50% agree or strongly agree" in page.text


def test_a_summary_under_k_shows_no_figures(client_as):
    survey_round = released_round([who5(3)] * 4)
    db.session.commit()
    page = Page(client_as(Role.COUNCILLOR).get(f"/surveys/{survey_round.id}/summary"))
    assert "Fewer than 5 members responded" in page.text and "Average wellbeing" not in page.text


def _free_text_round(count: int):
    template = make_template("who5")
    template.questions.append(
        SurveyQuestion(position=99, key="comments", kind=QuestionKind.FREE_TEXT, text="Anything else?")
    )
    db.session.flush()
    return released_round([{**who5(3), "comments": f"Comment number {n}"} for n in range(count)], template=template)


def test_free_text_is_shown_above_its_threshold_and_an_officer_redacts_one(client_as):
    client = client_as(Role.OFFICER)
    survey_round = _free_text_round(10)
    db.session.commit()
    page = Page(client.get(f"/surveys/rounds/{survey_round.id}/free-text"))
    assert page.text.count("Comment number") == 10
    action = page.soup.select_one("form[action*=redact]")["action"]
    assert client.post(action).status_code == 302
    assert db.session.scalar(select(SurveyAnswer).where(SurveyAnswer.redacted.is_(True))).text == ""
    page = Page(client.get(f"/surveys/rounds/{survey_round.id}/free-text"))
    assert page.text.count("Comment number") == 9 and "Redacted by an officer" in page.text
    assert "Comment number" not in str([(e.summary, e.detail) for e in _events("survey.")])


def test_free_text_under_its_threshold_is_not_shown(client_as):
    client = client_as(Role.OFFICER)
    survey_round = _free_text_round(9)
    db.session.commit()
    page = Page(client.get(f"/surveys/rounds/{survey_round.id}/free-text"))
    assert "Comment number" not in page.text and "Not shown" in page.text


def test_the_trends_page_draws_the_who5_mean_over_rounds_and_is_audited(client_as):
    from tests.surveys.results_factories import later

    client = client_as(Role.OFFICER)
    template = make_template("who5")
    released_round([who5(2)] * 5, template=template, title="Spring")
    released_round([who5(4)] * 5, template=template, title="Autumn", **later(180))
    db.session.commit()
    page = Page(client.get("/surveys/trends?key=who5"))
    assert page.status == 200
    assert [row[0].split(" (")[0] for row in page.table_rows()] == ["Spring", "Autumn"]
    assert [row[1] for row in page.table_rows()] == ["40.0", "80.0"]
    assert page.soup.select("svg[role=img] rect")
    assert _events("survey.results_")[-1].detail["view"] == "trend"
    assert client.get("/surveys/trends").status_code == 200
    assert client.get("/surveys/trends?key=no.such.question").status_code == 404
