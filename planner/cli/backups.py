"""``mesoplanner backup`` and ``restore``: the SQLite database copied to a file (encrypted if
asked) and put back, each written to the audit trail."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from planner.cli.data_folder import add_data_dir_option, app, database
from planner.cli.usage import UsageError

PASSPHRASE_VARIABLE = "MESOPLANNER_BACKUP_PASSPHRASE"


def add_backup_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    save = sub.add_parser("backup", help="copy the database to a file (safe while serving)",
                          description="A consistent copy of the SQLite database, checked, "
                                      "written to FILE (which must not exist), readable by "
                                      "its owner only.")
    save.add_argument("file", metavar="FILE")
    save.add_argument("--encrypt", action="store_true",
                      help="encrypt the copy with a passphrase (asked twice, or read from "
                           f"${PASSPHRASE_VARIABLE}); keep the passphrase apart from the file")
    add_data_dir_option(save)
    save.set_defaults(run=backup)


def add_restore_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    back = sub.add_parser("restore", help="replace the database with a backup",
                          description="Replace the database with the backup FILE (stop "
                                      "'mesoplanner serve' first: a restore is refused while a "
                                      "server uses the database). The current database is "
                                      "kept beside it as <database>.before-restore-<time>. "
                                      "An encrypted backup's passphrase is asked (or read "
                                      f"from ${PASSPHRASE_VARIABLE}).")
    back.add_argument("file", metavar="FILE")
    back.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_data_dir_option(back)
    back.set_defaults(run=restore)


def _passphrase(twice: bool) -> str:
    """The backup passphrase: $MESOPLANNER_BACKUP_PASSPHRASE (scripts), else asked (terminal)."""
    import getpass

    from planner.backup import BackupError, passphrase_problem

    passphrase = os.environ.get(PASSPHRASE_VARIABLE, "")
    if not passphrase:
        if not sys.stdin.isatty():
            raise UsageError(f"the passphrase: run in a terminal, or set ${PASSPHRASE_VARIABLE}")
        passphrase = getpass.getpass("Backup passphrase: ")
        if twice and getpass.getpass("Backup passphrase again: ") != passphrase:
            raise UsageError("the two passphrases differ: nothing was written")
    if twice:
        try:
            passphrase_problem(passphrase)
        except BackupError as exc:
            raise UsageError(str(exc)) from None
    return passphrase


def backup(args: argparse.Namespace) -> int:
    from planner import backup as copying
    from planner.extensions import db
    from planner.models import audit

    source = database(args)  # PostgreSQL: the pg_dump guidance, before connecting at all
    target = Path(args.file)
    if target.exists():  # before asking for a passphrase
        raise UsageError(f"{target} already exists: choose a new file name")
    passphrase = _passphrase(twice=True) if args.encrypt else None
    web = app(args)  # brings the schema up to date, so a backup is always of the current one
    with web.app_context():
        audit(None, "export", "database", None,
              f"backup to {target.name}{' (encrypted)' if args.encrypt else ''}"[:200])
        db.session.commit()
        db.engine.dispose()
    try:
        copying.backup(source, target, passphrase)
    except copying.BackupError as exc:
        raise UsageError(str(exc)) from None
    print(f"backed up to {args.file}" + (" (encrypted)" if args.encrypt else ""))
    return 0


def restore(args: argparse.Namespace) -> int:
    from planner import backup as copying
    from planner.extensions import db
    from planner.models import audit

    target = database(args)
    source = Path(args.file)
    if not source.exists():
        raise UsageError(f"no such file: {source}")
    try:
        with copying.no_server(target):  # held until the restored database is upgraded, audited
            if not args.yes and not sys.stdin.isatty():
                raise UsageError("restore replaces the database: add --yes to confirm")
            passphrase = _passphrase(twice=False) if copying.is_encrypted(source) else None
            # Decrypted first: a wrong passphrase or a damaged file is said before the question.
            with copying.plain_copy(source, target.parent, passphrase) as plain:
                if not args.yes:
                    answer = input(f"Replace {target} with {args.file}? Type yes: ")
                    if answer.strip().lower() != "yes":
                        print("nothing restored")
                        return 1
                kept = copying.restore(plain, target, str(source))
            web = app(args)  # upgrades a backup made by an older version
            with web.app_context():
                audit(None, "update", "database", None,
                      f"restored from {source.name}"[:200])
                db.session.commit()
                db.engine.dispose()
    except copying.BackupError as exc:
        raise UsageError(str(exc)) from None
    print(f"restored from {args.file}" + (f"; the previous database is kept as {kept}"
                                          if kept else ""))
    return 0
