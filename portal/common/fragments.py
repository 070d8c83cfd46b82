"""Rendered pieces of a page that a worker keeps and drops into a page later."""

from flask import render_template
from markupsafe import Markup


def render_fragment(template: str, **context) -> Markup:
    """`template` rendered as markup a page can include as it is, rather than escape again."""
    html = render_template(template, **context)
    return Markup(html)  # noqa: S704 (rendered by Jinja with autoescaping)  # nosec B704
