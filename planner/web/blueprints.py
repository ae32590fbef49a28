"""Attach every blueprint to the app, with the rules every request passes first: an id within
range, the login, one's own password, the role table."""

from __future__ import annotations

from flask import Flask, abort, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from planner.web import (
    accounts,
    api,
    api_errors,
    audit,
    audit_reads,
    auth,
    calibration,
    consents,
    cycles,
    errors,
    fhir_export,
    files,
    mixtures,
    patients,
    photo_marks,
    photo_plane,
    photos,
    plans,
    printouts,
    recall,
    records,
    roles,
    sessions,
    tokens,
)
from planner.web.paths import MAX_ID, PUBLIC_ENDPOINTS, is_api


def register(app: Flask) -> None:
    """Attach every blueprint and the login requirement to the app."""
    for bp in (auth.bp, patients.bp, plans.bp, mixtures.bp, printouts.bp, cycles.bp,
               records.bp, consents.bp, fhir_export.bp, files.bp, photos.bp, recall.bp,
               accounts.account, accounts.users, audit.bp, tokens.bp, api.bp, calibration.bp,
               photo_plane.bp, photo_marks.bp):
        app.register_blueprint(bp)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        if is_api():
            return api_errors.http_error(exc)
        if exc.code is None or exc.code < 400 or exc.response is not None:
            return exc  # a redirect of the routing, or an answer made already
        return errors.page(exc)

    sessions.init_app(app)  # before the login requirement: it says why a session ended
    audit_reads.init_app(app)

    @app.before_request
    def ids_in_range() -> None:
        """An id in a URL beyond what the database holds is a 404, never a database error
        (PostgreSQL's integer ends at 2,147,483,647; found by schemathesis on PostgreSQL)."""
        if any(isinstance(value, int) and value > MAX_ID
               for value in (request.view_args or {}).values()):
            abort(404)

    @app.before_request
    def require_login() -> ResponseReturnValue | None:
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
