"""Printouts as PDFs, made by the print worker and kept (planner/services/print_jobs.py).

A PDF is a function of its HTML: a row is keyed by the SHA-256 of the HTML it is made from
(with its kind and the files the renderer reads), so a kept PDF is never stale. When anything
printed changes (the plan's version, today's date on the sheet, the patient's record, the
language, the paper, the clinic's texts) the HTML changes, and so does the key.

The PDF is kept in the database, not in a file: every web worker and print worker of a clinic,
on one machine or several, shares the database and nothing else. Rows not asked for in
``KEEP_DAYS`` are pruned (every printout prints the day it is made, so yesterday's is never
asked for again), and the oldest beyond ``KEEP_BYTES`` (print_jobs.prune).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import db
from planner.models.times import UtcInstant, now

# A job's states, in order: waiting for a print worker, being made, made (its PDF kept), or
# failed (its error kept; asked for again, it is queued again).
STATES = ("queued", "making", "done", "failed")


class Printout(db.Model):  # type: ignore[name-defined,misc]
    """One printout's PDF and the job that makes it."""

    __tablename__ = "printouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256
    # The key of what the HTML was made from (print_jobs.inputs_key), when known: the PDF is
    # then found without drawing the HTML again.
    inputs_key: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # sheet, stencil, handout, report
    # What it prints, for the audit trail and the worker's log: ("plan", 3) or ("cycle", 2).
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    # Loaded only when read (a list of jobs never loads them): the HTML is emptied once made.
    html: Mapped[str] = mapped_column(Text, default="", deferred=True)
    html_bytes: Mapped[int] = mapped_column(default=0)  # its length, for the time it will take
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pages: Mapped[int | None]
    size_bytes: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(300), default="")  # never the patient's data
    attempts: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str] = mapped_column(String(120), default="")  # host:pid of its maker
    queued_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)
    started_at: Mapped[datetime | None] = mapped_column(UtcInstant)
    finished_at: Mapped[datetime | None] = mapped_column(UtcInstant)
    asked_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)  # last asked for
