"""The centre line of a narrow area: where its points go when it is narrower than the spacing.

Lengths are mm in the view's coordinates (x right, y down). The line must move with the area:
drawing the area a micrometre further, or a hundredth of a degree turned, moves the line (and
the points on it) by about as much, and never reverses it. So every step below is a continuous
function of the area's outline, and a rigid motion of the area moves the line rigidly:

- the axis is the area's principal axis of inertia (its second moments of area, exact from its
  rings), not the long side of its minimum rotated rectangle, whose two long sides are equal and
  swap places on rounding noise;
- the axis points the way the numbering runs, a fixed rule (:data:`REFERENCE_DEG`);
- a fixed number of cross-sections (:data:`STATIONS`) spread evenly over the area's extent along
  the axis, so they move with the area instead of starting from a corner every 0.5 mm;
- the ends are continued to the area's extent and pulled in by half the width cut there, as the
  true medial axis of a w-wide rectangle ends w/2 from each short end.

>>> import shapely
>>> line = centre_line(shapely.box(0, 0, 100, 4))
>>> round(line.length, 9), line.coords[0], line.coords[-1]
(96.0, (2.0, 2.0), (98.0, 2.0))
"""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.ops
from numpy.typing import NDArray
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

Vector = NDArray[np.float64]

# The numbering runs along the axis direction d with d . r > 0, where r points REFERENCE_DEG
# below the x axis (clockwise on the drawing, y down): left to right, and top to bottom. A line
# of directions has to flip somewhere; this puts the flip at strips running at 107 degrees (from
# upper right to lower left, 17 degrees off vertical), an angle nobody draws on purpose, rather
# than at 90 or 45 degrees, where vertical and diagonal strips are drawn every day. Strips from
# 107 to 180 degrees are numbered from their lower-left end, left to right.
REFERENCE_DEG = 17.0
# Cross-sections across the axis. Fixed, so that no station appears or vanishes as the area
# grows: 256 stations put them 4 mm apart on a 1 m strip, where the mid-line of a bend of 50 mm
# radius is off its arc by 0.04 mm at most; the whole line takes 2 to 4 ms (a rectangle, or a
# bent strip of 200 vertices).
STATIONS = 256
# Within this relative difference of the second moments, the area has no long axis (a square, a
# disc): the axis is then the x axis, so that such an area is not handed a direction by noise.
ISOTROPIC = 1e-9


def principal_axis(shape: BaseGeometry) -> tuple[Vector, Vector] | None:
    """The centroid of a surface and the unit direction of its long (principal) axis.

    The axis is the direction of the largest second moment of area about the centroid, computed
    exactly from the rings (holes subtracted). It is continuous in the outline wherever the area
    is longer one way than the other. Its sign follows the numbering rule of REFERENCE_DEG.

    >>> import shapely
    >>> centre, along = principal_axis(shapely.box(0, 0, 10, 40))
    >>> centre.tolist(), along.round(12).tolist()
    ([5.0, 20.0], [0.0, 1.0])
    """
    parts = [p for p in shapely.get_parts(shape) if isinstance(p, Polygon) and not p.is_empty]
    if not parts:
        return None
    minx, miny, maxx, maxy = shape.bounds
    # Moments about the middle of the bounds: the same in exact arithmetic, and no cancellation
    # between large coordinates far from the origin (a body map is hundreds of mm wide).
    origin = np.array([(minx + maxx) / 2.0, (miny + maxy) / 2.0])
    total = np.zeros(6)
    for part in parts:
        for k, ring in enumerate([part.exterior, *part.interiors]):
            moments = _ring_moments(np.asarray(ring.coords) - origin)
            # Whatever the winding, the outline adds its surface and a hole takes it away.
            sign = math.copysign(1.0, moments[0]) * (1.0 if k == 0 else -1.0)
            total += sign * moments
    area, sx, sy, sxx, syy, sxy = total
    if not area > 0:
        return None
    cx, cy = sx / area, sy / area
    cxx, cyy, cxy = sxx / area - cx * cx, syy / area - cy * cy, sxy / area - cx * cy
    if abs(cxx - cyy) <= ISOTROPIC * (cxx + cyy) and abs(cxy) <= ISOTROPIC * (cxx + cyy):
        theta = 0.0
    else:
        theta = 0.5 * math.atan2(2.0 * cxy, cxx - cyy)
    along = np.array([math.cos(theta), math.sin(theta)])
    reference = math.radians(REFERENCE_DEG)
    if along[0] * math.cos(reference) + along[1] * math.sin(reference) < 0:
        along = -along
    return origin + np.array([cx, cy]), along


