"""The web app's blueprints: thin views that parse the form, call the core, render."""

from __future__ import annotations

from flask import Flask, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import HTTPException

# Endpoints reachable without logging in; every other one requires a login (see require_login).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.setup", "static", "healthz"})
MAX_ID = 2**31 - 1  # the largest id of a row (PostgreSQL's integer)


def is_api() -> bool:
    """Whether the request is for the JSON API (web/api.py): token, not cookie; JSON errors."""
    from flask import request

    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    """Attach every blueprint and the login requirement to the app."""
    from planner.web import (
        accounts,
        api,
        audit,
        audit_reads,
        auth,
        cycles,
        errors,
        fhir_export,
        files,
        mixtures,
        patients,
        plans,
        printouts,
        recall,
        records,
        roles,
        sessions,
        tokens,
    )

    app.register_blueprint(auth.bp)
    app.register_blueprint(patients.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(mixtures.bp)
    app.register_blueprint(printouts.bp)
    app.register_blueprint(cycles.bp)
    app.register_blueprint(records.bp)
    app.register_blueprint(fhir_export.bp)
    app.register_blueprint(files.bp)
    app.register_blueprint(recall.bp)
    app.register_blueprint(accounts.account)
    app.register_blueprint(accounts.users)
    app.register_blueprint(audit.bp)
    app.register_blueprint(tokens.bp)
    app.register_blueprint(api.bp)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        if is_api():
            return api.http_error(exc)
        if exc.code is None or exc.code < 400 or exc.response is not None:
            return exc  # a redirect of the routing, or an answer made already
        return errors.page(exc)

    sessions.init_app(app)  # before the login requirement: it says why a session ended
    audit_reads.init_app(app)

    @app.before_request
    def ids_in_range() -> None:
        """An id in a URL beyond what the database holds is a 404, never a database error
        (PostgreSQL's integer ends at 2,147,483,647; found by schemathesis on PostgreSQL)."""
        from flask import abort, request

        if any(isinstance(value, int) and value > MAX_ID
               for value in (request.view_args or {}).values()):
            abort(404)

    @app.before_request
    def require_login() -> ResponseReturnValue | None:
        from flask import request

        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None or is_api():
            return None  # the API authenticates its own way (a token, never the cookie)
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login"))
        return None

    auth.require_own_password(app)
    roles.init_app(app)  # after the login requirement: an anonymous visitor is sent to log in

    @app.get("/")
    def home() -> ResponseReturnValue:
        return redirect(url_for("patients.index"))

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return {"status": "ok"}
