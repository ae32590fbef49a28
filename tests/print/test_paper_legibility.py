"""Every printout read back as a reader reads paper (issue 17, item 2): no two words overlap,
nothing is cut (by the paper's edge, the page's margins or a drawing's frame), the points'
labels print at least 2 mm tall and every point is named on the sheet, and all of it reads on a
black-and-white laser print. Over a covering set of plans (tests/helpers/paper_cases.py): A4
and Letter, Italian, Spanish and English, spacings 3-30 mm, 1-500 points, the knee, face,
hips-and-thighs, lumbar, shoulder and elbow views, trigger points and plain paper.

What is measured:
- a word's box is its glyphs' em-boxes as pdfplumber reads them; two words overlap when a glyph
  of one covers a glyph of the other by more than OVERLAP_PT across and down; glyphs less than
  0.35 mm apart make one word, so two labels run together ("105104") are caught as the labels
  the drawing wrote missing from the page;
- a label is "tall" by its printed em-box (its font size on paper, what a PDF reader reports as
  the word's height): at least LABEL_MM; the digits' own ink is 0.73 of it in DejaVu Sans; no
  other word is smaller either (a legend shrunk with its drawing);
- black and white: every word's colour, printed as grey (Rec. 601 luma), contrasts at least
  4.5:1 (WCAG 2's ratio) with the paper; markers and outlines at least 3:1; two mixtures' markers
  differ by at least MARKER_GREY_STEP in grey, or in shape, outline or size (a second cue).
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from itertools import combinations

import pdfplumber
import pytest

from planner.core.outcomes import PainScore, trend
from planner.printing import plan_pages
from planner.printing.cycle_report import CycleReport, CycleRow, cycle_html
from planner.printing.paper import SheetInfo
from planner.printing.pdf import to_pdf
from tests.helpers import print_drawings
from tests.helpers.paper_cases import CASES, LONG_LABELS, Case, computed
from tests.helpers.pdf_words import (
    MM,
    Page,
    colliding,
    contrast_on_white,
    grey,
    overlap,
    pdf_pages,
    read_back,
    within,
)

OVERLAP_PT = 0.5  # about 0.18 mm: less is the glyphs' side bearings touching, not a collision
EDGE_PT = 1.0  # a word may pass a frame's edge by this much (a J's overhang: 0.5)
PRINTER_EDGE_MM = 5.0  # a laser printer leaves about 4-5 mm of each edge blank
LABEL_MM = 2.0
TEXT_CONTRAST = 4.5
MARK_CONTRAST = 3.0
MARKER_GREY_STEP = 0.2
OUTLINE_MM = 0.15
SHEETS = ("sheet", "compact")

INFO = SheetInfo(
    clinic="Poliambulatorio Specialistico Mediterraneo", clinic_phone="+39 02 1234 5678",
    patient_name="Fernández de la Peña Castellanos, María Inmaculada", birth_date=date(1961, 4, 3),
    record_number="MP-000042", session_date=date(2026, 11, 23),
    doctor="Dr.ssa Anna Maria Bianchi-Scarpellini", plan_id=1234, plan_version=12,
    url="https://clinic.example/plans/1234", next_session=date(2026, 11, 30),
    recorded={"anticoagulants": "sì: warfarin 5 mg/die, INR 2,3 (controllato il 20/11)"})

PRINTOUTS = [(case, kind) for case in CASES for kind in case.kinds]
CYCLES = [(paper, language) for paper in ("a4", "letter") for language in ("it", "es", "en")]


def info_for(case: Case, kind: str) -> SheetInfo:
    return replace(INFO, paper=case.paper, language=case.language, compact=kind == "compact",
                   title=LONG_LABELS[case.language][0])


@cache
def printed(case: Case, kind: str) -> tuple[Page, ...]:
    result, view = computed(case)
    make = plan_pages.sheet_html if kind in SHEETS else getattr(plan_pages, f"{kind}_html")
    return tuple(read_back(make(result, view, info_for(case, kind))))


def cycle_report(language: str) -> CycleReport:
    """Four sessions signed, one cancelled with a long reason, one planned, long lots and
    signers' names, the components of the knee case."""
    result, _view = computed(CASES[0])
    label = LONG_LABELS[language][0]
    rows = [CycleRow(k + 1, date(2026, 3, 3 + 7 * k), "signed",
                     performed_at=datetime(2026, 3, 3 + 7 * k, 10), points=len(result.points),
                     total_ml=result.total_ml, pain_before=b, pain_after=b - 2,
                     lots="L2026-0117-ABCDEFGH, L2026-0342-IJKLMNOP, L2026-0999-QRSTUVWX",
                     signed_by=INFO.doctor + " (medico chirurgo)")
            for k, b in enumerate((7, 6, 4, 3))]
    rows.append(CycleRow(5, date(2026, 4, 1), "cancelled", cancelled_by=INFO.doctor,
                         cancelled_at=datetime(2026, 3, 30, 9), cancel_reason=label * 2))
    rows.append(CycleRow(6, date(2026, 4, 8), "planned"))
    return CycleReport(
        label, trend([PainScore(k + 1, b, b - 2) for k, b in enumerate((7, 6, 4, 3))]),
        tuple(f"{3 + 7 * k}/3" for k in range(4)), 4, 6, result.total_ml * 4,
        result.components, tuple(rows))


