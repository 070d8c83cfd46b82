"""The archive: every sent issue, newest first, for signed-in members to read and search.

Search follows the directory's rules for reading a query (portal/directory/search.py): only letters and
digits count, at most eight words of forty characters each, and a plural finds its singular. Each word must
appear, in any case, somewhere in the subject, summary or plain-text body. The matching happens in the
database; the archive grows by a few issues a month, so a scan of the sent issues is cheap and needs no index
of words of its own.
"""

from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, func, or_, select

from portal.directory import search
from portal.extensions import db
from portal.newsletters.models import IssueStatus, NewsletterIssue

MAX_PAGE = 1000  # far past any real archive; a larger page number would overflow the database's OFFSET
SEARCHED_COLUMNS = (NewsletterIssue.subject, NewsletterIssue.summary, NewsletterIssue.body_text)


def search_stems(query: str) -> list[str]:
    """The query's words, lower-case and cut to a stem that the stored words start with or contain.

    Accents are kept (the stored text keeps them), and a word in "-ies" loses its last letter after the
    directory's `singular`, so "policies" becomes "polic" and finds both "policy" and "policies".
    """
    words = search.WORD.findall(query.lower())
    stems = []
    for word in words:
        stem = search.singular(word)[: search.MAX_WORD_LENGTH]
        stems.append(stem[:-1] if word.endswith("ies") and stem.endswith("y") else stem)
    return list(dict.fromkeys(stems))[: search.MAX_WORDS]


def _contains_word(stem: str) -> ColumnElement[bool]:
    return or_(*(func.lower(column).contains(stem, autoescape=True) for column in SEARCHED_COLUMNS))


def sent_issues_query(query: str = "") -> Select:
    """Sent issues matching every word of `query`, newest first."""
    statement = select(NewsletterIssue).where(NewsletterIssue.status == IssueStatus.SENT)
    for stem in search_stems(query):
        statement = statement.where(_contains_word(stem))
    return statement.order_by(NewsletterIssue.sent_at.desc(), NewsletterIssue.id.desc())


def sent_issues(query: str = "", page: int = 1, per_page: int = 20) -> Pagination:
    """One page of sent issues matching `query` (all of them when it is empty), newest first."""
    page = min(max(page, 1), MAX_PAGE)
    return db.paginate(sent_issues_query(query), page=page, per_page=per_page, error_out=False, count=True)


def latest_issue() -> NewsletterIssue | None:
    """The most recently sent issue, newsletter or safety notice; None before the first is sent."""
    return db.session.scalars(sent_issues_query().limit(1)).first()


def get_sent_issue_or_404(issue_id: int) -> NewsletterIssue:
    """A sent issue; drafts and issues still waiting or being sent are not in the archive (404)."""
    issue = db.session.get(NewsletterIssue, issue_id)
    if issue is None or issue.status != IssueStatus.SENT:
        abort(404)
    return issue
