"""Logging in and out, the first-run setup, and the user's language."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from planner.extensions import db
from planner.models import LoginFailure, User, audit
from planner.services.accounts import create_account
from planner.vocabulary import LANGUAGES
from planner.web import sessions
from planner.web.accounts_rules import MAX_PASSWORD, account_problems, has_users
from planner.web.demo import load_demo
from planner.web.i18n import current_locale
from planner.web.login_waits import failed, wait_seconds
from planner.web.paths import is_api, local_target

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)

# Checked when the username is unknown, so that a wrong name takes as long as a wrong password
# and the time of the answer does not tell which usernames exist.
_NOBODY_HASH = generate_password_hash(secrets.token_urlsafe(16))


def name_tag(username: str) -> str:
    """A short tag of a username that is no account's: the same name tried again gets the same
    tag (the trail shows a name being tried over and over) but the name itself is not kept."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, username.casefold().encode(), hashlib.sha256).hexdigest()[:10]


def warn_about_proxy_headers() -> None:
    """A reverse proxy's headers on a server not told it is behind one: every client then looks
    like the proxy's address (one address for the waits after failed logins). Said once."""
    if current_app.config.get("BEHIND_PROXY") or current_app.config.get("_PROXY_WARNED"):
        return
    if any(h in request.headers for h in ("X-Forwarded-For", "Forwarded", "X-Real-IP")):
        current_app.config["_PROXY_WARNED"] = True
        log.warning("requests carry a reverse proxy's headers but MESOPLANNER_BEHIND_PROXY is "
                    "not set: every client is seen as the proxy's address (see "
                    "docs/deployment.md)")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The login form; a wrong name or password gets one message that reveals neither."""
    if not has_users():
        return render_template("auth/no_users.html"), 503
    error = None
    status = 200
    if request.method == "POST":
        username = request.form.get("username", "").strip()[:80]
        address = (request.remote_addr or "")[:64]
        password = request.form.get("password", "")[:MAX_PASSWORD + 1]  # never a stored one
        warn_about_proxy_headers()
        user = db.session.scalar(select(User).where(User.username == username))
        wait = wait_seconds(username, address)
        if wait > 0:
            # No password is even checked: guessing gains nothing until the wait is over.
            audit(user, "login-refused", "user", user.id if user else None,
                  f"{wait} s to wait after failed logins")
            db.session.commit()
            error = ngettext("Too many failed logins: wait %(num)d second, then try again.",
                             "Too many failed logins: wait %(num)d seconds, then try again.",
                             wait)
            return render_template("auth/login.html", error=error), 429, \
                {"Retry-After": str(wait)}
        if user is None:
            check_password_hash(_NOBODY_HASH, password)
        elif user.active and user.check_password(password):
            db.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
            sessions.start(user)
            audit(user, "login", "user", user.id)
            db.session.commit()
            return redirect(local_target(request.args.get("next", ""),
                                         url_for("patients.index")), 303)
        failed(username, address)
        # Kept in the trail for good (the counter above is cleared by a success). A name that is
        # no account's is kept only as a tag: people type passwords and patients' names into
        # the username box, and the trail cannot forget.
        audit(user, "login-failed", "user", user.id if user else None,
              "disabled account" if user is not None and not user.active else
              "wrong password" if user is not None else
              f"unknown username #{name_tag(username)}")
        db.session.commit()
        error, status = _("Wrong username or password."), 401
    return render_template("auth/login.html", error=error), status


PASSWORD_CHANGE_ALLOWS = frozenset({"account.password", "account.sessions", "auth.logout",
                                    "auth.alive",
                                    "static", "healthz"})


def require_own_password(app: Any) -> None:
    """Someone whose password an administrator chose (a new account, a reset) chooses their own
    before seeing anything else: the administrator must not know a working password."""

    @app.before_request
    def own_password() -> ResponseReturnValue | None:
        if is_api() or not current_user.is_authenticated or \
                not current_user.must_change_password or \
                request.endpoint in PASSWORD_CHANGE_ALLOWS:
            return None
        flash(_("An administrator set your password: choose your own to go on."), "error")
        return redirect(url_for("account.password"), 303 if request.method == "POST" else 302)


@bp.get("/alive")
@login_required
def alive() -> ResponseReturnValue:
    """Nothing but "still here": a page being typed in keeps its session open (the session's
    "last seen" is written when the user is loaded: web/sessions.py)."""
    return "", 204


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """End the session."""
    audit(current_user, "logout", "user", current_user.id)
    sessions.end_current("logout")
    db.session.commit()
    sessions.forget_cookie(current_user.language)
    return redirect(url_for("auth.login"), 303)


@bp.route("/setup", methods=["GET", "POST"])
def setup() -> ResponseReturnValue:
    """First run: the one-time link printed by ``mesoplanner serve`` creates the first account."""
    token = current_app.config.get("SETUP_TOKEN")
    given = request.values.get("token", "")
    if has_users() or not token or not secrets.compare_digest(str(token), given):
        abort(404)
    problems: dict[str, str] = {}
    # The first account's language is offered as the one the page speaks (the browser's).
    form = {"username": "", "full_name": "", "language": current_locale()}
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip() for k in form}
        password = request.form.get("password", "")
        problems = account_problems(form["username"], form["full_name"], password,
                                    request.form.get("confirm", ""))
        if form["language"] not in LANGUAGES:
            problems["language"] = _("Choose a language.")
        if not problems:
            user = create_account(form["username"], form["full_name"], "admin",
                                  form["language"], password, by=None,
                                  detail="first account (setup)", self_made=True)
            if request.form.get("demo") == "1":
                load_demo(user)
            db.session.commit()
            current_app.config.pop("SETUP_TOKEN", None)
            sessions.start(user)
            db.session.commit()
            flash(_("Welcome. Your account is ready."), "success")
            return redirect(url_for("patients.index"), 303)
    status = 422 if problems else 200
    return render_template("auth/setup.html", form=form, problems=problems, token=given,
                           languages=LANGUAGES), status


@bp.post("/language")
@login_required
def language() -> ResponseReturnValue:
    """Change the logged-in user's language."""
    choice = request.form.get("language", "")
    if choice in LANGUAGES:
        current_user.language = choice
        audit(current_user, "update", "user", current_user.id, "language")
        db.session.commit()
    return redirect(local_target(request.form.get("next", ""), url_for("patients.index")), 303)
