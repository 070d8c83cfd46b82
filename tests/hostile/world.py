"""The objects a hostile post needs to reach a form's real work, made on first use from the features' factories.

`World.fill` turns placeholders ("{service}", "{officer}", "{question:who5.1}" …) into ids, so that an endpoint's
path and valid values in tests/hostile/endpoints.py can be written as "/directory/services/{service}/edit".
"""

import re
from datetime import date, timedelta
from functools import cached_property

from portal.accounts.models import Role, User
from portal.accounts.tokens import Purpose, make_token
from portal.champions.services import ProfileInput, appoint
from portal.common.time import utcnow
from portal.extensions import db
from portal.newsletters.models import IssueStatus, NewsletterIssue
from portal.newsletters.unsubscribe import unsubscribe_token
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.selfassessment.actions import ActionInput, add_action
from portal.selfassessment.assessments import start_assessment
from portal.selfassessment.models import ActionStatus, Principle
from portal.settings.services import current_settings
from portal.surveys.models import QuestionKind, RoundStatus, SurveyQuestion, SurveySchedule
from tests.directory.factories import category_named, make_service
from tests.factories import UserFactory
from tests.selfassessment.factories_assessments import attach_figure
from tests.surveys.factories import invite, make_round, make_template
from tests.surveys.results_factories import closed_round, released_round, who5
from tests.training.factories import complete, make_course


