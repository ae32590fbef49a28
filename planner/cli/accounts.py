"""Accounts from the server's own machine: ``mesoplanner create-user`` and ``unlock`` (the
failed logins that make logins wait, forgotten)."""

from __future__ import annotations

import argparse
import sys

from planner.cli.data_folder import add_data_dir_option, app
from planner.cli.usage import UsageError
from planner.vocabulary import LANGUAGES, ROLES


def add_create_user_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    user = sub.add_parser("create-user", help="create an account from the command line")
    user.add_argument("username")
    user.add_argument("--name", required=True, help="full name, as shown on records")
    user.add_argument("--role", choices=ROLES, default="doctor")
    user.add_argument("--language", choices=LANGUAGES, default="en")
    add_data_dir_option(user)
    user.set_defaults(run=create_user)


def add_unlock_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    unlock = sub.add_parser("unlock", help="clear the failed logins that make logins wait",
                            description="Forget the failed logins of a username and/or from an "
                                        "address, so that their logins no longer wait; the "
                                        "audit trail keeps them, and this.")
    unlock.add_argument("username", metavar="USERNAME", nargs="?",
                        help="the username whose failed logins to clear")
    unlock.add_argument("--address", metavar="ADDR",
                        help="the network address (IPv4 or IPv6) whose failed logins to clear")
    add_data_dir_option(unlock)
    unlock.set_defaults(run=unlock_logins)


def create_user(args: argparse.Namespace) -> int:
    import getpass

    from planner.services.accounts import create_account
    from planner.web.accounts_rules import account_problems

    web = app(args)
    with web.test_request_context():
        if sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            confirm = getpass.getpass("Password again: ")
        else:
            password = confirm = sys.stdin.readline().rstrip("\n")
        problems = account_problems(args.username, args.name, password, confirm)
        if problems:
            field, message = next(iter(problems.items()))
            raise UsageError(f"{field}: {message}")
        create_account(args.username, args.name, args.role, args.language, password, by=None,
                       detail="command line")
    print(f"created {args.role} {args.username!r}")
    return 0


def unlock_logins(args: argparse.Namespace) -> int:
    import ipaddress

    from sqlalchemy import delete, or_, select

    from planner.extensions import db
    from planner.models import LoginFailure, User, audit

    username = (args.username or "").strip()
    address = ""
    if args.address is not None:
        try:
            address = str(ipaddress.ip_address(args.address.strip()))
        except ValueError:
            raise UsageError(f"--address: not an IP address: {args.address!r}") from None
    if not username and not address:
        raise UsageError("give the USERNAME, --address ADDR, or both")
    web = app(args)
    with web.app_context():
        user = (db.session.scalar(select(User).where(User.username == username))
                if username else None)
        matches = [*([LoginFailure.username == username] if username else []),
                   *([LoginFailure.address == address] if address else [])]
        cleared = db.session.execute(  # type: ignore[attr-defined]
            delete(LoginFailure).where(or_(*matches))).rowcount
        whose = " or ".join([*([f"username {username!r}"] if username else []),
                             *([f"address {address}"] if address else [])])
        audit(None, "unlock", "user", user.id if user else None,
              f"command line: {cleared} failed logins cleared for {whose}")
        db.session.commit()
        db.engine.dispose()
    print(f"cleared {cleared} failed logins for {whose}")
    if username and user is None:
        print(f"note: no account has the username {username!r}")
    return 0
