"""The treatment-room sheet, the true-scale stencil and the aftercare handout: HTML, then PDF.

Flask-free, so that ``mesoplanner grid --format pdf`` and the web app print the same pages:
the templates in ``templates/print`` are rendered by a Jinja environment of their own with the
Babel catalogue of the reader's language, and WeasyPrint turns the HTML into PDF with a URL
fetcher that reads only our own static files.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import segno
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import Environment, PackageLoader, Template, select_autoescape
from markupsafe import Markup

from planner import render, wording
from planner.bodymaps.atlas import View
from planner.core.compute import Result
from planner.core.dosing import ComponentTotal
from planner.core.outcomes import Trend

PACKAGE = Path(__file__).resolve().parent
STATIC = PACKAGE / "static"
TRANSLATIONS = PACKAGE / "translations"
LANGUAGES = ("it", "es", "en")

# Paper: (name, width, height) in mm, and the page margins of print.css (12 mm, 16 mm below
# for the running foot).
PAPERS = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
PAGE_MARGIN_MM = 12.0
PAGE_FOOT_MM = 16.0
# Height of the map on the sheet's first page, below the header [our layout]: most views
# cropped to their areas then print at true scale. Each warning line above it takes about
# WARNING_LINE_MM. Compact sheets keep half a page for the point table.
MAP_HEIGHT_MM = {False: 200.0, True: 115.0}
WARNING_LINE_MM = 9.0
MAP_MIN_HEIGHT_MM = 90.0
MIN_PRINTED_LABEL = 0.7  # point numbers print at no less than 70% of their true-scale size
# The point table lists each area's points under a line with what they share (mixture, depth,
# technique), SHEET_COLUMNS points to a row (COMPACT_COLUMNS on a compact sheet), read down
# each column: a third of the pages of one point a row, and WeasyPrint lays out a third of
# the text (bench/bench_print.py). Trigger points get a row each, with all their details.
SHEET_COLUMNS = 3
COMPACT_COLUMNS = 4
COMPACT_MAP_WIDTH_MM = 92.0  # compact: the map on the left half, the totals beside it
# The stencil: each tile is the printable page less a band for its caption and the 100 mm bar;
# neighbouring tiles overlap so that the alignment marks of one can be laid on the next.
STENCIL_CAPTION_MM = 30.0
STENCIL_OVERLAP_MM = 2 * render.STENCIL_MARK_INSET_MM
QR_MODULE_MM = 0.6  # 0.6 mm modules: a phone reads the code from the printed page


@dataclass(frozen=True)
class SheetInfo:
    """What the sheet says besides the plan: who, when, where. Nothing here is required: a plan
    file printed from the command line has no patient."""

    language: str = "en"
    paper: str = "a4"
    compact: bool = False
    clinic: str = ""
    clinic_phone: str = ""
    patient_name: str | None = None
    birth_date: date | None = None
    record_number: str | None = None
    # What the patient's record says for a checklist item (CHECKLIST), e.g. {"anticoagulants":
    # "yes: warfarin"}; items the record does not mention are left for the doctor to tick.
    recorded: dict[str, str] = field(default_factory=dict)
    session_date: date | None = None
    doctor: str | None = None
    plan_id: int | None = None
    plan_version: int | None = None
    title: str | None = None
    url: str | None = None
    next_session: date | None = None
    handout_text: str | None = None  # the clinic's own aftercare text for this language
    static_base: str = ""  # where print.css is: "" for PDF, "/static/" for the web page


# --- the HTML ---------------------------------------------------------------------------------

def sheet_html(result: Result, view: View | None, info: SheetInfo) -> str:
    """The treatment-room sheet: header, map, point table, totals, warnings, checklist."""
    _check(info)
    width, _height = _usable(info.paper)
    if info.compact:
        width = COMPACT_MAP_WIDTH_MM
    room = MAP_HEIGHT_MM[info.compact] - WARNING_LINE_MM * (len(result.warnings) + 1) * \
        bool(result.warnings)
    svg, scale = _fitted_map(result, view, info, width, max(MAP_MIN_HEIGHT_MM, room))
    groups = _point_groups(result, info, COMPACT_COLUMNS if info.compact else SHEET_COLUMNS)
    # The drawing goes in as an image: WeasyPrint then draws its thousand elements directly
    # instead of styling each one as part of the page (a third of the PDF's time).
    image = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    return _template("sheet.html", info).render(
        **_common(result, view, info), map_image=image, map_scale=scale,
        groups=groups, band_width=COMPACT_COLUMNS if info.compact else SHEET_COLUMNS,
        qr=_qr(info.url),
        checklist_items=_checklist(info))


def stencil_html(result: Result, view: View | None, info: SheetInfo) -> str:
    """Each area at true scale (1 mm on paper = 1 mm on the skin), tiled over as many pages as
    it needs, with alignment marks where the tiles overlap."""
    _check(info)
    width, height = _usable(info.paper)
    tiles = list(stencil_tiles(result, width, height - STENCIL_CAPTION_MM))
    return _template("stencil.html", info).render(**_common(result, view, info), tiles=tiles)


def handout_html(result: Result, view: View | None, info: SheetInfo) -> str:
    """The aftercare handout for the patient, in the patient's language."""
    _check(info)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", info.handout_text or "") if p.strip()]
    return _template("handout.html", info).render(**_common(result, view, info),
                                                  custom=paragraphs)


