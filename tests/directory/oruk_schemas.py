"""The Open Referral UK schemas, read from ORUK_SCHEMA_DIR, for checking what the directory API returns.

The schemas are not copied into this project. The schema files name each other by relative paths
("attribute.json") and the profile's openapi.json names them by their raw GitHub addresses; a `referencing`
registry files every local schema under that address, so both kinds of reference resolve to the local files and
anything else is refused: validation never reaches the network.
"""

import json
import os
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCHEMA_DIR = Path("..") / "shared" / "oruk"
# Where the profile publishes its files; openapi.json refers to the schemas by these addresses.
PUBLISHED_AT = "https://raw.githubusercontent.com/openreferral/uk-profile/main/"
ENVELOPE_FIELDS = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents")

RFC3339_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")
URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def schema_dir() -> Path:
    """ORUK_SCHEMA_DIR, or ../shared/oruk; a relative path counts from the repository root."""
    folder = Path(os.environ.get("ORUK_SCHEMA_DIR") or DEFAULT_SCHEMA_DIR)
    return (folder if folder.is_absolute() else REPOSITORY_ROOT / folder).resolve()


def require_schema_dir() -> Path:
    """The schema folder; skips the calling test when it is missing, except on CI, where that is a failure."""
    folder = schema_dir()
    if (folder / "schema" / "compiled").is_dir():
        return folder
    message = (
        f"Open Referral UK schemas not found in {folder}: set ORUK_SCHEMA_DIR to a folder holding schema/ and "
        "examples/ from OpenReferralUK/uk-profile"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _refuse_to_fetch(uri: str):
    raise NoSuchResource(ref=uri)


def load_registry(folder: Path) -> Registry:
    """Every JSON file under schema/, filed under the address the profile publishes it at."""
    resources = [
        (PUBLISHED_AT + path.relative_to(folder).as_posix(), DRAFT202012.create_resource(_read_json(path)))
        for path in sorted((folder / "schema").rglob("*.json"))
    ]
    return Registry(retrieve=_refuse_to_fetch).with_resources(resources)


def _read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _is_rfc3339_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    return bool(RFC3339_DATE_TIME.fullmatch(value)) and datetime.fromisoformat(value.replace("z", "Z")) is not None


def _is_absolute_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(URI_SCHEME.fullmatch(parts.scheme)) and bool(parts.netloc or parts.path) and not re.search(r"\s", value)


def format_checker() -> FormatChecker:
    """uuid and email as jsonschema checks them; date-time and uri checked here, whatever extras are installed."""
    checker = FormatChecker()
    checker.checks("date-time", raises=ValueError)(_is_rfc3339_date_time)
    checker.checks("uri", raises=ValueError)(_is_absolute_uri)
    return checker


class OrukSchemas:
    """Validators for the profile's schemas, by their path in the schema folder ("schema/compiled/service.json")."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.registry = load_registry(folder)
        self.format_checker = format_checker()

    def example(self, name: str):
        return _read_json(self.folder / "examples" / name)

    def validator(self, schema: dict) -> Draft202012Validator:
        return Draft202012Validator(schema, registry=self.registry, format_checker=self.format_checker)

    def errors(self, document, schema_path: str) -> list[str]:
        """What is wrong with `document` against one of the profile's schemas; empty when it validates."""
        found = self.validator({"$ref": PUBLISHED_AT + schema_path}).iter_errors(document)
        return [f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}" for error in found]

    def assert_valid(self, document, schema_path: str) -> None:
        errors = self.errors(document, schema_path)
        assert not errors, f"not valid against {schema_path}:\n" + "\n".join(errors)

    def assert_valid_response(self, document, api_path: str) -> None:
        """`document` against the 200 response schema that the profile's openapi.json gives for `api_path`."""
        pointer = "/paths/" + api_path.replace("~", "~0").replace("/", "~1")
        schema = {
            "$ref": f"{PUBLISHED_AT}schema/openapi.json#{pointer}/get/responses/200/content/application~1json/schema"
        }
        errors = [error.message for error in self.validator(schema).iter_errors(document)]
        assert not errors, f"not valid as a response of {api_path}:\n" + "\n".join(errors)

    def assert_valid_page(self, document, api_path: str, item_schema_path: str) -> None:
        """A paged envelope: every field present, the types openapi.json gives, and each item valid."""
        missing = [field for field in ENVELOPE_FIELDS if field not in document]
        assert not missing, f"the page lacks {missing}"
        self.assert_valid_response(document, api_path)
        for item in document["contents"]:
            self.assert_valid(item, item_schema_path)
