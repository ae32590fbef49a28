"""What a new account needs: a free username, a name, a password hard to guess; and whether
the first account has been made (the first-run setup). Used by the setup page, the accounts
pages and `mesoplanner create-user`."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import User

MIN_PASSWORD = 10  # [our default]: long enough to resist guessing, short enough to type


MAX_PASSWORD = 200  # [our default]: long passphrases welcome, megabytes are not


def has_users() -> bool:
    """Whether the first account has been made."""
    return bool(db.session.scalar(select(func.count()).select_from(User)))


def new_setup_token() -> str:
    """A one-time token for the first-run setup page."""
    token = secrets.token_urlsafe(24)
    current_app.config["SETUP_TOKEN"] = token
    return token


def account_problems(username: str, full_name: str, password: str, confirm: str) -> dict[str, str]:
    """What is wrong with a new account's fields, by field name (empty when all is well)."""
    problems: dict[str, str] = {}
    if not username or len(username) > 80 or not username.replace(".", "").replace("-", "")\
            .replace("_", "").isalnum():
        problems["username"] = _("Use letters, digits, dots, dashes or underscores (up to 80).")
    elif db.session.scalar(select(User).where(User.username == username)) is not None:
        problems["username"] = _("This username is taken.")
    if not full_name or len(full_name) > 120:
        problems["full_name"] = _("Enter the name to show on records (up to 120 characters).")
    weak = password_weakness(password, username)
    if weak:
        problems["password"] = weak
    elif password != confirm:
        problems["confirm"] = _("The two passwords differ.")
    return problems


# [our list]: passwords of ten characters or more that people pick first (keyboard rows, digits,
# "password" in the clinic's languages), refused as NIST SP 800-63B (5.1.1.2) advises checking
# new passwords against commonly used ones. Compared without case, spaces or trailing digits.
COMMON_PASSWORDS = frozenset({
    "password", "passwordpassword", "qwertyuiop", "asdfghjkl", "azertyuiop", "qwertzuiop",
    "iloveyou", "letmein", "welcome", "administrator", "changeme", "mesoplanner",
    "mesoterapia", "mesotherapy", "ambulatorio", "clinica", "consultorio",
    "contrasena", "contrasenya", "parolachiave", "passwort", "motdepasse", "benvenuto",
    "bienvenido", "ciaociao", "holahola", "dottore", "doctor", "medico", "segreteria",
})


def password_weakness(password: str, username: str = "") -> str | None:
    """Why a new password is too weak, or None: its length, one character over and over, the
    username inside it, or a commonly used password."""
    if len(password) < MIN_PASSWORD:
        return str(_("Use at least %(n)d characters.", n=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        return str(_("Use from %(lo)d to %(hi)d characters.", lo=MIN_PASSWORD, hi=MAX_PASSWORD))
    plain = "".join(password.split()).casefold()
    if len(set(plain)) <= 2 or plain.isdigit() or plain.rstrip("0123456789!.") in \
            COMMON_PASSWORDS or _is_run(plain):
        return str(_("This password is too easy to guess: use a few unrelated words."))
    if len(username) >= 3 and username.casefold() in plain:
        return str(_("The password must not contain the username."))
    return None


def _is_run(text: str) -> bool:
    """A run along the alphabet, the digits or a keyboard row ("abcdefghij", "1234567890")."""
    rows = ("abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
    return any(text in row or text in row[::-1] for row in rows)
