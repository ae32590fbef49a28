"""The printed card: its markers are OpenCV's, bit for bit; its SVG is sized in millimetres;
printed through WeasyPrint it is found in the PDF's picture at 1:1; its words fit."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import pypdfium2
import pytest
import shapely
from weasyprint import HTML

from planner.calibration.card import CardWords, card_svg, marker_path, wrapped
from planner.calibration.layout import CARD, DICTIONARY, MARKER_BITS, marker_origin_mm
from planner.calibration.plane import calibrate
from planner.drawing.text_width import text_width

ITALIAN = CardWords("Cartoncino di calibrazione",
                    "Appoggialo ben disteso sulla pelle accanto alla zona da trattare. "
                    "Fotografalo di fronte, con tutto il cartoncino nell'immagine.")


@pytest.mark.parametrize("marker_id", CARD.marker_ids)
def test_the_markers_are_opencvs(marker_id):
    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, DICTIONARY))
    made = dictionary.generateImageMarker(marker_id, 6, borderBits=1)
    assert made[0].sum() == made[-1].sum() == made[:, 0].sum() == made[:, -1].sum() == 0
    bits = tuple("".join("1" if v else "0" for v in row) for row in made[1:5, 1:5])
    assert bits == MARKER_BITS[marker_id]


def black_of(path: str) -> shapely.Geometry:
    """The area a marker's even-odd path paints black."""
    rings = [shapely.Polygon([tuple(map(float, p.split(","))) for p in re.split("[ML]", sub)
                              if p]) for sub in path.split("z") if sub]
    outer, holes = rings[0], rings[1:]
    return outer.difference(shapely.union_all(holes))


@pytest.mark.parametrize("marker_id", CARD.marker_ids)
def test_each_marker_is_drawn_square_by_square_from_its_bits(marker_id):
    black = black_of(marker_path(marker_id))
    x, y = marker_origin_mm(marker_id)
    c = CARD.cell_mm
    for row in range(6):
        for col in range(6):
            centre = shapely.Point(x + (col + 0.5) * c, y + (row + 0.5) * c)
            inner = 0 < row < 5 and 0 < col < 5
            white = inner and MARKER_BITS[marker_id][row - 1][col - 1] == "1"
            assert black.contains(centre) != white, (row, col)
    assert black.area == pytest.approx(
        (36 - "".join(MARKER_BITS[marker_id]).count("1")) * c * c, abs=1e-9)


def test_the_svg_is_sized_in_millimetres():
    root = ET.fromstring(card_svg(ITALIAN))
    assert (root.get("width"), root.get("height")) == ("85.6mm", "53.98mm")
    assert root.get("viewBox") == "0,0,85.6,53.98"
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Cartoncino di calibrazione" in texts and "MPC-1 · ArUco 4X4_50 · 15 mm" in texts


def test_the_instruction_is_wrapped_to_the_card():
    lines = wrapped(ITALIAN.instruction, 2.3, CARD.width_mm - 2 * CARD.margin_mm)
    assert len(lines) > 1
    assert " ".join(lines) == ITALIAN.instruction
    assert all(text_width(line, 2.3) <= CARD.width_mm - 2 * CARD.margin_mm for line in lines)


def test_the_card_printed_through_weasyprint_is_found_at_one_to_one():
    """The card laid out as a PDF page and rasterised at 400 dpi: its markers are found, and
    the scale is the printer's, 400 / 25.4 px per mm, to 0.3 %."""
    html = ("<html><head><style>@page { size: A6 landscape; margin: 10mm }</style></head>"
            f"<body>{card_svg(ITALIAN)}</body></html>")
    pdf = pypdfium2.PdfDocument(HTML(string=html).write_pdf())
    dpi = 400
    picture = pdf[0].render(scale=dpi / 72, grayscale=True).to_numpy()
    found = calibrate(np.ascontiguousarray(picture[..., 0] if picture.ndim == 3 else picture))
    assert found.markers_found == 4
    assert found.px_per_mm == pytest.approx(dpi / 25.4, rel=0.003)
    assert found.foreshortening == pytest.approx(1, abs=0.003)
    assert found.residual_max_mm < 0.05
