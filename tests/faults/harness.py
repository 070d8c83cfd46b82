"""The real processes the fault tests start, break and start again, and the clients that talk to them.

- `CatcherProcess`: the MailCatcher (an SMTP server on loopback) in a process of its own, so that it outlives
  every kill, and whose listener can be shut and opened again on the same port for a mail server outage;
- `WebServer`: gunicorn serving `wsgi:app` on loopback, killed with SIGKILL as a whole (master and workers);
- `Worker`: `flask outbox work --jobs`, killed with SIGKILL;
- `Browser`: one person's cookies on the web server, with the CSRF token read from the form as a browser would.

Every process logs to a file under the test's temporary folder (a pipe nobody reads would fill and stall it),
and everything started here is stopped at the end of the test, killed if it does not stop.
"""

import contextlib
import http.client
import multiprocessing
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from config import BASE_DIR, TestingConfig

FAULTS_ENV = "PORTAL_FAULTS"  # "1" runs the fault tests in full (`make test-faults` sets it)
HOST = "127.0.0.1"
USER_AGENT = "portal-fault-tests"
BIN = Path(sys.executable).parent


def full_run() -> bool:
    return os.environ.get(FAULTS_ENV) == "1"


def wait_until(condition: Callable[[], object], timeout: float, interval: float = 0.05, what: str = "") -> object:
    """Poll `condition` until it returns something true; its value, or AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or condition.__name__}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class FaultDatabase:
    """The database the test and its processes share, and the app (context pushed) the test sets it up with."""

    app: object
    url: str
    backend: str


# ---- the mail server ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """What the catcher holds: how many messages each recipient got, and each Message-ID."""

    by_recipient: Counter
    by_message_id: Counter

    @property
    def total(self) -> int:
        return sum(self.by_recipient.values())

    @property
    def repeats(self) -> int:
        """Messages received more than once (by Message-ID, the same on every try of a row), beyond the first."""
        return sum(count - 1 for count in self.by_message_id.values())

    @property
    def recipients_with_repeats(self) -> int:
        return sum(1 for count in self.by_recipient.values() if count > 1)


def _serve_mail(pipe) -> None:
    """The catcher process: answers the harness's commands until told to quit."""
    from portal.outbox.catcher import CatchingHandler, MailCatcher

    handler = CatchingHandler()
    catcher = MailCatcher(handler=handler).start()
    pipe.send(catcher.port)
    tally = Tally(Counter(), Counter())
    counted = 0  # messages already in the tally: headers are parsed once each, not on every question
    while True:
        command, *arguments = pipe.recv()
        if command == "count":
            with handler.lock:
                pipe.send(len(handler.messages))
        elif command == "tally":
            with handler.lock:
                new = handler.messages[counted:]
            counted += len(new)
            tally.by_recipient.update(str(message["To"]) for message in new)
            tally.by_message_id.update(str(message["Message-ID"]) for message in new)
            pipe.send(tally)
        elif command == "stop-listening":
            catcher.stop()
            catcher = None
            pipe.send(None)
        elif command == "start-listening":
            # The same handler, so what arrived before the outage is still counted.
            catcher = MailCatcher(port=arguments[0], handler=handler).start()
            pipe.send(None)
        else:
            if catcher is not None:
                catcher.stop()
            pipe.send(None)
            return


class CatcherProcess:
    """The real MailCatcher in a process of its own: no kill of the web server or the worker touches it."""

    def __init__(self):
        self._pipe, child_end = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(target=_serve_mail, args=(child_end,), daemon=True)
        self._process.start()
        self.host = HOST
        self.port = self._pipe.recv()
        self.listening = True

    def _ask(self, *command):
        self._pipe.send(command)
        return self._pipe.recv()

    def count(self) -> int:
        return self._ask("count")

    def tally(self) -> Tally:
        return self._ask("tally")

    def wait_for(self, count: int, timeout: float) -> int:
        return wait_until(lambda: self.count() >= count and self.count(), timeout, 0.02, f"{count} messages")

    def wait_for_everyone(self, recipients: set[str], timeout: float) -> Tally:
        """Block until each of `recipients` has at least one message (or AssertionError after `timeout`)."""

        def everyone() -> Tally | None:
            if self.count() < len(recipients):  # cheap, before reading every message's headers
                return None
            tally = self.tally()
            return tally if set(tally.by_recipient) >= recipients else None

        return wait_until(everyone, timeout, 0.1, f"all {len(recipients)} recipients' messages")

    def stop_listening(self) -> None:
        """The mail server goes down: its port refuses connections, and open ones are dropped."""
        self._ask("stop-listening")
        self.listening = False

    def start_listening(self) -> None:
        self._ask("start-listening", self.port)
        self.listening = True

    def quit(self) -> None:
        with contextlib.suppress(OSError, EOFError):
            self._ask("quit")
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()


