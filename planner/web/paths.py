"""What a request's path says about it: the API or a page, public or behind the login."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

# Endpoints reachable without logging in; every other one requires a login (see require_login).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.setup", "static", "healthz"})
MAX_ID = 2**31 - 1  # the largest id of a row (PostgreSQL's integer)


def is_api() -> bool:
    """Whether the request is for the JSON API (web/api.py): token, not cookie; JSON errors."""
    return request.path.startswith("/api/")


def local_target(target: str, default: str) -> str:
    r"""``target`` if it is a path on this site, else ``default`` (never an open redirect).

    Browsers drop tabs and newlines and read a backslash as a slash, so "/\t/evil.example" and
    "/\\evil.example" lead elsewhere: anything with those characters is refused.

    >>> local_target("/patients/3", "/")
    '/patients/3'
    >>> [local_target(t, "/") for t in ("//evil.example", "/\t/evil.example", "/\\evil",
    ...                                 "https://evil.example", "javascript:alert(1)")]
    ['/', '/', '/', '/', '/']
    """
    if any(ord(c) < 0x20 or c in "\\\x7f" for c in target):
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
