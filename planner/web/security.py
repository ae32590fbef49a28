"""Security headers on every response: a strict CSP (no inline script or style) and friends."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from planner.web.api_bodies import error_body
from planner.web.paths import is_api

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def control_character_field() -> str | None:
    """The first form or query field holding a NUL character (no database can store one, and no
    person types one): such a request is refused before any view reads it."""
    for source in (request.args, request.form):
        for name, values in source.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                return name.replace("\x00", "") or "?"
    return None


def init_app(app: Flask) -> None:
    """Register the headers hook, and the refusal of NUL characters in any field (the other
    errors' pages are web/errors.py's)."""

    @app.before_request
    def refuse_nul() -> ResponseReturnValue | None:
        field = control_character_field()
        if field is None:
            return None
        if is_api():
            return error_body(400, _("a field holds a NUL character, which cannot be stored"),
                              field[:40])
        return render_template("error.html", heading=_("Not accepted"), message=_(
            "The field %(field)s holds a character that cannot be stored (NUL): nothing was "
            "saved.", field=field[:40])), 400

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.vary.add("HX-Request")
        if request.endpoint != "static" and \
                "no-store" not in response.headers.get("Cache-Control", ""):
            # Pages hold health data: never keep them in a shared or browser cache (a photo
            # says "private, no-store" itself: web/photo_files.py).
            response.headers["Cache-Control"] = "no-store"
        return response
