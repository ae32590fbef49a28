"""The review contact sheet: `mesoplanner bodymaps --render DIR` writes one PNG with every view,
each fitted in its own cell where its drawing lies, captioned, in the atlas's palette."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from PIL import Image

from planner.bodymaps import catalogue
from planner.bodymaps.atlas import views
from planner.bodymaps.palette import KIND_STYLE, SKIN
from tests.helpers.commands import mesoplanner

CELL_W, CELL_H = catalogue.CELL_PX
DRAWING_W, DRAWING_H = CELL_W - 20, CELL_H - catalogue.CAPTION_PX - 10


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> Image.Image:
    folder = tmp_path_factory.mktemp("sheet")
    out = mesoplanner("bodymaps", "--render", str(folder))
    assert out.returncode == 0, out.stderr
    png = folder / catalogue.CONTACT_SHEET_PNG
    assert str(png) in out.stdout
    assert {p.stem for p in folder.glob("*.svg")} == {v.id for v in views()}
    with Image.open(png) as image:
        assert image.format == "PNG"
        return image.convert("RGB")


def cell_origin(k: int) -> tuple[int, int]:
    return (k % catalogue.COLUMNS) * CELL_W, catalogue.HEADER_PX + (k // catalogue.COLUMNS) * CELL_H


def rgb(colour: str) -> tuple[int, int, int]:
    return catalogue._rgb(colour)


def near(a: tuple[int, ...], b: tuple[int, ...], tol: int = 6) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def test_the_sheet_holds_every_view_in_a_grid(sheet: Image.Image) -> None:
    count = len(views())
    rows = -(-count // catalogue.COLUMNS)
    assert sheet.size == (CELL_W * catalogue.COLUMNS, catalogue.HEADER_PX + CELL_H * rows)


@pytest.mark.parametrize("k", range(len(views())), ids=[v.id for v in views()])
def test_each_view_is_drawn_where_it_lies_and_captioned(sheet: Image.Image,
                                                                 k: int) -> None:
    view = views()[k]
    left, top = cell_origin(k)
    drawing = sheet.crop((left + 10, top, left + 10 + DRAWING_W, top + DRAWING_H))
    drawing.paste((255, 255, 255), (0, 0, DRAWING_W, 1))  # the cell's frame
    # the drawn pixels (not white) span the view's drawing, fitted and centred in the cell
    inked = drawing.point(lambda v: 255 if v < 235 else 0).convert("L").getbbox()
    assert inked is not None, f"{view.id}: nothing drawn"
    scale = min(DRAWING_W / view.width_mm, DRAWING_H / view.height_mm)
    dx = (DRAWING_W - view.width_mm * scale) / 2
    dy = (DRAWING_H - view.height_mm * scale) / 2
    everything = [view.outline, *view.decor, *(r.geometry for r in view.regions),
                  *(g.geometry for g in view.guides)]
    x0, y0, x1, y1 = shapely.GeometryCollection(everything).bounds
    expected = (dx + x0 * scale, dy + y0 * scale, dx + x1 * scale, dy + y1 * scale)
    assert all(abs(a - b) <= 3 for a, b in zip(inked, expected, strict=True)), (inked, expected)
    # the skin colour fills the body, and each kind of region the view has is tinted
    colours = {c for _, c in drawing.getcolors(maxcolors=DRAWING_W * DRAWING_H) or []}
    assert any(near(c, rgb(SKIN)) for c in colours), view.id
    inside = view.outline.representative_point()
    px = drawing.getpixel((round(dx + inside.x * scale), round(dy + inside.y * scale)))
    assert px != (255, 255, 255)
    for region in view.regions:
        if region.geometry.area * scale * scale < 60:  # too small to sample a pixel clear
            continue
        p = region.geometry.buffer(-1.5 / scale).representative_point()
        got = drawing.getpixel((round(dx + p.x * scale), round(dy + p.y * scale)))
        assert got != rgb(SKIN) and got != (255, 255, 255), f"{region.id} not tinted: {got}"
    caption = sheet.crop((left, top + CELL_H - catalogue.CAPTION_PX, left + CELL_W, top + CELL_H))
    assert caption.convert("L").point(lambda v: 255 if v < 100 else 0).getbbox(), "no caption"


def test_the_legend_shows_every_kinds_colour(sheet: Image.Image) -> None:
    header = sheet.crop((0, 0, sheet.width, catalogue.HEADER_PX))
    colours = {c for _, c in header.getcolors(maxcolors=sheet.width * catalogue.HEADER_PX) or []}
    for kind, style in KIND_STYLE.items():
        assert rgb(style.fill) in colours, kind


def test_the_index_links_the_sheet(tmp_path: Path) -> None:
    written = catalogue.render_contact_sheet(tmp_path)
    assert tmp_path / catalogue.CONTACT_SHEET_PNG in written
    assert catalogue.CONTACT_SHEET_PNG in (tmp_path / "index.html").read_text()
