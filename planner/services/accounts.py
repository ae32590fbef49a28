"""Accounts: a new one, from the first-run setup page, the accounts page or the command line
(its fields checked by the caller: web/accounts_rules.py words the problems)."""

from __future__ import annotations

from planner.extensions import db
from planner.models import User, audit


def create_account(username: str, full_name: str, role: str, language: str, password: str, *,
                   by: User | None, detail: str, must_change_password: bool = False,
                   self_made: bool = False) -> User:
    """A new account with its password hashed; committed with its audit event, written as
    ``by`` (None: the command line, on the server's machine) or, ``self_made``, as the new
    account itself (the first-run setup). ``must_change_password``: an administrator chose the
    password, which the user replaces at their first login."""
    user = User(username=username, full_name=full_name, role=role, language=language,
                must_change_password=must_change_password)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit(user if self_made else by, "create", "user", user.id, detail)
    db.session.commit()
    return user
