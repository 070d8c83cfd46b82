"""Survey pages. The feature's routes live in its modules; this one gathers them for the blueprint."""

from portal.surveys import models  # noqa: F401
