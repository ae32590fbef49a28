"""The ``mesoplanner`` command: grid, bodymaps, serve, create-user, backup, restore, audit
verify and unlock."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from planner import __version__
from planner.bodymaps.view import View
from planner.core.compute import Result
from planner.core.messages import PlanError
from planner.core.plan_reader import MAX_FILE_BYTES, loads

EXIT_INVALID = 2
EXIT_BROKEN = 1  # audit verify: the chain is broken
PASSPHRASE_VARIABLE = "MESOPLANNER_BACKUP_PASSPHRASE"


class UsageError(Exception):
    """A problem with the command's own input (file missing, unreadable...)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (PlanError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: one line, never a traceback, and no output
        print(f"error: internal error ({type(exc).__name__}: {exc}); please report it",
              file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mesoplanner",
        description="Plan mesotherapy injection points on an anatomical body map.")
    parser.add_argument("--version", action="version", version=f"mesoplanner {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    grid = sub.add_parser("grid", help="compute the points, volumes and warnings of a plan file",
                          description="Compute a plan file (PLAN-FORMAT.md): numbered points, "
                                      "volumes, totals per drug, syringes and warnings.")
    grid.add_argument("plan", metavar="PLAN", help="the plan file, or - for standard input")
    grid.add_argument("--format", choices=("json", "svg", "csv", "pdf", "html"), default="json",
                      help="json (default): points and totals; svg: the drawing in mm; "
                           "csv: one row per point; pdf: the printable treatment sheet; "
                           "html: the same sheet as a web page")
    grid.add_argument("-o", "--output", metavar="FILE", default="-",
                      help="where to write (default: standard output)")
    printed = grid.add_argument_group("printing (--format pdf or html)")
    kind = printed.add_mutually_exclusive_group()
    kind.add_argument("--stencil", action="store_true",
                      help="each area at true scale (1:1), tiled over pages, instead of the sheet")
    kind.add_argument("--handout", action="store_true",
                      help="the patient's aftercare handout instead of the sheet")
    printed.add_argument("--paper", choices=("a4", "letter"), default="a4",
                         help="paper size (default a4)")
    printed.add_argument("--compact", action="store_true",
                         help="fit a plan of up to about 60 points on one page")
    printed.add_argument("--language", choices=("it", "es", "en"), default="en",
                         help="language of the sheet (default en)")
    printed.add_argument("--clinic", default="", metavar="NAME",
                         help="clinic name for the header")
    grid.set_defaults(run=_grid)

    maps = sub.add_parser("bodymaps", help="list the body-map views and their regions",
                          description="The atlas of body-map views and treatment regions.")
    maps.add_argument("--json", action="store_true",
                      help="the whole catalogue as JSON, with each region's polygon as WKT")
    maps.add_argument("--render", metavar="DIR",
                      help="write a contact sheet of every view (SVG and index.html) to DIR")
    maps.set_defaults(run=_bodymaps)

    serve = sub.add_parser("serve", help="run the web app on an embedded SQLite database",
                           description="Run the web planner. The database lives in the data "
                                       "folder and is brought up to date at start. On the "
                                       "first run, a one-time setup link is printed.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this computer only)")
    serve.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    serve.add_argument("--workers", type=int, default=0, metavar="N",
                       help="run N processes with gunicorn (production, behind a reverse "
                            "proxy; PostgreSQL advised); default: one process, Flask's server")
    _data_dir_option(serve)
    serve.set_defaults(run=_serve)

    user = sub.add_parser("create-user", help="create an account from the command line")
    user.add_argument("username")
    user.add_argument("--name", required=True, help="full name, as shown on records")
    user.add_argument("--role", choices=("admin", "doctor", "assistant"), default="doctor")
    user.add_argument("--language", choices=("it", "es", "en"), default="en")
    _data_dir_option(user)
    user.set_defaults(run=_create_user)

    save = sub.add_parser("backup", help="copy the database to a file (safe while serving)",
                          description="A consistent copy of the SQLite database, checked, "
                                      "written to FILE (which must not exist), readable by "
                                      "its owner only.")
    save.add_argument("file", metavar="FILE")
    save.add_argument("--encrypt", action="store_true",
                      help="encrypt the copy with a passphrase (asked twice, or read from "
                           f"${PASSPHRASE_VARIABLE}); keep the passphrase apart from the file")
    _data_dir_option(save)
    save.set_defaults(run=_backup)

    back = sub.add_parser("restore", help="replace the database with a backup",
                          description="Replace the database with the backup FILE (stop "
                                      "'mesoplanner serve' first: a restore is refused while a "
                                      "server uses the database). The current database is "
                                      "kept beside it as <database>.before-restore-<time>. "
                                      "An encrypted backup's passphrase is asked (or read "
                                      f"from ${PASSPHRASE_VARIABLE}).")
    back.add_argument("file", metavar="FILE")
    back.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _data_dir_option(back)
    back.set_defaults(run=_restore)

    trail = sub.add_parser("audit", help="check the audit trail",
                           description="The audit trail, from the command line.")
    trail_sub = trail.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = trail_sub.add_parser(
        "verify", help="check that no audit event was changed, removed or slipped in",
        description="Walk the audit trail's hash chain from its first event to its end. Exit "
                    "0 when it is intact, 1 with the event where it breaks.")
    _data_dir_option(verify)
    verify.set_defaults(run=_audit_verify)

    unlock = sub.add_parser("unlock", help="clear the failed logins that make logins wait",
                            description="Forget the failed logins of a username and/or from an "
                                        "address, so that their logins no longer wait; the "
                                        "audit trail keeps them, and this.")
    unlock.add_argument("username", metavar="USERNAME", nargs="?",
                        help="the username whose failed logins to clear")
    unlock.add_argument("--address", metavar="ADDR",
                        help="the network address (IPv4 or IPv6) whose failed logins to clear")
    _data_dir_option(unlock)
    unlock.set_defaults(run=_unlock)
    return parser


