"""The archive pages: every sent issue for signed-in members, with a search, and each issue to read."""

from flask import current_app, make_response, render_template, request
from flask_login import current_user

from portal.accounts.models import Role
from portal.accounts.permissions import may_access, signed_in
from portal.common.security import POLICY_WITH_REMOTE_IMAGES
from portal.newsletters import archive, bp
from portal.newsletters.models import Channel

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
# Links for those who write and send, shown only when the page exists and the person may open it.
CHANNEL_LABELS = {channel.value: channel.label for channel in Channel}
WRITING_LINKS = (("Write a newsletter", "newsletters.new_issue"), ("Drafts and sending", "newsletters.manage"))


def _writing_links() -> list[tuple[str, str]]:
    if not current_user.has_role(Role.CHAMPION, Role.OFFICER):
        return []
    views = current_app.view_functions
    return [
        (label, endpoint)
        for label, endpoint in WRITING_LINKS
        if endpoint in views and may_access(views[endpoint], current_user)
    ]


@bp.get("", endpoint="archive")
@signed_in
def archive_page():
    """Every sent issue, newest first, or those matching the search."""
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY_LENGTH]
    results = archive.sent_issues(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE)
    return render_template(
        "newsletters/archive.html",
        query=query,
        results=results,
        writing_links=_writing_links(),
        channel_labels=CHANNEL_LABELS,
    )


@bp.get("/<int:issue_id>")
@signed_in
def read_issue(issue_id: int):
    issue = archive.get_sent_issue_or_404(issue_id)
    response = make_response(render_template("newsletters/issue.html", issue=issue, channel_labels=CHANNEL_LABELS))
    response.headers["Content-Security-Policy"] = POLICY_WITH_REMOTE_IMAGES  # the issue may show images by link
    return response
