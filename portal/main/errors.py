"""Error pages in the portal's own design, for every blueprint."""

from flask import render_template
from werkzeug.exceptions import HTTPException

from portal.extensions import db

ERROR_PAGES = {
    400: ("Sorry, there is a problem with your request", "Check what you entered and try again."),
    403: ("You do not have permission to see this page", "Ask member services if you think you should."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("Sorry, that action is not available here", "Go back and try again from the page you were on."),
    410: ("This link no longer works", "Ask for a new one."),
    413: ("The file you chose is too large", "Choose a smaller file and try again."),
    429: ("Too many attempts", "Wait a minute, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
}


def render_error(status: int):
    title, advice = ERROR_PAGES.get(status, ERROR_PAGES[500])
    return render_template("errors/error.html", status=status, title=title, advice=advice), status


def handle_http_exception(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    return render_error(error.code if error.code in ERROR_PAGES else 500)


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("unhandled error")
    return render_error(500)
