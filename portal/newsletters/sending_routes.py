"""Sending pages: send now, schedule, follow the progress, retry failures; and the public one-click unsubscribe."""

from datetime import UTC, datetime

from flask import abort, current_app, flash, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, ValidationError

from portal.accounts.models import Role
from portal.accounts.permissions import public, role_required
from portal.common.forms import GovTextInput, StringField, UkDateField, strip
from portal.common.time import COUNCIL_TZ, format_datetime, utcnow
from portal.common.timeofday import parse_time_of_day
from portal.extensions import csrf, db
from portal.newsletters import bp, sending, services, unsubscribe
from portal.newsletters.models import IssueStatus, NewsletterIssue
from portal.outbox.models import MessageStatus

PREVIEW_ENDPOINT = "newsletters.preview"
STATUS_LABELS = {
    MessageStatus.PENDING: "Waiting",
    MessageStatus.SENDING: "Sending",
    MessageStatus.SENT: "Sent",
    MessageStatus.FAILED: "Failed",
}


class ScheduleForm(FlaskForm):
    """When to send, as a date and a time of day in UK time (GMT or BST, whichever applies on that date)."""

    send_on = UkDateField("Date", validators=[InputRequired(message="Enter the date to send it")])
    send_at = StringField(
        "Time",
        filters=[strip],
        validators=[InputRequired(message="Enter the time to send it, like 9am or 17:30")],
        widget=GovTextInput(),
    )

    def validate_send_at(self, field) -> None:
        try:
            parse_time_of_day(field.data)
        except ValueError as problem:
            raise ValidationError(str(problem)) from None
        if self.send_on.data is not None and self.when_utc() <= utcnow():
            raise ValidationError("The time to send must be in the future")

    def when_utc(self) -> datetime:
        local = datetime.combine(self.send_on.data, parse_time_of_day(self.send_at.data), tzinfo=COUNCIL_TZ)
        return local.astimezone(UTC).replace(tzinfo=None)


def _me():
    return current_user._get_current_object()


def _preview_url(issue: NewsletterIssue) -> str:
    return url_for(PREVIEW_ENDPOINT, issue_id=issue.id)


def _preview_page(issue: NewsletterIssue, form: ScheduleForm):
    """The preview page again, with the schedule form as typed and its errors, answered 422."""
    g.schedule_form = form
    try:
        response = make_response(current_app.view_functions[PREVIEW_ENDPOINT](issue_id=issue.id))
    finally:
        g.pop("schedule_form", None)
    response.status_code = 422
    return response


class SendControls:
    """What the preview page's send and schedule controls need (templates/newsletters/_send_controls.html)."""

    def __init__(self, issue: NewsletterIssue):
        self.issue = issue
        self.form = g.get("schedule_form") or ScheduleForm(formdata=None)
        self.is_officer = current_user.has_role(Role.OFFICER)
        self.may_send = sending.why_not_sendable(issue) is None
        self.overdue = issue.status == IssueStatus.NEEDS_CONFIRMATION
        self.started = issue.status in sending.SENT_OR_SENDING
        self.recipient_count = 0 if self.started else services.recipient_count_of(issue)


@bp.context_processor
def _send_controls() -> dict:
    return {"send_controls_for": SendControls}


# ---- sending and scheduling ----------------------------------------------------------------------------


@bp.post("/<int:issue_id>/send")
@role_required(Role.CHAMPION, Role.OFFICER)
def send_now(issue_id: int):
    issue = services.get_issue_or_404(issue_id)
    try:
        count = sending.send_now(issue, _me(), expected_count=request.form.get("recipient_count", type=int))
    except services.NewsletterError as refusal:
        return _refused(issue, refusal)
    flash(f"“{issue.subject}” is being sent to {count} {'person' if count == 1 else 'people'}")
    return redirect(url_for(".sending", issue_id=issue.id))


def _refused(issue: NewsletterIssue, refusal: Exception):
    """Nothing was changed; say why, on the page where the issue stands now."""
    db.session.rollback()
    flash(str(refusal), "error")
    if issue.status in sending.SENT_OR_SENDING:
        return redirect(url_for(".sending", issue_id=issue.id))
    return redirect(_preview_url(issue))


