"""The print worker's side of the printouts' queue (planner/services/print_jobs.py and
``mesoplanner print-worker``): the key of a printout, the jobs of a worker that stopped, the
pruning of old PDFs, and the command itself on the test's database (SQLite, or PostgreSQL with
.ci/postgres-tests)."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest

from tests.helpers.commands import mesoplanner
from tests.helpers.print_jobs import Renders, job


@pytest.fixture
def queue(app):
    """An app context on the test's database, for the queue's functions."""
    with app.app_context():
        yield app


def add(html: str, kind: str = "sheet"):
    from planner.extensions import db
    from planner.services import print_jobs

    found = print_jobs.ask(kind, html, "plan", 1)
    db.session.commit()
    return found


def test_the_key_is_the_html_its_kind_and_the_files_it_names(monkeypatch, tmp_path):
    from planner.printing import pdf
    from planner.services.print_jobs import fingerprint

    html = '<link rel="stylesheet" href="print.css"><p>Foglio</p>'
    assert fingerprint("sheet", html) == fingerprint("sheet", html)
    assert len({fingerprint("sheet", html), fingerprint("stencil", html),
                fingerprint("sheet", html + " "), fingerprint("sheet", "<p>Foglio</p>")}) == 4
    # A new print.css (a new release of the app) makes a new key: the old PDF is not sent.
    (tmp_path / "print.css").write_text("p { color: black }")
    monkeypatch.setattr(pdf, "STATIC", tmp_path)
    before = fingerprint("sheet", html)
    (tmp_path / "print.css").write_text("p { color: navy }")
    assert fingerprint("sheet", html) != before


def test_pages_are_counted_in_the_pdf():
    from planner.printing.pdf import to_pdf
    from planner.services.print_jobs import pages_of

    breaks = '<p style="break-before: page">x</p>' * 2
    assert pages_of(to_pdf(f"<p>a</p>{breaks}")) == 3
    assert pages_of(b"%PDF-1.7 no pages") is None


def test_a_job_whose_worker_died_is_queued_again_then_failed(queue):
    from planner.extensions import db
    from planner.models import Printout, now
    from planner.services import print_jobs

    add("<p>one</p>")
    add("<p>two</p>")
    add("<p>three</p>")
    dead = f"{socket.gethostname()}:{2**22 + 7}"  # beyond Linux's largest process id
    assert print_jobs.claim(dead) == 1
    assert print_jobs.claim(print_jobs.worker_name()) == 2  # alive: this very process
    assert print_jobs.claim("elsewhere:12") == 3  # another machine's: known only by its lease
    assert print_jobs.recover() == 1
    assert [job(queue, n).status for n in (1, 2, 3)] == ["queued", "making", "making"]
    assert print_jobs.recover(now() + print_jobs.LEASE + timedelta(seconds=1)) == 2
    assert {job(queue, n).status for n in (1, 2, 3)} == {"queued"}
    assert print_jobs.claim(dead, 1) == 1  # its worker dies again, and again
    db.session.get(Printout, 1).attempts = print_jobs.MAX_ATTEMPTS
    db.session.commit()
    assert print_jobs.recover() == 1
    failed = job(queue, 1)
    assert failed.status == "failed" and "stopped 3 times" in failed.error


def test_a_job_taken_back_is_written_by_its_new_worker_only(queue):
    from planner.models import now
    from planner.services import print_jobs

    add("<p>slow</p>")
    assert print_jobs.claim("elsewhere:1") == 1
    print_jobs.recover(now() + print_jobs.LEASE * 2)
    assert print_jobs.make_next("here:2", Renders()) == 1
    print_jobs.make(1, "elsewhere:1", Renders(fail=True))  # the first one, late: ignored
    made = job(queue, 1)
    assert (made.status, made.worker, made.error) == ("done", "here:2", "")


def test_old_printouts_are_pruned_and_the_size_is_capped(queue, monkeypatch):
    from planner.extensions import db
    from planner.models import Printout, now
    from planner.services import print_jobs

    for n in range(5):
        add(f"<p>{n}</p>")
        print_jobs.make_next("here:1", lambda html: b"%PDF" + b"x" * 1000)
    stamps = [now() - timedelta(days=3), now() - timedelta(hours=5), now() - timedelta(hours=4),
              now() - timedelta(hours=3), now()]
    for n, stamp in enumerate(stamps, start=1):
        db.session.get(Printout, n).asked_at = stamp
    db.session.commit()
    monkeypatch.setattr(print_jobs, "KEEP_BYTES", 2500)
    assert print_jobs.prune() == 3  # the 3 days old, then the least recently asked
    assert [p.id for p in db.session.query(Printout).order_by(Printout.id)] == [4, 5]


def test_the_command_makes_the_queued_jobs_on_the_database(app, database, tmp_path):
    """`mesoplanner print-worker --once` on the test's database, with the real renderer."""
    from planner.extensions import db

    with app.app_context():
        add("<p>Foglio di trattamento</p>")
        db.engine.dispose()
    out = mesoplanner("print-worker", "--once", "--data-dir", str(tmp_path),
                      DATABASE_URL=database)
    assert out.returncode == 0, out.stderr
    made = job(app, 1)
    assert made.status == "done" and made.pdf.startswith(b"%PDF-") and made.pages == 1
    assert made.worker.startswith(socket.gethostname() + ":")
    assert made.worker != f"{socket.gethostname()}:{os.getpid()}"
    assert "printout 1 made in" in out.stderr
    assert "Foglio" not in out.stderr  # the log names jobs, never what they print


def test_the_command_refuses_a_poll_out_of_range():
    out = mesoplanner("print-worker", "--once", "--poll", "0")
    assert out.returncode == 2
    assert out.stderr.startswith("error: --poll")


def test_a_restore_is_refused_while_a_print_worker_uses_the_database(tmp_path, monkeypatch,
                                                                     template_database):
    """On SQLite a print worker of its own holds the server's lock, as `serve` does."""
    import subprocess
    import time

    from tests.helpers.commands import command, environment
    from tests.helpers.datafolder import migrated_folder

    if not template_database.startswith("sqlite"):
        pytest.skip("a SQLite data folder's lock")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    data = migrated_folder(tmp_path / "data", template_database)
    copy = tmp_path / "copy.sqlite3"
    assert mesoplanner("backup", str(copy), "--data-dir", str(data)).returncode == 0
    worker = subprocess.Popen([*command(), "print-worker", "--data-dir", str(data)],
                              stderr=subprocess.PIPE, text=True,
                              env=environment(DATABASE_URL=None))
    try:
        lock = data / "mesoplanner.sqlite3.serving"
        deadline = time.monotonic() + 60
        while str(worker.pid) not in (lock.read_text() if lock.exists() else "") and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        out = mesoplanner("restore", str(copy), "--yes", "--data-dir", str(data))
        assert out.returncode == 2 and f"(pid {worker.pid})" in out.stderr, out.stderr
    finally:
        worker.terminate()
        worker.wait(timeout=30)