def _data_dir_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--data-dir", metavar="DIR",
                     help="data folder (default: $MESOPLANNER_DATA_DIR, else "
                          "~/.local/share/mesoplanner); $DATABASE_URL overrides the database")


def _app(args: argparse.Namespace) -> Any:
    from flask_migrate import upgrade

    from planner import create_app

    config = {"DATA_DIR": args.data_dir} if args.data_dir else None
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


def _serve(args: argparse.Namespace) -> int:
    from planner.backup import BackupError, hold_for_server
    from planner.web.auth import has_users, new_setup_token

    database = _sqlite_database(args)
    if database is not None:
        try:
            # The descriptor stays open, so the lock is held until the process ends (its
            # forked workers' too): 'restore' sees it.
            hold_for_server(database)
        except BackupError as exc:
            raise UsageError(str(exc)) from None
    app = _app(args)
    with app.app_context():
        if not has_users():
            token = new_setup_token()
            host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0", "::") else args.host
            print("\nMesoplanner has no account yet. Open this one-time link to create the "
                  f"first one:\n\n    http://{host}:{args.port}/setup?token={token}\n",
                  flush=True)
    print(f"Data folder: {app.config['DATA_DIR']}", flush=True)
    if args.workers:
        return _gunicorn(app, args)
    app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    return 0


MAX_WORKERS = 64  # [our default]: far beyond what one server's cores make useful


def _gunicorn(app: Any, args: argparse.Namespace) -> int:
    """Serve ``app`` from N gunicorn worker processes (forked after the app was made, so the
    migrations ran once and every worker knows the first-run setup link)."""
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    from planner.extensions import db

    if not 1 <= args.workers <= MAX_WORKERS:
        raise UsageError(f"--workers: from 1 to {MAX_WORKERS} (got {args.workers})")
    with app.app_context():
        db.engine.dispose()  # no database connection may cross the fork

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {"bind": f"{args.host}:{args.port}", "workers": args.workers,
                               "preload_app": True, "accesslog": None,
                               "timeout": 60, "graceful_timeout": 20}.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    Server().run()
    return 0


