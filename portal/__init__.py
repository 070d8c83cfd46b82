"""Councillor Support Hub: the Flask application factory."""

import logging
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from config import BASE_DIR, config_for


def create_app(config: type | dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages and CLI groups."""
    app = Flask(__name__, template_folder=str(BASE_DIR / "templates"), instance_path=str(_instance_path()))
    app.config.from_object(config_for() if config is None or isinstance(config, dict) else config)
    if isinstance(config, dict):
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    _bind_extensions(app)
    _configure_templates(app)
    _register_blueprints(app)
    _register_error_pages(app)
    _register_request_hooks(app)
    _register_cli(app)
    return app


def _instance_path():
    from config import INSTANCE_DIR

    return INSTANCE_DIR


def _bind_extensions(app: Flask) -> None:
    from portal.accounts.loader import configure_login
    from portal.extensions import csrf, db, limiter, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), compare_type=True, render_as_batch=True)
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    configure_login(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from portal.common.sqlite import tune_sqlite

        with app.app_context():
            tune_sqlite(db.engine)


def _configure_templates(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from portal.common.time import format_date, format_datetime
    from portal.main.navigation import navigation_items
    from portal.settings.services import current_settings

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.globals["govukRebrand"] = True
    WTFormsHelpers(app)

    @app.context_processor
    def _page_globals() -> dict:
        return {"council": current_settings(), "navigation_items": navigation_items}


def _register_blueprints(app: Flask) -> None:
    from portal.accounts import bp as accounts_bp
    from portal.admin import bp as admin_bp
    from portal.champions import bp as champions_bp
    from portal.directory import bp as directory_bp
    from portal.directory.api import api_bp as oruk_bp
    from portal.main import bp as main_bp
    from portal.members import bp as members_bp
    from portal.newsletters import bp as newsletters_bp
    from portal.outbox import bp as outbox_bp
    from portal.selfassessment import bp as selfassessment_bp
    from portal.settings import bp as settings_bp
    from portal.surveys import bp as surveys_bp
    from portal.training import bp as training_bp

    features = (
        main_bp,
        accounts_bp,
        admin_bp,
        settings_bp,
        outbox_bp,
        directory_bp,
        champions_bp,
        training_bp,
        newsletters_bp,
        surveys_bp,
        selfassessment_bp,
        members_bp,
    )
    for blueprint in (*features, oruk_bp):
        app.register_blueprint(blueprint)
    # The static route serves built assets to anyone; it is the one endpoint without a decorator.
    from portal.accounts.permissions import public

    public(app.view_functions["static"])


def _register_error_pages(app: Flask) -> None:
    from werkzeug.exceptions import HTTPException

    from portal.main.errors import handle_http_exception, handle_unexpected_error

    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(500, handle_unexpected_error)


def _register_request_hooks(app: Flask) -> None:
    from portal.common.security import add_security_headers, refuse_nul_characters
    from portal.extensions import db

    @app.after_request
    def _commit_or_roll_back(response):
        # One commit per request: a page that reports a problem changes nothing.
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    add_security_headers(app)
    refuse_nul_characters(app)


def _register_cli(app: Flask) -> None:
    from portal.demo.cli import demo_cli
    from portal.jobs.cli import jobs_cli
    from portal.members.cli import backup_command, restore_command
    from portal.outbox.cli import outbox_cli

    for group in (outbox_cli, jobs_cli, demo_cli, backup_command, restore_command):
        app.cli.add_command(group)
