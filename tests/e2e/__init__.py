"""End-to-end tests: the real app on a live server, driven by a real Chromium, with accessibility checks."""
