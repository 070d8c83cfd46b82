"""Settings for every environment, chosen by PORTAL_ENV (development, testing or production).

The base class is safe for production: secrets come only from the environment, cookies are secure.
"""

import os
from pathlib import Path
from typing import ClassVar

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """The environment does not hold what this configuration needs to start."""


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class BaseConfig:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}

    # Sessions: secure, HttpOnly and SameSite cookies; a sign-in lasts a working day without activity.
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = _env_int("SESSION_LIFETIME_MINUTES", 8 * 60) * 60
    PREFERRED_URL_SCHEME = "https"
    # Used to build absolute links in emails sent by the worker, where there is no request.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so a long form is not lost to a timeout

    # Mail: every message goes through the outbox; the worker sends over SMTP.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "false").lower() == "true"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "false").lower() == "true"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "councillor-support@localhost")
    MAIL_SUPPRESS_SEND = False  # Flask-Mail would otherwise drop all mail under TESTING
    MAIL_TIMEOUT_SECONDS = _env_int("MAIL_TIMEOUT_SECONDS", 30)
    OUTBOX_BATCH_SIZE = _env_int("OUTBOX_BATCH_SIZE", 100)
    OUTBOX_MAX_ATTEMPTS = _env_int("OUTBOX_MAX_ATTEMPTS", 8)
    OUTBOX_RETRY_BASE_SECONDS = _env_int("OUTBOX_RETRY_BASE_SECONDS", 30)
    # A message claimed by a worker that died is offered again after this long.
    OUTBOX_LEASE_SECONDS = _env_int("OUTBOX_LEASE_SECONDS", 300)
    OUTBOX_IDLE_SECONDS = float(os.environ.get("OUTBOX_IDLE_SECONDS", 2))
    OUTBOX_KEEP_SENT_DAYS = _env_int("OUTBOX_KEEP_SENT_DAYS", 90)

    # Rate limits on sign-in and password reset; Redis lets several servers share the counts.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_SIGN_IN = os.environ.get("RATELIMIT_SIGN_IN", "10 per minute;50 per hour")
    RATELIMIT_RESET = os.environ.get("RATELIMIT_RESET", "5 per minute;20 per hour")
    RATELIMIT_HEADERS_ENABLED = True

    INVITATION_MAX_AGE_SECONDS = _env_int("INVITATION_MAX_AGE_HOURS", 7 * 24) * 3600
    RESET_MAX_AGE_SECONDS = _env_int("RESET_MAX_AGE_MINUTES", 60) * 60
    # Argon2id cost: RFC 9106's second recommended setting (64 MiB, three passes, four lanes), ~210 ms of one
    # CPU on the two-core machine; the load test meets its target with it. Tests lower it to stay quick. A hash
    # made at another cost is made again at this one when its owner next signs in.
    PASSWORD_HASH_TIME_COST = _env_int("PASSWORD_HASH_TIME_COST", 3)
    PASSWORD_HASH_MEMORY_KIB = _env_int("PASSWORD_HASH_MEMORY_KIB", 65536)
    PASSWORD_HASH_PARALLELISM = _env_int("PASSWORD_HASH_PARALLELISM", 4)

    # How many reverse proxies stand in front of the app (their X-Forwarded-For/-Proto headers are trusted).
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    @classmethod
    def check(cls) -> None:
        """Refuse to start without what this environment needs."""


class DevelopmentConfig(BaseConfig):
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _env_int("MAIL_PORT", 1025)


class TestingConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"  # noqa: S105 (tests only)  # nosec B105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    PUBLIC_BASE_URL = "http://localhost"
    SERVER_NAME = None
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_KIB = 1024
    OUTBOX_RETRY_BASE_SECONDS = 0
    MAIL_PORT = _env_int("MAIL_PORT", 0)
    RATELIMIT_ENABLED = False


class ProductionConfig(BaseConfig):
    @classmethod
    def check(cls) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise ConfigError(
                "Production needs these environment variables set: "
                + ", ".join(missing)
                + ". See the settings table in README.md."
            )


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}


def config_for(name: str | None = None) -> type[BaseConfig]:
    """The configuration class for PORTAL_ENV (production when unset, the safe default)."""
    name = name or os.environ.get("PORTAL_ENV", "production")
    try:
        config = CONFIGS[name]
    except KeyError:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
    config.check()
    return config
