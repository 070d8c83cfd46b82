"""Fault 3: members submit survey answers through the real web server while it is killed (SIGKILL) and restarted.

Each member's browser reads the form (for its CSRF token) and submits; when a request fails because the server
died, it tries again as a person would: reads the page again and, unless it says the answers are in, submits
again. In the end every answer that got a success response is stored once, those lost in flight were stored
once or sent again, and the responses number exactly the invitations marked answered.
"""

import queue
import threading
import time
from collections import Counter
from http.client import HTTPException

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.surveys.answer_forms import choices_for, field_name
from portal.surveys.models import QuestionKind, RoundStatus, SurveyAnswer, SurveyInvitation, SurveyResponse
from portal.surveys.rounds import council_today
from tests.faults.data import add_councillors
from tests.faults.harness import Browser, session_cookie_for, wait_until
from tests.surveys.factories import invite, make_round, make_template

MEMBERS = 90
BROWSERS = 6  # members answering at the same moment
KILL_AFTER = MEMBERS // 3  # successful submissions before the kill
DOWN_SECONDS = 1.0
GIVE_UP_AFTER = 180  # seconds a member keeps trying
ANSWERED_MARK = 'id="already-answered"'


def _answers(questions) -> dict[str, str | list[str]]:
    """A complete, valid submission: the first option of each choice, a sentence for free text."""
    form: dict[str, str | list[str]] = {}
    for question in questions:
        if QuestionKind(question.kind) is QuestionKind.FREE_TEXT:
            form[field_name(question)] = "Mostly fine, thank you."
        elif QuestionKind(question.kind) is QuestionKind.MULTIPLE_CHOICE:
            form[field_name(question)] = [str(choices_for(question)[0].value)]
        else:
            form[field_name(question)] = str(choices_for(question)[0].value)
    return form


class Member:
    """One member answering, the way a person at a browser would, and what happened to each try."""

    def __init__(self, browser: Browser, round_id: int, answers: dict):
        self.browser, self.round_id, self.answers = browser, round_id, answers
        self.outcome = ""  # "stored" (a success response), "found stored" (answered earlier; the reply was lost)
        self.failed_tries = 0

    def answer(self) -> None:
        path = f"/surveys/{self.round_id}"
        deadline = time.monotonic() + GIVE_UP_AFTER
        while time.monotonic() < deadline:
            try:
                page = self.browser.get(path)
                if page.status == 200 and ANSWERED_MARK in page.body:
                    self.outcome = "found stored"
                    return
                if page.status == 200:
                    form = {"csrf_token": Browser.csrf_token(page), "action": "submit", **self.answers}
                    reply = self.browser.post(path, form)
                    if reply.status == 302 and reply.location == f"{path}/thanks":
                        self.outcome = "stored"
                        return
                    if reply.status == 302 and reply.location == path:  # "You have already answered"
                        self.outcome = "found stored"
                        return
                self.failed_tries += 1  # an error page while the server came back: try again
            except (OSError, HTTPException):
                self.failed_tries += 1  # the server died under the request, or is not back yet
            time.sleep(0.2)
        self.outcome = "gave up"


def _answer_all(members: list[Member]) -> list[threading.Thread]:
    waiting: queue.Queue[Member] = queue.Queue()
    for member in members:
        waiting.put(member)

    def browse() -> None:
        while True:
            try:
                waiting.get_nowait().answer()
            except queue.Empty:
                return

    threads = [threading.Thread(target=browse, daemon=True) for _ in range(BROWSERS)]
    for thread in threads:
        thread.start()
    return threads


@pytest.mark.fault(backends=("sqlite", "postgresql"))
def test_killing_the_web_server_loses_no_survey_answer_and_counts_none_twice(fault_db, launch, results):
    member_ids = add_councillors(MEMBERS)
    today = council_today()
    survey_round = make_round(make_template("who5", "experience"), status=RoundStatus.OPEN, opens_on=today)
    users = list(db.session.scalars(select(User).where(User.id.in_(member_ids))))
    invite(survey_round, *users)
    questions = list(survey_round.template.questions)
    answers = _answers(questions)
    answer_rows_each = sum(len(value) if isinstance(value, list) else 1 for value in answers.values())
    cookies = [session_cookie_for(fault_db.app, user) for user in users]
    round_id = survey_round.id
    db.session.commit()

    web = launch.web()
    members = [Member(Browser(web.port, cookie), round_id, answers) for cookie in cookies]
    threads = _answer_all(members)
    wait_until(lambda: sum(m.outcome == "stored" for m in members) >= KILL_AFTER, 120, 0.01, "the first answers")
    web.kill()
    stored_before_kill = sum(m.outcome == "stored" for m in members)
    time.sleep(DOWN_SECONDS)
    restarted = time.monotonic()
    web.start()
    web_back = time.monotonic() - restarted
    for thread in threads:
        thread.join(timeout=GIVE_UP_AFTER + 60)

    outcomes = Counter(member.outcome for member in members)
    assert set(outcomes) <= {"stored", "found stored"}, outcomes
    assert stored_before_kill < MEMBERS, "every member had answered before the kill: nothing was interrupted"
    db.session.expire_all()
    responses = db.session.scalar(select(func.count()).where(SurveyResponse.round_id == round_id))
    answered = db.session.scalar(
        select(func.count()).where(SurveyInvitation.round_id == round_id, SurveyInvitation.answered.is_(True))
    )
    answer_rows = db.session.scalar(select(func.count()).where(SurveyAnswer.round_id == round_id))
    assert responses == answered == MEMBERS, "each member's answers stored exactly once"
    assert answer_rows == MEMBERS * answer_rows_each, "no response stored in part"
    assert sum(member.failed_tries > 0 for member in members) > 0, "no request failed: the kill hit nothing"
    results.append(
        f"{MEMBERS} members, {BROWSERS} at a time; killed after {stored_before_kill} stored, down "
        f"{DOWN_SECONDS:.0f} s, answering {web_back:.1f} s after restart; {outcomes['stored']} got a success response, "
        f"{outcomes['found stored']} found theirs stored after a lost reply; "
        f"{sum(m.failed_tries > 0 for m in members)} had to try again; {responses} responses = {answered} "
        "invitations answered"
    )