# ---- the web server and the worker ----------------------------------------------------------------------


def portal_environment(database_url: str, catcher: CatcherProcess, instance_dir: Path, **settings) -> dict:
    """What a portal process needs to use the test database and the catcher.

    The production configuration, as a council runs it (the testing one fixes some settings, such as the retry
    base, whatever the environment says), with the test app's secret key so that its session cookies are valid.
    """
    return {
        **os.environ,
        "PORTAL_ENV": "production",
        "FLASK_APP": "wsgi",
        "SECRET_KEY": TestingConfig.SECRET_KEY,
        "DATABASE_URL": database_url,
        "PORTAL_INSTANCE_DIR": str(instance_dir),
        "MAIL_SERVER": catcher.host,
        "MAIL_PORT": str(catcher.port),
        "LOG_LEVEL": "WARNING",
        **{name: str(value) for name, value in settings.items()},
    }


class _Process:
    """A command started in a session of its own, so that one SIGKILL to the group takes all its processes."""

    name = "process"

    def __init__(self, env: dict, log_folder: Path):
        self.env = env
        self.log_folder = log_folder
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> "_Process":
        self.starts += 1
        with open(self.log_folder / f"{self.name}-{self.starts}.log", "w") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                self.command(), cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to every process of the group: no handler runs, nothing is tidied up."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not stopped within ten seconds."""
        if not self.running:
            self.kill()  # workers a killed master left behind, if any
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        self.kill()

    def log(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.log_folder.glob(f"{self.name}-*.log"))
        )


class Worker(_Process):
    """The outbox worker with the periodic jobs, as production runs it."""

    name = "worker"

    def command(self) -> list[str]:
        return [str(BIN / "flask"), "outbox", "work", "--jobs"]


class WebServer(_Process):
    """gunicorn on loopback, on the same port at every start, so that clients find it again after a restart."""

    name = "gunicorn"

    def __init__(self, env: dict, log_folder: Path, workers: int = 2):
        super().__init__(env, log_folder)
        self.port = free_port()
        self.workers = workers

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--chdir",
            str(BASE_DIR),
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--bind",
            f"{HOST}:{self.port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ]

    def start(self, timeout: float = 90) -> "WebServer":
        super().start()
        self.wait_until_answering(timeout)
        return self

    def healthy(self) -> bool:
        with contextlib.suppress(OSError, http.client.HTTPException):
            return request(self.port, "GET", "/healthz").status == 200
        return False

    def wait_until_answering(self, timeout: float = 90) -> float:
        """Seconds until /healthz answers 200; AssertionError (with the server's log) if it never does."""
        started = time.monotonic()
        deadline = started + timeout
        while not self.healthy():
            if not self.running:
                raise AssertionError(f"gunicorn stopped with exit code {self.process.returncode}\n{self.log()}")
            if time.monotonic() >= deadline:
                raise AssertionError(f"gunicorn did not answer /healthz within {timeout:.0f} s\n{self.log()}")
            time.sleep(0.1)
        return time.monotonic() - started


# ---- clients ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path


def request(port: int, method: str, path: str, form: dict | None = None, cookies: str = "") -> Reply:
    """One HTTP request on a fresh connection; OSError or HTTPException when the server is down or dies."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"User-Agent": USER_AGENT, "Cookie": cookies}
    body = None
    if form is not None:
        body = urlencode(form, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read().decode(errors="replace"))
    finally:
        connection.close()


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """A signed-in person's cookie jar on the web server; the session cookie changes as the server sets it."""

    def __init__(self, port: int, session_cookie: tuple[str, str]):
        self.port = port
        self.cookies = dict([session_cookie])

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def _keep(self, reply: Reply) -> Reply:
        for header in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return reply

    def get(self, path: str) -> Reply:
        return self._keep(request(self.port, "GET", path, cookies=self._cookie_header()))

    def post(self, path: str, form: dict) -> Reply:
        return self._keep(request(self.port, "POST", path, form=form, cookies=self._cookie_header()))

    @staticmethod
    def csrf_token(page: Reply) -> str:
        found = CSRF_FIELD.search(page.body)
        assert found, f"no CSRF token on the page (status {page.status})"
        return found.group(1)


def session_cookie_for(app, user) -> tuple[str, str]:
    """The signed session cookie Flask-Login leaves after `user` signs in (same secret key as the server)."""
    from flask import session
    from flask_login import login_user

    environ = {"REMOTE_ADDR": HOST, "HTTP_USER_AGENT": USER_AGENT}
    with app.test_request_context(environ_base=environ):
        login_user(user)
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return app.config["SESSION_COOKIE_NAME"], value
