"""Security headers on every response, with a content security policy that allows no inline script or style.

The one inline script in the GOV.UK page template (it marks the body as JavaScript-enabled) is allowed by its
hash, not by 'unsafe-inline'.
"""

import base64
import hashlib

from flask import Flask, Response, abort, request

GOVUK_TEMPLATE_SCRIPT = (
    "document.body.className += ' js-enabled' + "
    "('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');"
)


def _script_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' {_script_hash(GOVUK_TEMPLATE_SCRIPT)}",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# For pages showing a newsletter, which may show images by https link; everything else stays as strict.
POLICY_WITH_REMOTE_IMAGES = CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", "img-src 'self' data: https:")


def add_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        if app.config["SESSION_COOKIE_SECURE"]:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static" and "Cache-Control" not in headers:
            # Pages hold members' details: never keep them in shared or back-button caches.
            headers["Cache-Control"] = "no-store"
        return response


def refuse_nul_characters(app: Flask) -> None:
    """Answer 400 to a request whose address, query or form holds a NUL character.

    No one types one, PostgreSQL cannot store one in text (a server error), and SQLite would store what PostgreSQL
    refuses; uploaded files are read by their own checks.
    """

    @app.before_request
    def _refuse_nul():
        texts = [request.path, *_keys_and_values(request.args)]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            texts += _keys_and_values(request.form)
        if any("\x00" in text for text in texts):
            abort(400)


def _keys_and_values(data) -> list[str]:
    return [text for pair in data.items(multi=True) for text in pair]
