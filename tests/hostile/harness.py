"""Post hostile data to an endpoint and check what the portal did with it.

A fingerprint of every table (row count and a hash of the rows) is taken from a connection of its own before and
after each post, so that it shows what was committed, audit rows and outbox messages included.
"""

import hashlib
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup
from flask import g
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.champions.models import ChampionProfile
from portal.common.images import raster_type
from portal.common.security import GOVUK_TEMPLATE_SCRIPT
from portal.directory.models import Service
from portal.extensions import db
from portal.newsletters.models import NewsletterIssue
from portal.outbox.models import OutboxMessage
from portal.selfassessment.models import AssessedStatement
from portal.settings.models import CouncilSettings
from portal.settings.services import LOGO_TYPES
from portal.training.models import Course
from tests.conftest import _empty_all_tables, sign_in_as
from tests.hostile.endpoints import Endpoint, Valid, ValidUpload
from tests.hostile.strategies import Upload
from tests.hostile.world import World

REFUSED, ACCEPTED = "refused", "accepted"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20]")  # browsers drop these before reading the scheme


# ---- what the database holds --------------------------------------------------------------------------


def fingerprint() -> dict[str, tuple[int, str]]:
    """Each table's row count and a hash of its rows, as committed."""
    found = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            found[table.name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return found


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def _is_script_url(value: str) -> bool:
    return _IGNORED_IN_URLS.sub("", value).lower().startswith(SCRIPT_SCHEMES)


def live_script(html: str) -> list[str]:
    """Anything in `html` a browser would run: script elements (bar the GOV.UK template's), handlers, script links."""
    found = []
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        if tag.name == "script" and tag.get("src") and not tag["src"].startswith("/"):
            found.append(f"<script src={tag['src']!r}>")
        if tag.name == "script" and not tag.get("src") and tag.get_text().strip() != GOVUK_TEMPLATE_SCRIPT:
            found.append(f"<script>{tag.get_text()[:60]}")
        if tag.name in ("iframe", "object", "embed", "base"):
            found.append(f"<{tag.name}>")
        for attribute, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if attribute.lower().startswith("on") or (attribute.lower() in URL_ATTRIBUTES and _is_script_url(value)):
                found.append(f"<{tag.name} {attribute}={value[:40]!r}>")
    return found


def _web_address(value: str | None) -> bool:
    return value is None or value.lower().startswith(("https://", "http://"))


def unsafe_stored_values() -> list[str]:
    """Stored values that break what the features promise: sanitised newsletters, web links, real images."""
    db.session.expire_all()
    found = []
    for issue in db.session.scalars(select(NewsletterIssue)):
        found += [f"newsletter {issue.id}: {item}" for item in live_script(issue.body_html or "")]
    for message in db.session.scalars(select(OutboxMessage)):
        found += [f"email {message.id}: {item}" for item in live_script(message.body_html or "")]
    found += [
        f"service website {s.website!r}" for s in db.session.scalars(select(Service)) if not _web_address(s.website)
    ]
    found += [f"course link {c.link!r}" for c in db.session.scalars(select(Course)) if not _web_address(c.link)]
    for statement in db.session.scalars(select(AssessedStatement)):
        found += [f"assessment link {link!r}" for link in statement.links or [] if not _web_address(link)]
    for settings in db.session.scalars(select(CouncilSettings)):
        if settings.logo and not LOGO_TYPES.get(settings.logo_mimetype, lambda _data: False)(settings.logo):
            found.append(f"logo stored as {settings.logo_mimetype!r} but starting {settings.logo[:12]!r}")
    for profile in db.session.scalars(select(ChampionProfile)):
        if profile.photo and raster_type(profile.photo) != profile.photo_mimetype:
            found.append(f"champion photo stored as {profile.photo_mimetype!r} but starting {profile.photo[:12]!r}")
    db.session.rollback()
    return found


# ---- posting -----------------------------------------------------------------------------------------


@dataclass
class Result:
    status: int
    outcome: str  # REFUSED or ACCEPTED
    html: str
    location: str | None

    def get_data(self, as_text: bool = True) -> str:  # so that tests.pages.Page can read it
        return self.html

    @property
    def status_code(self) -> int:
        return self.status


class Harness:
    """One endpoint, a world of objects for it, and a fresh client for each post."""

    def __init__(self, app, endpoint: Endpoint):
        self.app, self.endpoint = app, endpoint
        self.world = World()

    def reset(self) -> None:
        """Back to empty tables and a new world, so that the next post starts from a valid state again."""
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()
        g.pop("council_settings", None)  # cached per app context, which the tests keep open
        self.world = World()

    def client(self):
        client = self.app.test_client()
        if self.endpoint.role is not None:
            sign_in_as(client, self.world.user(self.endpoint.role))
            db.session.commit()
        return client

    def form_data(self, pairs: list[tuple[str, object]]) -> MultiDict:
        data = MultiDict()
        for name, value in pairs:
            if isinstance(value, ValidUpload):
                value = Upload(self.world.fill(value.data.decode()).encode(), value.filename, value.content_type)
            if isinstance(value, Upload):
                value = value.as_werkzeug()
            elif isinstance(value, Valid):
                value = self.world.fill(value)
            data.add(self.world.fill(name) if name in self.endpoint.fields else name, value)
        return data

    def prepare(
        self, pairs: list[tuple[str, object]], path: str | None = None, raw: tuple[str, bytes] | None = None
    ) -> "Post":
        """The post with every placeholder filled in, so that all it needs exists (and is committed) before it is sent.

        `raw`, a content type and a body, is sent instead of the form.
        """
        path = path or self.world.fill(self.endpoint.path)
        data = self.form_data(pairs)
        if raw is not None:
            return Post(self, self.client(), path, raw[1], raw[0])
        multipart = self.endpoint.takes_files or any(isinstance(value, tuple) for value in data.values())
        return Post(self, self.client(), path, data, "multipart/form-data" if multipart else None)

    def post(self, pairs: list[tuple[str, object]], path: str | None = None) -> Result:
        return self.prepare(pairs, path).send()

    @staticmethod
    def _outcome(client, response, html: str) -> str:
        if response.status_code >= 400 or "govuk-error-summary" in html:
            return REFUSED
        with client.session_transaction() as session:
            flashes = session.pop("_flashes", [])
        # A refusal after a button is flashed as "error" or "info" ("That did not work", "already finalised"); an
        # "info" note may also follow a success, which is flashed as a plain message.
        categories = {category for category, _message in flashes}
        return REFUSED if categories & {"error", "info"} and "message" not in categories else ACCEPTED

    def page_after(self, result: Result) -> tuple[int, str]:
        """The page a redirect leads to, as the same person sees it."""
        response = self.client().get(result.location)
        return response.status_code, response.get_data(as_text=True) if response.mimetype == "text/html" else ""


@dataclass
class Post:
    harness: Harness
    client: object
    path: str
    data: MultiDict | bytes
    content_type: str | None

    def send(self) -> Result:
        response = self.client.post(self.path, data=self.data, content_type=self.content_type)
        html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        outcome = self.harness._outcome(self.client, response, html)
        return Result(response.status_code, outcome, html, response.location)