def _ring_moments(xy: Vector) -> Vector:
    """Signed area, first and second moments (x, y, xx, yy, xy) of a closed ring (Green)."""
    x0, y0 = xy[:-1, 0], xy[:-1, 1]
    x1, y1 = xy[1:, 0], xy[1:, 1]
    cross = x0 * y1 - x1 * y0
    return np.array([
        cross.sum() / 2.0,
        ((x0 + x1) * cross).sum() / 6.0,
        ((y0 + y1) * cross).sum() / 6.0,
        ((x0 * x0 + x0 * x1 + x1 * x1) * cross).sum() / 12.0,
        ((y0 * y0 + y0 * y1 + y1 * y1) * cross).sum() / 12.0,
        ((x0 * y1 + 2.0 * x0 * y0 + 2.0 * x1 * y1 + x1 * y0) * cross).sum() / 24.0,
    ])


def centre_line(shape: BaseGeometry) -> LineString | None:
    """The mid-line of an elongated surface, running the way its points are numbered.

    Each of STATIONS cuts across the principal axis gives the middle of its longest piece (a cut
    may cross a hole or two parts); the line joins those middles, is continued straight on to
    the surface's extent along the axis and pulled in at each end by half the width cut there.
    A surface too short for that gets a line of no length at the point where the two ends
    meet. None when the surface has no area.
    """
    axis = principal_axis(shape)
    if axis is None:
        return None
    centre, along = axis
    across = np.array([-along[1], along[0]])
    # Cut in the frame of the centroid: the same cuts wherever the area lies on the map, and
    # GEOS gets no coordinate so close to zero that it loses precision (1e-308 mm did).
    local = shapely.transform(shape, lambda xy: xy - centre)
    xy = shapely.get_coordinates(local)
    t, s = xy @ along, xy @ across
    t_min, t_max = float(t.min()), float(t.max())
    if not t_max > t_min:
        return None
    # Stations spread over the open extent (its two ends touch the outline in a point at most).
    stations = np.linspace(t_min, t_max, STATIONS + 2)[1:-1]
    feet = stations[:, None] * along
    # Each cut reaches 1 mm past the surface on both sides.
    ends = np.stack([feet + (float(s.min()) - 1.0) * across,
                     feet + (float(s.max()) + 1.0) * across], axis=1)
    cuts = shapely.intersection(shapely.linestrings(ends), local)
    station, mids, widths = _longest_pieces(cuts)
    if len(mids) < 2:
        return None
    # Every middle projects onto the axis at its own station, so the line never folds back.
    # Its first and last segments are continued to the extent (t_min, t_max): straight on, not
    # along the axis, so that a tapering end (a crescent's horn) leads into its tip instead of
    # passing beside it, outside the area.
    t = stations[station]
    start = mids[0] + (mids[0] - mids[1]) * (t[0] - t_min) / (t[1] - t[0])
    end = mids[-1] + (mids[-1] - mids[-2]) * (t_max - t[-1]) / (t[-1] - t[-2])
    line = LineString(np.vstack([start, mids, end]) + centre)
    pull_start, pull_end = widths[0] / 2.0, widths[-1] / 2.0
    length = float(line.length)
    if length <= pull_start + pull_end:
        # The two pulled-in ends meet: where they would cross, so the point moves continuously.
        meet = line.interpolate(length * pull_start / (pull_start + pull_end))
        return LineString([meet, meet])
    substring: LineString = shapely.ops.substring(line, pull_start, length - pull_end)
    return substring


def _longest_pieces(cuts: NDArray[np.object_]) -> tuple[NDArray[np.int64], Vector, Vector]:
    """For the cuts that cross the surface: their index, the middle and length of the longest
    piece of each (vectorised: one pass over all pieces, no loop over stations)."""
    pieces, index = shapely.get_parts(cuts, return_index=True)
    keep = shapely.get_type_id(pieces) == 1  # LineStrings: a cut touching a vertex adds Points
    pieces, index = pieces[keep], index[keep]
    lengths = shapely.length(pieces)
    keep = lengths > 0
    pieces, index, lengths = pieces[keep], index[keep], lengths[keep]
    if not len(pieces):
        return np.empty(0, dtype=np.int64), np.empty((0, 2)), np.empty(0)
    # Longest first within each cut, then the first row of each cut.
    order = np.lexsort((-lengths, index))
    index, pieces, lengths = index[order], pieces[order], lengths[order]
    first = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
    chosen = pieces[first]
    # A piece of a straight cut is straight: its middle is halfway between its ends.
    start = shapely.get_coordinates(shapely.get_point(chosen, 0))
    end = shapely.get_coordinates(shapely.get_point(chosen, -1))
    return index[first].astype(np.int64), (start + end) / 2.0, lengths[first]


__all__ = ["REFERENCE_DEG", "STATIONS", "centre_line", "principal_axis"]
