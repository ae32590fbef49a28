"""The printed sheet, stencil and handout: paper size, every point and total in the PDF, the
100 mm bar, long plans over several pages, languages, and the command line."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from planner import engine
from planner.core.outcomes import PainScore, trend
from planner.core.plan_reader import from_dict, loads
from planner.drawing.stencil import stencil_tiles
from planner.printing import plan_pages, sheet_map
from planner.printing.cycle_report import CycleReport, CycleRow, cycle_html
from planner.printing.paper import PAGE_MARGIN_MM, SheetInfo, usable_mm
from planner.printing.pdf import STATIC, fetcher, to_pdf
from planner.printing.templates import translations

ROOT = Path(__file__).resolve().parents[2]
KNEE = ROOT / "examples" / "knee-medial.json"
MM = 72 / 25.4  # PDF points per mm
PAPER_PT = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
INFO = SheetInfo(
    clinic="Studio Medico Bianchi", clinic_phone="+39 02 1234 5678",
    patient_name="Verdi, Giulia", birth_date=date(1961, 4, 3), record_number="MP-000042",
    session_date=date(2026, 11, 23), doctor="Dr Anna Bianchi", plan_id=12, plan_version=3,
    url="https://clinic.example/plans/12", recorded={"anticoagulants": "yes: warfarin"})


def computed(doc: dict | None = None):
    plan = loads(KNEE.read_text()) if doc is None else from_dict(doc)
    return engine.run(plan)


def square_plan(side_mm: float, spacing_mm: float, **area) -> dict:
    """A square area on plain paper (no body map): side_mm wide, points spacing_mm apart."""
    ring = [[0, 0], [side_mm, 0], [side_mm, side_mm], [0, side_mm]]
    return {"format": "mesoplanner.plan/1", "treatment": "cellulite",
            "mixtures": {"A": {"components": [{"name": "saline", "volume_ml": "5.00"}]}},
            "areas": [{"label": "flank", "polygon": ring, "spacing_mm": spacing_mm,
                       "pattern": "square", "volume_ml": "0.05", "mixture": "A", **area}]}


def pdf_of(kind: str, result, view, info=INFO) -> bytes:
    return to_pdf(getattr(plan_pages, f"{kind}_html")(result, view, info))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def point_numbers(text: str) -> dict[int, Decimal]:
    """Every "number volume" pair of the point table (bands of points: "1 0.10 7 0.10 ...",
    each number with its grid name where it has one: "1 A3 0.10")."""
    found: dict[int, Decimal] = {}
    for line in text.splitlines():
        if re.fullmatch(r"(\d+ (?:[A-Z]+\d+ )?\d+\.\d{2} ?)+", line.strip()):
            for number, volume in re.findall(r"(\d+) (?:[A-Z]+\d+ )?(\d+\.\d{2})", line):
                assert int(number) not in found, f"point {number} twice"
                found[int(number)] = Decimal(volume)
    for number, volume in re.findall(r"(?m)^(\d+) .*? (\d+\.\d{2}) [A-Z—] \d", text):
        found.setdefault(int(number), Decimal(volume))  # trigger points: one row each
    return found


def bars_mm(pdf: bytes) -> list[float]:
    """The widths in mm of the calibration bars (filled rectangles 1.6 mm high) on each page."""
    widths = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            widths += [r["width"] / MM for r in page.rects
                       if abs(r["height"] / MM - 1.6) < 0.05 and r["width"] / MM > 50]
    return widths


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("kind", ["sheet", "stencil", "handout"])
def test_pages_are_exactly_the_paper_size(kind, paper):
    result, view = computed()
    pdf = pdf_of(kind, result, view, replace(INFO, paper=paper))
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 1
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == tuple(round(v, 1) for v in PAPER_PT[paper])


def test_sheet_has_every_point_and_every_total():
    result, view = computed()
    text = text_of(pdf_of("sheet", result, view))
    flat = re.sub(r"\s+", " ", text)
    numbers = point_numbers(text)
    assert numbers == {p.number: p.volume_ml for p in result.points}
    for res in result.areas:  # each area's points under a line with what they share
        assert f"{res.index + 1}. {res.area.label} · mixture A · 2 mm · Intradermal" in flat
    assert re.search(r"(^|\s)24 trigger point 0\.20 A 2 mm Intradermal", flat)
    assert f"Totals: {len(result.points)} points, {result.total_ml} mL" in flat
    for res in result.areas:
        assert f"{res.total_ml}" in flat
    out = result.as_dict()
    for component in out["components"]:
        assert f"{component['volume_ml']}" in flat
        if component.get("mg") is not None:
            assert f"{component['mg']}" in flat
    for words in ("Verdi, Giulia", "MP-000042", "Dr Anna Bianchi", "Studio Medico Bianchi",
                  "RIGHT KNEE", "LATERAL", "MEDIAL", "Informed consent signed", "yes: warfarin",
                  "Doctor's signature", "Syringes for mixture A"):
        assert words in flat, words


def test_totals_match_the_command_line(tmp_path):
    result, view = computed()
    done = subprocess.run([sys.executable, "-m", "planner.cli", "grid", str(KNEE)],
                          capture_output=True, text=True, check=True)
    out = json.loads(done.stdout)
    flat = re.sub(r"\s+", " ", text_of(pdf_of("sheet", result, view)))
    assert f"Totals: {len(out['points'])} points, {out['total_ml']} mL" in flat


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("kind", ["sheet", "stencil"])
def test_the_100_mm_bar_measures_100_mm(kind, paper):
    result, view = computed()
    widths = bars_mm(pdf_of(kind, result, view, replace(INFO, paper=paper)))
    assert widths, "no calibration bar found"
    for width in widths:
        assert abs(width - 100.0) <= 0.5, width


def test_every_page_says_whose_it_is():
    result, view = computed(square_plan(200, 10))
    pages = PdfReader(io.BytesIO(pdf_of("sheet", result, view))).pages
    assert len(pages) > 1
    for k, page in enumerate(pages, start=1):
        foot = (page.extract_text() or "").splitlines()[-1]
        assert foot.startswith("Verdi, Giulia · MP-000042 · Plan 12, version 3"), foot
        assert foot.endswith(f"{k} / {len(pages)}"), foot


def test_a_long_plan_runs_over_several_pages_with_nothing_cut():
    # 20 x 20 = 400 points at 10 mm in a 200 mm square.
    result, view = computed(square_plan(200, 10))
    assert len(result.points) == 400
    pdf = pdf_of("sheet", result, view)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 4
    texts = [p.extract_text() or "" for p in pages]
    numbers = point_numbers("\n".join(texts))
    assert sorted(numbers) == list(range(1, 401)), "a point is missing or cut"
    assert set(numbers.values()) == {Decimal("0.05")}
    # The table's head is repeated on every page of the table.
    table_pages = [t for t in texts
                   if re.search(r"(?m)^\d+ (?:[A-Z]+\d+ )?0\.05 \d+ (?:[A-Z]+\d+ )?0\.05", t)]
    assert len(table_pages) >= 2
    assert all("No. mL No. mL No. mL" in t for t in table_pages)


def test_compact_fits_sixty_points_on_one_page():
    result, view = computed(square_plan(80, 10))
    assert 60 <= len(result.points) <= 70
    pdf = pdf_of("sheet", result, view, replace(INFO, compact=True))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert sorted(point_numbers(text_of(pdf))) == [p.number for p in result.points]


def test_stencil_tiles_a_large_area_at_true_scale():
    result, view = computed(square_plan(400, 20))
    width, height = usable_mm("a4")
    tiles = list(stencil_tiles(result, width, height - plan_pages.STENCIL_CAPTION_MM))
    assert len(tiles) >= 4
    assert {t.rows * t.columns for t in tiles} == {len(tiles)}
    pdf = pdf_of("stencil", result, view)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(tiles)
    # Every point is on at least one tile, and every tile is drawn at 1:1 (its SVG size in mm
    # is the size of the map it shows).
    numbers = set()
    for t in tiles:
        numbers |= {int(n) for n in re.findall(r">(\d+)</text>", str(t.svg))}
        w, h = sheet_map.svg_size(str(t.svg))
        box = re.search(r'viewBox="([-0-9.]+),([-0-9.]+),([0-9.]+),([0-9.]+)"', str(t.svg))
        assert box and (abs(float(box.group(3)) - w) < 0.01, abs(float(box.group(4)) - h)
                        < 0.01) == (True, True)
    assert numbers == {p.number for p in result.points}
    assert all(abs(w - 100) <= 0.5 for w in bars_mm(pdf))


def test_the_map_says_the_patients_side_and_its_scale():
    result, view = computed()
    html = plan_pages.sheet_html(result, view, INFO)
    image = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert image, "the map is on the sheet"
    svg = base64.b64decode(image.group(1)).decode()
    assert "LATERAL" in svg and "MEDIAL" in svg and "RIGHT KNEE" in svg  # a right knee's sides
    assert re.search(r"Map at (true scale|\d+% of true size)", html)


def test_names_and_labels_are_escaped():
    doc = square_plan(60, 10)
    doc["areas"][0]["label"] = "<script>alert(1)</script>"
    result, view = computed(doc)
    info = replace(INFO, patient_name="<img src=x onerror=alert(1)>", clinic="<b>x</b>")
    for kind in ("sheet", "stencil", "handout"):
        html = getattr(plan_pages, f"{kind}_html")(result, view, info)
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>x</b>" not in html


def test_only_our_own_files_are_fetched(tmp_path):
    our_files = fetcher()
    secret = tmp_path / "secret.txt"
    secret.write_text("patient data")
    for url in ("http://example.com/x.css", "https://example.com/a.png", secret.as_uri(),
                (STATIC / ".." / "models.py").as_uri(), "ftp://example.com/x"):
        with pytest.raises(ValueError):
            our_files.fetch(url)
    response = our_files.fetch((STATIC / "print.css").as_uri())
    assert response is not None


def test_handout_says_what_to_do_and_whom_to_call():
    result, view = computed()
    info = replace(INFO, next_session=date(2026, 11, 30))
    flat = re.sub(r"\s+", " ", text_of(pdf_of("handout", result, view, info)))
    for words in ("After your treatment", "sun", "cosmetics", "+39 02 1234 5678",
                  "Nov 30, 2026", f"{len(result.points)} small injections"):
        assert words in flat, words
    custom = replace(info, handout_text="Primo paragrafo.\n\nSecondo paragrafo.")
    flat = re.sub(r"\s+", " ", text_of(pdf_of("handout", result, view, custom)))
    assert "Primo paragrafo. Secondo paragrafo." in flat
    assert "cosmetics" not in flat  # the clinic's text replaces ours


def test_microneedling_handout_asks_for_longer_sun_protection():
    doc = square_plan(40, 10, technique="microneedling", depth_mm=1.0)
    doc["treatment"] = "microneedling"
    result, view = computed(doc)
    flat = re.sub(r"\s+", " ", text_of(pdf_of("handout", result, view)))
    assert "15 to 20 days" in flat


@pytest.mark.parametrize(("language", "words"), [
    ("it", ["Totali", "Siringhe per la miscela A", "GINOCCHIO DESTRO", "LATERALE", "MEDIALE"]),
    ("es", ["Totales", "Jeringas para la mezcla A", "RODILLA DERECHA", "LATERAL", "MEDIAL"]),
])
def test_sheet_in_each_language(language, words):
    result, view = computed()
    flat = re.sub(r"\s+", " ", text_of(pdf_of("sheet", result, view,
                                               replace(INFO, language=language))))
    for w in words:
        assert w in flat, w
    assert f"{result.total_ml}".replace(".", ",") in flat  # the locale's decimal comma


@pytest.mark.parametrize(("language", "words"), [
    ("it", ["Dopo il trattamento", "sole"]),
    ("es", ["Después del tratamiento", "sol"]),
])
def test_handout_in_each_language(language, words):
    result, view = computed()
    flat = re.sub(r"\s+", " ", text_of(pdf_of("handout", result, view,
                                               replace(INFO, language=language))))
    for w in words:
        assert w in flat, w


def test_unknown_paper_or_language_is_refused():
    result, view = computed()
    with pytest.raises(ValueError, match="paper"):
        plan_pages.sheet_html(result, view, replace(INFO, paper="a3"))
    with pytest.raises(ValueError, match="language"):
        plan_pages.sheet_html(result, view, replace(INFO, language="fr"))


# --- units and margins, in every language ------------------------------------------------------

def several_areas_and_drugs() -> dict:
    """The knee with a second mixture of other drugs and a third area, each area with its own
    technique and depth: the totals table as wide as a plan makes it."""
    doc = json.loads(KNEE.read_text())
    doc["mixtures"]["Ketoprofene-B"] = {"components": [
        {"name": "ketoprofen 160 mg/2 mL", "drug": "ketoprofen", "mg_per_ml": 80,
         "volume_ml": "2.00"},
        {"name": "saline 0.9%", "volume_ml": "3.00"}]}
    doc["areas"][0].update(technique="deep-intradermal", depth_mm=4)
    doc["areas"][1].update(mixture="Ketoprofene-B", technique="superficial-intradermal",
                           depth_mm=1.5, volume_ml="0.05")
    doc["areas"].append({"label": "suprapatellar", "region": "knee-anterior/suprapatellar",
                         "pattern": "square", "spacing_mm": 12, "volume_ml": "0.05",
                         "mixture": "A", "technique": "micropapules", "depth_mm": 1})
    return doc


def side_by_side() -> dict:
    """Four areas side by side on plain paper, two mixtures: the map as wide as the compact
    sheet lets it be, so that its totals have the least room."""
    techniques = ("deep-intradermal", "superficial-intradermal", "micropapules", "intradermal")
    areas = [{"label": f"flank {k + 1}", "spacing_mm": 20, "pattern": "square",
              "polygon": [[70 * k, 0], [70 * k + 60, 0], [70 * k + 60, 50], [70 * k, 50]],
              "volume_ml": "0.05", "mixture": "Lidocaine-B" if k % 2 else "A",
              "technique": technique, "depth_mm": (4, 1.5, 1, 2)[k]}
             for k, technique in enumerate(techniques)]
    return {"format": "mesoplanner.plan/1", "treatment": "cellulite", "areas": areas,
            "mixtures": {"A": {"components": [{"name": "saline", "volume_ml": "5.00"}]},
                         "Lidocaine-B": {"components": [
                             {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": 20,
                              "volume_ml": "1.00"},
                             {"name": "saline", "volume_ml": "4.00"}]}},
            "points": [{"x": 10, "y": 60, "volume_ml": "0.20", "mixture": "A",
                        "label": "trigger point"}]}


def cycle_report() -> CycleReport:
    result, _view = computed()
    befores = (7, 6, 4, 3)
    rows = tuple(CycleRow(
        k + 1, date(2026, 3, 3 + 7 * k), "signed", performed_at=datetime(2026, 3, 3 + 7 * k, 10),
        points=len(result.points), total_ml=result.total_ml, pain_before=b, pain_after=b - 2,
        lots="L2026-0117, L2026-0342", signed_by="Dr Anna Bianchi")
        for k, b in enumerate(befores))
    return CycleReport(
        "Ginocchio", trend([PainScore(k + 1, b, b - 2) for k, b in enumerate(befores)]),
        tuple(f"{3 + 7 * k}/3" for k in range(len(befores))), len(befores), 6,
        result.total_ml * len(befores), result.components, rows)


def printout(kind: str, doc: dict | None, info: SheetInfo) -> bytes:
    if kind == "cycle":
        return to_pdf(cycle_html(cycle_report(), info))
    result, view = computed(doc)
    if kind == "compact":
        return pdf_of("sheet", result, view, replace(info, compact=True))
    return pdf_of(kind, result, view, info)


@pytest.mark.parametrize("language", ["en", "it", "es"])
@pytest.mark.parametrize("kind", ["sheet", "compact", "cycle"])
def test_units_keep_their_case_in_the_headers(kind, language):
    """A millilitre is mL: headers were set in capitals, and the volume column of every table
    was headed "ML" (in Italian and Spanish too). Read from the PDF as printed."""
    text = text_of(printout(kind, several_areas_and_drugs(), replace(INFO, language=language)))
    assert not re.search(r"\b(ML|MG|MM)\b", text), re.findall(r".*\b(?:ML|MG|MM)\b.*", text)
    flat = re.sub(r"\s+", " ", text)
    _ = translations(language).gettext
    band = {"sheet": plan_pages.SHEET_COLUMNS, "compact": plan_pages.COMPACT_COLUMNS}.get(kind)
    heads = [f"{_('Component')} mL mg"]  # the components table
    heads += [" ".join([f"{_('No.')} mL"] * band), _("mL per point")] if band else \
        [f"{_('Points')} mL"]  # the point table (a unit in a translated header) or sessions
    for head in heads:
        assert head in flat, head


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("language", ["it", "es"])
@pytest.mark.parametrize("kind", ["sheet", "compact"])
@pytest.mark.parametrize("plan", [several_areas_and_drugs, side_by_side])
def test_no_word_runs_past_the_page_margins(plan, kind, language, paper):
    """Every word of the sheet lies inside the page's content box (the page less its 12 mm
    margins): on the Spanish compact sheet the totals table beside the map ran past the right
    edge, its last column ("ML", "1,90") cut off by the paper's edge."""
    pdf = printout(kind, plan(), replace(INFO, language=language, paper=paper))
    margin = PAGE_MARGIN_MM * MM
    outside = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            for word in page.extract_words():
                if word["x0"] < margin - 0.5 or word["x1"] > page.width - margin + 0.5:
                    outside.append((number, word["text"],
                                    round((word["x1"] - page.width + margin) / MM, 1)))
    assert not outside, outside