@bp.post("/<int:issue_id>/schedule")
@role_required(Role.CHAMPION, Role.OFFICER)
def schedule(issue_id: int):
    issue = services.get_issue_or_404(issue_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        return _preview_page(issue, form)
    try:
        sending.schedule(issue, form.when_utc(), _me())
    except services.NewsletterError as refusal:
        db.session.rollback()
        if issue.status in sending.SENT_OR_SENDING:
            return _refused(issue, refusal)  # the preview no longer offers a schedule form to show it beside
        form.form_errors.append(str(refusal))
        return _preview_page(issue, form)
    flash(f"“{issue.subject}” will be sent on {format_datetime(issue.scheduled_for)}")
    return redirect(_preview_url(issue))


@bp.post("/<int:issue_id>/unschedule")
@role_required(Role.CHAMPION, Role.OFFICER)
def unschedule(issue_id: int):
    issue = services.get_issue_or_404(issue_id)
    try:
        sending.unschedule(issue, _me())
    except services.NewsletterError as refusal:
        return _refused(issue, refusal)
    flash(f"“{issue.subject}” is no longer scheduled")
    return redirect(_preview_url(issue))


@bp.post("/<int:issue_id>/confirm-overdue")
@role_required(Role.OFFICER)
def confirm_overdue(issue_id: int):
    issue = services.get_issue_or_404(issue_id)
    try:
        count = sending.confirm_overdue(issue, _me())
    except services.NewsletterError as refusal:
        return _refused(issue, refusal)
    flash(f"“{issue.subject}” is being sent to {count} {'person' if count == 1 else 'people'}")
    return redirect(url_for(".sending", issue_id=issue.id))


# ---- following a send ----------------------------------------------------------------------------------


@bp.get("/<int:issue_id>/sending", endpoint="sending")
@role_required(Role.CHAMPION, Role.OFFICER)
def sending_page(issue_id: int):
    issue = services.get_issue_or_404(issue_id)
    status = request.args.get("status")
    if status not in set(MessageStatus):
        status = None
    return render_template(
        "newsletters/sending.html",
        issue=issue,
        progress=sending.progress(issue),
        rows=sending.delivery_rows(issue, status),
        status=status,
        status_labels=STATUS_LABELS,
        preview_url=_preview_url(issue),
        may_retry=current_user.has_role(Role.OFFICER),
    )


@bp.get("/<int:issue_id>/progress.json")
@role_required(Role.CHAMPION, Role.OFFICER)
def progress_json(issue_id: int):
    issue = services.get_issue_or_404(issue_id)
    numbers = sending.progress(issue)
    return jsonify({**numbers, "status": issue.status, "finished": numbers["pending"] == 0})


@bp.post("/<int:issue_id>/retry-failed")
@role_required(Role.OFFICER)
def retry_failed(issue_id: int):
    issue = services.get_issue_or_404(issue_id)
    count = sending.retry_failed(issue, _me())
    if count:
        flash(f"{count} failed {'message is' if count == 1 else 'messages are'} being sent again")
    else:
        flash("There were no failed messages to retry", "info")
    return redirect(url_for(".sending", issue_id=issue.id))


# ---- one-click unsubscribe (RFC 8058): no sign-in, and the POST needs no CSRF token -------------------------


def _unsubscriber_or_404(token: str):
    user = unsubscribe.user_for_unsubscribe_token(token)
    if user is None:
        abort(404)
    return user


@bp.get("/unsubscribe/<token>", endpoint="unsubscribe")
@public
def unsubscribe_page(token: str):
    """Ask first: mail scanners follow links, so a GET never unsubscribes anyone."""
    user = _unsubscriber_or_404(token)
    return render_template("newsletters/unsubscribe.html", token=token, already=not user.wants_newsletters)


@bp.post("/unsubscribe/<token>")
@csrf.exempt
@public
def confirm_unsubscribe(token: str):
    """The button on the page above, or a mail program's one-click POST (body List-Unsubscribe=One-Click).

    Exempt from CSRF because a mail program posts without a session or a form token; the signed link in the URL
    is what proves the request comes from the member's own email, and all it can do is stop newsletters.
    """
    user = _unsubscriber_or_404(token)
    unsubscribe.unsubscribe(user)
    return render_template("newsletters/unsubscribed.html")