@dataclass(frozen=True)
class CycleRow:
    """One session of a cycle on its report: planned, recorded (draft) or signed."""

    number: int
    planned_on: date
    status: str  # "planned", "cancelled", "draft" or "signed"
    performed_at: datetime | None = None
    points: int | None = None
    total_ml: Decimal | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    pain_scale: str = "nrs"
    lots: str = ""
    signed_by: str | None = None  # who signed, as at the signing, with their role
    # A cancelled session: who cancelled it, when (the clinic's time) and why.
    cancelled_by: str | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str = ""


@dataclass(frozen=True)
class CycleReport:
    """A cycle so far, for its printout: the pain trend (chart labels: the sessions' dates),
    what was given in all, and each session."""

    title: str
    trend: Trend
    labels: tuple[str, ...]
    done: int
    planned: int
    total_ml: Decimal
    components: tuple[ComponentTotal, ...]
    rows: tuple[CycleRow, ...]


def cycle_html(report: CycleReport, info: SheetInfo) -> str:
    """The cycle report: pain chart with its baseline and IMMPACT lines, summary, sessions."""
    _check(info)
    gettext = _translations(info.language).gettext
    chart = render.pain_chart_svg(report.trend, report.labels, text=gettext) \
        if report.done else ""
    image = "data:image/svg+xml;base64," + base64.b64encode(chart.encode()).decode("ascii")
    return _template("cycle.html", info).render(
        info=info, report=report, chart_image=image if chart else None,
        paper_css=f"paper-{info.paper}.css", static_base=info.static_base)


# --- the PDF ----------------------------------------------------------------------------------

def to_pdf(html: str) -> bytes:
    """The HTML as PDF. Only our own static files can be fetched (print.css): any other
    address in the HTML, however it got there, is refused."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=f"{STATIC.as_uri()}/", url_fetcher=_fetcher())
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf)


@cache
def _fetcher() -> Any:
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


# --- pieces -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tile:
    """One page of a stencil: a part of one area's drawing, at 1:1."""

    group: str
    row: int
    column: int
    rows: int
    columns: int
    svg: Markup


def stencil_tiles(result: Result, width_mm: float, height_mm: float) -> Iterator[Tile]:
    """The stencil's tiles: for each area (then the manual points), as many pages as its
    points and outline need at 1:1, each ``width_mm`` x ``height_mm`` at most."""
    groups: list[tuple[str, Any, list[Any]]] = []
    for res in result.areas:
        pts = [p for p in result.points if p.area == res.index]
        groups.append((res.area.label or f"{res.index + 1}", res.shape.surface, pts))
    manual = [p for p in result.points if p.area is None]
    if manual:
        groups.append(("", None, manual))
    for label, surface, pts in groups:
        bounds = _bounds(surface, pts)
        if bounds is None:
            continue
        x0, y0, x1, y1 = bounds
        step_x, step_y = width_mm - STENCIL_OVERLAP_MM, height_mm - STENCIL_OVERLAP_MM
        columns = max(1, math.ceil((x1 - x0 - STENCIL_OVERLAP_MM) / step_x))
        rows = max(1, math.ceil((y1 - y0 - STENCIL_OVERLAP_MM) / step_y))
        # Centre the tiled block on the group.
        left = (x0 + x1) / 2 - (columns * step_x + STENCIL_OVERLAP_MM) / 2
        top = (y0 + y1) / 2 - (rows * step_y + STENCIL_OVERLAP_MM) / 2
        for r in range(rows):
            for c in range(columns):
                frame = (left + c * step_x, top + r * step_y, width_mm, height_mm)
                yield Tile(label, r + 1, c + 1, rows, columns,
                           Markup(render.stencil_svg(result, surface, pts, frame)))