def _create_user(args: argparse.Namespace) -> int:
    import getpass

    from planner.extensions import db
    from planner.models import User, audit
    from planner.web.auth import account_problems

    app = _app(args)
    with app.test_request_context():
        if sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            confirm = getpass.getpass("Password again: ")
        else:
            password = confirm = sys.stdin.readline().rstrip("\n")
        problems = account_problems(args.username, args.name, password, confirm)
        if problems:
            field, message = next(iter(problems.items()))
            raise UsageError(f"{field}: {message}")
        user = User(username=args.username, full_name=args.name, role=args.role,
                    language=args.language)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        audit(None, "create", "user", user.id, "command line")
        db.session.commit()
    print(f"created {args.role} {args.username!r}")
    return 0


def _sqlite_database(args: argparse.Namespace) -> Path | None:
    """The SQLite database's file, or None for PostgreSQL."""
    try:
        return _database(args)
    except UsageError:
        return None


def _database(args: argparse.Namespace) -> Path:
    from planner import config
    from planner.backup import BackupError, sqlite_path

    settings = config.settings(Path(args.data_dir) if args.data_dir else None)
    try:
        return sqlite_path(settings["SQLALCHEMY_DATABASE_URI"])
    except BackupError as exc:
        raise UsageError(str(exc)) from None


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


def _backup(args: argparse.Namespace) -> int:
    from planner.backup import BackupError, backup
    from planner.extensions import db
    from planner.models import audit

    database = _database(args)  # PostgreSQL: the pg_dump guidance, before connecting at all
    target = Path(args.file)
    if target.exists():  # before asking for a passphrase
        raise UsageError(f"{target} already exists: choose a new file name")
    passphrase = _passphrase(twice=True) if args.encrypt else None
    app = _app(args)  # brings the schema up to date, so a backup is always of the current one
    with app.app_context():
        audit(None, "export", "database", None,
              f"backup to {target.name}{' (encrypted)' if args.encrypt else ''}"[:200])
        db.session.commit()
        db.engine.dispose()
    try:
        backup(database, target, passphrase)
    except BackupError as exc:
        raise UsageError(str(exc)) from None
    print(f"backed up to {args.file}" + (" (encrypted)" if args.encrypt else ""))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from planner.backup import BackupError, is_encrypted, no_server, plain_copy, restore
    from planner.extensions import db
    from planner.models import audit

    database = _database(args)
    source = Path(args.file)
    if not source.exists():
        raise UsageError(f"no such file: {source}")
    try:
        with no_server(database):  # held until the restored database is upgraded and audited
            if not args.yes and not sys.stdin.isatty():
                raise UsageError("restore replaces the database: add --yes to confirm")
            passphrase = _passphrase(twice=False) if is_encrypted(source) else None
            # Decrypted first: a wrong passphrase or a damaged file is said before the question.
            with plain_copy(source, database.parent, passphrase) as plain:
                if not args.yes:
                    answer = input(f"Replace {database} with {args.file}? Type yes: ")
                    if answer.strip().lower() != "yes":
                        print("nothing restored")
                        return 1
                kept = restore(plain, database, str(source))
            app = _app(args)  # upgrades a backup made by an older version
            with app.app_context():
                audit(None, "update", "database", None,
                      f"restored from {source.name}"[:200])
                db.session.commit()
                db.engine.dispose()
    except BackupError as exc:
        raise UsageError(str(exc)) from None
    print(f"restored from {args.file}" + (f"; the previous database is kept as {kept}"
                                          if kept else ""))
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from planner.audit_chain import END, verify
    from planner.extensions import db
    from planner.models import AuditEvent, AuditHead

    app = _app(args)
    with app.app_context():
        head = db.session.get(AuditHead, 1)
        unchained, first_unchained = db.session.execute(
            select(func.count(), func.min(AuditEvent.id)).where(AuditEvent.seq.is_(None))).one()
        # Streamed: a server-side cursor on PostgreSQL, a few hundred rows at a time.
        events = db.session.execute(
            select(AuditEvent).where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq)
            .execution_options(yield_per=500)).scalars()
        try:
            verdict = verify(events, head.seq if head else None,
                             head.last_hash if head else None)
        finally:
            events.close()
        db.session.rollback()
        db.engine.dispose()
    problems = []
    if verdict.broken_at == END:
        problems.append(f"audit trail broken at its end: {verdict.reason}")
    elif verdict.broken_at is not None:
        problems.append(f"audit trail broken at event {verdict.broken_at}: {verdict.reason}; "
                        f"the {verdict.events} events before it are intact")
    elif head is None and verdict.events:
        problems.append("audit trail broken at its end: the record of the chain's end "
                        "(audit_head) is missing")
    if unchained:
        problems.append(f"audit trail broken at event {first_unchained}: it has no place in "
                        f"the chain (no sequence number; {unchained} such events in all)")
    if problems:
        print("\n".join(problems))
        return EXIT_BROKEN
    print(f"audit trail intact: {verdict.events} events, last hash {verdict.last_hash}")
    return 0


