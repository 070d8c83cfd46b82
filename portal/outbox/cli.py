"""`flask outbox drain` sends what is due and exits; `flask outbox work` keeps sending until stopped."""

import logging
import signal
import time
from collections.abc import Callable
from typing import TypeVar

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.outbox.worker import drain

log = logging.getLogger(__name__)
T = TypeVar("T")

outbox_cli = AppGroup("outbox", help="Send the mail waiting in the outbox.")


@outbox_cli.command("drain")
def drain_command():
    """Send every message that is due now, then exit."""
    result = drain()
    db.session.remove()
    click.echo(f"sent {result.sent}, to retry {result.retried}, failed {result.failed}")


@outbox_cli.command("work")
@click.option("--jobs/--no-jobs", default=False, help="Also run the periodic jobs every minute.")
def work_command(jobs: bool):
    """Send mail as it becomes due, for ever (stop with Ctrl-C or SIGTERM)."""
    from portal.jobs.runner import run_due

    stopping = False

    def _stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    app = current_app._get_current_object()
    idle = app.config["OUTBOX_IDLE_SECONDS"]
    next_jobs_at = 0.0
    click.echo(
        f"outbox worker started{' with periodic jobs' if jobs else ''}; sending to "
        f"{app.config['MAIL_SERVER']}:{app.config['MAIL_PORT']}"
    )
    try:
        while not stopping:
            if jobs and time.monotonic() >= next_jobs_at:
                next_jobs_at = time.monotonic() + 60
                _in_fresh_context(app, run_due)
            result = _in_fresh_context(app, drain)
            if result is None or not result.sent:
                time.sleep(idle)
    except KeyboardInterrupt:
        pass
    click.echo("outbox worker stopped")


def _in_fresh_context(app: Flask, task: Callable[[], T]) -> T | None:
    """Run `task` in an app context of its own, so nothing read in one pass (the council settings, the session)
    goes stale in the next; log an error rather than stop, so that a database restart does not end the worker."""
    try:
        with app.app_context():
            return task()
    except Exception:
        log.exception("outbox worker: %s failed; trying again on the next pass", task.__name__)
        return None


@outbox_cli.command("catch-mail")
@click.option("--port", default=1025, show_default=True)
def catch_mail_command(port: int):
    """Development only: an SMTP server on loopback that saves each email under instance/mail/."""
    from pathlib import Path

    from portal.outbox.catcher import MailCatcher

    folder = Path(current_app.instance_path) / "mail"
    catcher = MailCatcher(port=port, folder=folder).start()
    click.echo(f"mail catcher listening on 127.0.0.1:{port}; saving messages in {folder}")
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        catcher.stop()
