"""Mesoplanner: plan mesotherapy injection points on an anatomical body map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__version__ = "0.2.0"

MIGRATIONS = str(Path(__file__).resolve().parent / "migrations")


def create_app(config: dict[str, Any] | None = None) -> Any:
    """The web app: configuration, database, extensions, blueprints. Nothing else."""
    from flask import Flask

    from planner import config as settings
    from planner.extensions import babel, csrf, db, login_manager, migrate
    from planner.web import i18n, register, security

    app = Flask(__name__)
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
    register(app)
    if app.config.get("BEHIND_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    return app
