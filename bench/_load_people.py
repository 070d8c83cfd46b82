"""The people bench/load_test.py simulates: members browsing and answering the survey, an officer, a health check.

Each runs in a thread of its own with a Browser of its own, until `stop` is set; the pauses between pages are
waits on `stop`, so the run ends on time whatever they are doing.
"""

import random
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from bench._load_browser import Browser, survey_answers

SEARCHES = ["counselling", "legal advice", "police", "online abuse", "bereavement", "peer support", "safety",
            "mental health", "home address", "training", "alarm", "stress"]  # fmt: skip
# What a member does after signing in, and how often, besides answering the survey once.
VISITS = {"home page": 2, "find a service": 4, "read a newsletter": 3, "my training": 1}


@dataclass(frozen=True)
class Script:
    """What the people need to know from the database, and how they pace themselves."""

    members: list[str]  # email addresses
    password: str
    officer: str
    open_round_id: int
    results_paths: list[str]
    issue_id: int
    think: tuple[float, float]  # seconds between pages, shortest and longest
    arrive_within: float  # members arrive (and sign in) at random within this many seconds of the start
    send_after: float  # when the officer sends the newsletter


@dataclass
class Tally:
    """What the people did, for the checks at the end against the database."""

    signed_in: int = 0
    submitted: int = 0
    submits_unanswered: int = 0  # the submit timed out or failed to connect: recorded or not, the member can't tell
    newsletter_sent: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)


class Person:
    def __init__(self, browser: Browser, script: Script, stop: threading.Event, tally: Tally, seed: int):
        self.browser, self.script, self.stop, self.tally = browser, script, stop, tally
        self.rng = random.Random(seed)  # simulated behaviour, nothing secret

    def pause(self, low: float | None = None, high: float | None = None) -> bool:
        """Think for a while; True when the run is over meanwhile."""
        low, high = (self.script.think[0], self.script.think[1]) if low is None else (low, high)
        return self.stop.wait(self.rng.uniform(low, high))

    def sign_in(self, email: str) -> bool:
        form = self.browser.get("sign-in form", "/sign-in")
        if form is None or not form.csrf_token:
            return False
        fields = [("csrf_token", form.csrf_token), ("email", email), ("password", self.script.password)]
        home = self.browser.post("sign-in (Argon2)", "/sign-in", fields)
        if home is None or home.status != 200 or "Sign out" not in home.body:
            return False
        self.tally.count("signed_in")
        return True


class Member(Person):
    """Arrives, signs in, browses with pauses, and answers the open survey once on the way."""

    def __call__(self, email: str) -> None:
        if self.stop.wait(self.rng.uniform(0, self.script.arrive_within)) or not self.sign_in(email):
            return
        survey_on_visit, visit = self.rng.randint(1, 3), 0
        while not self.pause():
            visit += 1
            if visit == survey_on_visit:
                self.answer_survey()
                continue
            what = self.rng.choices(list(VISITS), weights=list(VISITS.values()))[0]
            if what == "home page":
                self.browser.get("home page", "/")
            elif what == "find a service":
                self.follow_a_link("directory search", f"/directory?q={quote_plus(self.rng.choice(SEARCHES))}",
                                   "service page", r"/directory/services/\d+")  # fmt: skip
            elif what == "read a newsletter":
                self.follow_a_link("newsletters archive", "/newsletters", "newsletter issue", r"/newsletters/\d+")
            else:
                self.browser.get("my training", "/training")

    def follow_a_link(self, page: str, path: str, then: str, links: str, reading: tuple = (2, 6)) -> None:
        """Open a page, read it for `reading` seconds (between the two), then follow a link that matches `links`."""
        opened = self.browser.get(page, path)
        choices = opened.links(links) if opened and opened.status == 200 else []
        if choices and not self.pause(*reading):
            self.browser.get(then, self.rng.choice(choices))

    def answer_survey(self) -> None:
        """The form, a while filling it in, then submit with every question answered."""
        path = f"/surveys/{self.script.open_round_id}"
        form = self.browser.get("survey form", path)
        if form is None or form.status != 200 or not form.csrf_token or self.pause(5, 20):
            return
        answers = [("csrf_token", form.csrf_token), *survey_answers(form.body, self.rng), ("action", "submit")]
        answer = self.browser.post("survey submit", path, answers)
        if self.browser.last_path.endswith("/thanks"):  # sent on to the thank-you page, whether or not it loaded
            self.tally.count("submitted")
        elif answer is None:
            self.tally.count("submits_unanswered")


class Officer(Person):
    """Signs in, views a released round's results again and again, and at `send_after` sends the newsletter
    with the "Send now" button, following its progress page now and then afterwards."""

    def __call__(self) -> None:
        started_at = time.monotonic()
        if self.stop.wait(2) or not self.sign_in(self.script.officer):
            return
        views, tried = 0, False
        while not self.pause(3, 6):
            if not tried and time.monotonic() - started_at >= self.script.send_after:
                tried = True  # once: a refusal or an error is for the report, not to be retried blindly
                self.send_newsletter()
            elif self.tally.newsletter_sent and views % 3 == 0:
                self.browser.get("sending progress (officer)", f"/newsletters/{self.script.issue_id}/sending")
            else:
                paths = self.script.results_paths
                self.browser.get("survey results (officer)", paths[views % len(paths)])
            views += 1

    def send_newsletter(self) -> None:
        issue = self.script.issue_id
        preview = self.browser.get("newsletter preview (officer)", f"/newsletters/{issue}/preview")
        count = re.search(r'name="recipient_count" value="(\d+)"', preview.body) if preview else None
        if preview is None or not preview.csrf_token or not count:
            return
        fields = [("csrf_token", preview.csrf_token), ("recipient_count", count.group(1))]
        self.browser.post("send now (officer)", f"/newsletters/{issue}/send", fields)
        self.tally.newsletter_sent = self.browser.last_path.endswith("/sending")  # sent on to its progress page


def health_check(browser: Browser, stop: threading.Event) -> None:
    """What a load balancer does: /healthz every second. Its latency is the baseline for the pages'."""
    while not stop.wait(1):
        browser.get("/healthz (baseline)", "/healthz")