# A page made to fail every check: pale words, a word in the margin, two lines on each other,
# two labels on each other and too small, a word across its drawing's edge, a point unnamed.
_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="30mm" height="10mm" '
        'viewBox="0 0 60 20"><rect width="60" height="20" fill="#ffffff"/>'
        '<g id="points" font-size="3.2"><g class="point" data-number="1">'
        '<circle cx="5" cy="5" r="1" fill="#1f5fbf"/><text x="7" y="6">1</text></g>'
        '<g class="point" data-number="2"><circle cx="9" cy="5" r="1" fill="#b8420f"/>'
        '<text x="7.5" y="6.2">2</text></g></g>'
        '<text x="50" y="10" font-size="4">cut by the frame</text></svg>')
SELF_TEST_PAGE = (
    '<html><head><style>@page { size: A4; margin: 12mm 12mm 16mm 12mm }</style></head>'
    '<body><p style="color:#bbbbbb">pale words</p><div style="margin-left:-20mm">'
    'into the margin</div><p>one</p><p style="margin-top:-2em">two</p>'
    f'<div style="width:30mm">{_SVG}</div></body></html>')


# --- the checks: each returns what a reader would find wrong, in words ------------------------

def _say(page: Page, text: str) -> str:
    return f"page {page.number}: {text}"


def overlapping(pages: tuple[Page, ...]) -> list[str]:
    return [_say(page, f"{a.text!r} on {b.text!r}" if a is not b else f"{a.text!r} runs into "
                 "itself") for page in pages for a, b in colliding(page.words, OVERLAP_PT)]


def cut(pages: tuple[Page, ...]) -> list[str]:
    """Words outside the page's content box (the running foot: outside what a printer prints)
    or across a drawing's frame; drawings outside the content box."""
    found = []
    for page in pages:
        content = page.content()
        edge = PRINTER_EDGE_MM * MM
        printable = (edge, edge, page.width - edge, page.height - edge)
        for word in page.words:
            foot = word.box[1] >= content[3] - EDGE_PT
            if not within(word.box, printable if foot else content, EDGE_PT):
                found.append(_say(page, f"{word.text!r} past the "
                                        f"{'printable area' if foot else 'margins'}"))
            for drawing in page.drawings:
                across, down = overlap(word.box, drawing.box)
                if across > EDGE_PT and down > EDGE_PT and \
                        not within(word.box, drawing.box, EDGE_PT):
                    found.append(_say(page, f"{word.text!r} across the edge of a drawing"))
        for drawing in page.drawings:
            if not within(drawing.box, content, EDGE_PT):
                found.append(_say(page, "a drawing past the margins "
                                        f"({[round(v / MM) for v in drawing.box]} mm)"))
    return found


def small_or_missing_labels(pages: tuple[Page, ...], kind: str, points: int) -> list[str]:
    """Labels under LABEL_MM (as drawn, and as printed), labels the drawing wrote that are not
    on the page as words of their own (run into another), and on a sheet the points that no
    drawing names."""
    found, named = [], set()
    for page in pages:
        for drawing in page.drawings:
            written = print_drawings.labels(drawing)
            named |= print_drawings.named_points(drawing)
            small = sorted({(round(lab.mm, 2), lab.layer) for lab in written
                            if lab.mm < LABEL_MM})
            if small:
                found.append(_say(page, f"labels {small[0][0]} mm tall ({small[0][1]})"))
            on_page = Counter(w.text for w in page.words if within(w.box, drawing.box, EDGE_PT))
            missing = Counter(lab.text for lab in written) - on_page
            if missing:
                found.append(_say(page, f"{sum(missing.values())} labels not readable as "
                                        f"words, e.g. {sorted(missing)[:5]}"))
    unnamed = set(range(1, points + 1)) - named
    if kind in SHEETS and unnamed:
        found.append(f"{len(unnamed)} points named on no drawing, e.g. {sorted(unnamed)[:5]}")
    return found


def pale(pages: tuple[Page, ...]) -> list[str]:
    """Words, markers and outlines that a black-and-white print would lose."""
    found = set()
    for page in pages:
        for word in page.words:
            ratio = contrast_on_white(grey(word.colour))
            if ratio < TEXT_CONTRAST:
                found.add(f"text {word.colour} at {ratio:.1f}:1, e.g. {word.text!r}")
        for drawing in page.drawings:
            marks = print_drawings.markers(drawing)
            for mark in marks:
                if mark.fill.startswith("#") and \
                        contrast_on_white(grey(mark.fill)) < MARK_CONTRAST:
                    found.add(f"point marker {mark.fill} pale in grey")
            for a, b in combinations(sorted(marks, key=repr), 2):
                if a.fill.startswith("#") and b.fill.startswith("#") and a.shape == b.shape \
                        and abs(grey(a.fill) - grey(b.fill)) < MARKER_GREY_STEP:
                    found.add(f"markers {a.fill} and {b.fill} differ only by hue (grey "
                              f"{grey(a.fill):.2f} and {grey(b.fill):.2f}, same shape)")
            for colour, width, what in print_drawings.outlines(drawing):
                if contrast_on_white(grey(colour)) < MARK_CONTRAST or width < OUTLINE_MM:
                    found.add(f"{what} {colour} {width:.2f} mm")
    return sorted(found)


