"""Request logs never record who submitted a survey.

Saving and submitting use the same URL and method, so a request line says nothing about which one a member
did; this filter also takes out the client address (and, for gunicorn, the user, agent, headers and
environment) from every request-log record for a path under /surveys/<round id>, so that the log cannot tie
a visit to a member either.
"""

import logging
import re

# /surveys/12, /surveys/12/thanks, /surveys/12/summary, with or without a query string.
ANSWERING_PATH = re.compile(r"^/surveys/\d+(?:/|\?|$)")
REQUEST_LINE = re.compile(r"^\S+ (\S+)")
ADDRESS_GONE = "-"
LOGGERS = ("werkzeug", "gunicorn.access")
_GUNICORN_IDENTIFYING = {"h", "u", "a", "f"}  # address, user, user agent, referer


class _Dashes(dict):
    """Like gunicorn's atoms: anything not kept reads as "-"."""

    def __missing__(self, _key):
        return ADDRESS_GONE

    def __getitem__(self, key):
        return super().__getitem__(key.lower() if key.startswith("{") else key)


def _answering(path: str) -> bool:
    return bool(ANSWERING_PATH.match(path or ""))


class ForgetSurveyClients(logging.Filter):
    """Rewrites (never drops) request-log records for answering paths so they hold no client."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            self._gunicorn(record)
        elif isinstance(record.args, tuple) and record.args:
            self._werkzeug(record)
        return True

    @staticmethod
    def _werkzeug(record: logging.LogRecord) -> None:
        # werkzeug: msg is '<address> - - [<time>] "%s" %s %s', args[0] is "<METHOD> <path> <protocol>".
        match = REQUEST_LINE.match(str(record.args[0]))
        if match and _answering(match.group(1)) and isinstance(record.msg, str):
            _address, separator, rest = record.msg.partition(" - - [")
            if separator:
                record.msg = f"{ADDRESS_GONE}{separator}{rest}"

    @staticmethod
    def _gunicorn(record: logging.LogRecord) -> None:
        atoms = record.args
        if not _answering(str(atoms.get("U", ""))):
            return
        kept = {
            key: value
            for key, value in atoms.items()
            if key not in _GUNICORN_IDENTIFYING and not (key.startswith("{") and key[-1:] in "ie")
        }
        record.args = _Dashes(kept)


def install() -> None:
    """Add the filter to the request loggers once, however many apps are created (tests create several)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, ForgetSurveyClients) for existing in logger.filters):
            logger.addFilter(ForgetSurveyClients())
