"""A plan's points and areas drawn back on the photo as it was taken (issue 20): each point of
the card's plane (mm) taken to the photo's pixels by the calibration's homography, exactly (a
straight edge of the plane is straight in the photo too, so an area's outline is its corners
taken across).

The markup is a group in the photo's pixels, for an ``<svg viewBox="0 0 width height">`` laid
over the photo. A point's dot and its number are sized by how many pixels a millimetre is where
the point is: nearer the camera, larger, as the skin is.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from planner.core.compute import Result
from planner.drawing.style import POINT_RADIUS_MM, mixture_colours

ToImage = Callable[[ArrayLike], NDArray[np.floating]]
LABEL_MM = 4.0  # a number's height on the skin, to read on any skin [our default]
LEAST_PX = 2.0  # never drawn smaller than this in the photo's pixels


def points_on_photo(result: Result, to_image: ToImage, digits: Callable[[str], str] = str,
                    ) -> str:
    """The plan's areas (outlines) and numbered points in the photo's pixels, as an SVG group
    (``<g class="plan-on-photo">``); points past the plane's horizon are left out.
    ``to_image``: the calibration's, OpenCV's pixels (a pixel's centre at whole numbers), here
    laid as an SVG lays the photo (its centre at + 0.5)."""

    def to_svg(points: ArrayLike) -> NDArray[np.floating]:
        return to_image(points) + 0.5

    xy = np.asarray(result.xy, dtype=np.float64).reshape(-1, 2)
    colours = mixture_colours(result)
    parts = ['<g class="plan-on-photo">']
    for area in result.areas:
        for ring in _rings(area.shape.surface):
            seen = to_svg(ring)
            if np.isfinite(seen).all():
                d = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in seen) + "Z"
                parts.append(f'<path class="area-on-photo" d="{d}"/>')
    if len(xy):
        seen = to_svg(xy)
        scale = _px_per_mm(to_svg, xy)
        for k, point in enumerate(result.points):
            x, y = seen[k]
            if not (np.isfinite(x) and np.isfinite(y)):
                continue
            r = max(LEAST_PX, POINT_RADIUS_MM * scale[k])
            size = max(3 * LEAST_PX, LABEL_MM * scale[k])
            colour = colours.get(point.mixture, colours[None])
            parts.append(
                f'<g class="point-on-photo" data-number="{point.number}">'
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{escape(colour)}"/>'
                f'<text x="{x + 1.4 * r:.1f}" y="{y - 1.4 * r:.1f}" font-size="{size:.1f}">'
                f'{escape(digits(str(point.number)))}</text></g>')
    parts.append("</g>")
    return "".join(parts)


def _rings(surface: shapely.Geometry) -> list[NDArray[np.floating]]:
    """The outer and inner rings of an area's surface (a polygon or several)."""
    rings = []
    for polygon in getattr(surface, "geoms", [surface]):
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        rings.append(np.asarray(polygon.exterior.coords))
        rings.extend(np.asarray(hole.coords) for hole in polygon.interiors)
    return rings


def _px_per_mm(to_image: ToImage, xy: NDArray[np.floating]) -> NDArray[np.floating]:
    """How many of the photo's pixels a millimetre of the plane is at each point (the square
    root of the local areal scale, from a millimetre step each way)."""
    here = to_image(xy)
    across = to_image(xy + np.array([1.0, 0.0])) - here
    down = to_image(xy + np.array([0.0, 1.0])) - here
    area = np.abs(across[:, 0] * down[:, 1] - across[:, 1] * down[:, 0])
    return np.sqrt(np.nan_to_num(area, nan=0.0))
