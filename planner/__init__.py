"""Mesoplanner: plan mesotherapy injection points on an anatomical body map.

The package's root imports nothing: the clinical core (``planner.core``) loads without the web
app, whose factory is ``planner.app.create_app``.
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.2.0"

MIGRATIONS = str(Path(__file__).resolve().parent / "migrations")
