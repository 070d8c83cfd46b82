"""Hostile-input tests: every endpoint on SQLite, a sample of them on PostgreSQL too, to keep the run short."""

from tests.hostile.endpoints import ON_POSTGRESQL


def _runs_here(item) -> bool:
    params = getattr(item, "callspec", None) and item.callspec.params
    if not params or params.get("backend") != "postgresql" or "endpoint" not in params:
        return True
    return params["endpoint"].endpoint in ON_POSTGRESQL


def pytest_collection_modifyitems(config, items):
    kept = [item for item in items if _runs_here(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if not _runs_here(item)])
        items[:] = kept
