"""Logged-in sessions kept on the server (models.LoginSession): the cookie holds a random token,
and every request checks that token's row, so that a session can be ended from the server.

A session ends:
- at logout (that browser's session);
- after ``SESSION_IDLE_MINUTES`` without a request, and after ``SESSION_MAX_HOURS`` whatever
  the activity (a working day);
- for every browser of a user at once when their password is changed or reset, their role
  changes, their account is disabled, or they choose "log out everywhere" (the account page).
A copied cookie of an ended session opens nothing: the row says it ended.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select, update

from planner.extensions import db, login_manager
from planner.models import ApiToken, LoginSession, User, audit, now
from planner.web.paths import PUBLIC_ENDPOINTS, is_api

IDLE_MINUTES = 30  # [our default]: a consultation's length; the setting SESSION_IDLE_MINUTES
MAX_HOURS = 12  # [our default]: a long clinic day; the setting SESSION_MAX_HOURS
TOUCH_EVERY_S = 60  # [our default]: "last seen" is written at most once a minute per session
KEEPALIVE_S = 300  # [our default]: typing in a form tells the server at most every 5 minutes
KEEP_ENDED = timedelta(days=30)  # [our default]: then a session's row is deleted (forget_old)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User) -> None:
    """Log ``user`` in on this browser: a new session row and its token in the cookie."""
    token = secrets.token_urlsafe(32)
    forget_old()
    db.session.add(LoginSession(user_id=user.id, token_hash=_digest(token),
                                client=client_of(request.headers.get("User-Agent", "")),
                                address=(request.remote_addr or "")[:64]))
    session.clear()  # nothing of an earlier session (or a planted cookie) carries over
    session["sid"] = token
    login_user(user)


BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
            ("Chromium/", "Chromium"), ("Safari/", "Safari"))
SYSTEMS = (("iPad", "iPad"), ("iPhone", "iPhone"), ("Android", "Android"),
           ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
           ("Linux", "Linux"))


def client_of(agent: str) -> str:
    """A browser's User-Agent said briefly, to tell one's sessions apart.

    >>> client_of("Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like "
    ...           "Gecko) Chrome/131.0 Safari/537.36")
    'Chrome · Android'
    >>> client_of("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    ...           "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
    'Safari · iPad'
    >>> client_of("curl/8.5"), client_of("")
    ('', '')
    """
    browser = next((name for mark, name in BROWSERS if mark in agent), "")
    system = next((name for mark, name in SYSTEMS if mark in agent), "")
    return " · ".join(part for part in (browser, system) if part)


def forget_cookie(language: str | None) -> None:
    """Empty this browser's cookie session (logged out), keeping only the language, so that the
    login page goes on in the user's language."""
    logout_user()
    session.clear()
    if language:
        session["language"] = language


def end_current(reason: str) -> None:
    """End this browser's session (the caller commits)."""
    row = _row()
    if row is not None and row.ended_at is None:
        row.ended_at, row.end_reason = now(), reason


def end_all(user_id: int, reason: str, keep_current: bool = False) -> int:
    """End every open session of a user (but this browser's with ``keep_current``); how many
    were ended. The caller commits."""
    query = update(LoginSession).where(LoginSession.user_id == user_id,
                                       LoginSession.ended_at.is_(None))
    current = _row() if keep_current else None
    if current is not None:
        query = query.where(LoginSession.id != current.id)
    result = db.session.execute(query.values(ended_at=now(), end_reason=reason))
    return int(getattr(result, "rowcount", 0) or 0)


def revoke_tokens(user_id: int) -> int:
    """Revoke every API token of a user (with the end of all their sessions: a token made by
    whoever held the account must not outlive the password, the role or "log out
    everywhere"). How many; the caller commits."""
    result = db.session.execute(update(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).values(revoked_at=now()))
    return int(getattr(result, "rowcount", 0) or 0)


def open_sessions(user_id: int) -> list[LoginSession]:
    """A user's sessions still open: not ended, not idle too long, not past the working day
    (those are marked ended at their next request, if one ever comes)."""
    idle, whole = limits()
    stamp = now()
    return list(db.session.scalars(select(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.ended_at.is_(None),
        LoginSession.seen_at >= stamp - idle, LoginSession.started_at >= stamp - whole)
        .order_by(LoginSession.seen_at.desc())))


def forget_old() -> None:
    """Delete the rows of sessions over for a month (the audit trail keeps the logins and
    logouts; these rows only answer whether a cookie still opens anything). The caller
    commits."""
    month_ago = now() - KEEP_ENDED
    db.session.execute(delete(LoginSession).where(
        (LoginSession.ended_at < month_ago) | (LoginSession.seen_at < month_ago)))


def current_id() -> int | None:
    """The id of this browser's session row."""
    row = _row()
    return row.id if row is not None else None


def _row() -> LoginSession | None:
    token = session.get("sid")
    if not isinstance(token, str) or not token:
        return None
    if "login_session" not in g:
        g.login_session = db.session.scalar(select(LoginSession).where(
            LoginSession.token_hash == _digest(token)))
    found: LoginSession | None = g.login_session
    return found


def limits() -> tuple[timedelta, timedelta]:
    """The idle limit and the whole session's limit, from the settings."""
    config = current_app.config
    return (timedelta(minutes=float(config.get("SESSION_IDLE_MINUTES", IDLE_MINUTES))),
            timedelta(hours=float(config.get("SESSION_MAX_HOURS", MAX_HOURS))))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of this browser's session, if the session is still open and the account
    active; otherwise nobody, with the reason kept for the login page (``g.session_end``)."""
    row = _row()
    if row is None or row.ended_at is not None or str(row.user_id) != user_id:
        g.session_end = "ended"
        if row is not None:  # a cookie of an ended session, used again: a copy, perhaps
            g.session_language = row.user.language
            audit(None, "denied", "user", row.user_id, "a session already ended")
            db.session.commit()
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        g.session_end = "ended"
        return None
    idle, whole = limits()
    stamp = now()
    reason = "idle" if stamp - row.seen_at > idle else \
        "expired" if stamp - row.started_at > whole else None
    if reason is not None:
        row.ended_at, row.end_reason = stamp, reason
        audit(user, "logout", "user", user.id, reason)
        db.session.commit()
        g.session_end, g.session_language = reason, user.language
        return None
    # "Last seen" is written once a minute at most (once a tenth of the idle limit if shorter).
    if (stamp - row.seen_at).total_seconds() > min(TOUCH_EVERY_S, idle.total_seconds() / 10):
        row.seen_at = stamp
        db.session.commit()
    return user


def keepalive_seconds() -> int:
    """How often a page being typed in tells the server (static/keepalive.js): a third of the
    idle limit, at most every 5 minutes."""
    idle, _whole = limits()
    return int(min(KEEPALIVE_S, idle.total_seconds() / 3))


def init_app(app: Flask) -> None:
    """After a session ends, the next page is the login page, saying why in the user's
    language."""
    app.jinja_env.globals.update(keepalive_seconds=keepalive_seconds)

    @app.before_request
    def ended() -> ResponseReturnValue | None:
        if is_api() or ("sid" not in session and "_user_id" not in session):
            return None
        if current_user.is_authenticated:
            return None
        reason = g.get("session_end")
        forget_cookie(g.get("session_language") or session.get("language"))
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        idle, whole = limits()
        if reason == "idle":
            flash(ngettext("You were logged out after %(num)d minute without activity.",
                           "You were logged out after %(num)d minutes without activity.",
                           int(idle.total_seconds() // 60)), "error")
        elif reason == "expired":
            flash(ngettext("Your session reached its limit of %(num)d hour: log in again.",
                           "Your session reached its limit of %(num)d hours: log in again.",
                           int(whole.total_seconds() // 3600)), "error")
        else:
            flash(_("Your session has ended: log in again."), "error")
        return redirect(url_for("auth.login"), 303 if request.method == "POST" else 302)
