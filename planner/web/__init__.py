"""The web app's blueprints: thin views that parse the form, call the core, render."""

from __future__ import annotations

from flask import Flask, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

# Endpoints reachable without logging in; every other one requires a login (see require_login).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.setup", "static", "healthz"})


def register(app: Flask) -> None:
    """Attach every blueprint and the login requirement to the app."""
    from planner.web import (
        accounts,
        audit,
        auth,
        cycles,
        fhir_export,
        files,
        patients,
        plans,
        printouts,
        recall,
        records,
        roles,
    )

    app.register_blueprint(auth.bp)
    app.register_blueprint(patients.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(printouts.bp)
    app.register_blueprint(cycles.bp)
    app.register_blueprint(records.bp)
    app.register_blueprint(fhir_export.bp)
    app.register_blueprint(files.bp)
    app.register_blueprint(recall.bp)
    app.register_blueprint(accounts.account)
    app.register_blueprint(accounts.users)
    app.register_blueprint(audit.bp)

    @app.before_request
    def require_login() -> ResponseReturnValue | None:
        from flask import request

        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return None

    auth.expire_idle_sessions(app)
    auth.require_own_password(app)
    roles.init_app(app)  # after the login requirement: an anonymous visitor is sent to log in

    @app.get("/")
    def home() -> ResponseReturnValue:
        return redirect(url_for("patients.index"))

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return {"status": "ok"}
