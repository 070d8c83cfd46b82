from portal.training import bp, models  # noqa: F401
