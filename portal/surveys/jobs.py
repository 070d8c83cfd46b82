"""The surveys' periodic jobs. Importing this module registers them (see portal/jobs/runner.load_jobs)."""

from portal.surveys import retention  # noqa: F401  (registers the raw-answer retention job)