def tiny(pages: tuple[Page, ...]) -> list[str]:
    """Words printed smaller than the labels may be (a drawing's legend or orientation words
    shrunk with its drawing): a word at least LABEL_MM, as the points' numbers."""
    small: dict[float, str] = {}
    for page in pages:
        for word in page.words:
            if word.size / MM < LABEL_MM - 0.01:
                small.setdefault(round(word.size / MM, 2), f"page {page.number}: {word.text!r}")
    return [f"words {size} mm tall, e.g. {where}" for size, where in sorted(small.items())]


def problems(pages: tuple[Page, ...], kind: str, points: int) -> dict[str, list[str]]:
    found = {"overlapping words": overlapping(pages), "cut": cut(pages),
             "small words": tiny(pages),
             "point labels": small_or_missing_labels(pages, kind, points),
             "black and white": pale(pages)}
    return {what: listed for what, listed in found.items() if listed}


# --- the sweep ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("case", "kind"), PRINTOUTS,
                         ids=[f"{c.name}-{c.paper}-{c.language}-{k}" for c, k in PRINTOUTS])
def test_printout_reads_on_paper(case, kind):
    result, _view = computed(case)
    pages = printed(case, kind)
    assert pages and all(page.words for page in pages)
    assert problems(pages, kind, len(result.points)) == {}


@pytest.mark.parametrize(("paper", "language"), CYCLES)
def test_cycle_report_reads_on_paper(paper, language):
    info = replace(INFO, paper=paper, language=language)
    pages = tuple(read_back(cycle_html(cycle_report(language), info)))
    assert problems(pages, "cycle", 0) == {}


def test_the_cases_cover_every_paper_language_spacing_and_count():
    papers = {c.paper for c in CASES}
    languages = {c.language for c in CASES}
    assert papers == {"a4", "letter"} and languages == {"it", "es", "en"}
    assert {(c.paper, c.language) for c in CASES} >= set(CYCLES)
    assert {a.spacing for c in CASES for a in c.areas} >= {3, 5, 10, 20, 30}
    for kind in ("sheet", "compact", "stencil", "handout"):
        assert {c.paper for c in CASES if kind in c.kinds} == papers, kind
        assert {c.language for c in CASES if kind in c.kinds} == languages, kind
    counts = sorted(len(computed(c)[0].points) for c in CASES)
    assert counts[0] == 1 and counts[-1] >= 490 and any(380 <= n <= 420 for n in counts)
    assert any(c.view is None for c in CASES) and any(c.triggers for c in CASES)
    assert all(sum(Decimal(str(a.spacing)) > 0 for a in c.areas) == len(c.areas)
               for c in CASES)


def test_the_checks_see_overlaps_cuts_small_labels_and_pale_text():
    """The checks themselves: a page made to fail each of them fails it."""
    pages = tuple(read_back(SELF_TEST_PAGE))
    found = problems(pages, "sheet", 3)
    assert any("'one' on 'two'" in p or "'two' on 'one'" in p
               for p in found["overlapping words"]), found
    assert any("'1' on '2'" in p or "'2' on '1'" in p or "runs into" in p
               for p in found["overlapping words"]), found
    assert any("'into' past the margins" in p for p in found["cut"]), found
    assert any("across the edge of a drawing" in p for p in found["cut"]), found
    assert any("mm tall" in p for p in found["point labels"]), found
    assert any("points named on no drawing, e.g. [3]" in p for p in found["point labels"]), found
    assert any("'pale'" in p for p in found["black and white"]), found
    assert any("differ only by hue" in p for p in found["black and white"]), found


def test_words_are_read_as_pdfplumber_reads_them():
    """The sweep reads glyphs with pdfium (fast); pdfplumber, the test dependency a reviewer
    reads PDFs with, finds the same glyphs in the same boxes, in a drawing and in the text."""
    pdf = to_pdf(SELF_TEST_PAGE)
    ours = sorted({(g, word.size) for page in pdf_pages(pdf) for word in page.words
                   for g in word.glyphs})  # a ligature (fi): pdfium's two letters in one box
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        theirs = [((c["x0"], c["top"], c["x1"], c["bottom"]), c["size"])
                  for c in doc.pages[0].chars if c["text"].strip()]
    assert len(ours) == len(theirs) > 40
    near: dict[tuple[int, int], list] = {}
    for box, size in theirs:
        near.setdefault((round(box[0]), round(box[1])), []).append((box, size))
    for box, size in ours:
        assert any(abs(size - their_size) < 0.05 and
                   all(abs(a - b) < 0.6 for a, b in zip(box, their_box, strict=True))
                   for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                   for their_box, their_size in near.get((round(box[0]) + dx,
                                                          round(box[1]) + dy), [])), box
