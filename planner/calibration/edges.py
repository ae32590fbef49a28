"""A marker's corners measured again from its four outer edges, and how blurred the edges are.

ArUco's sub-pixel refinement (``CORNER_REFINE_SUBPIX``) looks at a small window round each
corner, where blur rounds the corner off and pulls it inwards: 0.3-0.8 px on the synthetic
photos of tests/calibration. Here each outer edge of the black border is measured along its
middle 60 % (away from the rounded corners), on profiles across it: an edge is where the
profile's area says a sharp step would be, a measure that a symmetric blur does not move. A
straight line is fitted to each edge's points (a straight edge on the plane stays straight in
the photo) and the corners are where the lines meet. The same profiles give the edge's width
from 10 % to 90 % of its contrast: the blur.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]

REACH_CELLS = 0.6  # the profiles reach this far either side (cells): within the black border
STEP_PX = 0.25  # the profiles' sampling step
SPAN = (0.2, 0.8)  # the stretch of each edge that is measured (away from the corners)
MIN_POINTS = 5  # an edge measured at fewer points keeps ArUco's corners
MOST_MOVE_CELLS = 0.6  # a corner measured this far (cells) from ArUco's is still the marker's


@dataclass(frozen=True)
class Edges:
    """A marker's corners from its edges, its edges' blur and contrast."""

    corners: Array  # 4 x 2, pixels, in ArUco's order
    width_px: float  # the edges' width from 10 % to 90 % of the contrast (median)
    contrast: float  # grey levels from the black border to the white around it (median)
    measured: bool  # False: the edges could not be measured, ArUco's corners kept


def refine(grey: NDArray[np.uint8], corners: Array) -> Edges:
    """The corners of one marker (4 x 2 pixels, ArUco's order) measured from its edges."""
    centre = corners.mean(axis=0)
    lines: list[tuple[Array, Array]] = []
    widths: list[float] = []
    contrasts: list[float] = []
    for i in range(4):
        a, b = corners[i], corners[(i + 1) % 4]
        # The black border is a cell thick across this edge: a sixth of the edges beside it.
        across = (np.hypot(*(corners[i] - corners[i - 1]))
                  + np.hypot(*(corners[(i + 2) % 4] - corners[(i + 1) % 4]))) / 12
        found = _edge(grey, a, b, centre, float(across))
        if found is None:
            return Edges(corners.copy(), *_fallback(widths, contrasts), measured=False)
        points, width, contrast = found
        lines.append(_line(points))
        widths.append(width)
        contrasts.append(contrast)
    refined = np.array([_meet(lines[(i - 1) % 4], lines[i]) for i in range(4)])
    # ArUco's own corner can be a few px off (noise and JPEG at a corner): the edges' meeting
    # point is kept if it moved less than most of a cell (a marker is 6 cells across), never
    # more (then the edges found are not the marker's).
    cell = float(np.mean(np.hypot(*(corners - np.roll(corners, 1, axis=0)).T))) / 6
    if not np.all(np.isfinite(refined)) or np.abs(refined - corners).max() > max(
            3.0, MOST_MOVE_CELLS * cell):
        return Edges(corners.copy(), *_fallback(widths, contrasts), measured=False)
    return Edges(refined, float(np.median(widths)), float(np.median(contrasts)), measured=True)


def _fallback(widths: list[float], contrasts: list[float]) -> tuple[float, float]:
    return (float(np.median(widths)) if widths else float("nan"),
            float(np.median(contrasts)) if contrasts else 0.0)


def _edge(grey: NDArray[np.uint8], a: Array, b: Array, centre: Array, cell_px: float
          ) -> tuple[Array, float, float] | None:
    """Points of the edge from ``a`` to ``b`` (N x 2), its 10-90 % width and its contrast."""
    along = b - a
    length = float(np.hypot(*along))
    if length < 8:
        return None
    d = along / length
    n = np.array([-d[1], d[0]])
    if np.dot((a + b) / 2 - centre, n) < 0:
        n = -n  # the normal points out of the marker: from black to white
    reach = REACH_CELLS * cell_px
    t = np.arange(-reach, reach + STEP_PX / 2, STEP_PX)
    s = np.linspace(SPAN[0] * length, SPAN[1] * length, max(MIN_POINTS, int(length * 0.6)))
    xy = a + s[:, None, None] * d + t[None, :, None] * n  # (edge points, profile, 2)
    # Only the patch round the edge, in floating point (not the whole 12 MP photo).
    x0, y0 = (max(0, int(np.floor(xy[..., k].min())) - 2) for k in (0, 1))
    x1 = min(grey.shape[1], int(np.ceil(xy[..., 0].max())) + 3)
    y1 = min(grey.shape[0], int(np.ceil(xy[..., 1].max())) + 3)
    if x1 <= x0 or y1 <= y0:
        return None
    patch = grey[y0:y1, x0:x1].astype(np.float32)
    profiles = cv2.remap(patch, (xy[..., 0] - x0).astype(np.float32),
                         (xy[..., 1] - y0).astype(np.float32), cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE).astype(np.float64)
    ends = max(2, len(t) // 6)
    dark = profiles[:, :ends].mean(axis=1)
    light = profiles[:, -ends:].mean(axis=1)
    contrast = light - dark
    good = contrast > max(8.0, 0.3 * float(np.median(contrast)))
    if good.sum() < MIN_POINTS:
        return None
    f = (profiles[good] - dark[good, None]) / contrast[good, None]
    # A step at t0 on [-reach, reach] has the area reach - t0 under it: the area gives t0.
    t0 = reach - np.trapezoid(f, t, axis=1)
    inside = np.abs(t0) < reach / 2
    if inside.sum() < MIN_POINTS:
        return None
    points = a + s[good][inside, None] * d + t0[inside, None] * n
    return points, _width(f[inside], t, t0[inside]), float(np.median(contrast[good]))


def _width(f: Array, t: Array, t0: Array) -> float:
    """The 10-90 % width of the edge's profiles laid on each other at their edges."""
    mean = np.mean([np.interp(t, t - shift, row) for row, shift in zip(f, t0, strict=True)],
                   axis=0)
    mean = np.maximum.accumulate(np.clip(mean, 0, 1))
    low, high = np.interp([0.1, 0.9], mean + np.arange(len(mean)) * 1e-9, t)
    return float(high - low)


def _line(points: Array) -> tuple[Array, Array]:
    """The straight line nearest to the points (total least squares): a point and direction."""
    centre = points.mean(axis=0)
    _, _, vt = np.linalg.svd(points - centre)
    return centre, vt[0]


def _meet(first: tuple[Array, Array], second: tuple[Array, Array]) -> Array:
    """Where two lines cross (inf if parallel)."""
    (p, u), (q, v) = first, second
    m = np.column_stack([u, -v])
    if abs(np.linalg.det(m)) < 1e-9:
        return np.full(2, np.inf)
    k = np.linalg.solve(m, q - p)
    return np.asarray(p + k[0] * u, dtype=np.float64)