def _bounds(surface: Any, pts: list[Any]) -> tuple[float, float, float, float] | None:
    margin = 8.0  # room around the outermost points for their numbers
    xs = [p.x for p in pts]
    ys = [p.y for p in pts]
    if surface is not None and not surface.is_empty:
        bx0, by0, bx1, by1 = surface.bounds
        xs += [bx0, bx1]
        ys += [by0, by1]
    if not xs:
        return None
    return min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin


def _usable(paper: str) -> tuple[float, float]:
    width, height = PAPERS[paper]
    return width - 2 * PAGE_MARGIN_MM, height - PAGE_MARGIN_MM - PAGE_FOOT_MM


def _fitted_map(result: Result, view: View | None, info: SheetInfo, width: float,
                height: float) -> tuple[str, float]:
    """The plan's drawing sized to the space on the sheet, and its scale (1 = true scale).

    The drawing's own 100 mm bar is kept only at true scale; the sheet has its own
    calibration bar for the printer."""
    _ = _translations(info.language).gettext
    digits = partial(_digits, language=info.language)
    probe = render.plan_svg(result, view, text=_, language=info.language, crop=True,
                            title=_plan_heading(result, info), digits=digits)
    w, h = _svg_size(probe)
    scale = min(1.0, width / w, height / h)
    # Below true scale the points and numbers are drawn bigger, up to 1/MIN_PRINTED_LABEL, so
    # that they stay readable on paper (they may then crowd a dense grid).
    svg = probe if scale >= 1.0 else render.plan_svg(
        result, view, text=_, language=info.language, crop=True, scale_bar=False,
        title=_plan_heading(result, info), enlarge=1.0 / max(scale, MIN_PRINTED_LABEL),
        digits=digits)
    head, rest = svg.split(">", 1)
    head = re.sub(r' width="[0-9.]+mm"', f' width="{w * scale:.2f}mm"', head, count=1)
    head = re.sub(r' height="[0-9.]+mm"', f' height="{h * scale:.2f}mm"', head, count=1)
    return f"{head}>{rest}", scale


def _svg_size(svg: str) -> tuple[float, float]:
    """The width and height in mm written on an SVG document's root element."""
    head = svg.split(">", 1)[0]
    width = re.search(r' width="([0-9.]+)mm"', head)
    height = re.search(r' height="([0-9.]+)mm"', head)
    assert width and height, "plan_svg writes its size in mm"
    return float(width.group(1)), float(height.group(1))


def _plan_heading(result: Result, info: SheetInfo) -> str:
    _ = _translations(info.language).gettext
    return _("%(points)s points, %(ml)s mL in all") % {
        "points": len(result.points), "ml": _number(result.total_ml, info.language)}


def _point_groups(result: Result, info: SheetInfo, width: int) -> list[dict[str, Any]]:
    """The point table, area by area: a title and the area's shared details, then its points
    in bands of ``width``; the trigger points last, one row each with their own details."""
    _ = _translations(info.language).gettext
    techniques = wording.technique_names(_)
    groups: list[dict[str, Any]] = []
    for res in result.areas:
        a = res.area
        points = [{"number": p.number, "volume": p.volume_ml}
                  for p in result.points if p.area == res.index]
        if not points:
            continue
        groups.append({
            "title": f"{res.index + 1}. {a.label}",
            "details": [a.mixture and _("mixture %(name)s") % {"name": a.mixture},
                        f"{_number(a.depth_mm, info.language)} mm",
                        techniques.get(a.technique, a.technique)],
            "bands": _bands(points, width)})
    manual = [p for p in result.points if p.area is None]
    if manual:
        groups.append({"title": _("Trigger points"), "details": [], "manual": [
            {"number": p.number, "label": p.label or "", "volume": p.volume_ml,
             "mixture": p.mixture or "—", "depth": p.depth_mm,
             "technique": techniques.get(p.technique, p.technique)} for p in manual]})
    return groups


