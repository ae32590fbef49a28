"""What the app hands out, read back: a PDF's text, a spreadsheet's rows."""

from __future__ import annotations

import csv
import io
import re

from pypdf import PdfReader


def read_sheet(response, delimiter: str = ";") -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # the spreadsheet reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=delimiter))


def flat_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))


def pdf_text(data: bytes) -> str:
    """A PDF's text, its white space folded."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split())
