"""Members' survey pages: the list of their surveys, answering one, and the thank-you page.

Saving a draft and submitting are one POST to the answering URL, told apart only by the button pressed, so
a request log shows the same line for both (and request_logs takes the client address out of it).
"""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portal.accounts.permissions import signed_in
from portal.common.cache import BoundedCache
from portal.common.fragments import render_fragment
from portal.surveys import answering, blocks, bp
from portal.surveys.answer_forms import answer_form, draft_data, render_params

SAVE, SUBMIT = "save", "submit"
# The questions as a member with no draft first sees them, rendered once per round in each worker: the GOV.UK
# widgets cost ~25 ms a page, and a round's questions cannot change once it is open.
BLANK_QUESTIONS: BoundedCache[Markup] = BoundedCache(max_entries=20)


def _me():
    return current_user._get_current_object()


@bp.get("/surveys")
@signed_in
def index():
    return render_template(
        "surveys/answer/index.html",
        open_rounds=answering.open_rounds_for(_me()),
        released=answering.released_rounds(),
        last_day=answering.last_day,
    )


@bp.route("/surveys/<int:round_id>", methods=["GET", "POST"])
@signed_in
def answer(round_id: int):
    member = _me()
    invitation = answering.invitation_or_404(round_id, member)
    survey_round = answering.get_round(round_id)
    if invitation.answered:
        return render_template("surveys/answer/answer.html", survey_round=survey_round, form=None, answered=True)
    questions = answering.questions_of(survey_round)
    if request.method == "GET":
        saved = answering.saved_answers(survey_round, member)
        form = answer_form(questions, data=draft_data(questions, saved))
        return _render(survey_round, form, blank=not saved)
    submitting = request.form.get("action") == SUBMIT
    form = answer_form(questions, submitting=submitting)
    if not form.validate_on_submit():
        return _render(survey_round, form, 422)
    if not submitting:
        answering.save_draft(survey_round, member, form.answers())
        flash("Your answers are saved. Come back to this page to finish and submit them before the survey closes.")
        return redirect(url_for(".answer", round_id=round_id))
    try:
        answering.submit(survey_round, member, form.answers())
    except answering.AlreadyAnswered:
        flash("You have already answered this survey. Each member can answer once.", "info")
        return redirect(url_for(".answer", round_id=round_id))
    except answering.RoundNotOpen:
        flash("This survey closed before your answers arrived, so they were not recorded.", "info")
        return redirect(url_for(".index"))
    return redirect(url_for(".thanks", round_id=round_id))


def _render(survey_round, form, status: int = 200, *, blank: bool = False):
    if blank:
        # created_at too: a round id can come back after a restore (or in tests, which empty the tables).
        key = (survey_round.id, survey_round.created_at, tuple(question.id for question in form.questions))
        questions_html = BLANK_QUESTIONS.get_or_make(key, lambda: _render_questions(form))
    else:
        questions_html = _render_questions(form)
    return render_template(
        "surveys/answer/answer.html",
        survey_round=survey_round,
        form=form,
        answered=False,
        questions_html=questions_html,
        last_day=answering.last_day,
    ), status


def _render_questions(form) -> Markup:
    return render_fragment(
        "surveys/answer/_questions.html",
        form=form,
        render_params=render_params,
        who5=blocks.WHO5,
        block_names={code: block.name for code, block in blocks.BLOCKS.items()},
    )


@bp.get("/surveys/<int:round_id>/thanks")
@signed_in
def thanks(round_id: int):
    invitation = answering.invitation_or_404(round_id, _me())
    if not invitation.answered:
        return redirect(url_for(".answer", round_id=round_id))
    return render_template("surveys/answer/thanks.html", survey_round=answering.get_round(round_id))
