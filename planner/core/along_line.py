"""Points spaced along a line, with even gaps at its ends.

Used for a ``line`` area's guide line and for the centre line of a narrow area.

>>> from shapely.geometry import LineString
>>> spaced_along(LineString([(0, 0), (0, 50)]), 20, chord=False)[:, 1].tolist()
[5.0, 25.0, 45.0]
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString

Points = NDArray[np.float64]


def spaced_along(line: LineString, spacing: float, *, chord: bool) -> Points:
    """Points every ``spacing`` along a line, with even gaps at its ends.

    With ``chord``, the step along the line grows until consecutive points are also at least
    ``spacing`` apart in a straight line (a curved mid-line would bring them closer): by the
    shortfall, which is enough in a round or two on a gentle bend; where that creeps (the line
    hooks into the corner of a slanted end), by bisection between the last step that was too
    short and the longest one for as many points (the first and last at the line's ends); if
    even that is too short, with one point fewer. The points stay centred on the line, so a line
    drawn the other way gets the same points in reverse order.
    """
    length = float(line.length)

    def spread(count: int, step: float) -> Points:
        offsets = (length - (count - 1) * step) / 2.0 + step * np.arange(count)
        pts: Points = shapely.get_coordinates(shapely.line_interpolate_point(line, offsets))
        return pts

    def shortest(pts: Points) -> float:
        return float(np.hypot(*np.diff(pts, axis=0).T).min())

    step = spacing
    count = math.floor(length / step + 1e-9) + 1
    pts = spread(count, step)
    if not chord:
        return pts
    for grown in range(5):
        if count < 2:
            return pts
        gap = shortest(pts)
        if gap >= spacing - 1e-9:
            return pts
        if grown == 4:
            break
        # A line folding onto itself (gap 0) gets a step longer than itself: one point.
        step *= spacing / max(gap, 1e-9) * (1 + 1e-9)
        count = math.floor(length / step + 1e-9) + 1
        pts = spread(count, step)
    while count >= 2:
        longest = length / (count - 1)
        ends = spread(count, longest)
        if shortest(ends) < spacing - 1e-9:
            count -= 1
            continue
        low, high = min(step, longest), longest
        for _ in range(40):
            middle = (low + high) / 2.0
            if shortest(spread(count, middle)) >= spacing - 1e-9:
                high = middle
            else:
                low = middle
        return spread(count, high)
    return spread(1, 0.0)
