"""The load test's parts without a load: the simulated browser against a tiny loopback server, the survey
answers it posts, and the figures it reports."""

import random
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from bench._load_browser import Browser, Hit, Page, Recorder, page_name, survey_answers
from bench._load_figures import BASELINE, EVERY_PAGE, Outcome, page_table, percentile

SURVEY_FORM = """
<form method="post" novalidate>
  <input type="hidden" name="csrf_token" value="token-123">
  <input class="govuk-radios__input" id="q1" name="q1" type="radio" value="0">
  <input class="govuk-radios__input" id="q1-2" name="q1" type="radio" value="1">
  <input class="govuk-radios__input" id="q1-3" name="q1" type="radio" value="2">
  <input class="govuk-checkboxes__input" name="q2" type="checkbox" value="0">
  <input class="govuk-checkboxes__input" name="q2" type="checkbox" value="3">
  <input class="govuk-checkboxes__input" name="q2" type="checkbox" value="5">
  <textarea class="govuk-textarea" name="q3" rows="5"></textarea>
  <input name="q4" type="radio" value="1"><input name="q4" type="radio" value="2">
  <button name="action" value="submit">Submit answers</button>
</form>
"""


def test_the_survey_is_answered_in_full_as_a_browser_posts_it():
    for seed in range(20):
        fields = survey_answers(SURVEY_FORM, random.Random(seed))
        names = [name for name, _ in fields]
        assert names.count("q1") == names.count("q4") == names.count("q3") == 1
        assert 1 <= names.count("q2") <= 2
        assert {value for name, value in fields if name == "q1"} <= {"0", "1", "2"}
        assert {value for name, value in fields if name == "q2"} <= {"0", "3", "5"}
        assert "csrf_token" not in names and "action" not in names  # the caller adds those


def test_a_page_gives_its_csrf_token_and_its_links():
    page = Page(200, '<a href="/directory/services/12">A</a> <a href="/directory/services/7">B</a>' + SURVEY_FORM)
    assert page.csrf_token == "token-123"
    assert page.links(r"/directory/services/\d+") == ["/directory/services/12", "/directory/services/7"]
    assert Page(200, "<p>no form</p>").csrf_token is None


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/", "home page"),
        ("/directory", "directory search"),
        ("/directory/services/3", "service page"),
        ("/newsletters/4", "newsletter issue"),
        ("/newsletters/4/sending", "sending progress (officer)"),
        ("/surveys/2/thanks", "survey thanks"),
        ("/surveys/rounds/1/results", "survey results (officer)"),
        ("/somewhere/else", "/somewhere/else"),
    ],
)
def test_pages_are_named_by_their_path(path, name):
    assert page_name(path) == name


# ---- the browser against a real server on loopback --------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    cookies_seen: ClassVar[list[str]] = []

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.do_GET()

    def do_GET(self):
        _Handler.cookies_seen.append(self.headers.get("Cookie", ""))
        if self.path == "/sign-in":
            self._answer(302, [("Location", "/"), ("Set-Cookie", "session=abc; HttpOnly; Path=/")])
        elif self.path == "/sign-out":
            self._answer(302, [("Location", "/"), ("Set-Cookie", "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT")])
        elif self.path == "/hang-up":
            self._answer(200, [])
            self.close_connection = True  # closes without saying so, as a server does with an idle connection
        elif self.path == "/broken":
            self._answer(500, [])
        else:
            self._answer(200, [])

    def _answer(self, status: int, headers: list[tuple[str, str]]) -> None:
        body = b"<p>Sign out</p>"
        self.send_response(status)
        for name, value in [*headers, ("Content-Length", str(len(body)))]:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.cookies_seen = []
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_the_browser_follows_redirects_keeps_cookies_and_times_each_request(server):
    recorder = Recorder()
    browser = Browser("127.0.0.1", server, recorder)

    home = browser.post("sign-in (Argon2)", "/sign-in", [("email", "member@council.example")])
    browser.get("home page", "/")
    browser.get("sign-out", "/sign-out")

    assert home is not None and home.status == 200 and browser.last_path == "/"
    # The redirect is followed and timed as the page it reaches.
    pages = [hit.page for hit in recorder.hits]
    assert pages == ["sign-in (Argon2)", "home page", "home page", "sign-out", "home page"]
    # The cookie goes back from the moment it is set, and not after an expiry in the past deletes it.
    assert _Handler.cookies_seen == ["", "session=abc", "session=abc", "session=abc", ""]
    assert browser.cookies == {}
    assert all(hit.seconds > 0 and not hit.failed for hit in recorder.hits)


