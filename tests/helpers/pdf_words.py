"""A printout read back as a reader sees it: every word's box on each page (in PDF points, y
down, as pdfplumber measures it: each glyph's advance across, its font size up from the font's
descent), its size and colour, and where each drawing (an SVG, inline or as an image) was laid
out (WeasyPrint's boxes). Lengths here are PDF points unless a name says mm.

The glyphs are read with pdfium (pypdfium2, which pdfplumber itself is built on): pdfplumber's
own reader parses every path of a body map's drawing too, thirty times slower on our sheets,
and the sweep must stay within its share of CI's time. tests/print/test_paper_legibility.py
checks that the two read the same boxes."""

from __future__ import annotations

import base64
import ctypes
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from planner.printing.paper import PAGE_FOOT_MM, PAGE_MARGIN_MM
from planner.printing.pdf import laid_out

MM = 72 / 25.4  # PDF points per mm
PX = 0.75  # PDF points per CSS pixel (WeasyPrint lays out in CSS pixels)
WORD_GAP_PT = 1.0  # glyphs closer than this (0.35 mm) read as one word
KERNING = 0.5  # of a glyph's width: more is no kerning (r. -T: 0.37) but two texts on each other
Box = tuple[float, float, float, float]  # x0, top, x1, bottom
Glyph = tuple[str, Box, float, tuple[float, ...]]  # text, box, size, colour


@dataclass(frozen=True)
class Word:
    """A word as printed: its text, box, font size (pt) and fill colour (RGB, 0-1), and its
    glyphs' boxes."""

    text: str
    box: Box
    size: float
    colour: tuple[float, ...]
    glyphs: tuple[Box, ...]


@dataclass(frozen=True)
class Drawing:
    """A drawing on a page: where it was laid out and its SVG (parsed)."""

    box: Box
    svg: ET.Element
    css_class: str


@dataclass(frozen=True)
class Page:
    """One page: its size, its words and its drawings."""

    number: int
    width: float
    height: float
    words: tuple[Word, ...]
    drawings: tuple[Drawing, ...]

    def content(self) -> Box:
        """The page less its margins (print.css): where the body of the printout goes."""
        margin, foot = PAGE_MARGIN_MM * MM, PAGE_FOOT_MM * MM
        return margin, margin, self.width - margin, self.height - foot


def read_back(html: str) -> list[Page]:
    """The printout of ``html`` (one of planner.printing's pages), read back page by page."""
    document = laid_out(html)
    drawings = [tuple(_drawings(page)) for page in document.pages]
    return pdf_pages(document.write_pdf(), drawings)


