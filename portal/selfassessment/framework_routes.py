"""Admins edit the framework's wording; every edit makes a new version."""
