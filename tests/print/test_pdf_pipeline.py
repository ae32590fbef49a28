"""How planner.printing.pdf hands a printout to WeasyPrint (issue 19, item 3): our stylesheets
parsed once, not at each PDF, and WeasyPrint's own stylesheet without the rules for footnotes and
notes that gave each element six styles, while a list keeps its markers."""

from __future__ import annotations

import io

from pypdf import PdfReader

from planner.printing import pdf


def test_a_linked_stylesheet_is_parsed_once_and_applied():
    page = '<link rel="stylesheet" href="print.css"><link rel="stylesheet" href="paper-letter.css">'
    pdf.stylesheet.cache_clear()
    for _ in range(3):
        made = pdf.to_pdf(f"<!doctype html><html><head>{page}</head><body><p>x</p></body></html>")
    assert pdf.stylesheet.cache_info().misses == 2  # print.css and paper-letter.css, once each
    box = PdfReader(io.BytesIO(made)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # Letter


def test_a_stylesheet_not_ours_is_left_to_the_fetcher():
    html = '<html><head><link rel="stylesheet" href="nothing-here.css"></head><body>x</body></html>'
    assert pdf.to_pdf(html).startswith(b"%PDF")  # refused by the fetcher, not an error


def test_lists_keep_their_markers_without_the_footnote_rules():
    assert pdf.printout_html().__name__ == "Printout"  # WeasyPrint's stylesheet as expected
    made = pdf.to_pdf("<html><body><ul><li>first</li><li>second</li></ul></body></html>")
    text = PdfReader(io.BytesIO(made)).pages[0].extract_text()
    assert text.count("•") == 2, text
