"""PDFs are made on one thread per server process, at a lower CPU priority.

A treatment sheet takes WeasyPrint about a second of CPU (bench/bench_print.py), and on a
two-core server every PDF being made slows the clicks of everyone else. At niceness +10 the
operating system gives the other processes the CPU first; the PDF itself takes a little longer.
Measured with bench/bench_load.py (20 clinicians, 4 workers, SQLite, a PDF on one visit in four):
the 95th percentile of the interactive requests went from 157 ms to 89 ms, that of saving a plan
from 294 ms to 108 ms, and the PDF's median from 1.06 s to 0.87 s (fewer switches).
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from planner.printing import pdf

# [our measure, above]: +10 gives a process at normal priority about nine times the CPU share of
# the PDF thread (Linux CFS weights 1024 and 110).
PDF_NICENESS = 10
LOWEST_PRIORITY = 19  # the highest niceness (POSIX setpriority)


def to_pdf(html: str) -> bytes:
    """pdf.to_pdf on the process's PDF thread (one PDF at a time per process)."""
    return _thread().submit(pdf.to_pdf, html).result()


@cache
def _thread() -> ThreadPoolExecutor:
    # Made at the first PDF, so in each gunicorn worker after the fork, never before it.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf",
                              initializer=lower_priority)


def lower_priority() -> None:
    """Lower the calling thread's CPU priority by PDF_NICENESS (on Linux niceness is per
    thread). Where the system has no such call or refuses it, the PDF is made at normal
    priority."""
    with contextlib.suppress(AttributeError, OSError):
        thread = threading.get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + PDF_NICENESS
        os.setpriority(os.PRIO_PROCESS, thread, min(niceness, LOWEST_PRIORITY))
