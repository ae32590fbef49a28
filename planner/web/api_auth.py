"""Who is calling the JSON API: the ``Authorization: Bearer`` token's user (never the browser's
cookie), checked against the role table; and the audit event of what they did or read."""

from __future__ import annotations

from flask import g, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from planner.extensions import db
from planner.models import ApiToken, User, audit, now
from planner.web import roles
from planner.web.api_bodies import error_body
from planner.web.token_digest import digest

QUERY_PARAMETERS = {"api.patients": {"page"}}  # the only ones the API reads (openapi.py)


TOUCH_EVERY_S = 60  # [our default]: "last used" is written at most once a minute per token


def authenticate() -> ResponseReturnValue | None:
    """The token's user, or 401; then the role table (web/roles.py), or 403."""
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    found = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == digest(token.strip()))) if scheme.lower() == "bearer" else None
    if found is None or found.revoked_at is not None or not found.user.active:
        # The API's failed logins, in the trail as the web's are (never the token itself).
        audit(found.user if found else None, "login-failed", "api_token",
              found.id if found else None,
              "API, no valid token" if found is None else
              "API, revoked token" if found.revoked_at is not None else
              "API, disabled account")
        db.session.commit()
        response = error_body(401, _("a valid API token is needed: %(header)s",
                                     header="Authorization: Bearer <token>"))
        response.headers["WWW-Authenticate"] = 'Bearer realm="mesoplanner"'
        return response
    g.api_user = found.user
    if found.last_used_at is None or (now() - found.last_used_at).total_seconds() > \
            TOUCH_EVERY_S:
        found.last_used_at = now()
        db.session.commit()
    method = "GET" if request.method == "HEAD" else request.method
    if not roles.allowed(str(request.endpoint), method, found.user.role):
        return error_body(403, _("your role does not allow this"))
    # A misspelt parameter (?pgae=2) is refused, not silently ignored: as the plan file's keys.
    unknown = sorted(set(request.args) - QUERY_PARAMETERS.get(str(request.endpoint), set()))
    if unknown:
        return error_body(400, _("unknown query parameter"), unknown[0][:60] or None)
    return None


def user() -> User:
    found: User = g.api_user
    return found


def audited(action: str, entity: str, entity_id: int | None, detail: str = "API") -> None:
    """Write the audit event of what the token's user did or read, and commit."""
    audit(user(), action, entity, entity_id, detail)
    db.session.commit()
