"""Accounts: each user's own password, and the administrator's list of users (create, change a
role, disable, reset a password). A disabled user keeps every record they made."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import User, audit
from planner.services.accounts import create_account
from planner.vocabulary import LANGUAGES, ROLES
from planner.web import sessions
from planner.web.accounts_rules import MAX_PASSWORD, account_problems, password_weakness

account = Blueprint("account", __name__)
users = Blueprint("users", __name__, url_prefix="/users")

def password_problems(password: str, confirm: str, user: User) -> dict[str, str]:
    """What is wrong with a new password for ``user``, by field."""
    weak = password_weakness(password, user.username)
    if weak:
        return {"password": weak}
    if user.check_password(password):
        return {"password": _("Choose a password different from the current one.")}
    if password != confirm:
        return {"confirm": _("The two passwords differ.")}
    return {}


@account.route("/account/password", methods=["GET", "POST"])
def password() -> ResponseReturnValue:
    """Change one's own password (the current one is asked again)."""
    problems: dict[str, str] = {}
    if request.method == "POST":
        if not current_user.check_password(request.form.get("current", "")[:MAX_PASSWORD + 1]):
            problems["current"] = _("This is not your current password.")
        else:
            problems = password_problems(request.form.get("password", ""),
                                         request.form.get("confirm", ""), current_user)
        if not problems:
            current_user.set_password(request.form["password"])
            current_user.must_change_password = False
            audit(current_user, "update", "user", current_user.id, "password changed")
            # Whoever held the old password is logged out everywhere but here, and their
            # API tokens stop working.
            sessions.end_all(current_user.id, "password", keep_current=True)
            revoked = sessions.revoke_tokens(current_user.id)
            db.session.commit()
            flash(_("Password changed."), "success")
            if revoked:
                flash(ngettext("%(num)d API token was revoked with the old password: make a "
                               "new one for your programs.", "%(num)d API tokens were revoked "
                               "with the old password: make new ones for your programs.",
                               revoked), "success")
            return redirect(url_for("patients.index"), 303)
    return render_template("users/password.html", problems=problems, user=None), \
        422 if problems else 200


@account.route("/account/sessions", methods=["GET", "POST"], endpoint="sessions")
def sessions_page() -> ResponseReturnValue:
    """One's own logged-in browsers; "log out everywhere" ends them all, this one too."""
    if request.method == "POST":
        ended = sessions.end_all(current_user.id, "everywhere")
        revoked = sessions.revoke_tokens(current_user.id)
        audit(current_user, "logout", "user", current_user.id,
              f"{ended} sessions ended, {revoked} API tokens revoked")
        db.session.commit()
        sessions.forget_cookie(current_user.language)
        flash(_("You were logged out everywhere."), "success")
        return redirect(url_for("auth.login"), 303)
    idle, whole = sessions.limits()
    return render_template("users/sessions.html", rows=sessions.open_sessions(current_user.id),
                           current=sessions.current_id(), idle=int(idle.total_seconds() // 60),
                           hours=int(whole.total_seconds() // 3600))


def active_admins() -> int:
    """How many active administrators there are."""
    return db.session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active)) or 0


@users.get("")
def index() -> ResponseReturnValue:
    """Every account, active or not."""
    everyone = db.session.scalars(select(User).order_by(~User.active, User.full_name)).all()
    return render_template("users/index.html", users=everyone)


@users.route("/new", methods=["GET", "POST"])
def create() -> ResponseReturnValue:
    """A new account, with its role and a first password to hand over."""
    values: dict[str, Any] = {"username": "", "full_name": "", "role": "doctor",
                              "language": "it"}
    problems: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in values}
        problems = account_problems(values["username"], values["full_name"],
                                    request.form.get("password", ""),
                                    request.form.get("confirm", ""))
        problems.update(_choice_problems(values))
        if not problems:
            create_account(values["username"], values["full_name"], values["role"],
                           values["language"], request.form["password"], by=current_user,
                           detail=f"role {values['role']}", must_change_password=True)
            flash(_("Account created."), "success")
            return redirect(url_for("users.index"), 303)
    return render_template("users/form.html", values=values, problems=problems, user=None), \
        422 if problems else 200


def _choice_problems(values: dict[str, Any]) -> dict[str, str]:
    problems = {}
    if values["role"] not in ROLES:
        problems["role"] = _("Choose a role.")
    if values["language"] not in LANGUAGES:
        problems["language"] = _("Choose a language.")
    return problems


@users.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id: int) -> ResponseReturnValue:
    """Change an account's name, role, language, or disable it (its records stay)."""
    user = db.get_or_404(User, user_id)
    values: dict[str, Any] = {"full_name": user.full_name, "role": user.role,
                              "language": user.language, "active": user.active}
    problems: dict[str, str] = {}
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in ("full_name", "role",
                                                               "language")}
        values["active"] = request.form.get("active") == "1"
        problems = _choice_problems(values)
        if not values["full_name"] or len(values["full_name"]) > 120:
            problems["full_name"] = _("Enter the name to show on records (up to 120 "
                                      "characters).")
        losing_admin = user.role == "admin" and user.active and (
            values["role"] != "admin" or not values["active"])
        if losing_admin and active_admins() <= 1:
            problems["role"] = _("This is the only active administrator: make another one "
                                 "first, or nobody could manage the accounts.")
        elif user.id == current_user.id and not values["active"]:
            problems["active"] = _("You cannot disable your own account.")
        if not problems:
            changes = [f"{k}: {getattr(user, k)} -> {values[k]}" for k in ("role", "active",
                                                                          "language")
                       if getattr(user, k) != values[k]]
            ends = user.role != values["role"] or user.active != values["active"]
            for key, value in values.items():
                setattr(user, key, value)
            audit(current_user, "update", "user", user.id, "; ".join(changes) or "name")
            if ends:  # a new role, or a disabled account, takes effect on every browser now
                sessions.end_all(user.id, "role" if user.active else "disabled")
                sessions.revoke_tokens(user.id)
            db.session.commit()
            flash(_("Account saved."), "success")
            return redirect(url_for("users.index"), 303)
    return render_template("users/form.html", values=values, problems=problems, user=user), \
        422 if problems else 200


@users.post("/<int:user_id>/password")
def reset_password(user_id: int) -> ResponseReturnValue:
    """The administrator sets a new password for someone who forgot theirs."""
    user = db.get_or_404(User, user_id)
    problems = password_problems(request.form.get("password", ""),
                                 request.form.get("confirm", ""), user)
    if problems:
        values = {"full_name": user.full_name, "role": user.role, "language": user.language,
                  "active": user.active}
        return render_template("users/form.html", values=values, problems=problems,
                               user=user), 422
    user.set_password(request.form["password"])
    user.must_change_password = user.id != current_user.id  # their own: they chose it
    audit(current_user, "update", "user", user.id, "password reset by an administrator")
    sessions.end_all(user.id, "password", keep_current=user.id == current_user.id)
    sessions.revoke_tokens(user.id)
    db.session.commit()
    flash(_("Password reset. Give it to %(name)s in person.", name=user.full_name), "success")
    return redirect(url_for("users.index"), 303)
