"""Run every job that is due, once per period, even when several runners start at the same moment.

A run is claimed by inserting (job, period) into job_runs, which a unique constraint lets only one runner do.
A failed run, or one whose runner died (still "running" after the stale limit), may be claimed again.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.common.time import utcnow
from portal.extensions import db
from portal.jobs.models import JobRun
from portal.jobs.registry import JOBS, Job

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=30)


def _claim(job: Job, now: datetime) -> JobRun | None:
    period_key = job.period_key(now)
    run = JobRun(job_name=job.name, period_key=period_key, started_at=now)
    db.session.add(run)
    try:
        db.session.commit()
        return run
    except IntegrityError:
        db.session.rollback()
    # Someone has this period already; take it over only if that run failed or its runner died.
    claimed = db.session.execute(
        update(JobRun)
        .where(JobRun.job_name == job.name, JobRun.period_key == period_key)
        .where((JobRun.status == "failed") | ((JobRun.status == "running") & (JobRun.started_at < now - STALE_AFTER)))
        .values(status="running", started_at=now, finished_at=None, attempts=JobRun.attempts + 1, error=None)
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    return db.session.scalar(select(JobRun).where(JobRun.job_name == job.name, JobRun.period_key == period_key))


def run_job(job: Job, now: datetime | None = None) -> str:
    """Run one job for the period containing `now`; returns "done", "failed" or "skipped"."""
    now = now or utcnow()
    run = _claim(job, now)
    if run is None:
        return "skipped"
    try:
        job.run()
        db.session.commit()
        run.status = "done"
    except Exception as error:  # a failing job must not stop the others
        db.session.rollback()
        log.exception("job %s failed", job.name)
        run.status, run.error = "failed", f"{error.__class__.__name__}: {error}"[:1000]
    run.finished_at = utcnow()
    db.session.commit()
    return run.status


def run_due(now: datetime | None = None) -> dict[str, str]:
    """Run every registered job that has not yet run for its current period."""
    load_jobs()
    return {name: run_job(job, now) for name, job in sorted(JOBS.items())}


def load_jobs() -> None:
    """Features define their jobs in a `jobs` module; importing it registers them."""
    import importlib
    import pkgutil

    import portal

    for module in pkgutil.iter_modules(portal.__path__):
        if module.ispkg:
            try:
                importlib.import_module(f"portal.{module.name}.jobs")
            except ModuleNotFoundError as error:
                if error.name != f"portal.{module.name}.jobs":
                    raise