# --- the command line ---------------------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner.cli", *args], capture_output=True,
                          check=False)


@pytest.mark.parametrize("extra", [[], ["--stencil"], ["--handout"], ["--compact"],
                                   ["--paper", "letter", "--language", "es"]])
def test_command_writes_a_pdf(tmp_path, extra):
    out = tmp_path / "sheet.pdf"
    done = run("grid", str(KNEE), "--format", "pdf", "-o", str(out), *extra)
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert "Verdi" not in text_of(data)  # a plan file carries no patient


def test_command_writes_the_pdf_to_standard_output():
    done = run("grid", str(KNEE), "--format", "pdf")
    assert done.returncode == 0 and done.stdout.startswith(b"%PDF-")


def test_command_refuses_print_options_without_a_printed_format():
    done = run("grid", str(KNEE), "--stencil")
    assert done.returncode == 2
    assert b"--format pdf" in done.stderr


def test_decimal_volumes_are_printed_exactly():
    doc = square_plan(40, 10, volume_ml="0.07")
    result, view = computed(doc)
    flat = re.sub(r"\s+", " ", text_of(pdf_of("sheet", result, view)))
    assert f"{Decimal('0.07') * len(result.points)}" in flat


def test_an_area_treatment_without_points_prints_its_surface_not_a_point_table():
    doc = {"format": "mesoplanner.plan/1", "bodymap": "face-frontal",
           "treatment": "microneedling",
           "areas": [{"label": "forehead", "region": "face-frontal/forehead", "pattern": "area"}]}
    result, view = computed(doc)
    assert len(result.points) == 0
    html = plan_pages.sheet_html(result, view, INFO)
    assert 'class="points"' not in html
    surface = f"{result.areas[0].surface_mm2 / 100:.1f} cm²"
    flat = re.sub(r"\s+", " ", text_of(to_pdf(html)))
    assert f"1. forehead · {surface}" in flat
    assert "Whole area (no points)" in flat


@pytest.mark.parametrize(("language", "reduction"), [("en", "57.1%"), ("it", "57,1%"),
                                                     ("es", "57,1\xa0%")])
def test_the_cycle_report_writes_the_reduction_the_locales_way(language, reduction):
    html = cycle_html(cycle_report(), replace(INFO, language=language))
    assert f"<td>{reduction}</td>" in html
