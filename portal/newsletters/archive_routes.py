"""Newsletter pages (being written)."""

from portal.newsletters import bp, models  # noqa: F401
