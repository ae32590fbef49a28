"""``mesoplanner print-worker``: makes the printouts' PDFs that the web pages queue.

The web server never lays out a PDF (a second or more of CPU each): a page queues the job in
the database and this process makes it (planner/services/print_jobs.py). ``serve`` starts one
beside the web server and stops it with the server; more can run, on this machine or on others
sharing the PostgreSQL database: each job is claimed by one of them only.

The command is a small supervisor and one worker process it forks: the worker lays out the
PDFs at a lower CPU priority, so that the clinicians' clicks come first, and if it ever dies (a
crash of the layout libraries, the memory of a huge plan) the supervisor starts another, and
the job it was making is queued again (``print_jobs.recover``).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import time
from typing import Any

from planner.cli.data_folder import add_data_dir_option, hold_server_lock

POLL_S = 0.2  # [our default]: a queued job waits a fifth of a second at most for its worker
TIDY_S = 60.0  # [our default]: how often jobs of stopped workers are taken back, and old pruned
RESTART_S = (1.0, 5.0, 30.0)  # waits before starting a dead worker again (then the last)
ERROR_WAIT_S = 2.0  # after the queue could not be read (the database restarting?)
STOP_WAIT_S = 20.0  # a job being made may finish before the worker is stopped
# [our measure, bench/bench_load.py]: at niceness +10 the system gives a process of normal
# priority about nine times the CPU share of the PDF's (Linux CFS weights 1024 and 110): the
# interactive 95th percentile under load went from 157 ms to 89 ms.
PDF_NICENESS = 10

log = logging.getLogger("mesoplanner.print-worker")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser(
        "print-worker", help="make the PDFs the web pages ask for (serve starts one)",
        description="Make the printouts' PDFs queued by the web pages, at a lower CPU "
                    "priority. 'mesoplanner serve' starts one; run more (on this machine or "
                    "others sharing the PostgreSQL database) for a busy clinic.")
    cmd.add_argument("--poll", type=float, default=POLL_S, metavar="SECONDS",
                     help=f"how often to look for a queued job (default {POLL_S})")
    cmd.add_argument("--once", action="store_true",
                     help="make the jobs queued now, then stop (no supervisor)")
    cmd.add_argument("--stop-with", type=int, metavar="PID",
                     help="stop when process PID ends (serve passes its own)")
    add_data_dir_option(cmd)
    cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planner.cli.usage import UsageError

    if not 0 < args.poll <= 60:
        raise UsageError(f"--poll: from 0 to 60 seconds (got {args.poll})")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s print-worker %(process)d: %(message)s")
    for name in (log.name, "planner.services.print_jobs"):  # its own news, not the libraries'
        logging.getLogger(name).setLevel(logging.INFO)
    if args.stop_with is None:  # started by serve (--stop-with): serve holds the lock
        hold_server_lock(args)
    if args.once:
        return work(args.data_dir, args.poll, once=True)
    return supervise(args)


def supervise(args: argparse.Namespace) -> int:
    """Run one worker process, start it again if it dies, stop it on SIGTERM or SIGINT or when
    process ``--stop-with`` ends."""
    import multiprocessing

    # Forked from this small process (no thread, no database connection, nothing of the app).
    context = multiprocessing.get_context("fork")
    stopping = _stop_on_signals()
    deaths = 0
    child: Any = None
    try:
        while not stopping and _alive(args.stop_with):
            if child is None or not child.is_alive():
                if child is not None:
                    wait = RESTART_S[min(deaths, len(RESTART_S) - 1)]
                    deaths += 1
                    log.error("the worker stopped (exit %s); another in %.0f s",
                              child.exitcode, wait)
                    if _sleep(wait, stopping, args.stop_with):
                        break
                child = context.Process(target=_child, name="print-worker",
                                        args=(args.data_dir, args.poll, os.getpid()))
                child.start()
            child.join(0.5)
    finally:
        if child is not None and child.is_alive():
            child.terminate()  # SIGTERM: it finishes the job in hand, then stops
            child.join(STOP_WAIT_S)
            if child.is_alive():
                child.kill()
                child.join()
    return 0


def _child(data_dir: str | None, poll_s: float, supervisor: int) -> None:
    stopping = _stop_on_signals()  # first: a SIGTERM while it starts stops it too
    # os._exit: the forked copy runs none of the supervisor's exit handlers.
    os._exit(work(data_dir, poll_s, stopping=stopping, supervisor=supervisor))


def work(data_dir: str | None, poll_s: float, *, once: bool = False,
         stopping: list[int] | None = None, supervisor: int | None = None) -> int:
    """Make queued jobs until stopped, or until process ``supervisor`` is no longer this
    one's parent (or, ``once``, until none is queued)."""
    from planner.app import create_app
    from planner.extensions import db
    from planner.services import print_jobs

    stopping = _stop_on_signals() if stopping is None else stopping
    lower_priority()
    app = create_app({"DATA_DIR": data_dir} if data_dir else None)
    name = print_jobs.worker_name()
    tidied = 0.0
    failing = ""
    warm_up()
    with app.app_context():
        log.info("making the queued printouts (%s database)", db.engine.url.get_backend_name())
        while not stopping and (supervisor is None or os.getppid() == supervisor):
            try:
                if time.monotonic() - tidied > TIDY_S:
                    tidied = time.monotonic()
                    print_jobs.recover()
                    print_jobs.prune()
                started = time.monotonic()
                job_id = print_jobs.make_next(name)
            except Exception as exc:  # the database away, or not migrated yet: wait for it
                db.session.rollback()
                said = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
                if said != failing:  # said once, not at every poll (values are never shown)
                    failing = said
                    log.error("cannot read the printouts' queue (%s); trying again", said)
                _sleep(ERROR_WAIT_S, stopping, None)
                continue
            failing = ""
            if job_id is not None:
                log.info("printout %s made in %.2f s", job_id, time.monotonic() - started)
            elif once:
                break
            else:
                time.sleep(poll_s)
        db.engine.dispose()
    return 0


def warm_up() -> None:
    """Lay out a page once before the first job: WeasyPrint's import and its fonts' set-up
    (about a second) are then not waited for by the first clinician who prints."""
    from planner.printing import pdf

    try:
        pdf.to_pdf("<p>Mesoplanner</p>")
    except Exception:  # the first job will say what is wrong, in its own error
        log.exception("the PDF renderer could not lay out a test page")


def lower_priority() -> None:
    """Lower this process's CPU priority by PDF_NICENESS. Where the system has no such call or
    refuses it, the PDFs are made at normal priority."""
    with contextlib.suppress(AttributeError, OSError):
        os.nice(PDF_NICENESS)


def _stop_on_signals() -> list[int]:
    """A list that SIGTERM or SIGINT fills (empty: go on)."""
    stopping: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return stopping


def _alive(pid: int | None) -> bool:
    """Whether process ``pid`` still runs (None: nobody to watch)."""
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sleep(seconds: float, stopping: list[int], watched: int | None) -> bool:
    """Wait ``seconds`` unless stopped meanwhile; whether it was stopped."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if stopping or not _alive(watched):
            return True
        time.sleep(0.2)
    return False
