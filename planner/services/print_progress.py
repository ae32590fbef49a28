"""How far a printout has got, for the page that waits for it: its state, how many jobs are
before it, how long it has taken and about how long it will take, and whether any print worker
seems to be running at all."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from planner.extensions import db
from planner.models import Printout, now

# [our default] A job queued this long while no job at all was started or finished meanwhile:
# no print worker is running (a 1,000-point sheet takes about 9 s; a queue of a few, longer).
STALLED = timedelta(seconds=30)
# [our measure, bench/bench_print.py]: a 300-point sheet's 240 kB of HTML take about 1.3 s.
SECONDS_PER_BYTE = 1.3 / 240_000
RECENT = 20  # the jobs of a kind whose times predict the next one's


@dataclass(frozen=True)
class Progress:
    """A job's progress as the waiting page shows it (no patient data)."""

    state: str  # queued, making, done, failed
    ahead: int  # jobs to be made before it (queued earlier, or being made)
    elapsed_s: float  # since it was queued
    expected_s: float  # about how long its making takes (from the last jobs of its kind)
    making_s: float  # since a worker started it (0 while queued)
    stalled: bool  # queued, and no print worker seems to be running
    pages: int | None

    @property
    def fraction(self) -> float:
        """Its share done, for a progress bar: never full before it is done."""
        if self.state == "done":
            return 1.0
        if self.state != "making":
            return 0.0
        return min(0.95, self.making_s / max(self.expected_s, 0.1))


def progress(job_id: int, at: datetime | None = None) -> Progress | None:
    """The progress of job ``job_id`` (None if there is no such job)."""
    at = at or now()
    job = db.session.get(Printout, job_id)
    if job is None:
        return None
    ahead = 0
    if job.status == "queued":
        ahead = db.session.scalar(select(func.count()).select_from(Printout).where(or_(
            (Printout.status == "queued") & (Printout.id < job.id),
            Printout.status == "making"))) or 0
    stalled = job.status == "queued" and at - job.queued_at > STALLED and not _worker_seen(
        at - STALLED)
    making = (at - job.started_at).total_seconds() if job.started_at and \
        job.status == "making" else 0.0
    return Progress(job.status, ahead, max(0.0, (at - job.queued_at).total_seconds()),
                    expected_s(job.kind, job.html_bytes), max(0.0, making), stalled,
                    job.pages)


def _worker_seen(since: datetime) -> bool:
    """Whether any job was started or finished since ``since``."""
    return bool(db.session.scalar(select(func.count()).select_from(Printout).where(or_(
        Printout.started_at >= since, Printout.finished_at >= since))))


def expected_s(kind: str, html_bytes: int) -> float:
    """About how long a job of ``kind`` with ``html_bytes`` of HTML takes to make: the median
    rate of the last jobs of its kind, else our measure."""
    rows = db.session.execute(
        select(Printout.started_at, Printout.finished_at, Printout.html_bytes)
        .where(Printout.kind == kind, Printout.status == "done", Printout.html_bytes > 0,
               Printout.started_at.is_not(None), Printout.finished_at.is_not(None))
        .order_by(Printout.finished_at.desc()).limit(RECENT)).all()
    rates = [(end - start).total_seconds() / size for start, end, size in rows
             if start is not None and end is not None]
    if not rates:  # a new clinic: our measure, and at least the layout's fixed second
        return max(1.0, SECONDS_PER_BYTE * html_bytes)
    return max(0.2, statistics.median(rates) * html_bytes)
