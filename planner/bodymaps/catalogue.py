"""A machine-readable list of the atlas and a contact sheet to review the drawings: one SVG per
view, an index.html, and one PNG with every view (rasterised here with Pillow, so that no
browser or PDF tool is needed), all in the atlas's one palette (palette.py)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.ops import substring

from planner.bodymaps.atlas import views
from planner.bodymaps.palette import (
    DECOR,
    DECOR_MM,
    GUIDE,
    KIND_STYLE,
    OUTLINE,
    OUTLINE_MM,
    SKIN,
)
from planner.bodymaps.view import Geometry, Region, View

__all__ = ["catalogue", "render_contact_sheet"]

# WKT rounded to 0.01 mm: finer than any needle placement, small enough to ship.
_WKT_DECIMALS = 2

CONTACT_SHEET_PNG = "contact-sheet.png"


def _wkt(geom: Any) -> str:
    return str(shapely.to_wkt(geom, rounding_precision=_WKT_DECIMALS, trim=True))


def _region_entry(region: Region) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": region.id,
        "kind": region.kind,
        "label": dict(region.label),
        "laterality": region.laterality,
        "snomed": region.snomed,
        "area_mm2": round(region.area_mm2, 2),
        "wkt": _wkt(region.geometry),
    }
    if region.link is not None:
        entry["link"] = region.link
    return entry


def _view_entry(view: View) -> dict[str, Any]:
    return {
        "id": view.id,
        "label": dict(view.label),
        "width_mm": view.width_mm,
        "height_mm": view.height_mm,
        "version": view.version,
        "single_limb": view.single_limb,
        "patient_right": view.patient_right,
        "snomed": view.snomed,
        "regions": [_region_entry(r) for r in view.regions],
        "guides": [
            {"id": g.id, "label": dict(g.label), "wkt": _wkt(g.geometry)} for g in view.guides
        ],
    }


def catalogue() -> dict[str, Any]:
    """Every view with its regions and guides, JSON-serialisable (areas in mm2, WKT in mm)."""
    return {"views": [_view_entry(v) for v in views()]}


# --------------------------------------------------------------------------- contact sheet


def _ring_d(coords: Iterable[tuple[float, ...]], close: bool) -> str:
    pts = [f"{x:.2f},{y:.2f}" for x, y, *_ in coords]
    if not pts:
        return ""
    return "M" + " L".join(pts) + (" Z" if close else "")


def _area_d(geom: Geometry) -> str:
    parts = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    d: list[str] = []
    for poly in parts:
        d.append(_ring_d(poly.exterior.coords, True))
        d.extend(_ring_d(i.coords, True) for i in poly.interiors)
    return " ".join(d)


def _decor_d(item: LineString | Polygon) -> str:
    if isinstance(item, Polygon):
        return _area_d(item)
    return _ring_d(item.coords, False)


def _view_svg(view: View) -> str:
    w, h = view.width_mm, view.height_mm
    font = max(3.0, min(w, h) / 45)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:g}mm" height="{h:g}mm" '
        f'viewBox="0 0 {w:g} {h:g}">',
        f'<rect x="0" y="0" width="{w:g}" height="{h:g}" fill="#ffffff"/>',
        f'<path d="{_area_d(view.outline)}" fill="{SKIN}" stroke="{OUTLINE}" '
        f'stroke-width="{OUTLINE_MM:g}" fill-rule="evenodd" stroke-linejoin="round"/>',
    ]
    out.append(
        f'<g fill="none" stroke="{DECOR}" stroke-width="{DECOR_MM}" stroke-linecap="round">'
        + "".join(f'<path d="{_decor_d(item)}"/>' for item in view.decor)
        + "</g>"
    )
    drawn = sorted(view.regions, key=lambda r: r.kind == "landmark")  # landmarks on top
    for region in drawn:
        style = KIND_STYLE.get(region.kind, KIND_STYLE["treatment"])
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        out.append(
            f'<path d="{_area_d(region.geometry)}" fill="{style.fill}" '
            f'fill-opacity="{style.opacity:g}" stroke="{style.stroke}" '
            f'stroke-width="{style.width_mm:g}"{dash} fill-rule="evenodd">'
            f"<title>{escape(region.id)}</title></path>"
        )
    out.extend(
        f'<path d="{_ring_d(g.geometry.coords, False)}" fill="none" stroke="{GUIDE}" '
        'stroke-width="0.6" stroke-dasharray="2,1.5"/>'
        for g in view.guides
    )
    for region in view.regions:
        p = region.geometry.representative_point()
        out.append(
            f'<text x="{p.x:.1f}" y="{p.y:.1f}" font-size="{font:.1f}" text-anchor="middle" '
            f'font-family="sans-serif" fill="#111">{escape(region.name)}</text>'
        )
    side_note = {"left": "patient R on drawing LEFT", "right": "patient R on drawing RIGHT"}
    caption = f"{view.id} v{view.version} - {view.label['en']}"
    if view.patient_right in side_note:
        caption += f" ({side_note[view.patient_right]})"
    if view.single_limb:
        caption += " [right limb, mirrored for left]"
    out.append(
        f'<text x="2" y="{font + 1:.1f}" font-size="{font:.1f}" font-family="sans-serif" '
        f'fill="#000">{escape(caption)}</text>'
    )
    out.append("</svg>")
    return "\n".join(out)


def render_contact_sheet(directory: Path) -> list[Path]:
    """Write one SVG per view (regions coloured by kind, labelled), an index.html and one PNG
    of every view, each labelled with its id (``contact-sheet.png``)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    rows: list[str] = []
    for view in views():
        path = directory / f"{view.id}.svg"
        path.write_text(_view_svg(view), encoding="utf-8")
        written.append(path)
        items = "".join(
            f"<li>{escape(r.id)} ({escape(r.kind)}, {escape(r.laterality)}, "
            f"{r.area_cm2:.1f} cm2): {escape(r.label['en'])}</li>"
            for r in view.regions
        )
        rows.append(
            f"<section><h2>{escape(view.label['en'])} <small>{escape(view.id)}</small></h2>"
            f'<img src="{escape(path.name)}" alt="{escape(view.label["en"])}" height="600">'
            f"<ul>{items}</ul></section>"
        )
    index = directory / "index.html"
    index.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Mesoplanner body-map atlas</title></head><body>"
        "<h1>Mesoplanner body-map atlas</h1>"
        "<p>Teal: treatment, amber: warning, red: no-go, brown: landmark. "
        f'All views in one image: <a href="{CONTACT_SHEET_PNG}">{CONTACT_SHEET_PNG}</a>.</p>'
        + "".join(rows)
        + "</body></html>",
        encoding="utf-8",
    )
    written.append(index)
    png = directory / CONTACT_SHEET_PNG
    contact_sheet_png(views()).save(png, format="PNG", optimize=True)
    written.append(png)
    return written


