"""The web app: configuration, database, extensions, blueprints. Nothing else.

Kept out of the package's ``__init__`` so that ``import planner.core`` (the command line's
``grid``, the tests of the core) never loads Flask.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from planner import MIGRATIONS
from planner import config as settings
from planner.extensions import babel, csrf, db, login_manager, migrate
from planner.web import blueprints, i18n, security


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The app for a data folder (``config["DATA_DIR"]``) and any settings to override."""
    app = Flask("planner")
    data_dir = Path(config["DATA_DIR"]) if config and "DATA_DIR" in config else None
    app.config.update(settings.settings(data_dir))
    app.config.update(config or {})
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    security.init_app(app)
    i18n.init_app(app)
    blueprints.register(app)
    if app.config.get("BEHIND_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    return app
