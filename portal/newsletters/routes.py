"""Writing newsletters: the writers' dashboard, the editor, the preview, the test send and the approval step."""

from collections.abc import Callable

from flask import Response, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.forms import ConfirmForm
from portal.accounts.models import Role, User
from portal.accounts.permissions import role_required
from portal.common.security import POLICY_WITH_REMOTE_IMAGES
from portal.newsletters import bp, services
from portal.newsletters.audience import ward_and_group_choices
from portal.newsletters.email import IssueEmail, email_message_for, rendered_parts
from portal.newsletters.forms import IssueForm
from portal.newsletters.models import Channel, IssueStatus, NewsletterIssue
from portal.newsletters.unsubscribe import unsubscribe_url
from portal.settings.services import current_settings

WRITERS = (Role.CHAMPION, Role.OFFICER)
# The email preview is a document of its own: its inline styles are the email's, and nothing in it may run.
EMAIL_PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
CHANNEL_LABELS = {channel.value: channel.label for channel in Channel}
STATUS_LABELS = {status.value: status.label for status in IssueStatus}


def _me() -> User:
    return current_user._get_current_object()


def _status(form: IssueForm) -> int:
    return 422 if form.errors else 200


def _back_to_preview(issue: NewsletterIssue) -> Response:
    return redirect(url_for(".preview", issue_id=issue.id))


def _email_for(issue: NewsletterIssue, person: User) -> IssueEmail:
    """The issue's email as `person` would get it, with their own unsubscribe link on a newsletter."""
    return email_message_for(issue, person, unsubscribe_url(person.id))


# ---- the dashboard ---------------------------------------------------------------------------------------


@bp.get("/manage")
@role_required(*WRITERS)
def manage():
    return render_template(
        "newsletters/manage.html",
        lists=services.issues_for_editing(),
        approval_required=services.approval_required(),
        channel_labels=CHANNEL_LABELS,
    )


# ---- writing ---------------------------------------------------------------------------------------------


def _issue_form(issue: NewsletterIssue | None = None) -> IssueForm:
    form = IssueForm(data=IssueForm.data_for(issue) if issue is not None and request.method == "GET" else None)
    form.set_choices(*ward_and_group_choices())
    return form


def _save(form: IssueForm, save: Callable[[services.IssueInput], NewsletterIssue]) -> NewsletterIssue | None:
    """Save through the service; a refusal goes beside the field it concerns and nothing is saved."""
    try:
        return save(form.to_input())
    except services.NewsletterError as error:
        form._fields.get(error.field or "", form.subject).errors.append(str(error))
        return None


def _editor(form: IssueForm, issue: NewsletterIssue | None):
    return render_template("newsletters/edit.html", form=form, issue=issue), _status(form)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*WRITERS)
def new_issue():
    form = _issue_form()
    if form.validate_on_submit():
        issue = _save(form, lambda data: services.create_issue(data, by=_me()))
        if issue is not None:
            flash("Draft saved. Check how it looks, then send a test to yourself.")
            return _back_to_preview(issue)
    return _editor(form, None)


@bp.route("/<int:issue_id>/edit", methods=["GET", "POST"])
@role_required(*WRITERS)
def edit_issue(issue_id: int):
    issue = services.get_issue_or_404(issue_id)
    if issue.status not in services.EDITABLE:
        flash(f"This issue is {STATUS_LABELS[issue.status].lower()}, so it can no longer be changed.", "info")
        return _back_to_preview(issue)
    form = _issue_form(issue)
    if form.validate_on_submit():
        was_approved = issue.status == IssueStatus.APPROVED
        if _save(form, lambda data: services.update_issue(issue, data, by=_me())) is not None:
            withdrawn = was_approved and issue.status != IssueStatus.APPROVED
            flash("Changes saved." + (" The approval was withdrawn: it needs approving again." if withdrawn else ""))
            return _back_to_preview(issue)
    return _editor(form, issue)


# ---- the preview -----------------------------------------------------------------------------------------


@bp.get("/<int:issue_id>/preview")
@role_required(*WRITERS)
def preview(issue_id: int):
    issue = services.get_issue_or_404(issue_id)
    settings = current_settings()
    email = _email_for(issue, _me())
    email_text, _ = rendered_parts(email)
    page = render_template(
        "newsletters/preview.html",
        issue=issue,
        email_subject=email.subject,
        email_text=email_text,
        audience=services.describe_audience(issue.audience, issue.audience_values or []),
        recipient_count=services.recipient_count_of(issue),
        approval_required=settings.newsletter_approval_required,
        can_send=services.can_send(issue, settings),
        send_blocker=services.send_blocker(issue, settings),
        editable=issue.status in services.EDITABLE,
        is_officer=current_user.has_role(Role.OFFICER),
        channel_labels=CHANNEL_LABELS,
        status_labels=STATUS_LABELS,
        confirm=ConfirmForm(),
    )
    response = make_response(page)
    response.headers["Content-Security-Policy"] = POLICY_WITH_REMOTE_IMAGES
    return response


def _as_a_page(email_html: str) -> str:
    """The email's HTML with its body in a <main> landmark (invisible), so that it reads as a page should."""
    body, closing = email_html.find("<body"), email_html.rfind("</body>")
    if "<main" in email_html or body < 0 or closing < body:
        return email_html
    opening = email_html.index(">", body) + 1
    return f"{email_html[:opening]}<main>{email_html[opening:closing]}</main>{email_html[closing:]}"


@bp.get("/<int:issue_id>/preview/email.html")
@role_required(*WRITERS)
def preview_email(issue_id: int):
    """The email's HTML part exactly as it will be sent, as a page of its own."""
    issue = services.get_issue_or_404(issue_id)
    _, email_html = rendered_parts(_email_for(issue, _me()))
    response = Response(_as_a_page(email_html), mimetype="text/html")
    response.headers["Content-Security-Policy"] = EMAIL_PREVIEW_POLICY
    return response


# ---- the test send and approval --------------------------------------------------------------------------


@bp.post("/<int:issue_id>/test")
@role_required(*WRITERS)
def send_test(issue_id: int):
    issue = services.get_issue_or_404(issue_id)
    if ConfirmForm().validate_on_submit():
        me = _me()
        services.send_test(issue, me, unsubscribe_url(me.id))
        flash(f"A test has been sent to {me.email}, and to no one else. It should arrive within a few minutes.")
    return _back_to_preview(issue)


def _change_stage(issue_id: int, change: Callable[[NewsletterIssue, User], None], done: str) -> Response:
    """Run one approval step from a button; a refusal is shown on the preview and changes nothing."""
    issue = services.get_issue_or_404(issue_id)
    if ConfirmForm().validate_on_submit():
        try:
            change(issue, _me())
        except services.NewsletterError as error:
            flash(str(error), "error")
        else:
            flash(done)
    return _back_to_preview(issue)


@bp.post("/<int:issue_id>/submit-for-approval")
@role_required(*WRITERS)
def submit_for_approval(issue_id: int):
    return _change_stage(issue_id, services.submit_for_approval, "Sent for approval. An officer will check it.")


@bp.post("/<int:issue_id>/approve")
@role_required(Role.OFFICER)
def approve(issue_id: int):
    return _change_stage(issue_id, services.approve, "Approved: it can now be sent.")


@bp.post("/<int:issue_id>/return-to-draft")
@role_required(*WRITERS)
def return_to_draft(issue_id: int):
    return _change_stage(issue_id, services.return_to_draft, "Back to draft: change it and ask for approval again.")
