"""What a request's path says about it: the API or a page, public or behind the login."""

from __future__ import annotations

from flask import request

# Endpoints reachable without logging in; every other one requires a login (see require_login).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.setup", "static", "healthz"})
MAX_ID = 2**31 - 1  # the largest id of a row (PostgreSQL's integer)


def is_api() -> bool:
    """Whether the request is for the JSON API (web/api.py): token, not cookie; JSON errors."""
    return request.path.startswith("/api/")
