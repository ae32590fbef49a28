"""The card's plane in a photo: from the markers found, the homography from the plane's
millimetres to the photo's pixels, how far it can be trusted, and the two ways across it.

The fit is least squares over every corner of every marker found (OpenCV's findHomography,
method 0: a linear start refined on the corners' distances in the photo, where their error
is). Not RANSAC: the corners are matched by the markers' ids, so a wrong corner comes with a
whole wrong marker; a marker that does not fit the others is dropped as a whole (if three
remain) and the fit made again.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import ArrayLike, NDArray

from planner.calibration.detect import Found, find_markers, grey
from planner.calibration.errors import CalibrationError
from planner.calibration.layout import CARD, MIN_MARKERS, Card, corners_mm
from planner.calibration.reach import corner_sigma_px, fit_errors

Array = NDArray[np.floating[Any]]

# [our defaults] When a photo is refused, each with its reason:
MIN_CELL_PX = 5.0  # a marker's bit smaller than this (px, its mean side): too small
MAX_BLUR_CELLS = 0.45  # edges blurred over this share of a bit (10-90 %): too blurred...
SHARP_PX = 2.6  # ...unless that is as sharp as pixels go (a sharp photo's edge: 1.5-2.5 px),
# when it is the card that is too small in the photo
MIN_FORESHORTENING = 0.5  # the card shortened to half one way: seen over 60 degrees off square
MAX_RESIDUAL_MM = 0.5  # a corner this far from where the fit puts it: the card is not flat
MAX_SPAN_CHANGE = 0.015  # the card's span between its markers off by 1.5 %: not flat either


@dataclass(frozen=True)
class Calibration:
    """A photo's calibration: the plane of the card, in mm with the origin at the card's
    centre (x to the right and y down as the card is read), and how much it can be trusted.
    Kept as plain numbers (``as_dict``/``from_dict``) to store with the photo."""

    homography: tuple[float, ...]  # 9 numbers, row by row: plane mm -> photo px
    image_size: tuple[int, int]  # width, height in px
    card_id: str
    markers_found: int
    markers_expected: int
    residual_rms_mm: float  # the corners' distance from where the fit puts them
    residual_max_mm: float
    px_per_mm: float  # at the card's centre (the square root of the areal scale)
    foreshortening: float  # at the card's centre: 1 seen square on, 0.5 at some 60 degrees
    blur_mm: float  # the markers' edges' width from 10 % to 90 %, on the card
    card_span_mm: tuple[float, float]  # between the outer corners of the markers, measured
    fit_error_mm: tuple[tuple[float, float], ...]  # (distance from centre, estimated error)
    markers: tuple[tuple[int, tuple[float, ...]], ...]  # (id, its 4 corners' x, y in px)

    @property
    def tilt_deg(self) -> float:
        """The card's tilt from square on, as its foreshortening suggests (an estimate)."""
        return math.degrees(math.acos(min(1.0, self.foreshortening)))

    def matrix(self) -> Array:
        """The homography (3 x 3) from the plane's mm to the photo's px."""
        return np.array(self.homography, dtype=np.float64).reshape(3, 3)

    def to_mm(self, points_px: ArrayLike) -> Array:
        """Photo pixels (N x 2, or one point) to mm on the card's plane (NaN beyond the plane's
        horizon in the photo)."""
        return _through(np.linalg.inv(self.matrix()), points_px)

    def to_image(self, points_mm: ArrayLike) -> Array:
        """Mm on the card's plane (N x 2, or one point) to photo pixels, to draw them."""
        return _through(self.matrix(), points_mm)

    def error_mm(self, distance_mm: float) -> float:
        """The fit's estimated error (mm) at ``distance_mm`` from the card's centre
        (interpolated; inf beyond the last distance estimated). The skin's curve is not in it:
        reach.surface_error_mm."""
        distances, errors = zip(*self.fit_error_mm, strict=True)
        if distance_mm > distances[-1]:
            return math.inf
        return float(np.interp(distance_mm, distances, errors))

    def within_mm(self, limit_mm: float = 1.0) -> float:
        """How far from the card's centre (mm) the fit's estimated error stays within
        ``limit_mm`` (the last distance estimated at most)."""
        reach = 0.0
        for (d0, e0), (d1, e1) in zip(self.fit_error_mm, self.fit_error_mm[1:], strict=False):
            if e1 > limit_mm:
                return reach if e0 > limit_mm else d0 + (d1 - d0) * (limit_mm - e0) / (e1 - e0)
            reach = d1
        return reach

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers, lists and strings, for JSON (an error past the plane's horizon, inf,
        as None: JSON has no infinity)."""
        data = asdict(self)
        data["fit_error_mm"] = [[d, e if math.isfinite(e) else None]
                                for d, e in self.fit_error_mm]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        """A calibration as ``as_dict`` gave it (lists back to tuples)."""
        return cls(
            homography=tuple(float(v) for v in data["homography"]),
            image_size=(int(data["image_size"][0]), int(data["image_size"][1])),
            card_id=str(data["card_id"]), markers_found=int(data["markers_found"]),
            markers_expected=int(data["markers_expected"]),
            residual_rms_mm=float(data["residual_rms_mm"]),
            residual_max_mm=float(data["residual_max_mm"]),
            px_per_mm=float(data["px_per_mm"]), foreshortening=float(data["foreshortening"]),
            blur_mm=float(data["blur_mm"]),
            card_span_mm=(float(data["card_span_mm"][0]), float(data["card_span_mm"][1])),
            fit_error_mm=tuple((float(d), math.inf if e is None else float(e))
                               for d, e in data["fit_error_mm"]),
            markers=tuple((int(i), tuple(float(v) for v in c)) for i, c in data["markers"]))


def calibrate(image: NDArray[np.generic], card: Card = CARD) -> Calibration:
    """The plane of the card in a photo (a numpy array: BGR, BGRA or grey, as OpenCV reads
    it; Pillow's RGB does as well, the markers being black and white), or CalibrationError
    saying why there is none: no card, too few of its markers, seen too small, too blurred or
    too oblique, or not lying flat. The photo is taken as it is: turned upright first (its
    orientation tag applied, as the photo store does)."""
    photo = grey(image)
    found = find_markers(photo, card)
    expected = len(card.marker_ids)
    if not found:
        raise CalibrationError(
            "no_card", "no calibration card found in the photo: is the whole card in the "
            "picture, in focus and lit?", expected=expected)
    _check_seen(found, card)  # too small or blurred: said so, rather than markers missing
    if len(found) < MIN_MARKERS:
        raise CalibrationError(
            "too_few_markers", f"only {len(found)} of the card's {expected} markers found "
            f"(at least {MIN_MARKERS} are needed): is one covered, or out of the picture?",
            found=len(found), expected=expected, needed=MIN_MARKERS)
    matrix, used = _fit_all(found, card)
    card_mm, photo_px = _pairs(used, card)
    back = _through(np.linalg.inv(matrix), photo_px)
    residual = np.hypot(*(back - card_mm).T)
    jacobian = _jacobian(matrix)
    stretch = np.linalg.svd(jacobian, compute_uv=False)
    foreshortening = float(stretch[1] / stretch[0])
    if foreshortening < MIN_FORESHORTENING:
        tilt = math.degrees(math.acos(foreshortening))
        raise CalibrationError(
            "too_oblique", f"the card is seen too obliquely (some {tilt:.0f} degrees off "
            "square): take the photo more square on", tilt_deg=tilt)
    span = _span(used, np.linalg.inv(matrix), card)
    _check_flat(float(residual.max()), span, card)
    px_per_mm = math.sqrt(float(stretch[0] * stretch[1]))
    sigma = corner_sigma_px(photo_px - _through(matrix, card_mm), len(used))
    return Calibration(
        homography=tuple(float(v) for v in matrix.ravel()),
        image_size=(photo.shape[1], photo.shape[0]), card_id=card.card_id,
        markers_found=len(used), markers_expected=expected,
        residual_rms_mm=float(np.sqrt(np.mean(residual ** 2))),
        residual_max_mm=float(residual.max()), px_per_mm=px_per_mm,
        foreshortening=foreshortening, blur_mm=_blur_mm(used, card),
        card_span_mm=span, fit_error_mm=fit_errors(card_mm, photo_px, sigma),
        markers=tuple((f.marker_id, tuple(float(v) for v in f.corners.ravel())) for f in used))


def _check_seen(found: list[Found], card: Card) -> None:
    """Refuse a card seen too small or too blurred for its corners to be measured well."""
    cell_px = min(_cell_px(f) for f in found)
    too_small = CalibrationError(
        "too_small", f"the card is too small in the photo (a marker's square is "
        f"{cell_px:.1f} px, at least {MIN_CELL_PX:g} are needed): come closer",
        cell_px=cell_px, needed_px=MIN_CELL_PX)
    if cell_px < MIN_CELL_PX:
        raise too_small
    blur = _blur_cells(found)
    if math.isfinite(blur) and blur <= MAX_BLUR_CELLS:
        return
    widths = [f.edges.width_px for f in found if f.edges.measured]
    if widths and float(np.median(widths)) <= SHARP_PX:
        raise too_small  # sharp to the pixel: the pixels are too coarse for the card
    raise CalibrationError(
        "too_blurred", "the card is too blurred in the photo: hold still, let the camera "
        "focus on the card, and take it again", blur_cells=blur, limit_cells=MAX_BLUR_CELLS)


def _cell_px(found: Found) -> float:
    """A marker's bit in the photo (px): a sixth of its sides' mean length."""
    return float(np.hypot(*(found.corners - np.roll(found.corners, -1, axis=0)).T).mean() / 6)


def _blur_cells(found: list[Found]) -> float:
    """The median of the markers' edge widths, in bits of their own size."""
    widths = [f.edges.width_px / _cell_px(f) for f in found if f.edges.measured]
    return float(np.median(widths)) if widths else math.nan


def _blur_mm(found: list[Found], card: Card) -> float:
    return _blur_cells(found) * card.cell_mm


def _fit_all(found: list[Found], card: Card) -> tuple[Array, list[Found]]:
    """The fit on every marker; if a marker does not fit the others, the fit without it."""
    matrix = _fit(found, card)
    if len(found) <= MIN_MARKERS or _worst_mm(matrix, found, card)[1] <= MAX_RESIDUAL_MM:
        return matrix, found
    worst = _worst_mm(matrix, found, card)[0]
    rest = [f for f in found if f.marker_id != worst]
    return _fit(rest, card), rest


def _fit(found: list[Found], card: Card) -> Array:
    card_mm, photo_px = _pairs(found, card)
    matrix, _ = cv2.findHomography(card_mm, photo_px, 0)
    if matrix is None or not np.all(np.isfinite(matrix)) or abs(matrix[2, 2]) < 1e-12:
        raise CalibrationError("not_flat", "the card's markers do not lie on one plane")
    return np.asarray(matrix / matrix[2, 2], dtype=np.float64)


def _worst_mm(matrix: Array, found: list[Found], card: Card) -> tuple[int, float]:
    """The marker furthest from the fit, and its largest corner distance (mm)."""
    inverse = np.linalg.inv(matrix)
    far = [(float(np.nanmax(np.hypot(*(_through(inverse, f.corners)
                                       - corners_mm(f.marker_id, card)).T))), f.marker_id)
           for f in found]
    distance, marker = max(far)
    return marker, distance


def _pairs(found: list[Found], card: Card) -> tuple[Array, Array]:
    """Every corner on the card (mm) and in the photo (px), marker after marker."""
    return (np.concatenate([corners_mm(f.marker_id, card) for f in found]),
            np.concatenate([f.corners for f in found]))


def _through(matrix: Array, points: ArrayLike) -> Array:
    """Points through a homography, keeping the shape given (one point or N x 2)."""
    given = np.asarray(points, dtype=np.float64)
    flat = given.reshape(-1, 2)
    h = np.column_stack([flat, np.ones(len(flat))]) @ matrix.T
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(h[:, 2:] > 1e-12, h[:, :2] / h[:, 2:], np.nan)
    return out.reshape(given.shape)


def _jacobian(matrix: Array) -> Array:
    """How the photo's px move with the plane's mm at the card's centre (2 x 2)."""
    m = matrix / matrix[2, 2]
    x, y = m[0, 2], m[1, 2]
    return np.array([[m[0, 0] - x * m[2, 0], m[0, 1] - x * m[2, 1]],
                     [m[1, 0] - y * m[2, 0], m[1, 1] - y * m[2, 1]]])


def _span(found: list[Found], inverse: Array, card: Card) -> tuple[float, float]:
    """The card's span between its markers' outer corners, measured in the photo through the
    fit: across (top or bottom pair) and down (left or right pair), as far as they are seen."""
    corners = {f.marker_id: _through(inverse, f.corners) for f in found}
    tl, tr, br, bl = card.marker_ids
    pairs = {"across": [(tl, 0, tr, 1), (bl, 3, br, 2)], "down": [(tl, 0, bl, 3), (tr, 1, br, 2)]}
    measured = []
    for key in ("across", "down"):
        lengths = [float(np.hypot(*(corners[b][j] - corners[a][i])))
                   for a, i, b, j in pairs[key] if a in corners and b in corners]
        measured.append(float(np.mean(lengths)) if lengths else math.nan)
    return measured[0], measured[1]


def nominal_span_mm(card: Card = CARD) -> tuple[float, float]:
    """The span between the markers' outer corners as printed."""
    return card.width_mm - 2 * card.margin_mm, card.height_mm - 2 * card.margin_mm


def _check_flat(residual_max_mm: float, span: tuple[float, float], card: Card) -> None:
    """Refuse a card whose corners do not sit on one plane as printed (bent over a limb, or
    crumpled): its plane is not the skin's either."""
    change = max(abs(m / n - 1) for m, n in zip(span, nominal_span_mm(card), strict=True)
                 if math.isfinite(m))
    if residual_max_mm > MAX_RESIDUAL_MM or change > MAX_SPAN_CHANGE:
        raise CalibrationError(
            "not_flat", f"the card does not lie flat (its corners are up to "
            f"{residual_max_mm:.1f} mm from one plane): lay it flat, or glue it to card",
            residual_mm=residual_max_mm, span_change=change)
