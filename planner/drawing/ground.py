"""A photo under a plan (issue 20): the patient's calibrated photo seen square on, in mm on the
card's plane, drawn where a body map would be, with the card's outline where it lay so that the
paper can be laid on it."""

from __future__ import annotations

from dataclasses import dataclass

import svgwrite

Box = tuple[float, float, float, float]
CARD_STROKE = "#0b57d0"  # the card's outline: the blue of the editor's own marks


@dataclass(frozen=True)
class Ground:
    """What to draw under the plan: the image at ``href`` (empty: none) covering ``box_mm``
    (x0, y0, x1, y1 on the plane), and the card's corners (mm) with its name."""

    href: str
    box_mm: Box
    card_mm: tuple[tuple[float, float], ...]
    card_words: str = ""
    # How far from the card's centre (mm) the photo's millimetres hold within 1 mm, drawn as
    # a dashed circle with its words: beyond it the points are named in a warning.
    reach_mm: float | None = None
    reach_words: str = ""

    def frame(self) -> tuple[float, float, float, float]:
        """The photo's box as a drawing's frame: x, y, width, height (mm)."""
        x0, y0, x1, y1 = self.box_mm
        return x0, y0, x1 - x0, y1 - y0

    def around(self, bounds: Box | None) -> Box:
        """``bounds`` (x0, y0, x1, y1; None: nothing) grown to hold the card too: a printed
        plan on a photo is laid on the skin by its card."""
        xs = [x for x, _ in self.card_mm] + ([bounds[0], bounds[2]] if bounds else [])
        ys = [y for _, y in self.card_mm] + ([bounds[1], bounds[3]] if bounds else [])
        return min(xs), min(ys), max(xs), max(ys)


def draw_ground(dwg: svgwrite.Drawing, ground: Ground) -> None:
    """The photo stretched over its box (it is already square on: no perspective left), then
    the card's outline, dashed, and its name above it."""
    x0, y0, x1, y1 = ground.box_mm
    layer = dwg.g(id="photo-ground")
    if ground.href:  # none: the card alone (a stencil; a photo that could not be read)
        image = dwg.image(ground.href, insert=(x0, y0), size=(x1 - x0, y1 - y0))
        image["preserveAspectRatio"] = "none"
        layer.add(image)
    layer.add(dwg.polygon(ground.card_mm, fill="none", stroke=CARD_STROKE, stroke_width=0.5,
                          stroke_dasharray="3 2", class_="card-outline"))
    if ground.reach_mm:
        layer.add(dwg.circle((0, 0), ground.reach_mm, fill="none", stroke=CARD_STROKE,
                             stroke_width=0.4, stroke_dasharray="1.5 2.5", class_="reach"))
        if ground.reach_words:
            layer.add(dwg.text(ground.reach_words, insert=(0, -ground.reach_mm - 1.5),
                               font_size=3.5, fill=CARD_STROKE, text_anchor="middle",
                               class_="reach-words"))
    if ground.card_words:
        left = min(x for x, _ in ground.card_mm)
        top = min(y for _, y in ground.card_mm)
        layer.add(dwg.text(ground.card_words, insert=(left, top - 1.5), font_size=3.5,
                           fill=CARD_STROKE, class_="card-words"))
    dwg.add(layer)
