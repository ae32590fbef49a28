"""The calibration card as a PDF through the print path (web/print_delivery.py, kind "card"):
made by the print worker's functions, kept, audited; on paper at 1:1 - its markers 15 mm, the
ruler's 40 mm as long as 40 mm, found by the card's own search at the printer's scale."""

from __future__ import annotations

import numpy as np
import pypdfium2
import pytest
from bs4 import BeautifulSoup

from planner.calibration.detect import detector
from planner.calibration.layout import CARD
from planner.calibration.plane import calibrate
from tests.helpers.audit import events
from tests.helpers.pdf_words import pdf_pages

DPI = 300
PX_PER_MM = DPI / 25.4


def rendered(pdf: bytes, page: int = 0) -> np.ndarray:
    """A page of the PDF as grey pixels at ``DPI``."""
    document = pypdfium2.PdfDocument(pdf)
    picture = document[page].render(scale=DPI / 72, grayscale=True).to_numpy()
    return np.ascontiguousarray(picture[..., 0] if picture.ndim == 3 else picture)


def first_card(page: np.ndarray) -> np.ndarray:
    """The page's first card alone (the page holds four: the card's search refuses two): cut
    round the top-left-most of the markers with id 0, the card's own top-left one."""
    corners, ids, _ = detector().detectMarkers(page)
    tops = [np.reshape(c, (4, 2))[0] for c, i in zip(corners, ids.ravel(), strict=True)
            if i == 0]
    x, y = min(tops, key=lambda p: p[0] + p[1])
    edge = (CARD.margin_mm + 1.5) * PX_PER_MM  # to just beyond the card's edge
    right, bottom = ((CARD.width_mm - CARD.margin_mm + 1.5) * PX_PER_MM,
                     (CARD.height_mm - CARD.margin_mm + 1.5) * PX_PER_MM)
    return np.ascontiguousarray(page[round(y - edge):round(y + bottom),
                                     round(x - edge):round(x + right)])


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_cards_pdf_prints_its_markers_at_15_mm(app, client, doctor, paper):
    response = client.get(f"/calibration-card.pdf?paper={paper}&lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="mesoplanner-calibration-card-{paper}-en.pdf"' in \
        response.headers["Content-Disposition"]
    document = pypdfium2.PdfDocument(response.data)
    width_pt, height_pt = document[0].get_size()
    assert (round(width_pt / 72 * 25.4), round(height_pt / 72 * 25.4)) == \
        ((210, 297) if paper == "a4" else (216, 279))
    found = calibrate(first_card(rendered(response.data)))
    assert found.markers_found == 4
    assert found.px_per_mm == pytest.approx(PX_PER_MM, rel=0.003)
    assert found.foreshortening == pytest.approx(1, abs=0.003)
    for _marker, corners in found.markers:
        sides = np.hypot(*(np.reshape(corners, (4, 2)) - np.roll(np.reshape(corners, (4, 2)),
                                                                  -1, axis=0)).T)
        assert sides / PX_PER_MM == pytest.approx([CARD.marker_mm] * 4, abs=0.1)
    assert CARD.marker_mm == 15 and CARD.ruler_mm == 40
    # The span between the markers' outer corners, as printed: 77.6 x 45.98 mm.
    assert found.card_span_mm == pytest.approx((77.6, 45.98), abs=0.15)
    assert ("print", "page", None, "calibration card PDF") in events(app, "print")


def test_the_pdf_has_the_pages_words_not_its_toolbar(client, doctor):
    response = client.get("/calibration-card.pdf?lang=it")
    pages = pdf_pages(response.data)
    words = [w.text for page in pages for w in page.words]
    text = " ".join(words)
    assert "Cartoncino di calibrazione" in text and "100" in words
    assert "Stampa" not in words  # the page's Print button is the browser's alone
    assert "PDF" not in words


def test_the_page_links_its_pdf_and_the_waiting_page_names_the_card(app, client, doctor):
    soup = BeautifulSoup(client.get("/calibration-card?paper=letter&lang=es").get_data(
        as_text=True), "html.parser")
    assert soup.select_one("[data-testid=card-pdf]")["href"] == \
        "/calibration-card.pdf?paper=letter&lang=es"
    app.config["PRINTOUTS_INLINE"] = False  # as a clinic runs it: the print worker makes it
    waiting = client.get("/calibration-card.pdf")
    assert waiting.status_code == 202
    page = BeautifulSoup(waiting.get_data(as_text=True), "html.parser")
    assert "Preparing the calibration card" in page.select_one("h1").get_text()
    progress = page.select_one("[data-print-progress]")["data-status-url"]
    assert client.get(progress).status_code == 200
    assert ("print", "page", None, "calibration card PDF, being made") in events(app, "print")
