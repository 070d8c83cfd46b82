import importlib.util

import pytest

import config
from config import BASE_DIR, ConfigError, config_for

# Everything config.py reads from the environment when it is imported.
ENVIRONMENT = [
    "SECRET_KEY",
    "DATABASE_URL",
    "TEST_DATABASE_URL",
    "PORTAL_ENV",
    "MAIL_SERVER",
    "MAIL_PORT",
    "SESSION_LIFETIME_MINUTES",
    "RATELIMIT_STORAGE_URI",
    "INVITATION_MAX_AGE_HOURS",
    "RESET_MAX_AGE_MINUTES",
    "PASSWORD_HASH_TIME_COST",
    "PASSWORD_HASH_MEMORY_KIB",
    "PASSWORD_HASH_PARALLELISM",
    "PUBLIC_BASE_URL",
]


@pytest.fixture
def fresh_config(monkeypatch):
    """`fresh_config(NAME=value, ...)`: config.py imported anew in an environment holding only those variables."""

    def load(**environment):
        for name in ENVIRONMENT:
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        spec = importlib.util.spec_from_file_location("config_under_test", BASE_DIR / "config.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture
def production_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://portal@db.internal/portal")


def test_production_refuses_to_start_without_a_secret_key_or_database(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)

    with pytest.raises(ConfigError) as refused:
        config_for("production")

    assert str(refused.value).startswith("Production needs these environment variables set: SECRET_KEY, DATABASE_URL.")


def test_production_names_only_what_is_missing(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("DATABASE_URL", "")

    with pytest.raises(ConfigError, match="set: DATABASE_URL\\.") as refused:
        config_for("production")

    assert "SECRET_KEY" not in str(refused.value)


def test_production_starts_with_its_secrets_in_the_environment(production_environment):
    assert config_for("production") is config.ProductionConfig


def test_production_is_the_default_when_no_environment_is_named(monkeypatch, production_environment):
    monkeypatch.delenv("PORTAL_ENV", raising=False)

    assert config_for() is config.ProductionConfig


def test_portal_env_chooses_the_configuration(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "development")

    assert config_for() is config.DevelopmentConfig


@pytest.mark.parametrize("name", ["staging", "Production", "prod"])
def test_an_unknown_portal_env_is_refused(monkeypatch, name):
    monkeypatch.setenv("PORTAL_ENV", name)

    with pytest.raises(ConfigError) as refused:
        config_for()

    assert str(refused.value) == f"PORTAL_ENV must be one of development, testing, production, not {name!r}"


def test_the_base_configuration_is_safe_for_production(fresh_config):
    base = fresh_config().BaseConfig

    assert (base.SECRET_KEY, base.SQLALCHEMY_DATABASE_URI) == (None, None)
    assert (base.SESSION_COOKIE_SECURE, base.SESSION_COOKIE_HTTPONLY, base.SESSION_COOKIE_SAMESITE) == (
        True,
        True,
        "Lax",
    )
    assert (base.REMEMBER_COOKIE_SECURE, base.REMEMBER_COOKIE_HTTPONLY, base.PREFERRED_URL_SCHEME) == (
        True,
        True,
        "https",
    )
    assert base.PERMANENT_SESSION_LIFETIME == 8 * 60 * 60
    assert (base.INVITATION_MAX_AGE_SECONDS, base.RESET_MAX_AGE_SECONDS) == (7 * 24 * 3600, 60 * 60)
    # RFC 9106's second recommended Argon2id setting: 64 MiB, three passes, four lanes.
    argon2_cost = (base.PASSWORD_HASH_TIME_COST, base.PASSWORD_HASH_MEMORY_KIB, base.PASSWORD_HASH_PARALLELISM)
    assert argon2_cost == (3, 65536, 4)
    assert not getattr(base, "DEBUG", False) and not getattr(base, "TESTING", False)


def test_production_takes_its_settings_from_the_environment(fresh_config):
    production = fresh_config(
        SECRET_KEY="from-the-environment", DATABASE_URL="postgresql://db/portal", RESET_MAX_AGE_MINUTES="30"
    ).ProductionConfig

    assert (production.SECRET_KEY, production.SQLALCHEMY_DATABASE_URI) == (
        "from-the-environment",
        "postgresql://db/portal",
    )
    assert production.RESET_MAX_AGE_SECONDS == 30 * 60
    assert production.SESSION_COOKIE_SECURE


def test_development_works_out_of_the_box(fresh_config):
    development = fresh_config().DevelopmentConfig
    database_uri = development.SQLALCHEMY_DATABASE_URI

    assert development.SECRET_KEY == "development-only-not-secret"
    assert database_uri == f"sqlite:///{config.INSTANCE_DIR / 'portal.sqlite3'}"
    assert (development.MAIL_SERVER, development.MAIL_PORT) == ("127.0.0.1", 1025)
    assert (development.SESSION_COOKIE_SECURE, development.PREFERRED_URL_SCHEME) == (False, "http")
    assert development.check() is None


def test_testing_is_quick_and_self_contained(fresh_config):
    testing = fresh_config().TestingConfig

    assert testing.TESTING is True
    assert testing.SQLALCHEMY_DATABASE_URI == "sqlite://"
    assert (testing.PASSWORD_HASH_TIME_COST, testing.PASSWORD_HASH_MEMORY_KIB) == (1, 1024)
    assert testing.RATELIMIT_ENABLED is False
    assert testing.SESSION_COOKIE_SECURE is False
    assert testing.PUBLIC_BASE_URL == "http://localhost"
