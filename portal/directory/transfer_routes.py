"""CSV import and export of the directory, for officers."""

from portal.directory import bp  # noqa: F401
