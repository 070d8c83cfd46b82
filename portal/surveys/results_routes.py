"""Officers review, release and read anonymised results; members read a short summary.

Every page and file of results is written to the audit log, naming the officer (or member) who looked.
"""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.forms import ConfirmForm
from portal.accounts.models import Role
from portal.accounts.permissions import role_required, signed_in
from portal.extensions import db
from portal.settings.services import current_settings
from portal.surveys import blocks, bp, export, results, retention
from portal.surveys.models import RoundStatus, SurveyQuestion, SurveyRound

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round_or_404(round_id: int) -> SurveyRound:
    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None:
        abort(404)
    return survey_round


@bp.get("/surveys/rounds/<int:round_id>/review")
@role_required(Role.OFFICER)
def review_round(round_id: int):
    survey_round = _round_or_404(round_id)
    if survey_round.status not in (RoundStatus.CLOSED, RoundStatus.RELEASED):
        abort(404)
    return render_template(
        "surveys/results/review.html",
        survey_round=survey_round,
        meets_k=survey_round.response_count >= survey_round.anonymity_threshold,
        past_retention=retention.past_retention(survey_round, date.today()),
        retention_months=current_settings().survey_retention_months,
        confirm=ConfirmForm(),
    )


@bp.post("/surveys/rounds/<int:round_id>/release")
@role_required(Role.OFFICER)
def release_round(round_id: int):
    survey_round = _round_or_404(round_id)
    if not ConfirmForm().validate_on_submit():
        flash("That did not work; please try again", "info")
        return redirect(url_for("surveys.review_round", round_id=round_id))
    try:
        results.release(survey_round, by=current_user)
    except results.ReleaseError as error:
        flash(str(error), "info")
        return redirect(url_for("surveys.review_round", round_id=round_id))
    flash(f"Results of {survey_round.title} released")
    return redirect(url_for("surveys.round_results", round_id=round_id))


def _attribute_or_none(survey_round: SurveyRound) -> SurveyQuestion | None:
    """The attribute asked for with ?by=, or None; one this round did not ask is refused."""
    by = request.args.get("by", type=int)
    if by is None:
        return None
    attribute = next((q for q in survey_round.template.questions if q.id == by and q.is_attribute), None)
    if attribute is None:
        abort(404)
    return attribute


@bp.get("/surveys/rounds/<int:round_id>/results")
@role_required(Role.OFFICER)
def round_results(round_id: int):
    survey_round = results.released_round_or_404(round_id)
    attribute = _attribute_or_none(survey_round)
    aggregates = results.Aggregates.of(survey_round)
    overall = results.round_results(survey_round, aggregates)
    breakdown = None
    if attribute is not None and overall.shows_figures:
        breakdown = results.breakdown(survey_round, attribute, aggregates)
    view = "breakdown" if attribute is not None else "overall"
    results.record_view(current_user, survey_round, view, **({"by": attribute.key} if attribute else {}))
    return render_template(
        "surveys/results/results.html",
        results=overall,
        breakdown=breakdown,
        attribute=attribute,
        who5_source=blocks.WHO5_SOURCE,
        low_at_or_below=blocks.WHO5_LOW_WELLBEING_AT_OR_BELOW,
    )


def _download(survey_round: SurveyRound, content: bytes, content_type: str, extension: str) -> Response:
    filename = f"survey-{survey_round.id}-results.{extension}"
    return Response(
        content, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.get("/surveys/rounds/<int:round_id>/results.csv")
@role_required(Role.OFFICER)
def round_results_csv(round_id: int):
    survey_round = results.released_round_or_404(round_id)
    results.record_view(current_user, survey_round, "csv_export")
    content = export.results_csv(export.export_rows(survey_round))
    return _download(survey_round, content, "text/csv; charset=utf-8", "csv")


@bp.get("/surveys/rounds/<int:round_id>/results.xlsx")
@role_required(Role.OFFICER)
def round_results_xlsx(round_id: int):
    survey_round = results.released_round_or_404(round_id)
    results.record_view(current_user, survey_round, "xlsx_export")
    return _download(survey_round, export.results_xlsx(export.export_rows(survey_round)), XLSX_TYPE, "xlsx")


@bp.get("/surveys/rounds/<int:round_id>/free-text")
@role_required(Role.OFFICER)
def free_text(round_id: int):
    survey_round = results.released_round_or_404(round_id)
    results.record_view(current_user, survey_round, "free_text")
    return render_template(
        "surveys/results/free_text.html",
        survey_round=survey_round,
        questions=results.free_text(survey_round),
        confirm=ConfirmForm(),
    )


@bp.post("/surveys/rounds/<int:round_id>/free-text/<answer_id>/redact")
@role_required(Role.OFFICER)
def redact_answer(round_id: int, answer_id: str):
    survey_round = results.released_round_or_404(round_id)
    if ConfirmForm().validate_on_submit():
        results.redact(survey_round, answer_id, by=current_user)
        flash("Answer redacted")
    else:
        flash("That did not work; please try again", "info")
    return redirect(url_for("surveys.free_text", round_id=round_id))


@bp.get("/surveys/trends")
@role_required(Role.OFFICER)
def trends():
    key = request.args.get("key", "")
    attribute_key = request.args.get("by") or None
    found = results.trend(key, attribute_key) if key else None
    if key and found is None:
        abort(404)
    results.record_view(current_user, None, "trend", key=key, by=attribute_key)
    return render_template(
        "surveys/results/trends.html",
        trend=found,
        keys=results.trend_keys(),
        attribute_keys=results.attribute_keys(),
        low_at_or_below=blocks.WHO5_LOW_WELLBEING_AT_OR_BELOW,
    )


@bp.get("/surveys/<int:round_id>/summary")
@signed_in
def summary(round_id: int):
    survey_round = results.released_round_or_404(round_id)
    results.record_view(current_user, survey_round, "summary")
    return render_template(
        "surveys/results/summary.html",
        summary=results.summary(survey_round),
        low_at_or_below=blocks.WHO5_LOW_WELLBEING_AT_OR_BELOW,
    )
