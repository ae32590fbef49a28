"""Synthetic photos of the calibration card with a known truth: the card (drawn from its layout
at high resolution) lying on a textured, skin-coloured plane, seen by a pinhole camera from a
known pose (tilt, a phone turned any way, distance), then blurred, lit unevenly, noisy and
JPEG-compressed. ``View.homography`` maps the plane's mm to the photo's pixels exactly, so any
point of the plane can be checked against what the calibration recovers.

Pixel coordinates follow OpenCV: the centre of pixel (i, j) is at (i, j).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from planner.calibration.layout import CARD, Card, marker_origin_mm, white_cells

SKIN_BGR = (118.0, 146.0, 196.0)  # a light skin tone under warm light
PAPER = 232.0  # a printed card's white is not the sensor's white
INK = 28.0


@dataclass(frozen=True)
class View:
    """Where the camera is, relative to the plane (the card's centre is the plane's origin)."""

    tilt_deg: float = 0.0  # between the camera's axis and the plane's normal
    tilt_axis_deg: float = 0.0  # the axis of the tilt, in the plane
    roll_deg: float = 0.0  # the card turned in the photo (a phone held any way: 90, 180...)
    px_per_mm: float = 5.0  # at the card's centre, were it seen square on
    focal: float = 0.9  # the focal length in units of the photo's long side (a phone: ~0.75)
    centre: tuple[float, float] = (0.5, 0.5)  # the card's centre, fractions of width, height
    size: tuple[int, int] = (1500, 1125)  # the photo's width and height in pixels

    def homography(self) -> np.ndarray:
        """The plane's mm (x right, y down on the card) to the photo's pixels."""
        w, h = self.size
        f = self.focal * max(w, h)
        k = np.array([[f, 0, (w - 1) / 2], [0, f, (h - 1) / 2], [0, 0, 1.0]])
        axis = math.radians(self.tilt_axis_deg)
        tilt, _ = cv2.Rodrigues(np.array([math.cos(axis), math.sin(axis), 0.0])
                                * math.radians(self.tilt_deg))
        roll, _ = cv2.Rodrigues(np.array([0.0, 0.0, math.radians(self.roll_deg)]))
        rotation = roll @ tilt
        distance = f / self.px_per_mm
        u, v = self.centre[0] * (w - 1), self.centre[1] * (h - 1)
        t = distance * np.linalg.inv(k) @ np.array([u, v, 1.0])
        m = k @ np.column_stack([rotation[:, 0], rotation[:, 1], t])
        return m / m[2, 2]


@dataclass(frozen=True)
class Look:
    """What the camera and the light do to the picture."""

    blur_px: float = 0.0  # Gaussian sigma
    noise: float = 0.0  # Gaussian sigma in grey levels
    light: tuple[float, float] = (1.0, 1.0)  # brightness from one side of the photo to the other
    light_angle_deg: float = 0.0
    jpeg: int | None = None  # quality, or no compression


def card_raster(px_per_mm: float, card: Card = CARD, covered: tuple[int, ...] = (),
                moved: tuple[tuple[int, float, float], ...] = ()
                ) -> tuple[np.ndarray, np.ndarray]:
    """The card as a grey image at ``px_per_mm`` (the markers exact to the pixel's area) and
    its shape (1 on the card, rounded corners cut); ``covered`` markers hidden under a
    skin-coloured patch (a finger); ``moved`` markers (id, dx, dy in mm) printed off their
    places (a card bent or crumpled there)."""
    k = px_per_mm
    w, h = round(card.width_mm * k), round(card.height_mm * k)
    grey = np.full((h, w), PAPER, np.float32)
    shifts = {marker_id: (dx, dy) for marker_id, dx, dy in moved}
    for marker_id in card.marker_ids:
        x, y = marker_origin_mm(marker_id, card)
        dx, dy = shifts.get(marker_id, (0.0, 0.0))
        x, y = x + dx, y + dy
        _box(grey, k, x, y, card.marker_mm, card.marker_mm, INK)
        c = card.cell_mm
        for row, col in white_cells(marker_id):
            _box(grey, k, x + (col + 1) * c, y + (row + 1) * c, c, c, PAPER)
    # The ruler and the words: dark marks near the markers, as on the printed card.
    start = (card.width_mm - card.ruler_mm) / 2
    base = card.height_mm - card.margin_mm
    for i in range(card.ruler_mm + 1):
        length = 3.5 if i % 10 == 0 else 1.5
        _box(grey, k, start + i - 0.075, base - length, 0.15, length, INK)
    for line, (y, width) in enumerate(((7.0, 30.0), (11.0, 36.0), (24.0, 70.0), (27.0, 60.0))):
        _box(grey, k, (card.width_mm - width) / 2, y, width, 1.6 if line < 2 else 1.2, 90.0)
    shape = np.zeros((h, w), np.float32)
    r = round(card.corner_radius_mm * k)
    cv2.rectangle(shape, (r, 0), (w - 1 - r, h - 1), 1.0, -1)
    cv2.rectangle(shape, (0, r), (w - 1, h - 1 - r), 1.0, -1)
    for cx, cy in ((r, r), (w - 1 - r, r), (r, h - 1 - r), (w - 1 - r, h - 1 - r)):
        cv2.circle(shape, (cx, cy), r, 1.0, -1)
    for marker_id in covered:
        x, y = marker_origin_mm(marker_id, card)
        shape[max(0, round((y - 2) * k)):round((y + card.marker_mm + 2) * k),
              max(0, round((x - 2) * k)):round((x + card.marker_mm + 2) * k)] = 0.0
    return grey, shape


def _box(image: np.ndarray, k: float, x: float, y: float, w: float, h: float,
         value: float) -> None:
    """Paint a rectangle given in mm; its edge pixels weighted by the share they cover."""
    x0, y0, x1, y1 = x * k, y * k, (x + w) * k, (y + h) * k
    for j in range(max(0, math.floor(y0)), min(image.shape[0], math.ceil(y1))):
        wy = min(j + 1, y1) - max(j, y0)
        i0, i1 = max(0, math.floor(x0)), min(image.shape[1], math.ceil(x1))
        cols = np.arange(i0, i1)
        wx = np.minimum(cols + 1, x1) - np.maximum(cols, x0)
        share = (wx * wy).astype(np.float32)
        image[j, i0:i1] = image[j, i0:i1] * (1 - share) + value * share


def skin(seed: int, size: int = 600, px_per_mm: float = 2.0) -> tuple[np.ndarray, float]:
    """A skin-like texture (BGR float) of the plane around the card, and its px per mm."""
    rng = np.random.default_rng(seed)
    broad = cv2.GaussianBlur(rng.normal(0, 1, (size, size)).astype(np.float32), (0, 0), 25)
    fine = cv2.GaussianBlur(rng.normal(0, 1, (size, size)).astype(np.float32), (0, 0), 0.8)
    broad *= 12 / max(float(broad.std()), 1e-6)
    fine *= 5 / max(float(fine.std()), 1e-6)
    texture = np.stack([SKIN_BGR[c] + broad + fine for c in range(3)], axis=-1)
    return texture.astype(np.float32), px_per_mm


def photo(view: View, look: Look = Look(), *, seed: int = 0, covered: tuple[int, ...] = (),
          card: Card | None = CARD, scale: float = 1.0,
          moved: tuple[tuple[int, float, float], ...] = ()) -> np.ndarray:
    """The photo (BGR, uint8) of ``card`` on skin as ``view`` sees it and ``look`` spoils it;
    no card at all if ``card`` is None; ``scale`` the card as printed (1: exact)."""
    w, h = view.size
    texture, k = skin(seed)
    n = texture.shape[0]
    from_texture = np.array([[1 / k, 0, -(n - 1) / 2 / k], [0, 1 / k, -(n - 1) / 2 / k],
                             [0, 0, 1]])
    image = cv2.warpPerspective(texture, view.homography() @ from_texture, (w, h),
                                flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    if card is not None:
        # The card at twice the photo's pixels, then each pixel the mean of its four: the
        # markers' edges as a sensor sees them, not aliased.
        fine = np.array([[2, 0, 0.5], [0, 2, 0.5], [0, 0, 1.0]])
        kc = max(16.0, 2.5 * view.px_per_mm)
        grey, shape = card_raster(kc, card, covered, moved)
        centre = np.array([[1, 0, -card.width_mm / 2], [0, 1, -card.height_mm / 2], [0, 0, 1]])
        printed = np.diag([scale, scale, 1.0])  # a card printed at the wrong scale
        from_card = printed @ centre @ np.array([[1 / kc, 0, 0.5 / kc], [0, 1 / kc, 0.5 / kc],
                                                 [0, 0, 1]])
        m = fine @ view.homography() @ from_card
        seen = cv2.warpPerspective(grey, m, (2 * w, 2 * h), flags=cv2.INTER_LINEAR)
        alpha = cv2.warpPerspective(shape, m, (2 * w, 2 * h), flags=cv2.INTER_LINEAR)
        seen = cv2.resize(seen, (w, h), interpolation=cv2.INTER_AREA)[..., None]
        alpha = cv2.resize(alpha, (w, h), interpolation=cv2.INTER_AREA)[..., None]
        image = image * (1 - alpha) + seen * alpha
    return spoil(image, look, seed)


def spoil(image: np.ndarray, look: Look, seed: int) -> np.ndarray:
    """Uneven light, optical blur, sensor noise and JPEG, in that order."""
    h, w = image.shape[:2]
    a = math.radians(look.light_angle_deg)
    xs = (np.arange(w, dtype=np.float32) - w / 2) * math.cos(a)
    ys = (np.arange(h, dtype=np.float32) - h / 2) * math.sin(a)
    along = ys[:, None] + xs[None, :]
    along = (along - along.min()) / max(float(along.max() - along.min()), 1.0)
    lo, hi = look.light
    image = image * (lo + (hi - lo) * along)[..., None]
    if look.blur_px > 0:
        image = cv2.GaussianBlur(image, (0, 0), look.blur_px)
    if look.noise > 0:
        noise = np.random.default_rng(seed + 1).standard_normal(image.shape, np.float32)
        image = image + look.noise * noise
    out = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    if look.jpeg is not None:
        ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, look.jpeg])
        assert ok
        out = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return out


def on_plane(view: View, points_mm: np.ndarray) -> np.ndarray:
    """Where points of the plane (N x 2, mm) are in the photo (N x 2, pixels)."""
    return cv2.perspectiveTransform(points_mm.reshape(-1, 1, 2).astype(np.float64),
                                    view.homography()).reshape(-1, 2)


def ring(radius_mm: float, count: int = 8) -> np.ndarray:
    """Points of the plane at ``radius_mm`` from the card's centre, all around it."""
    angles = np.linspace(0, 2 * math.pi, count, endpoint=False)
    return np.column_stack([radius_mm * np.cos(angles), radius_mm * np.sin(angles)])
