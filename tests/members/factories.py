"""A member whose name is everywhere the portal can put it, made through each feature's own services."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from portal.accounts import services as accounts
from portal.accounts.models import Role, User
from portal.accounts.passwords import hash_password
from portal.champions import services as champions
from portal.champions.models import ChampionProfile
from portal.directory.models import ReviewReminder, Service
from portal.extensions import db
from portal.newsletters import sending
from portal.newsletters import services as newsletters
from portal.newsletters.models import NewsletterIssue
from portal.outbox import worker
from portal.outbox.services import enqueue_many
from portal.selfassessment import evidence
from portal.selfassessment.models import ActionStatus, Assessment
from portal.surveys import answering, results
from portal.surveys.models import RoundStatus, SurveyRound
from portal.training import services as training
from portal.training.models import Completion, ReminderSent
from tests.champions.photos import png
from tests.directory.factories import make_service
from tests.selfassessment.factories_assessments import add_action, score_all, start, statement
from tests.surveys.factories import answer, invite, make_round, make_template
from tests.surveys.results_factories import members, who5
from tests.training.factories import make_course

NAME = "Margaret Thistlewood"
EMAIL = "m.thistlewood@council.example"


@dataclass
class World:
    member: User
    admin: User
    officer: User
    open_round: SurveyRound
    released_round: SurveyRound
    assessment: Assessment
    service: Service
    issue: NewsletterIssue
    completion: Completion


def member_everywhere(make_user) -> World:
    """Invited by an admin, a champion with a photo, trained, sent newsletters and email, surveyed, owning
    directory entries and actions, and named in frozen evidence: every place the portal records a person."""
    admin = make_user(Role.ADMIN, name="Ada Admin")
    officer = make_user(Role.OFFICER, name="Oscar Officer")
    member = _invited_member(admin)
    profile = champions.appoint(member, _profile(), by=admin)
    champions.set_photo(profile, png(), "Margaret smiling", by=admin)
    completion = _trained(member, officer)
    service = make_service(name="Peer support circle", owner_id=member.id)
    db.session.add(ReviewReminder(owner_id=member.id))
    issue = _newsletter_sent_to(member, officer)
    open_round, released_round = _surveyed(member, officer)
    assessment = _assessed(member, officer)
    db.session.commit()
    worker.drain()  # the invitation and the newsletter go out: sent mail keeps a row in the outbox
    enqueue_many([_email(member.email, "Your training is due")])  # one still waiting
    db.session.commit()
    return World(member, admin, officer, open_round, released_round, assessment, service, issue, completion)


def _invited_member(admin: User) -> User:
    invitation = accounts.Invitation(email=EMAIL, name=NAME, roles={Role.COUNCILLOR})
    member = accounts.invite_user(invitation, by=admin)
    member.password_hash = hash_password("a long and private passphrase")
    member.ward, member.political_group, member.date_elected = "Northgate", "Independent", date(2022, 5, 5)
    member.last_signed_in_at = member.created_at
    db.session.commit()
    return member


def _profile() -> champions.ProfileInput:
    return champions.ProfileInput(
        title="Councillor Safety Champion",
        remit="Personal safety at surgeries",
        how_to_contact="Ring me on 01632 960123",
        when_to_contact="Weekday evenings",
    )


def _trained(member: User, officer: User) -> Completion:
    course = make_course()
    completion = training.record_completion(member, course, date.today() - timedelta(days=90), "Online", by=officer)
    training.correct_completion(completion, date.today() - timedelta(days=80), "Workshop in person", by=officer)
    db.session.add(ReminderSent(user_id=member.id, course_id=course.id, due_on=date.today() + timedelta(days=30)))
    return completion


def _newsletter_sent_to(member: User, officer: User) -> NewsletterIssue:
    data = newsletters.IssueInput(subject="Staying safe at surgeries", summary="Tips", body_markdown="Lock the door.")
    issue = newsletters.create_issue(data, by=member)  # written by the member, who is a champion
    sending.send_now(issue, by=officer)
    return issue


def _surveyed(member: User, officer: User) -> tuple[SurveyRound, SurveyRound]:
    template = make_template("who5")
    released = make_round(template, RoundStatus.OPEN, title="Spring wellbeing survey")
    answer(released, member, who5(3))
    for other in members(5):
        answer(released, other, who5(2))
    released.status, released.response_count = RoundStatus.CLOSED, 6
    results.release(released, by=officer)
    open_round = make_round(template, RoundStatus.OPEN, title="Autumn wellbeing survey", opens_on=date.today())
    invite(open_round, member)
    first = template.questions[0]
    answering.save_draft(open_round, member, {first.id: 4})
    return open_round, released


def _assessed(member: User, officer: User) -> Assessment:
    assessment = start(officer, title="2026/27")
    score_all(assessment, 1)
    target = next(item for item in assessment.statements if "champions.appointed" in (item.indicators or []))
    evidence.attach(target, "champions.appointed", by=officer)  # frozen text: "1 appointed: Margaret ..."
    add_action(statement(assessment, "1.1"), "Run a personal safety briefing", ActionStatus.IN_PROGRESS, owner=member)
    return assessment


def _email(to: str, subject: str) -> dict[str, str]:
    body = f"Dear {NAME},\nPlease book your refresher."
    return {"to_address": to, "subject": subject, "body_text": body, "body_html": f"<p>{body}</p>"}


def profile_of(user: User) -> ChampionProfile | None:
    return db.session.scalar(select(ChampionProfile).where(ChampionProfile.user_id == user.id))
