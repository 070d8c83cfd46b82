"""Periodic jobs and the `flask jobs` commands."""
