"""The JSON API's errors: every HTTP error under /api as ``{"error": {...}}`` in the
language the program asks for (the app registers it: web/blueprints.py)."""

from __future__ import annotations

from flask import Response, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from planner.web.api_bodies import error_body


def http_error(exc: HTTPException) -> Response:
    """Any HTTP error under /api as JSON (the app registers it: see web/__init__.py)."""
    status = exc.code or 500
    messages = {400: _("the request is malformed"), 401: _("a valid API token is needed"),
                403: _("your role does not allow this"), 404: _("no such resource"),
                405: _("this method is not allowed here"),
                413: _("the body is larger than the %(mb)d MB allowed",
                       mb=(request.max_content_length
                           or current_app.config["MAX_CONTENT_LENGTH"]) // (1024 * 1024))}
    response = error_body(status, messages.get(status) or _(
        "the request was not accepted (error %(status)d)", status=status))
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value  # a 405's Allow (RFC 9110), a 413's, ...
    return response