# --------------------------------------------------------------------------- the PNG sheet

CELL_PX = (520, 640)  # each view fitted in a cell of this size, its caption below it
CAPTION_PX = 58
COLUMNS = 5
HEADER_PX = 70
PX_PER_LINE_MM = 3.0  # the palette's line weights (mm at 1:1) as pixels of the sheet
SUPERSAMPLE = 3  # drawn this many times larger, then reduced: smooth edges

Points = list[tuple[float, float]]


def _rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _polygons(geom: Geometry | Polygon) -> list[Polygon]:
    return list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]


def _dashes(points: Points, dash: str | None, unit: float) -> list[Points]:
    """A line cut into its dashes (an SVG dasharray in mm, ``unit`` pixels per mm)."""
    if not dash or len(points) < 2:
        return [points]
    on, off = (float(v) * unit for v in dash.split(","))
    line = LineString(points)
    out: list[Points] = []
    at = 0.0
    while at < line.length:
        part = substring(line, at, min(at + on, line.length))
        if isinstance(part, LineString):
            out.append([(x, y) for x, y, *_ in part.coords])
        at += on + off
    return out


class _Canvas:
    """One view drawn on a supersampled RGBA image, fitted and centred."""

    def __init__(self, view: View, width: int, height: int) -> None:
        from PIL import Image, ImageDraw  # Pillow only when a sheet is drawn

        self.image = Image.new("RGBA", (width, height), (255, 255, 255, 255))
        self.draw = ImageDraw.Draw(self.image)
        self.scale = min(width / view.width_mm, height / view.height_mm)
        self.dx = (width - view.width_mm * self.scale) / 2
        self.dy = (height - view.height_mm * self.scale) / 2
        self.line_px = PX_PER_LINE_MM * SUPERSAMPLE

    def px(self, coords: Iterable[tuple[float, ...]]) -> Points:
        return [(self.dx + c[0] * self.scale, self.dy + c[1] * self.scale) for c in coords]

    def fill(self, geom: Geometry | Polygon, colour: str, opacity: float) -> None:
        """Fill a polygon (holes left open) with a colour at an opacity, over what is drawn."""
        from PIL import Image, ImageDraw

        (x0, y0), (x1, y1) = self.px([geom.bounds[:2], geom.bounds[2:]])
        box = (max(int(x0) - 1, 0), max(int(y0) - 1, 0))
        size = (max(int(x1) - box[0] + 2, 1), max(int(y1) - box[1] + 2, 1))
        mask = Image.new("L", size, 0)
        pen = ImageDraw.Draw(mask)
        for poly in _polygons(geom):
            rings = [(poly.exterior, round(255 * opacity))] + [(r, 0) for r in poly.interiors]
            for ring, level in rings:
                pts = [(x - box[0], y - box[1]) for x, y in self.px(ring.coords)]
                if len(pts) >= 3:
                    pen.polygon(pts, fill=level)
        self.image.paste(Image.new("RGBA", size, (*_rgb(colour), 255)), box, mask)

    def stroke(self, points: Points, colour: str, width_mm: float,
               dash: str | None = None) -> None:
        width = max(1, round(width_mm * self.line_px))
        for part in _dashes(points, dash, self.line_px):
            if len(part) >= 2:
                self.draw.line(part, fill=_rgb(colour), width=width, joint="curve")

    def outline(self, geom: Geometry | Polygon, colour: str, width_mm: float,
                dash: str | None = None) -> None:
        for poly in _polygons(geom):
            for ring in (poly.exterior, *poly.interiors):
                self.stroke(self.px(ring.coords), colour, width_mm, dash)


