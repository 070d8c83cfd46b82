"""Self-assessment pages. Each part's routes live in its own module; this one gathers them for the blueprint."""

from portal.selfassessment import (  # noqa: F401
    assessment_routes,
    evidence_routes,
    export_routes,
    framework_routes,
    models,
    plan_routes,
)
