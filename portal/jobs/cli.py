import click
from flask.cli import AppGroup

from portal.jobs.registry import JOBS
from portal.jobs.runner import load_jobs, run_due

jobs_cli = AppGroup("jobs", help="Periodic jobs: safe to run from cron every minute.")


@jobs_cli.command("run-due")
def run_due_command():
    """Run every periodic job that is due now, once per period."""
    for name, outcome in run_due().items():
        click.echo(f"{name}: {outcome}")


@jobs_cli.command("list")
def list_command():
    """List the periodic jobs and how often each runs."""
    load_jobs()
    for job in sorted(JOBS.values(), key=lambda job: job.name):
        click.echo(f"{job.name} (every {job.period}): {job.description}")
