"""HTML to PDF with WeasyPrint, fetching only our own static files."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

STATIC = Path(__file__).resolve().parents[1] / "static"


def to_pdf(html: str) -> bytes:
    """The HTML as PDF. Only our own static files can be fetched (print.css): any other
    address in the HTML, however it got there, is refused."""
    pdf = laid_out(html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def laid_out(html: str) -> Any:
    """The HTML laid out in pages by WeasyPrint (its Document: the pages' boxes, where each
    drawing went), fetching only our own static files; ``write_pdf()`` makes the PDF."""
    from weasyprint import HTML

    return HTML(string=html, base_url=f"{STATIC.as_uri()}/", url_fetcher=fetcher()).render()


@cache
def fetcher() -> Any:
    """WeasyPrint's URL fetcher, limited to files under planner/static (made once)."""
    from weasyprint.urls import URLFetcher

    class OurFilesOnly(URLFetcher):  # type: ignore[misc]
        """WeasyPrint's fetcher, limited to files under planner/static."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:image/svg+xml;base64,"):
                return super().fetch(url, headers)  # the map, made by sheet_html
            if url.startswith("file://"):
                path = Path(unquote(url.removeprefix("file://").split("?")[0])).resolve()
                if path.is_relative_to(STATIC) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
            raise ValueError(f"not one of Mesoplanner's own files: {url[:80]}")

    return OurFilesOnly(allowed_protocols=("file", "data"), fail_on_errors=False)
