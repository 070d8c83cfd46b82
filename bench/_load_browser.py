"""A simulated browser for bench/load_test.py: one kept-alive connection, its own cookies, every request timed.

Not a benchmark itself (run_all.py skips names starting with "_"). It does what a browser does that matters to
the server: keeps the connection open between pages, sends back the cookies it was given, follows redirects,
and reconnects once when the server has closed an idle connection (which a browser does without telling the
member, so it is counted as a reconnect, not an error).
"""

import http.client
import random
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

USER_AGENT = "portal-load-test"
STALE_CONNECTION = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


@dataclass(frozen=True)
class Hit:
    """One request as the load test counts it: which page, its status (0 for no answer), how long it took."""

    page: str
    status: int
    seconds: float
    error: str = ""

    @property
    def failed(self) -> bool:
        """Anything but a 2xx or 3xx answer, including no answer at all."""
        return not 200 <= self.status < 400


@dataclass
class Recorder:
    """Every hit from every simulated browser, and how often a browser had to reconnect."""

    hits: list[Hit] = field(default_factory=list)
    reconnects: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    recording: bool = True

    def add(self, hit: Hit) -> None:
        if self.recording:
            with self.lock:
                self.hits.append(hit)

    def reconnected(self) -> None:
        with self.lock:
            self.reconnects += 1


@dataclass(frozen=True)
class Page:
    status: int
    body: str
    location: str | None = None

    @property
    def csrf_token(self) -> str | None:
        found = CSRF.search(self.body)
        return found.group(1) if found else None

    def links(self, pattern: str) -> list[str]:
        """The paths of this page's links that match `pattern` (a regular expression on the href)."""
        return sorted(set(re.findall(rf'href="({pattern})"', self.body)))


class Browser:
    def __init__(self, host: str, port: int, recorder: Recorder, timeout: float = 30):
        self.host, self.port, self.timeout = host, port, timeout
        self.recorder = recorder
        self.cookies: dict[str, str] = {}
        self.last_path = ""  # where the last request went (following a redirect is a request), answered or not
        self._connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def get(self, page: str, path: str, *, follow: bool = True) -> Page | None:
        return self._visit(page, "GET", path, None, follow)

    def post(self, page: str, path: str, fields: list[tuple[str, str]], *, follow: bool = True) -> Page | None:
        return self._visit(page, "POST", path, urlencode(fields), follow)

    def _visit(self, page: str, method: str, path: str, body: str | None, follow: bool) -> Page | None:
        answer = self._timed(page, method, path, body)
        if follow and answer is not None and answer.location and 300 <= answer.status < 400:
            target = urlsplit(answer.location)
            if target.netloc in ("", f"{self.host}:{self.port}"):
                return self._timed(page_name(target.path), "GET", target.path + _query(target.query), None)
        return answer

    def _timed(self, page: str, method: str, path: str, body: str | None) -> Page | None:
        self.last_path = path
        started = time.perf_counter()
        try:
            answer = self._send(method, path, body)
        except (OSError, http.client.HTTPException) as error:
            self.recorder.add(Hit(page, 0, time.perf_counter() - started, type(error).__name__))
            self.close()
            return None
        self.recorder.add(Hit(page, answer.status, time.perf_counter() - started))
        return answer

    def _send(self, method: str, path: str, body: str | None) -> Page:
        reused = self._connection is not None
        try:
            return self._exchange(method, path, body)
        except STALE_CONNECTION:
            self.close()
            if not reused:
                raise
        self.recorder.reconnected()  # the server closed the idle connection; a browser retries on a new one
        return self._exchange(method, path, body)

    def _exchange(self, method: str, path: str, body: str | None) -> Page:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self._connection.request(method, path, body=body, headers=headers)
        response = self._connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        if response.will_close:
            self.close()
        return Page(response.status, content, response.headers.get("Location"))

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value and morsel["max-age"] not in ("0", 0) and "1970" not in morsel["expires"]:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)


def _query(query: str) -> str:
    return f"?{query}" if query else ""


# Pages by path, for the report: the first pattern that matches names the page.
PAGES = [
    (r"/sign-in", "sign-in"),
    (r"/", "home page"),
    (r"/healthz", "/healthz (baseline)"),
    (r"/directory", "directory search"),
    (r"/directory/services/\d+", "service page"),
    (r"/newsletters", "newsletters archive"),
    (r"/newsletters/\d+", "newsletter issue"),
    (r"/newsletters/\d+/preview", "newsletter preview (officer)"),
    (r"/newsletters/\d+/send", "send now (officer)"),
    (r"/newsletters/\d+/sending", "sending progress (officer)"),
    (r"/training", "my training"),
    (r"/surveys/\d+", "survey"),
    (r"/surveys/\d+/thanks", "survey thanks"),
    (r"/surveys/rounds/\d+/results", "survey results (officer)"),
]


def page_name(path: str) -> str:
    """The report's name for a path, e.g. "/directory/services/12" is "service page"."""
    for pattern, name in PAGES:
        if re.fullmatch(pattern, path):
            return name
    return path


# ---- a survey form, answered ----------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The radios, checkboxes and text areas of a page: name -> the values offered (text areas offer [""])."""

    def __init__(self):
        super().__init__()
        self.choices: dict[str, list[str]] = {}
        self.multiple: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if not name or name == "csrf_token":
            return
        if tag == "input" and attributes.get("type") in ("radio", "checkbox"):
            self.choices.setdefault(name, []).append(attributes.get("value") or "")
            if attributes.get("type") == "checkbox":
                self.multiple.add(name)
        elif tag == "textarea":
            self.text.append(name)


COMMENTS = [
    "Support after the planning committee meeting was quick and kind.",
    "More evening sessions of the safety training, please.",
    "The directory helped me find the police contact straight away.",
]


def survey_answers(form_page: str, rng: random.Random) -> list[tuple[str, str]]:
    """Answers to every question on a survey page, as the fields a member's browser would post: one option for
    each question with radios, one or two boxes where there are checkboxes, and now and then a comment."""
    parser = _FormFields()
    parser.feed(form_page)
    fields = []
    for name, values in parser.choices.items():
        count = rng.randint(1, min(2, len(values))) if name in parser.multiple else 1
        fields += [(name, value) for value in rng.sample(values, count)]
    fields += [(name, rng.choice(COMMENTS) if rng.random() < 0.3 else "") for name in parser.text]
    return fields


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]
