"""A machine-readable list of the atlas and a contact sheet to review the drawings."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon

from planner.bodymaps.atlas import views
from planner.bodymaps.view import Geometry, Region, View

__all__ = ["catalogue", "render_contact_sheet"]

# WKT rounded to 0.01 mm: finer than any needle placement, small enough to ship.
_WKT_DECIMALS = 2

# Contact-sheet colours by kind (fill, stroke); review only, not the clinical renderer.
_COLOURS = {
    "treatment": ("#4a90d9", "#1f5f9e"),
    "warning": ("#f0a030", "#a86400"),
    "no-go": ("#d9534f", "#8f1d1a"),
    "landmark": ("#9b9b9b", "#555555"),
}


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
        f'<path d="{_area_d(view.outline)}" fill="#f6e7dc" stroke="#5a3d2b" '
        'stroke-width="0.6" fill-rule="evenodd"/>',
    ]
    out.extend(
        f'<path d="{_decor_d(item)}" fill="none" stroke="#8a6a55" stroke-width="0.35"/>'
        for item in view.decor
    )
    for region in view.regions:
        fill, stroke = _COLOURS.get(region.kind, ("#cccccc", "#333333"))
        out.append(
            f'<path d="{_area_d(region.geometry)}" fill="{fill}" fill-opacity="0.35" '
            f'stroke="{stroke}" stroke-width="0.4" fill-rule="evenodd">'
            f"<title>{escape(region.id)}</title></path>"
        )
    out.extend(
        f'<path d="{_ring_d(g.geometry.coords, False)}" fill="none" stroke="#2a8a2a" '
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
    """Write one SVG per view (regions coloured by kind, labelled) and an index.html."""
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
        "<p>Blue: treatment, orange: warning, red: no-go, grey: landmark.</p>"
        + "".join(rows)
        + "</body></html>",
        encoding="utf-8",
    )
    written.append(index)
    return written
