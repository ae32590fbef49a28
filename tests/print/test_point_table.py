"""The sheet's point table as printed (issue 19, item 3: one cell per point, its volume set at a
tab stop and its tick box drawn as the row's background): down each band every volume starts
at the same place, clear of its tick box, and every point has its box; on A4 and Letter, on the
full and the compact sheet, in Italian, Spanish and English, on plain paper and on a body map
(where each point's position is written under it).

Read back as a reader sees the page: the words' places from the PDF (pdfplumber), the boxes
from the page drawn at 300 dpi (pypdfium2), dark runs of pixels right of each volume."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from functools import cache

import pdfplumber
import pypdfium2 as pdfium
import pytest

from planner import engine
from planner.core.plan_reader import from_dict
from planner.printing import plan_pages
from planner.printing.paper import SheetInfo
from planner.printing.pdf import to_pdf

MM = 72 / 25.4  # PDF points per mm
DPI = 300
PX_MM = 25.4 / DPI
VOLUME = re.compile(r"0[.,](05|10)")  # the plans' volumes per point
BOX_MM = 3.4  # print.css: the tick box, a 3.4 mm square
INFO = SheetInfo(patient_name="Rossi, Anna", plan_id=7, plan_version=2)


def square(points_side: int, spacing: float) -> dict:
    side = spacing * (points_side - 0.5)
    return {"format": "mesoplanner.plan/1", "treatment": "cellulite",
            "areas": [{"label": "flank", "pattern": "square", "spacing_mm": spacing,
                       "volume_ml": "0.10", "polygon": [[0, 0], [side, 0], [side, side],
                                                        [0, side]]}]}


KNEE = {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
        "areas": [{"label": "medial", "region": "knee-anterior/medial", "spacing_mm": 5,
                   "volume_ml": "0.05"}]}
# Two areas: each row its own background (one area's rows of one height have the table's).
KNEES = {**KNEE, "areas": [*KNEE["areas"], {"label": "lateral", "region": "knee-anterior/lateral",
                                            "spacing_mm": 6, "volume_ml": "0.10"}]}
PLANS = {"knee": KNEE, "knees": KNEES}
CASES = [("plain", "a4", "en", False), ("plain", "letter", "it", False),
         ("plain", "a4", "es", True), ("plain", "letter", "en", True),
         ("knee", "a4", "en", False), ("knee", "letter", "es", False),
         ("knees", "a4", "it", False), ("knees", "letter", "en", False)]


@cache
def printed(plan: str, paper: str, language: str, compact: bool) -> bytes:
    doc = PLANS.get(plan) or square(11, 8)  # 121 points: a few pages, partial rows
    result, view = engine.run(from_dict(doc))
    info = replace(INFO, paper=paper, language=language, compact=compact)
    return to_pdf(plan_pages.sheet_html(result, view, info))


def volumes(page: pdfplumber.page.Page) -> list[dict]:
    """The point table's volumes on the page: the words right of a number (a table's row)."""
    words = page.extract_words()
    heads = [w for w in words if w["text"] in ("No.", "N.º", "N.")  # en, es, it
             and any(v["text"] == "mL" and abs(v["top"] - w["top"]) < 1 for v in words)]
    if not heads:
        return []
    top = min(w["top"] for w in heads)
    return [w for w in words if w["top"] > top and VOLUME.fullmatch(w["text"])]


def drawn(pdf: bytes, number: int):
    """Page ``number`` (from 0) drawn at DPI, as an array of pixels."""
    document = pdfium.PdfDocument(pdf)
    try:
        return document[number].render(scale=DPI / 72).to_numpy()
    finally:
        document.close()


def dark_runs(bitmap, y: int, x0: int, x1: int) -> list[tuple[int, int]]:
    """The runs of dark pixels along row ``y`` from ``x0`` to ``x1``."""
    runs, start = [], None
    for x in range(x0, x1):
        dark = bitmap[y, x, :3].mean() < 128
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            runs.append((start, x))
            start = None
    if start is not None:
        runs.append((start, x1))
    return runs


@pytest.mark.parametrize(("plan", "paper", "language", "compact"), CASES)
def test_each_volume_is_in_its_column_and_clear_of_its_tick_box(plan, paper, language, compact):
    pdf = printed(plan, paper, language, compact)
    found = 0
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages):
            on_page = volumes(page)
            if not on_page:
                continue
            bitmap = drawn(pdf, number)
            columns: dict[int, list[float]] = {}
            for word in on_page:
                found += 1
                # The volumes of a band start at one place (the tab stop), give or take 0.3 mm.
                band = round(word["x0"] / MM / 10)
                columns.setdefault(band, []).append(word["x0"] / MM)
                # Right of the volume, its tick box: two dark edges 3.4 mm apart, the first
                # 0.7 to 5 mm clear of the volume's last digit (room for a fifth character).
                y = round((word["top"] + word["bottom"]) / 2 / 72 * DPI)
                start = round((word["x1"] / MM + 0.1) / PX_MM)
                runs = dark_runs(bitmap, y, start, start + round(9 / PX_MM))
                assert len(runs) >= 2, (number + 1, word["text"], word["x0"] / MM, runs)
                a, end = runs[0][0], runs[1][1]
                assert 0.7 <= a * PX_MM - word["x1"] / MM <= 5, (number + 1, word["text"], runs)
                assert abs((end - a) * PX_MM - BOX_MM) < 0.4, (number + 1, word["text"], runs)
            for xs in columns.values():
                assert max(xs) - min(xs) < 0.3, xs
    result, _view = engine.run(from_dict(PLANS.get(plan) or square(11, 8)))
    assert found == len(result.xy)


def test_the_table_reads_row_by_row_with_its_heading_on_every_page():
    pdf = printed("plain", "a4", "en", False)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        texts = [page.extract_text() or "" for page in doc.pages]
    table = [t for t in texts if "No. mL No. mL No. mL" in t]
    assert len(table) >= 1
    # A row: the points of the three bands one after the other, each number, grid name, volume.
    rows = [line for t in texts for line in t.splitlines()
            if re.fullmatch(r"(\d+ [A-Z]+\d+ 0\.10 ?){3}", line.strip())]
    assert rows and rows[0].split()[0] == "1", rows[:2]


def test_one_area_s_rows_of_one_height_have_the_table_s_background():
    """print.css .tiled: one area whose positions each fit on one line; two areas, or a
    position that would wrap, keep a background per row."""
    def tiled(doc: dict, info: SheetInfo = INFO) -> bool:
        html = plan_pages.sheet_html(*engine.run(from_dict(doc)), info)
        return 'class="point-table lines positioned tiled"' in html

    assert tiled(KNEE) and tiled(KNEE, replace(INFO, paper="letter"))
    assert not tiled(KNEES)
    assert not plan_pages.rows_of_one_height(
        [{"parts": [{"heading": "from", "bands": [[{"where": "9 " * 40}]]}]}], 62.0)
