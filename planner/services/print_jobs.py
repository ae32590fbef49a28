"""Printouts made once and kept: the queue of PDF jobs that the print worker works through.

A page asks for a printout with its HTML (``ask``): the job is found by the digest of that HTML,
or queued. A print worker (``mesoplanner print-worker``, which ``serve`` starts beside the web
server) claims the oldest queued job (``claim``), lays it out (``make``) and keeps the PDF in the
database, where every web worker finds it. The database is the only thing the workers share, on
one machine or several: a job is claimed by a conditional UPDATE that only one claimer can win
(``status = 'queued'`` in its WHERE, its row count read back), with ``FOR UPDATE SKIP LOCKED``
on PostgreSQL so that claimers skip a row another one is taking rather than queue behind it.

A worker that stops while making a job (killed, its machine restarted) leaves it "making":
``recover`` queues it again once its worker is known to be gone (same machine: its process no
longer exists) or after ``LEASE`` (another machine), failing it after ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import socket
import time
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from importlib import metadata
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from planner.extensions import db
from planner.models import Printout, now
from planner.printing import pdf

log = logging.getLogger(__name__)

# [our default] How long a printout nobody asks for again is kept. Every printout prints the
# day it was made (the sheet's session date, the report's date), so from the next day on it is
# never asked for again; two days leave a margin for a clinic working past midnight.
KEEP_DAYS = 2
# [our default] At most this much PDF is kept (the least recently asked go first): about a
# thousand 300-point sheets, far beyond a clinic's day, and small beside its database.
KEEP_BYTES = 256 * 1024 * 1024
# [our default] A job "making" for this long is taken back even if its worker may live (on
# another machine): a 1,000-point sheet takes about 9 s of CPU (bench/bench_print.py).
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 3  # a job whose worker stopped three times (out of memory?) is failed
ERROR_CHARS = 300  # the model's error column

Render = Callable[[str], bytes]
PACKAGE = Path(__file__).resolve().parents[1]  # planner/
# The libraries whose versions change a printout's HTML or PDF (the drawing, the QR code, the
# geometry of the points, the layout).
LIBRARIES = ("svgwrite", "segno", "shapely", "numpy", "jinja2", "babel", "weasyprint")


def fingerprint(kind: str, html: str) -> str:
    """The key of a printout: the SHA-256 of its kind, its HTML, and what else the renderer
    reads (the stylesheets and pictures the HTML names, WeasyPrint's version, our PDF module),
    so that a new stylesheet or renderer makes new PDFs rather than serve old ones."""
    digest = hashlib.sha256()
    for part in (kind, _renderer(), *(_file_digest(name) for name in _files_named(html)), html):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _files_named(html: str) -> list[str]:
    """Our static files the HTML names by a relative address (print.css, paper-a4.css)."""
    return sorted({m for m in re.findall(r'(?:href|src)="([\w./-]+)"', html)
                   if ".." not in m and not m.startswith("/")})


def _file_digest(name: str) -> str:
    path = pdf.STATIC / name
    try:
        stat = path.stat()
    except OSError:
        return f"{name}:absent"
    return f"{name}:{_content_digest(path, stat.st_mtime_ns, stat.st_size)}"


@cache
def _content_digest(path: Path, _mtime_ns: int, _size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def _renderer() -> str:
    try:
        version = metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        version = "?"
    source = Path(pdf.__file__).read_bytes()
    return f"weasyprint {version}, pdf.py {hashlib.sha256(source).hexdigest()[:16]}"


def inputs_key(*inputs: object) -> str:
    """The key of what a printout's HTML is made from (``repr`` of each input, and this
    installation's code, templates, translations and atlas): the same key, the same HTML. A
    PDF is found by it without drawing its HTML again (``made_from``)."""
    digest = hashlib.sha256(_code().encode())
    for part in inputs:
        digest.update(b"\0" + repr(part).encode())
    return digest.hexdigest()


@cache
def _code() -> str:
    """A digest of every file of the installed app and the versions of the libraries that
    draw the printouts: a new release or library makes new printouts (read once a process)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    for library in LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{library} {metadata.version(library)}".encode())
    return digest.hexdigest()


def made_from(inputs: str) -> Printout | None:
    """The PDF made from ``inputs`` (an ``inputs_key``), if it is made; marked as asked for."""
    job = db.session.scalars(select(Printout).where(Printout.inputs_key == inputs,
                                                    Printout.status == "done")
                             .order_by(Printout.id.desc()).limit(1)).first()
    if job is not None:
        job.asked_at = now()
    return job


def ask(kind: str, html: str, entity: str, entity_id: int, *, retry: bool = False,
        inputs: str | None = None) -> Printout:
    """The printout of ``html``: made already, being made, or queued now. A failed one stays
    failed (its message shown) unless ``retry``. ``inputs`` is the key of what ``html`` was made
    from, kept with it. Not committed: the caller commits with its audit event."""
    digest = fingerprint(kind, html)
    found = select(Printout).where(Printout.digest == digest)
    job = db.session.scalars(found).one_or_none()
    if job is None:
        dialect = db.session.get_bind().dialect.name
        maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
        # Two pages asking for the same new printout at once: one row, the other finds it.
        db.session.execute(maker(Printout).values(
            digest=digest, kind=kind, entity=entity, entity_id=entity_id, status="queued",
            html=html, html_bytes=len(html), size_bytes=0, error="", attempts=0, worker="",
            queued_at=now(), asked_at=now()).on_conflict_do_nothing(index_elements=["digest"]))
        job = db.session.scalars(found).one()
    job.asked_at = now()
    if inputs:
        job.inputs_key = inputs
    if job.status == "failed" and retry:
        job.status, job.error, job.attempts, job.html = "queued", "", 0, html
        job.queued_at, job.started_at, job.finished_at = now(), None, None
    return job


def claim(worker: str, job_id: int | None = None) -> int | None:
    """Take the oldest queued job (or job ``job_id`` if queued) for ``worker``; its id, or None
    if there is none to take. Committed: the job is this worker's alone."""
    found = candidate(job_id)
    if found is None or not take(found, worker):
        db.session.rollback()
        return None
    db.session.commit()
    return found


def candidate(job_id: int | None = None) -> int | None:
    """The oldest queued job (or ``job_id`` if queued), locked on PostgreSQL: another claimer
    skips it (SKIP LOCKED) rather than wait for it. SQLite ignores FOR UPDATE (one writer at a
    time): ``take``'s own WHERE decides there."""
    query = select(Printout.id).where(Printout.status == "queued")
    if job_id is not None:
        query = query.where(Printout.id == job_id)
    return db.session.scalar(query.order_by(Printout.id).limit(1)
                             .with_for_update(skip_locked=True))


def take(job_id: int, worker: str) -> bool:
    """Mark job ``job_id`` as made by ``worker`` if it is still queued (not committed); whether
    it was: of two claimers of one job, only one finds it queued."""
    taken = db.session.execute(
        update(Printout).where(Printout.id == job_id, Printout.status == "queued")
        .values(status="making", worker=worker, started_at=now(),
                attempts=Printout.attempts + 1)
        .execution_options(synchronize_session=False))
    return bool(getattr(taken, "rowcount", 0) == 1)


def make(job_id: int, worker: str, render: Render | None = None) -> bool:
    """Lay out job ``job_id`` (claimed by ``worker``) and keep its PDF; on an error the job is
    failed with the error's kind (never the HTML's words). Whether it was made."""
    html = db.session.scalar(select(Printout.html).where(Printout.id == job_id))
    db.session.commit()  # no transaction stays open while the PDF is made
    if html is None:
        return False
    started = time.monotonic()
    try:
        data = (render or pdf.to_pdf)(html)
    except Exception as exc:  # any failure of the renderer is the job's, not the worker's
        log.exception("printout %s could not be made", job_id)
        _finish(job_id, worker, status="failed",
                error=f"{type(exc).__name__} after {time.monotonic() - started:.1f} s")
        return False
    _finish(job_id, worker, status="done", pdf=data, pages=pages_of(data),
            size_bytes=len(data), html="")
    return True


def _finish(job_id: int, worker: str, **values: object) -> None:
    """Write a job's outcome, if the job is still this worker's (a job taken back by
    ``recover`` and made by another is that one's)."""
    if "error" in values:
        values["error"] = str(values["error"])[:ERROR_CHARS]
    db.session.execute(update(Printout).where(Printout.id == job_id,
                                              Printout.status == "making",
                                              Printout.worker == worker)
                       .values(finished_at=now(), **values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def make_next(worker: str, render: Render | None = None) -> int | None:
    """Claim and make the oldest queued job: its id, or None if there was none."""
    job_id = claim(worker)
    if job_id is not None:
        make(job_id, worker, render)
    return job_id


def make_now(job_id: int, render: Render | None = None) -> None:
    """Make job ``job_id`` here and now, if it is queued (the test configuration's way:
    ``PRINTOUTS_INLINE``, the same functions as the print worker's)."""
    worker = worker_name()
    if claim(worker, job_id) is not None:
        make(job_id, worker, render)


def worker_name() -> str:
    """This process's name as a job's maker: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def pages_of(data: bytes) -> int | None:
    """The number of pages of a PDF as WeasyPrint writes it (its objects may sit in compressed
    object streams), or None if they cannot be counted."""
    count = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            count += len(re.findall(rb"/Type\s*/Page\b(?!s)", zlib.decompress(stream[1])))
        except zlib.error:
            continue
    return count or None


def recover(at: datetime | None = None) -> int:
    """Queue again the jobs whose worker stopped while making them (failing those tried
    ``MAX_ATTEMPTS`` times); how many were taken back."""
    at = at or now()
    host = socket.gethostname()
    taken = 0
    for job in db.session.scalars(select(Printout).where(Printout.status == "making")):
        name, _, pid = job.worker.rpartition(":")
        gone = name == host and pid.isdigit() and not _alive(int(pid))
        if not gone and (job.started_at is None or at - job.started_at < LEASE):
            continue
        if job.attempts >= MAX_ATTEMPTS:
            job.status, job.finished_at = "failed", at
            job.error = f"its print worker stopped {job.attempts} times while making it"
        else:
            job.status, job.worker, job.started_at = "queued", "", None
        taken += 1
    db.session.commit()
    return taken


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def prune(at: datetime | None = None) -> int:
    """Forget the printouts nobody asked for in ``KEEP_DAYS``, then the least recently asked
    beyond ``KEEP_BYTES`` of PDF; how many were forgotten."""
    at = at or now()
    gone = int(getattr(db.session.execute(
        delete(Printout).where(Printout.asked_at < at - timedelta(days=KEEP_DAYS),
                               Printout.status != "making")
        .execution_options(synchronize_session=False)), "rowcount", 0) or 0)
    total = db.session.scalar(select(func.coalesce(func.sum(Printout.size_bytes), 0))) or 0
    if total > KEEP_BYTES:
        rows = db.session.execute(select(Printout.id, Printout.size_bytes)
                                  .where(Printout.status == "done")
                                  .order_by(Printout.asked_at, Printout.id)).all()
        doomed = []
        for job_id, size in rows:
            if total <= KEEP_BYTES:
                break
            doomed.append(job_id)
            total -= size
        db.session.execute(delete(Printout).where(Printout.id.in_(doomed))
                           .execution_options(synchronize_session=False))
        gone += len(doomed)
    db.session.commit()
    return gone
