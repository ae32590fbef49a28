"""``mesoplanner backup`` and ``restore``: the SQLite database copied to a file (encrypted if
asked), with the photos' bytes in it, and put back, each written to the audit trail."""

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
                          description="A consistent copy of the SQLite database, with the "
                                      "photos' bytes in it, checked, written to FILE (which "
                                      "must not exist), readable by its owner only.")
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
                                      "kept beside it as <database>.before-restore-<time>, "
                                      "and the data folder's photos as "
                                      "photos.before-restore-<time>. "
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
    from planner.backup_photos import add_photos
    from planner.extensions import db
    from planner.models import audit
    from planner.photos.stores import StoreError, store_for

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
    photos: list[tuple[int, int]] = []
    try:
        store = store_for(web.config)
        copying.backup(source, target, passphrase,
                       add=lambda copy: photos.append(add_photos(copy, store.get)))
    except copying.BackupError as exc:
        raise UsageError(str(exc)) from None
    except StoreError as exc:
        raise UsageError(f"{exc}: no backup was written") from None
    kept, missing = photos[0] if photos else (0, 0)
    print(f"backed up to {args.file}" + (" (encrypted)" if args.encrypt else "")
          + (f", with {kept} photo{'s' if kept != 1 else ''}" if kept else ""))
    if missing:
        print(f"warning: {missing} photos named in the database are missing from the photo "
              "store: they are not in the backup", file=sys.stderr)
    return 0


def restore(args: argparse.Namespace) -> int:
    from planner import backup as copying
    from planner.backup_photos import restore_photos
    from planner.extensions import db
    from planner.models import audit
    from planner.photos.stores import StoreError, store_for

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
                db.engine.dispose()
                # The backup's photos back into the store (a failure: restore again).
                photos = restore_photos(target, store_for(web.config))
                audit(None, "update", "database", None,
                      f"restored from {source.name}"[:200])
                db.session.commit()
                db.engine.dispose()
    except copying.BackupError as exc:
        raise UsageError(str(exc)) from None
    except StoreError as exc:
        raise UsageError(f"{exc}: the database is restored, its photos are not; restore "
                         "again when the photo store answers") from None
    said = f", with {photos} photo{'s' if photos != 1 else ''}" if photos else ""
    print(f"restored from {args.file}{said}"
          + (f"; the previous database is kept as {kept}" if kept else ""))
    return 0