def test_a_closed_idle_connection_is_a_reconnect_and_a_server_error_is_an_error(server):
    recorder = Recorder()
    browser = Browser("127.0.0.1", server, recorder)

    browser.get("hang-up", "/hang-up")
    again = browser.get("home page", "/")
    browser.get("broken", "/broken")

    assert again is not None and again.status == 200
    assert recorder.reconnects == 1
    assert [hit.failed for hit in recorder.hits] == [False, False, True]


def test_no_server_is_an_error_with_no_status():
    recorder = Recorder()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused

        assert Browser("127.0.0.1", port, recorder, timeout=2).get("home page", "/") is None

    assert recorder.hits[0].status == 0 and recorder.hits[0].failed
    assert recorder.hits[0].error == "ConnectionRefusedError"


# ---- the figures ------------------------------------------------------------------------------------------


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 101)]  # 1 to 100
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99
    assert percentile([3.0], 0.95) == 3
    assert percentile([1.0, 2.0], 0.5) == 1
    assert percentile([], 0.95) == 0


def test_every_page_together_leaves_the_baseline_out_and_counts_errors():
    hits = [Hit("home page", 200, 0.010), Hit("home page", 500, 0.020), Hit("survey submit", 302, 0.100)]
    hits += [Hit(BASELINE, 200, 0.001)] * 5 + [Hit("survey form", 0, 30.0, "TimeoutError")]

    rows = {row.page: row for row in page_table(hits)}

    assert rows["home page"].requests == 2 and rows["home page"].errors == 1
    assert rows[EVERY_PAGE].requests == 4 and rows[EVERY_PAGE].errors == 2
    assert rows[EVERY_PAGE].p50_ms == pytest.approx(20) and rows[EVERY_PAGE].p99_ms == pytest.approx(30000)
    assert rows[BASELINE].p95_ms == pytest.approx(1)


def test_the_checks_at_the_end_need_every_answer_and_every_message_once():
    holds = Outcome(
        submitted=5,
        unanswered=0,
        responses=5,
        answered=5,
        newsletter_sent=True,
        enqueued=9,
        sent=9,
        delivered=9,
        addresses=9,
    )
    assert holds.survey_holds and holds.mail_holds
    assert not Outcome(5, 0, 6, 6, True, 9, 9, 9, 9).survey_holds  # an answer counted twice
    assert not Outcome(5, 0, 4, 4, True, 9, 9, 9, 9).survey_holds  # an answer lost
    assert not Outcome(5, 0, 5, 4, True, 9, 9, 9, 9).survey_holds  # a response without its invitation answered
    assert not Outcome(0, 0, 0, 0, True, 9, 9, 9, 9).survey_holds  # nobody got as far as submitting
    # Two submits timed out: the server may have recorded either, both or neither, but no more.
    assert Outcome(5, 2, 6, 6, True, 9, 9, 9, 9).survey_holds
    assert Outcome(5, 2, 7, 7, True, 9, 9, 9, 9).survey_holds
    assert not Outcome(5, 2, 8, 8, True, 9, 9, 9, 9).survey_holds
    assert not Outcome(5, 0, 5, 5, True, 9, 9, 10, 9).mail_holds  # someone had it twice
    assert not Outcome(5, 0, 5, 5, True, 9, 8, 8, 8).mail_holds  # one not sent
    assert not Outcome(5, 0, 5, 5, False, 0, 0, 0, 0).mail_holds  # never sent
    assert Outcome(5, 0, 5, 5, False, 9, 9, 9, 9).mail_holds  # sent, though the officer's page timed out
