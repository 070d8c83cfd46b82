"""Training pages (being written)."""

from portal.training import bp  # noqa: F401
