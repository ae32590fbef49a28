"""`mesoplanner serve` starts its print worker beside the web server (Flask's, or gunicorn's
workers), the worker makes the queued PDFs, and it stops with the server: when the server is
stopped, and by itself when the server is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.commands import children, command, environment, free_port


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(") ", 1)[-1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended (its parent has not read its status yet)


def wait_for(check, seconds: float = 60.0) -> bool:
    """Whether ``check()`` came true within ``seconds`` (a wait, not a speed check)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def serve(tmp_path: Path, *options: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen([*command(), "serve", "--port", str(port), "--data-dir",
                             str(tmp_path), *options], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=environment(DATABASE_URL=None))

    def answers() -> bool:
        assert proc.poll() is None, "the server stopped"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
        except (urllib.error.URLError, ConnectionError):
            return False
        return True

    assert wait_for(answers), "the server did not answer"
    return proc, port


def print_workers(pid: int) -> list[int]:
    """The print workers ``serve`` started, and the processes each of them forked."""
    top = [p for p, line in children(pid) if b"print-worker" in line]
    return top + [p for worker in top for p, _line in children(worker)]


def queue_and_wait(tmp_path: Path, monkeypatch) -> str:
    """Queue a printout in the server's database and wait for its print worker: its state."""
    from planner.app import create_app
    from planner.extensions import db
    from planner.models import Printout
    from planner.services import print_jobs

    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"DATA_DIR": str(tmp_path)})
    with app.app_context():
        job = print_jobs.ask("sheet", "<p>Foglio di trattamento</p>", "plan", 1)
        db.session.commit()
        job_id = job.id

        def made() -> bool:
            db.session.rollback()  # a new snapshot of the database
            return db.session.get(Printout, job_id).status in ("done", "failed")

        wait_for(made, 120)
        state = db.session.get(Printout, job_id).status
        db.engine.dispose()
    return state


def test_serve_makes_the_pdfs_on_its_print_worker_and_stops_it(tmp_path, monkeypatch):
    proc, _port = serve(tmp_path)
    try:
        assert wait_for(lambda: len(print_workers(proc.pid)) == 2), "no print worker running"
        workers = print_workers(proc.pid)
        assert queue_and_wait(tmp_path, monkeypatch) == "done"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert wait_for(lambda: not any(alive(p) for p in workers), 30), "a print worker outlived serve"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="gunicorn forks")
def test_serve_with_workers_has_one_print_worker_that_ends_if_serve_is_killed(tmp_path,
                                                                              monkeypatch):
    proc, _port = serve(tmp_path, "--workers", "2")
    try:
        assert wait_for(lambda: len(print_workers(proc.pid)) == 2), "no print worker running"
        workers = print_workers(proc.pid)
        assert wait_for(lambda: len(children(proc.pid)) == 3)  # two web workers, one printer
        assert queue_and_wait(tmp_path, monkeypatch) == "done"
    finally:
        proc.kill()  # no chance to stop anything: the print worker sees it and stops
        proc.wait(timeout=20)
    assert wait_for(lambda: not any(alive(p) for p in workers), 30), "a print worker outlived serve"


def test_serve_can_start_no_print_worker(tmp_path):
    proc, _port = serve(tmp_path, "--print-workers", "0")
    try:
        time.sleep(1)
        assert print_workers(proc.pid) == []
    finally:
        proc.terminate()
        proc.wait(timeout=20)
