"""Survey pages. Each part's routes live in its own module; this one gathers them for the blueprint."""

from portal.surveys import authoring_routes, results_routes, rounds_routes  # noqa: F401
