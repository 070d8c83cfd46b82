"""Read and change the council's settings."""

from dataclasses import dataclass

from flask import g
from sqlalchemy import select

from portal.accounts import audit
from portal.accounts.models import User
from portal.common.images import raster_type
from portal.extensions import db
from portal.settings.models import CouncilSettings

MIN_ANONYMITY_THRESHOLD = 3
MIN_RETENTION_MONTHS, MAX_RETENTION_MONTHS = 1, 120
RETENTION_MONTHS_MESSAGE = (
    f"Keep raw survey answers for between {MIN_RETENTION_MONTHS} and {MAX_RETENTION_MONTHS} months"
)
# The logo types accepted, each with a check that the file is what the browser says it is: the browser only
# goes by the file's name, and the logo is served with that type to everyone on every page.
LOGO_TYPES = {
    "image/png": lambda data: raster_type(data) == "image/png",
    "image/jpeg": lambda data: raster_type(data) == "image/jpeg",
    "image/svg+xml": lambda data: b"<svg" in data[:4096],
}
MAX_LOGO_BYTES = 200 * 1024
OPTIONAL_TEXT = {"mail_reply_to", "support_email", "logo_alt_text"}
# Read on every page, so built once (building a statement costs more than running this one).
FIRST_ROW = select(CouncilSettings).order_by(CouncilSettings.id).limit(1)


class SettingsError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def current_settings() -> CouncilSettings:
    """The settings row, created with defaults on first use; read once per request."""
    if "council_settings" not in g:
        settings = db.session.scalar(FIRST_ROW)
        if settings is None:
            settings = CouncilSettings()
            db.session.add(settings)
            db.session.flush()
        g.council_settings = settings
    return g.council_settings


@dataclass
class SettingsChanges:
    council_name: str
    anonymity_threshold: int
    free_text_threshold: int
    mail_from_name: str
    mail_reply_to: str | None
    support_email: str | None
    logo_alt_text: str | None
    newsletter_approval_required: bool = False
    survey_retention_months: int | None = None  # None: unchanged


def update_settings(changes: SettingsChanges, *, by: User) -> CouncilSettings:
    if changes.anonymity_threshold < MIN_ANONYMITY_THRESHOLD:
        raise SettingsError(f"The minimum group size must be {MIN_ANONYMITY_THRESHOLD} or more", "anonymity_threshold")
    if changes.free_text_threshold < changes.anonymity_threshold:
        raise SettingsError("The free-text threshold must be at least the minimum group size", "free_text_threshold")
    retention = changes.survey_retention_months
    if retention is not None and not MIN_RETENTION_MONTHS <= retention <= MAX_RETENTION_MONTHS:
        raise SettingsError(RETENTION_MONTHS_MESSAGE, "survey_retention_months")
    settings = current_settings()
    given = {
        name: value
        for name, value in vars(changes).items()
        if not (name == "survey_retention_months" and value is None)
    }
    before = {name: getattr(settings, name) for name in given}
    for name, value in given.items():
        if isinstance(value, str):
            value = value.strip()
            if not value and name in OPTIONAL_TEXT:
                value = None  # as before anyone set it, so that saving the form unchanged records no change
        setattr(settings, name, value)
    changed = {
        name: [before[name], getattr(settings, name)] for name in before if before[name] != getattr(settings, name)
    }
    audit.record(by, "settings.changed", "Changed the council settings", target=settings, detail=changed)
    return settings


def update_logo(data: bytes, mimetype: str, *, by: User) -> None:
    if mimetype not in LOGO_TYPES or not LOGO_TYPES[mimetype](data):
        raise SettingsError("The logo must be a PNG, JPEG or SVG image", "logo")
    if len(data) > MAX_LOGO_BYTES:
        raise SettingsError("The logo must be smaller than 200 KB", "logo")
    settings = current_settings()
    settings.logo, settings.logo_mimetype = data, mimetype
    audit.record(by, "settings.logo-changed", "Changed the council logo", target=settings)
