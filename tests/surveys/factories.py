"""Survey templates, rounds and answers for tests."""

from datetime import date, timedelta

from portal.extensions import db
from portal.surveys import blocks, store
from portal.surveys.models import (
    QuestionKind,
    RoundStatus,
    SurveyInvitation,
    SurveyQuestion,
    SurveyRound,
    SurveyTemplate,
)


def make_template(*block_codes: str, attributes: dict[str, list[str]] | None = None, **fields) -> SurveyTemplate:
    """A template with the standard blocks named, then one attribute question per `attributes` entry."""
    template = SurveyTemplate(name=fields.pop("name", "Member wellbeing"), **fields)
    db.session.add(template)
    position = 0
    for code in block_codes or ("who5", "experience"):
        for standard in blocks.BLOCKS[code].questions:
            template.questions.append(
                SurveyQuestion(
                    position=position,
                    key=standard.key,
                    kind=standard.kind,
                    text=standard.text,
                    help_text=standard.help_text,
                    options=list(standard.options),
                    required=standard.required,
                    block=code,
                    statement_tags=list(standard.statement_tags),
                )
            )
            position += 1
    for label, options in (attributes or {}).items():
        template.questions.append(
            SurveyQuestion(
                position=position,
                key=f"attr.{label.lower().replace(' ', '_')}",
                kind=QuestionKind.SINGLE_CHOICE,
                text=label,
                options=[*options, blocks.PREFER_NOT_TO_SAY],
                is_attribute=True,
            )
        )
        position += 1
    db.session.flush()
    return template


def make_round(template: SurveyTemplate, status: RoundStatus = RoundStatus.OPEN, **fields) -> SurveyRound:
    opens_on = fields.pop("opens_on", date.today() - timedelta(days=7))
    survey_round = SurveyRound(
        template=template,
        title=fields.pop("title", "Wellbeing survey"),
        opens_on=opens_on,
        closes_on=fields.pop("closes_on", opens_on + timedelta(days=21)),
        status=status,
        **fields,
    )
    db.session.add(survey_round)
    db.session.flush()
    return survey_round


def invite(survey_round: SurveyRound, *users) -> list[SurveyInvitation]:
    invitations = [SurveyInvitation(round_id=survey_round.id, user_id=user.id) for user in users]
    db.session.add_all(invitations)
    survey_round.invited_count += len(invitations)
    db.session.flush()
    return invitations


def answer(survey_round: SurveyRound, user, by_key: dict[str, store.AnswerValue]) -> None:
    """Submit `user`'s answers, given by question key, as the answering page would (invites them if needed)."""
    questions = survey_round.template.questions
    if db.session.query(SurveyInvitation).filter_by(round_id=survey_round.id, user_id=user.id).first() is None:
        invite(survey_round, user)
    by_id = {question.id: by_key[question.key] for question in questions if question.key in by_key}
    store.record_response(survey_round, user.id, by_id, questions)
    db.session.flush()
