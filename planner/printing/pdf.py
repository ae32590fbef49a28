"""HTML to PDF with WeasyPrint, fetching only our own static files."""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

STATIC = Path(__file__).resolve().parents[1] / "static"
# Our print stylesheets as the printouts' templates link them for a PDF (static_base ""):
# parsed once per process (and again when the file changes), not at every PDF.
LINKED_CSS = re.compile(r'<link rel="stylesheet" href="([a-z0-9-]+\.css)">')
UNUSED_UA_RULES = re.compile(
    r"^::(?:footnote-call|footnote-marker|note-call|note-marker|note-callback) \{[^}\n]*\}\n",
    re.M)


def to_pdf(html: str) -> bytes:
    """The HTML as PDF. Only our own static files can be fetched (print.css): any other
    address in the HTML, however it got there, is refused."""
    with collector_paused():
        pdf = laid_out(html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


class _Collector:
    """Whether the cycle collector is paused, and by how many PDFs being made (threads)."""

    lock = threading.Lock()
    pauses = 0
    was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while WeasyPrint makes a PDF, and run once after it.
    WeasyPrint makes a box, a style and a dozen smaller objects for each thing it lays out:
    the collector, run every 700 new objects, walked them again and again while they were
    all still in use (a tenth of a sheet's time). One collection of the newest objects after
    the PDF frees the PDF's cycles, counted in its time. While PDFs are made in several threads
    at once, the collector runs again when the last is made."""
    with _Collector.lock:
        if _Collector.pauses == 0:
            _Collector.was_enabled = gc.isenabled()
            gc.disable()
        _Collector.pauses += 1
    try:
        yield
    finally:
        with _Collector.lock:
            _Collector.pauses -= 1
            resume = _Collector.pauses == 0 and _Collector.was_enabled
            if resume:
                gc.enable()
        if resume:
            gc.collect(0)


def laid_out(html: str) -> Any:
    """The HTML laid out in pages by WeasyPrint (its Document: the pages' boxes, where each
    drawing went), fetching only our own static files; ``write_pdf()`` makes the PDF.

    The stylesheets it links (print.css, paper-a4.css...) are given to WeasyPrint already
    parsed, in the order they are linked."""
    names: list[str] = []

    def parsed(link: re.Match[str]) -> str:
        if not (STATIC / link.group(1)).is_file():
            return link.group(0)  # left to the fetcher, as any other address
        names.append(link.group(1))
        return ""

    page = LINKED_CSS.sub(parsed, html)
    sheets = [stylesheet(name, (STATIC / name).stat().st_mtime_ns)
              for name in dict.fromkeys(names)]
    return printout_html()(string=page, base_url=f"{STATIC.as_uri()}/",
                           url_fetcher=fetcher()).render(stylesheets=sheets)


@cache
def printout_html() -> Any:
    """WeasyPrint's HTML document, without the rules of its own stylesheet that give every
    element the styles of five pseudo-elements for footnotes and notes (::footnote-call,
    ::note-marker...) and of a ::marker: six styles computed for each of a sheet's thousand
    elements, none of them shown (the printouts have no footnote, no note, and markers only on
    list items, which keep theirs, as a summary does). WeasyPrint's own class where its
    stylesheet is not the one expected."""
    from weasyprint import CSS, HTML

    try:
        from weasyprint import html as own

        trimmed, dropped = UNUSED_UA_RULES.subn("", own.UA)
        if dropped != 5 or trimmed.count("\n::marker {") != 1 or \
                not callable(getattr(HTML, "_ua_stylesheets", None)):
            return HTML
        sheet = CSS(string=trimmed.replace("\n::marker {", "\nli::marker, summary::marker {"),
                    counter_style=own.UA_COUNTER_STYLE)
        form = own.UA_FORM_STYLESHEET
    except (ImportError, AttributeError):
        return HTML

    class Printout(HTML):  # type: ignore[misc]
        """An HTML document with WeasyPrint's stylesheet less the unused rules."""

        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [sheet, form] if forms else [sheet]

    return Printout


@cache
def stylesheet(name: str, _changed: int) -> Any:
    """Our stylesheet ``name`` (a file of planner/static) parsed by WeasyPrint, once for each
    time the file was changed (``_changed``: its modification time)."""
    from weasyprint import CSS

    path = (STATIC / name).resolve()
    if not (path.is_relative_to(STATIC) and path.is_file()):
        raise ValueError(f"not one of Mesoplanner's own files: {name}")
    return CSS(filename=str(path), url_fetcher=fetcher())


@cache
def fetcher() -> Any:
    """WeasyPrint's URL fetcher, limited to files under planner/static (made once)."""
    from weasyprint.urls import URLFetcher

    class OurFilesOnly(URLFetcher):  # type: ignore[misc]
        """WeasyPrint's fetcher, limited to files under planner/static."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(("data:image/svg+xml;base64,", "data:image/jpeg;base64,")):
                # The map (sheet_html), tick boxes (print.css), a plan's photo under its map
                # (web/photo_ground.py): made here, inlined, nothing fetched.
                return super().fetch(url, headers)
            if url.startswith("file://"):
                path = Path(unquote(url.removeprefix("file://").split("?")[0])).resolve()
                if path.is_relative_to(STATIC) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
            raise ValueError(f"not one of Mesoplanner's own files: {url[:80]}")

    return OurFilesOnly(allowed_protocols=("file", "data"), fail_on_errors=False)