def _bands(rows: list[dict[str, Any]], n: int) -> list[list[dict[str, Any] | None]]:
    """Rows of ``n`` points, numbered down each column: 1-15 in the first, 16-30 next...

    >>> [[r and r["number"] for r in band] for band in _bands(
    ...     [{"number": k} for k in range(1, 8)], 3)]
    [[1, 4, 7], [2, 5, None], [3, 6, None]]
    """
    height = max(1, math.ceil(len(rows) / n))
    return [[rows[c * height + r] if c * height + r < len(rows) else None for c in range(n)]
            for r in range(height)]


def _checklist(info: SheetInfo) -> list[tuple[str, str]]:
    """The contraindications and cautions to review before injecting (CLINICAL.md, from the
    NCT05329116 exclusions and the labels), with what the record says about each."""
    _ = _translations(info.language).gettext
    items = {"pregnancy": _("Pregnancy"), "breastfeeding": _("Breastfeeding"),
             "anticoagulants": _("Anticoagulant or antiplatelet therapy"),
             "bleeding": _("Bleeding disorder"), "allergies": _("Allergies"),
             "infection": _("Infection at the site, local or systemic"),
             "heart": _("Heart failure or arrhythmia"),
             "same-site": _("Injection at the same site within 3 months")}
    return [(label, info.recorded.get(code, "")) for code, label in items.items()]


def _qr(url: str | None) -> Markup | None:
    if not url:
        return None
    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=QR_MODULE_MM, border=2, unit="mm"))


def _common(result: Result, view: View | None, info: SheetInfo) -> dict[str, Any]:
    _ = _translations(info.language).gettext
    return {
        "result": result, "plan": result.plan, "view": view, "info": info,
        "view_label": view.label.get(info.language, view.label["en"]) if view else None,
        "treatments": wording.treatment_names(_), "patterns": wording.pattern_names(_),
        "techniques": wording.technique_names(_), "warning_titles": wording.warning_titles(_),
        "paper_css": f"paper-{info.paper}.css", "static_base": info.static_base,
    }


def _check(info: SheetInfo) -> None:
    if info.paper not in PAPERS:
        raise ValueError(f"paper: one of {', '.join(PAPERS)} (got {info.paper!r})")
    if info.language not in LANGUAGES:
        raise ValueError(f"language: one of {', '.join(LANGUAGES)} (got {info.language!r})")


# --- templates and catalogues -----------------------------------------------------------------

@cache
def _translations(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language], domain="messages")


@cache
def _environment(language: str) -> Environment:
    env = Environment(loader=PackageLoader("planner", "templates/print"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(_translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["number"] = lambda value, places=None: _number(value, language, places)
    env.globals["day"] = lambda value: format_date(value, "medium", locale=language)
    env.globals["percent"] = lambda value: wording.percent_text(value, language)
    env.globals["language"] = language
    env.globals["detail"] = lambda warning: warning.text.render(
        _translations(language).gettext, lambda digits: _digits(digits, language), language)
    return env


def _template(name: str, info: SheetInfo) -> Template:
    return _environment(info.language).get_template(name)


def _digits(digits: str, language: str) -> str:
    """Plain digits from an engine message ("-1234.50") the reader's way, every decimal kept.

    >>> _digits("-1234.50", "it"), _digits("300", "es"), _digits("4.5", "en")
    ('-1.234,50', '300', '4.5')
    """
    sign, plain = (digits[0], digits[1:]) if digits[:1] in ("+", "-") else ("", digits)
    return sign + _number(Decimal(plain), language)


def _number(value: Decimal | float | int | str, language: str, places: int | None = None
            ) -> str:
    """A number in the reader's locale. Decimals (and decimal strings, as the plan output
    writes them) keep the places they have: a dose is never rounded or shortened.

    >>> _number(Decimal("1234.50"), "it"), _number("0.50", "es"), _number(2.0, "en")
    ('1.234,50', '0,50', '2')
    """
    if isinstance(value, str):
        value = Decimal(value)
    if places is not None:
        return format_decimal(value, format=f"0.{'0' * places}", locale=language)
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        shown = max(0, -exponent) if isinstance(exponent, int) else 0
        return format_decimal(value, format="#,##0." + "0" * shown if shown else "#,##0",
                              locale=language, decimal_quantization=False)
    return format_decimal(value, locale=language)