def _unlock(args: argparse.Namespace) -> int:
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
    app = _app(args)
    with app.app_context():
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


def _read_plan(name: str) -> str | bytes:
    if name == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        path = Path(name)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise UsageError(f"PLAN: {name} is larger than "
                                 f"{MAX_FILE_BYTES // (1024 * 1024)} MB")
            data = path.read_bytes()
        except FileNotFoundError:
            raise UsageError(f"PLAN: no such file {name!r}") from None
        except IsADirectoryError:
            raise UsageError(f"PLAN: {name!r} is a folder, not a plan file") from None
        except OSError as exc:
            raise UsageError(f"PLAN: cannot read {name!r} ({exc.strerror})") from None
    return data


def _grid(args: argparse.Namespace) -> int:
    from planner import csv_files, engine
    from planner.drawing.plan import plan_svg

    plan = loads(_read_plan(args.plan))
    result, view = engine.run(plan)
    if (args.stencil or args.handout or args.compact) and args.format not in ("pdf", "html"):
        raise UsageError("--stencil, --handout and --compact need --format pdf or html")
    text: str | bytes
    if args.format in ("pdf", "html"):
        text = _printed(args, result, view)
    elif args.format == "json":
        text = json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "svg":
        text = plan_svg(result, view)
    else:
        text = csv_files.points_csv(result)
    for warning in result.warnings:
        print(f"warning: [{warning.severity}] {warning.code}: {warning.message}",
              file=sys.stderr)
    _write(args.output, text)
    return 0


def _printed(args: argparse.Namespace, result: Result, view: View | None) -> str | bytes:
    """The sheet (or the stencil, or the handout) of a plan file: no patient data."""
    from planner.printing import pdf, plan_pages
    from planner.printing.paper import SheetInfo

    info = SheetInfo(language=args.language, paper=args.paper, compact=args.compact,
                              clinic=args.clinic)
    make = plan_pages.stencil_html if args.stencil else \
        plan_pages.handout_html if args.handout else plan_pages.sheet_html
    html = make(result, view, info)
    return pdf.to_pdf(html) if args.format == "pdf" else html


def _write(target: str, text: str | bytes) -> None:
    """Write all or nothing: a file is replaced only once the whole output is ready."""
    if target == "-":
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(target)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"-o: folder {str(folder)!r} does not exist")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".mesoplanner-", suffix=".tmp")
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _bodymaps(args: argparse.Namespace) -> int:
    from planner.bodymaps import catalogue

    if args.render:
        folder = Path(args.render)
        folder.mkdir(parents=True, exist_ok=True)
        written = catalogue.render_contact_sheet(folder)
        print(f"wrote {len(written)} files to {folder}")
        if not args.json:
            return 0
    data = catalogue.catalogue()
    if args.json:
        _write("-", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    lines = []
    for view in data["views"]:
        lines.append(f"{view['id']}  ({view['label']['en']}, {view['width_mm']:g} x "
                     f"{view['height_mm']:g} mm, version {view['version']})")
        for region in view["regions"]:
            lines.append(f"  {region['id']:<44} {region['kind']:<9} "
                         f"{region['area_mm2'] / 100:8.1f} cm2  {region['label']['en']}")
        for guide in view.get("guides", []):
            lines.append(f"  {guide['id']:<44} guide")
    _write("-", "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