def _view_png(view: View, width: int, height: int) -> Any:
    """One view, in the atlas's palette, as an RGB image of width x height pixels."""
    from PIL import Image

    canvas = _Canvas(view, width * SUPERSAMPLE, height * SUPERSAMPLE)
    canvas.fill(view.outline, SKIN, 1.0)
    for item in view.decor:
        coords = item.exterior.coords if isinstance(item, Polygon) else item.coords
        canvas.stroke(canvas.px(coords), DECOR, DECOR_MM)
    canvas.outline(view.outline, OUTLINE, OUTLINE_MM)
    for region in sorted(view.regions, key=lambda r: r.kind == "landmark"):
        style = KIND_STYLE.get(region.kind, KIND_STYLE["treatment"])
        canvas.fill(region.geometry, style.fill, style.opacity)
        canvas.outline(region.geometry, style.stroke, style.width_mm, style.dash)
    for guide in view.guides:
        canvas.stroke(canvas.px(guide.geometry.coords), GUIDE, 0.6, "2,1.5")
    return canvas.image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)


def contact_sheet_png(every: Iterable[View]) -> Any:
    """Every view in one image (a PIL.Image): a grid of cells, each view fitted in its cell
    and captioned with its id, version and size in mm, under a legend of the colours."""
    from PIL import Image, ImageDraw, ImageFont

    shown = list(every)
    cell_w, cell_h = CELL_PX
    rows = max(1, -(-len(shown) // COLUMNS))
    sheet = Image.new("RGB", (cell_w * COLUMNS, HEADER_PX + cell_h * rows), "white")
    pen = ImageDraw.Draw(sheet)
    title, small = ImageFont.load_default(size=30), ImageFont.load_default(size=20)
    pen.text((16, 14), f"Mesoplanner body-map atlas: {len(shown)} views", fill="black",
             font=title)
    x = cell_w * 2
    for kind, style in KIND_STYLE.items():
        pen.rectangle((x, 22, x + 26, 44), fill=style.fill, outline=style.stroke, width=2)
        pen.text((x + 34, 20), kind, fill="black", font=small)
        x += 200
    for k, view in enumerate(shown):
        left, top = (k % COLUMNS) * cell_w, HEADER_PX + (k // COLUMNS) * cell_h
        sheet.paste(_view_png(view, cell_w - 20, cell_h - CAPTION_PX - 10), (left + 10, top))
        pen.text((left + 12, top + cell_h - CAPTION_PX), view.id, fill="black", font=title)
        pen.text((left + 12, top + cell_h - CAPTION_PX + 34),
                 f"v{view.version}, {view.width_mm:g} x {view.height_mm:g} mm",
                 fill="#555555", font=small)
        pen.rectangle((left, top, left + cell_w - 1, top + cell_h - 1), outline="#dddddd")
    return sheet
