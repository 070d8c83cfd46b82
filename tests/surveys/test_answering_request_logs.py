"""Request logs never record who submitted: answering paths are logged without the client's address.

Real requests through werkzeug's development server, and a real gunicorn access-log call, read back from the
loggers they write to.
"""

import contextlib
import logging
import threading
import urllib.error
import urllib.request
from datetime import timedelta
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from portal.surveys.request_logs import ForgetSurveyClients


class Captured(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def captured_logger():
    def capture(name: str) -> Captured:
        handler = Captured()
        logger = logging.getLogger(name)
        handlers.append((logger, handler, logger.disabled, logger.level))
        # Running the migrations (alembic's fileConfig) disables loggers that existed before; wake it up.
        logger.disabled = False
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        return handler

    handlers = []
    yield capture
    for logger, handler, disabled, level in handlers:
        logger.removeHandler(handler)
        logger.disabled, logger.level = disabled, level


def test_the_filter_is_on_both_request_loggers_once_the_app_exists(app):
    for name in ("werkzeug", "gunicorn.access"):
        filters = [f for f in logging.getLogger(name).filters if isinstance(f, ForgetSurveyClients)]
        assert len(filters) == 1


@pytest.fixture
def live_server(app_context):
    server = make_server("127.0.0.1", 0, app_context, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, data: bytes | None = None) -> None:
    # A redirect to sign in, or a refusal: the request is logged all the same.
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.build_opener(NoRedirects).open(url, data=data, timeout=5)


def test_werkzeug_logs_answering_paths_without_the_address(live_server, captured_logger):
    lines = captured_logger("werkzeug").lines
    fetch(f"{live_server}/surveys/7", data=b"action=submit")
    fetch(f"{live_server}/surveys/7/thanks")
    fetch(f"{live_server}/surveys")
    requests = [line for line in lines if '"' in line]
    assert len(requests) == 3
    post, thanks, listing = requests
    assert "POST /surveys/7 " in post and "127.0.0.1" not in post and post.startswith("- - - [")
    assert "/surveys/7/thanks" in thanks and "127.0.0.1" not in thanks
    assert listing.startswith("127.0.0.1 - - [")  # other pages keep it: the filter is not blanket


def gunicorn_access(path: str) -> None:
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", '%(h)s %(u)s "%(r)s" %(s)s "%(a)s" %({x-forwarded-for}i)s %({remote_addr}e)s')
    logger = Logger(config)
    environ = {
        "REMOTE_ADDR": "203.0.113.9",
        "REQUEST_METHOD": "POST",
        "RAW_URI": path,
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": "Firefox of Cllr Smith",
    }
    response = SimpleNamespace(status="303 SEE OTHER", sent=0, headers=[])
    request = SimpleNamespace(headers=[("X-Forwarded-For", "198.51.100.4")])
    logger.access(response, request, environ, timedelta(milliseconds=12))


def test_gunicorn_logs_answering_paths_without_address_agent_or_forwarded_for(app, captured_logger):
    lines = captured_logger("gunicorn.access").lines
    gunicorn_access("/surveys/7")
    gunicorn_access("/surveys/rounds")
    answering, other = lines[-2:]
    assert '"POST /surveys/7 HTTP/1.1" 303' in answering
    for identifying in ("203.0.113.9", "198.51.100.4", "Cllr Smith"):
        assert identifying not in answering
        assert identifying in other
