"""An API token as the database keeps it: its SHA-256, never the token itself."""

from __future__ import annotations

import hashlib


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256 (a token has 256 random bits: no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()
