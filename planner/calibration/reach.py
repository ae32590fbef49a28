"""How far from the card the plane's measure holds: two estimates, labelled as such.

1. **The fit** (``fit_errors``): the markers' corners are measured to a fraction of a pixel;
   the plane found from them is right on the card and less so away from it, the more so the
   smaller and the more oblique the card is in the photo. The corners' scatter is read from the
   fit's own residual (never below ``SIGMA_FLOOR_PX``), and carried to points of the plane at
   each distance from the card's centre by the fit's sensitivity (a linearisation: each
   corner moved a little, the plane fitted again). The figure given is the largest over the
   directions round the card of a 95 % bound (2.45 standard deviations of the worse axis).
   It grows about as the square of the distance in card widths.
2. **The skin** (``surface_error_mm``): the skin is a plane only near the card. On a limb,
   across it, the skin curves away from the card's plane, and a distance measured on the
   plane falls short of the same distance along the skin. Modelled as a cylinder of radius
   ``radius_mm`` with the card laid on it, seen square on from ``camera_mm``. Along the limb's
   length the plane holds; across it, this error soon dominates the fit's. We cannot measure
   the limb's curve from one photo: the page says so, with figures for typical radii.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]

SIGMA_FLOOR_PX = 0.1  # [our default] corners are never trusted beyond a tenth of a pixel
BOUND_95 = 2.45  # sqrt of chi-squared(2 degrees of freedom, 95 %)
DISTANCES_MM = (0.0, 25.0, 50.0, 75.0, 100.0, 150.0, 200.0)
DIRECTIONS = 16
NUDGE_PX = 0.05  # each corner's step for the sensitivity (the fit is linear at this scale)


def dlt(source: Array, target: Array) -> Array:
    """The homography from ``source`` to ``target`` points (N x 2, N >= 4) by the normalised
    direct linear transform: the least-squares fit that OpenCV's own starts from."""
    ts, tt = _normaliser(source), _normaliser(target)
    s = _apply(ts, source)
    t = _apply(tt, target)
    n = len(s)
    a = np.zeros((2 * n, 9))
    a[0::2, 0:2], a[0::2, 2] = s, 1
    a[0::2, 6:8], a[0::2, 8] = -t[:, :1] * s, -t[:, 0]
    a[1::2, 3:5], a[1::2, 5] = s, 1
    a[1::2, 6:8], a[1::2, 8] = -t[:, 1:] * s, -t[:, 1]
    h = np.linalg.svd(a)[2][-1].reshape(3, 3)
    m = np.linalg.inv(tt) @ h @ ts
    return np.asarray(m / m[2, 2], dtype=np.float64)


def _normaliser(points: Array) -> Array:
    """Hartley's normalisation: the points' centroid to the origin, mean distance sqrt(2)."""
    centre = points.mean(axis=0)
    scale = math.sqrt(2) / max(float(np.hypot(*(points - centre).T).mean()), 1e-12)
    return np.array([[scale, 0, -scale * centre[0]], [0, scale, -scale * centre[1]],
                     [0, 0, 1.0]])


def _apply(m: Array, points: Array) -> Array:
    """Points (N x 2) through a homography; NaN where they fall on or behind its horizon."""
    h = np.column_stack([points, np.ones(len(points))]) @ m.T
    w = h[:, 2:]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(w > 1e-12, h[:, :2] / w, np.nan)


def corner_sigma_px(residual_px: Array, markers: int) -> float:
    """The corners' scatter (px) from the fit's residuals (N x 2): their root mean square
    with the fit's 8 parameters taken off the degrees of freedom, never below the floor."""
    dof = max(residual_px.size - 8, 1)
    return max(math.sqrt(float(np.sum(residual_px ** 2)) / dof), SIGMA_FLOOR_PX)


def fit_errors(card_mm: Array, photo_px: Array, sigma_px: float,
               distances_mm: tuple[float, ...] = DISTANCES_MM) -> tuple[tuple[float, float], ...]:
    """(distance from the card's centre in mm, estimated error of a point there in mm) for
    each distance: the fit's own uncertainty, for corners scattered by ``sigma_px``."""
    to_photo = dlt(card_mm, photo_px)
    angles = np.linspace(0, 2 * math.pi, DIRECTIONS, endpoint=False)
    ring = np.column_stack([np.cos(angles), np.sin(angles)])
    plane = np.concatenate([d * ring for d in distances_mm])
    seen = _apply(to_photo, plane)  # where those points of the plane are in the photo
    back = _apply(np.linalg.inv(to_photo), seen)
    jacobian = np.empty((len(plane), 2, photo_px.size))
    for k in range(photo_px.size):
        moved = photo_px.copy()
        moved.flat[k] += NUDGE_PX
        again = np.linalg.inv(dlt(card_mm, moved))
        jacobian[:, :, k] = (_apply(again, seen) - back) / NUDGE_PX
    covariance = sigma_px ** 2 * jacobian @ jacobian.transpose(0, 2, 1)
    bad = ~np.isfinite(covariance).all(axis=(1, 2)) | np.isnan(seen).any(axis=1)
    covariance[bad] = 0.0  # beyond the plane's horizon in the photo: no estimate
    worst = np.where(bad, np.inf, np.linalg.eigvalsh(covariance)[:, -1])
    errors = BOUND_95 * np.sqrt(worst).reshape(len(distances_mm), DIRECTIONS).max(axis=1)
    return tuple((float(d), float(e)) for d, e in zip(distances_mm, errors, strict=True))


def surface_error_mm(distance_mm: float, radius_mm: float, camera_mm: float = 400.0) -> float:
    """How much shorter than ``distance_mm`` along the skin, across a limb of ``radius_mm``,
    the same stretch measures on the card's plane in a photo taken square on from
    ``camera_mm`` (the card laid along the limb, the distance from its centre line).

    The point at arc length s lies R sin(s/R) from the card's centre line and R (1 - cos(s/R))
    below its plane; a camera at distance D sees it where the plane has R sin(s/R) D /
    (D + depth). An estimate: no limb is a cylinder.

    >>> round(surface_error_mm(25, 50), 1), round(surface_error_mm(50, 50), 1)
    (1.4, 10.2)
    >>> round(surface_error_mm(50, 80), 1), surface_error_mm(0, 50)
    (4.9, 0.0)
    """
    if distance_mm <= 0:
        return 0.0
    angle = min(distance_mm / radius_mm, math.pi / 2)  # beyond a quarter turn it is not seen
    across = radius_mm * math.sin(angle)
    depth = radius_mm * (1 - math.cos(angle))
    return distance_mm - across * camera_mm / (camera_mm + depth)