def pdf_pages(pdf: bytes, drawings: list[tuple[Drawing, ...]] | None = None) -> list[Page]:
    """A PDF's pages and their words (``drawings``: each page's, when known)."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    for number, page in enumerate(document, start=1):
        text = page.get_textpage()
        pages.append(Page(number, page.get_width(), page.get_height(),
                          tuple(_words(_glyphs(text, page.get_height()))),
                          drawings[number - 1] if drawings else ()))
        text.close()
        page.close()
    document.close()
    return pages


def _glyphs(text: pdfium.PdfTextPage, height: float) -> Iterator[Glyph | None]:
    """Each glyph of a page in the order drawn: its box across its advance and down from its
    descent by its font size, its size and fill colour; None for a space or between runs."""
    raw = text.raw
    rect, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    rgba = [ctypes.c_uint() for _ in range(4)]
    for k in range(text.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(raw, k))
        if pdfium_c.FPDFText_IsGenerated(raw, k) or char.isspace():
            yield None
            continue
        pdfium_c.FPDFText_GetLooseCharBox(raw, k, rect)
        pdfium_c.FPDFText_GetMatrix(raw, k, matrix)
        size = pdfium_c.FPDFText_GetFontSize(raw, k) * \
            abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        pdfium_c.FPDFText_GetFillColor(raw, k, *rgba)
        bottom = height - rect.bottom
        box = (rect.left, bottom - size, rect.right, bottom) if \
            abs(matrix.b) + abs(matrix.c) < 1e-6 else \
            (rect.left, height - rect.top, rect.right, bottom)  # turned: its box as it lies
        yield char, box, size, tuple(c.value / 255 for c in rgba[:3])


def _words(glyphs: Iterable[Glyph | None]) -> Iterator[Word]:
    """Glyphs gathered into words: a word ends at a space, at a gap of WORD_GAP_PT, where the
    next glyph is on another line or goes back, or differs in size or colour."""
    run: list[Glyph] = []
    for glyph in [*glyphs, None]:
        if run and (glyph is None or abs(glyph[1][1] - run[-1][1][1]) > 1.0
                    or glyph[1][0] > run[-1][1][2] + WORD_GAP_PT
                    or glyph[1][0] < run[-1][1][0]
                    or abs(glyph[2] - run[-1][2]) > 0.01 or glyph[3] != run[-1][3]):
            boxes = [g[1] for g in run]
            yield Word("".join(g[0] for g in run),
                       (min(b[0] for b in boxes), min(b[1] for b in boxes),
                        max(b[2] for b in boxes), max(b[3] for b in boxes)),
                       run[0][2], run[0][3], tuple(boxes))
            run = []
        if glyph is not None:
            run.append(glyph)


def _drawings(page) -> Iterator[Drawing]:
    from weasyprint.formatting_structure import boxes

    for box in page._page_box.descendants():
        if not isinstance(box, boxes.ReplacedBox):
            continue
        element = box.element
        src = element.get("src") or ""
        if src.startswith("data:image/svg+xml;base64,"):
            svg = ET.fromstring(base64.b64decode(src.split(",", 1)[1]))
        elif element.tag.endswith("svg"):
            svg = element
        else:
            continue
        x, y = box.content_box_x() * PX, box.content_box_y() * PX
        yield Drawing((x, y, x + box.width * PX, y + box.height * PX), svg,
                      element.get("class") or "")


# --- geometry ---------------------------------------------------------------------------------

def overlap(a: Box, b: Box) -> tuple[float, float]:
    """How far two boxes overlap across and down (negative: the gap between them)."""
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def within(inner: Box, outer: Box, tolerance: float = 0.5) -> bool:
    """Whether ``inner`` lies inside ``outer`` (give or take ``tolerance``)."""
    return inner[0] >= outer[0] - tolerance and inner[1] >= outer[1] - tolerance \
        and inner[2] <= outer[2] + tolerance and inner[3] <= outer[3] + tolerance


def colliding(words: Iterable[Word], tolerance: float) -> list[tuple[Word, Word]]:
    """The pairs of words of which a glyph covers a glyph of the other by more than
    ``tolerance`` across and down; a word whose own glyphs cover each other (two numbers run
    into one) is paired with itself. Neighbouring glyphs of one word may overlap by KERNING of
    the narrower one's width (a kerned pair: AV, Te), and share a box (a ligature: fi)."""
    cell = 12.0
    grid: dict[tuple[int, int], list[tuple[int, int, Box]]] = {}
    found: dict[tuple[int, int], tuple[Word, Word]] = {}
    listed = list(words)
    for w, word in enumerate(listed):
        for g, glyph in enumerate(word.glyphs):
            keys = {(int(x // cell), int(y // cell)) for x in (glyph[0], glyph[2])
                    for y in (glyph[1], glyph[3])}
            for key in keys:
                for other_w, other_g, other in grid.get(key, ()):
                    across, down = overlap(glyph, other)
                    least = tolerance
                    if other_w == w and abs(other_g - g) <= 1:  # kerned, or two labels in one
                        if glyph == other:
                            continue  # a ligature: two letters (fi), one glyph
                        least = max(tolerance, KERNING * min(glyph[2] - glyph[0],
                                                             other[2] - other[0]))
                    if across > least and down > tolerance:
                        found.setdefault((other_w, w), (listed[other_w], word))
            for key in keys:
                grid.setdefault(key, []).append((w, g, glyph))
    return list(found.values())


# --- black and white ----------------------------------------------------------------------------

def grey(colour: tuple[float, ...] | str) -> float:
    """A colour as a black-and-white printer prints it: its luma (Rec. 601), 0 black, 1 white.
    ``colour``: a PDF colour (grey, RGB or CMYK components in 0-1) or an SVG "#rrggbb"."""
    if isinstance(colour, str):
        value = colour.lstrip("#")
        if len(value) == 3:
            value = "".join(c * 2 for c in value)
        colour = tuple(int(value[k:k + 2], 16) / 255 for k in (0, 2, 4))
    if len(colour) == 1:
        return colour[0]
    if len(colour) == 4:
        c, m, y, k = colour
        colour = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    r, g, b = colour[:3]
    return 0.299 * r + 0.587 * g + 0.114 * b


def contrast_on_white(level: float) -> float:
    """The contrast ratio (WCAG 2) of a grey ``level`` (0-1, as printed) against white paper."""
    linear = level / 12.92 if level <= 0.04045 else ((level + 0.055) / 1.055) ** 2.4
    return 1.05 / (linear + 0.05)