class World:
    """Objects made on first use; every object is committed, as a page would find it."""

    def resolve(self, name: str) -> str:
        """The id (or value) a placeholder stands for: "service", "officer", "question:who5.1" …"""
        if name.startswith("question:"):
            value = self.question_id(name.removeprefix("question:"))
        elif name.startswith("_") or not hasattr(type(self), name):
            raise KeyError(name)
        else:
            value = getattr(self, name)
        db.session.commit()
        return str(value.id if hasattr(value, "id") else value)

    def fill(self, template: str) -> str:
        """`template` with each {placeholder} replaced by what it stands for."""
        return re.sub(r"\{([\w:.]+)\}", lambda match: self.resolve(match.group(1)), template)

    def user(self, role: Role) -> User:
        return {
            Role.COUNCILLOR: self.councillor,
            Role.CHAMPION: self.champion,
            Role.OFFICER: self.officer,
            Role.ADMIN: self.admin,
        }[role]

    # ---- people ----------------------------------------------------------------------------------------

    @cached_property
    def councillor(self) -> User:
        return UserFactory(roles=(Role.COUNCILLOR,), ward="Riverside", political_group="Independent")

    @cached_property
    def champion(self) -> User:
        return UserFactory(roles=(Role.COUNCILLOR, Role.CHAMPION))

    @cached_property
    def officer(self) -> User:
        return UserFactory(roles=(Role.OFFICER,))

    @cached_property
    def admin(self) -> User:
        return UserFactory(roles=(Role.ADMIN,))

    @cached_property
    def person(self) -> User:
        """A councillor the staff act on: deactivate, appoint, record training for."""
        return UserFactory(roles=(Role.COUNCILLOR,), ward="Hillside", political_group="Green")

    @cached_property
    def person_email(self) -> str:
        return self.person.email

    @cached_property
    def invited(self) -> User:
        return UserFactory(roles=(Role.COUNCILLOR,), password_hash=None)

    @cached_property
    def invitation_token(self) -> str:
        return make_token(self.invited, Purpose.INVITATION)

    @cached_property
    def reset_token(self) -> str:
        return make_token(self.person, Purpose.RESET)

    @cached_property
    def unsubscribe_token(self) -> str:
        return unsubscribe_token(self.person.id)

    # ---- directory, champions, training ----------------------------------------------------------------

    @cached_property
    def category(self):
        return category_named("Wellbeing")

    @cached_property
    def service(self):
        return make_service(owner_id=self.officer.id)

    @cached_property
    def profile(self):
        details = ProfileInput("Safety champion", "Listens", "By email", "Weekdays")
        return appoint(self.champion, details, by=self.admin)

    @cached_property
    def course(self):
        return make_course()

    @cached_property
    def course_title(self) -> str:
        return self.course.title

    @cached_property
    def formula_course_title(self) -> str:
        """A course whose title a spreadsheet would run as a formula, for the exports to make plain."""
        return make_course(title="@SUM(1+1)*cmd|' /C calc'!A0").title

    @cached_property
    def formula_member_email(self) -> str:
        member = UserFactory(roles=(Role.COUNCILLOR,), name='=HYPERLINK("https://evil.example","Pat")', ward="-1+1")
        return member.email

    @cached_property
    def completion(self):
        return complete(self.person, self.course, date(2026, 1, 5))

    # ---- newsletters -----------------------------------------------------------------------------------

    @cached_property
    def issue(self) -> NewsletterIssue:
        issue = NewsletterIssue(
            subject="A draft",
            body_markdown="Words",
            body_html="<p>Words</p>",
            body_text="Words",
            author=self.officer,
            status=IssueStatus.DRAFT.value,
        )
        db.session.add(issue)
        db.session.flush()
        return issue

    def _issue_in(self, status: IssueStatus, **fields) -> NewsletterIssue:
        issue = NewsletterIssue(
            subject="News",
            body_markdown="Words",
            body_html="<p>Words</p>",
            body_text="Words",
            status=status.value,
            author=self.officer,
            **fields,
        )
        db.session.add(issue)
        db.session.flush()
        return issue

    @cached_property
    def issue_to_submit(self) -> NewsletterIssue:
        """A draft, while the council's setting asks for approval."""
        current_settings().newsletter_approval_required = True
        return self._issue_in(IssueStatus.DRAFT)

    @cached_property
    def awaiting_issue(self) -> NewsletterIssue:
        return self._issue_in(IssueStatus.AWAITING_APPROVAL)

    @cached_property
    def scheduled_issue(self) -> NewsletterIssue:
        return self._issue_in(IssueStatus.SCHEDULED, scheduled_for=utcnow() + timedelta(days=2))

    @cached_property
    def overdue_issue(self) -> NewsletterIssue:
        assert self.councillor is not None  # someone to send it to
        return self._issue_in(IssueStatus.NEEDS_CONFIRMATION, scheduled_for=utcnow() - timedelta(days=2))

    @cached_property
    def issue_with_failures(self) -> NewsletterIssue:
        issue = self._issue_in(IssueStatus.SENT, sent_at=utcnow())
        failed = OutboxMessage(
            to_address="someone@council.example",
            subject="News",
            body_text="Words",
            body_html="<p>Words</p>",
            group_key=issue.group_key,
            status=MessageStatus.FAILED,
        )
        db.session.add(failed)
        db.session.flush()
        return issue

    # ---- surveys ---------------------------------------------------------------------------------------

    @cached_property
    def template(self):
        return make_template("who5", name="Unused template")

    @cached_property
    def block_question(self) -> SurveyQuestion:
        return self.template.questions[0]

    @cached_property
    def custom_question(self) -> SurveyQuestion:
        question = SurveyQuestion(
            position=len(self.template.questions),
            key="own.lunch",
            kind=QuestionKind.SINGLE_CHOICE.value,
            text="Where do you eat lunch?",
            options=["Canteen", "Desk"],
        )
        self.template.questions.append(question)
        db.session.flush()
        return question

    @cached_property
    def open_round(self):
        """Open, with every kind of question, and the councillor invited to answer it."""
        template = make_template("who5", "ons4", "experience", name="Used template", attributes={"Group": ["A", "B"]})
        template.questions.append(
            SurveyQuestion(position=99, key="own.words", kind=QuestionKind.FREE_TEXT.value, text="Anything else?")
        )
        survey_round = make_round(template)
        invite(survey_round, self.councillor)
        return survey_round

    @cached_property
    def used_template(self):
        return self.open_round.template

    def question_id(self, key: str) -> int:
        return next(question.id for question in self.open_round.template.questions if question.key == key)

    @cached_property
    def scheduled_round(self):
        return make_round(self.open_round.template, RoundStatus.SCHEDULED, opens_on=date.today() + timedelta(days=3))

    @cached_property
    def closed_round(self):
        return closed_round([who5(3)] * 5)

    @cached_property
    def released_round(self):
        return released_round([{**who5(2), "exp.experienced": 0}] * 5)

    @cached_property
    def free_text_answer(self) -> str:
        from portal.surveys.models import SurveyAnswer

        answer = SurveyAnswer.query.filter(SurveyAnswer.round_id == self.released_round.id).first()
        answer.text = "Some words"
        db.session.flush()
        return answer.id

    @cached_property
    def schedule(self) -> SurveySchedule:
        schedule = SurveySchedule(
            template=self.open_round.template, title="Every six months", next_opens_on=date.today() + timedelta(days=30)
        )
        db.session.add(schedule)
        db.session.flush()
        return schedule

    # ---- self-assessment -------------------------------------------------------------------------------

    @cached_property
    def assessment(self):
        return start_assessment("2026/27", None, by=self.officer)

    @cached_property
    def assessed(self):
        """The first statement, listing a figure the portal can attach even in an empty portal."""
        statement = self.assessment.statements[0]
        statement.indicators = ["champions.appointed"]
        db.session.flush()
        return statement

    @cached_property
    def scored_assessment(self):
        assessment = start_assessment("2025/26", None, by=self.officer)
        for statement in assessment.statements:
            statement.score = 1
        db.session.flush()
        return assessment

    @cached_property
    def assessed_revision(self) -> int:
        return self.assessed.revision

    @cached_property
    def action(self):
        return add_action(
            self.assessed, ActionInput("Write it down", None, None, ActionStatus.NOT_STARTED), by=self.officer
        )

    @cached_property
    def action_revision(self) -> int:
        return self.action.revision

    @cached_property
    def evidence(self):
        return attach_figure(self.assessed)

    @cached_property
    def principle(self) -> Principle:
        return db.session.scalars(db.select(Principle).order_by(Principle.number)).first()

    @cached_property
    def statement(self):
        return self.principle.statements[0]

    @cached_property
    def framework_version(self) -> int:
        from portal.selfassessment.framework import current_version

        return current_version()
