"""PDFs are made on a thread of lower CPU priority (planner/web/pdf_thread.py)."""

from __future__ import annotations

import os
import sys
import threading

import pytest


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness: Linux")
def test_the_pdf_thread_runs_at_a_lower_priority_and_the_caller_does_not():
    from planner.web import pdf_thread

    before = os.getpriority(os.PRIO_PROCESS, 0)
    seen = pdf_thread._thread().submit(
        lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())).result()
    assert seen == min(before + pdf_thread.PDF_NICENESS, pdf_thread.LOWEST_PRIORITY)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


def test_the_pdf_thread_makes_the_pdf():
    import io

    from pypdf import PdfReader

    from planner.web import pdf_thread

    data = pdf_thread.to_pdf("<html><body><p>Foglio di trattamento</p></body></html>")
    assert "Foglio di trattamento" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
