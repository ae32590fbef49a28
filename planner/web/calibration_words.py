"""A photo's calibration in the reader's language: why a photo has no scale (each reason of
planner/calibration's CalibrationError, with its numbers), and how far a calibrated photo can
be trusted. For the pages that show photos; not a blueprint, so any of them may use it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import gettext

from planner.calibration.errors import CalibrationError
from planner.calibration.plane import Calibration
from planner.calibration.reach import surface_error_mm
from planner.models import Photo
from planner.web.i18n import format_decimal

# [our examples] The skin's curve a photo's page shows figures for: typical limbs' radii (mm),
# at these distances from the card (mm). An estimate: no limb is a cylinder (reach.py).
LIMB_RADII_MM = (40, 60, 80)
SURFACE_DISTANCES_MM = (25, 50, 75)
WITHIN_MM = 1.0  # the error a clinician can work with, said as a reach from the card


def _(text: str, **values: object) -> str:
    """Flask-Babel's gettext, typed as what it gives: text."""
    return str(gettext(text, **values))


def refusal(error: CalibrationError) -> str:
    """Why the photo gives no scale, and what to do about it."""
    n = error.numbers
    words = {
        "no_card": _("No calibration card found in the photo: is the whole card in the "
                     "picture, in focus and lit?"),
        "too_few_markers": _("Only %(found)s of the card's %(expected)s markers were found "
                             "(%(needed)s are needed): is one covered, or out of the picture?",
                             found=int(n.get("found", 0)), expected=int(n.get("expected", 4)),
                             needed=int(n.get("needed", 3))),
        "two_cards": _("Two calibration cards are in the photo: keep one in the picture."),
        "too_small": _("The card is too small in the photo: come closer, or take the photo "
                       "at a higher resolution."),
        "too_blurred": _("The card is too blurred in the photo: hold still, let the camera "
                         "focus on the card, and take it again."),
        "too_oblique": _("The card is seen too obliquely (some %(tilt)s degrees off square): "
                         "take the photo more square on.",
                         tilt=format_decimal(n.get("tilt_deg", 0), 0)),
        "not_flat": _("The card does not lie flat (its corners are up to %(mm)s mm off one "
                      "plane): lay it flat, or glue it to card.",
                      mm=format_decimal(n.get("residual_mm", 0), 1)),
        "bad_image": _("This file is not a photo that can be read."),
    }
    return words.get(error.reason, error.message)


def confidence(found: Calibration) -> list[str]:
    """How far a calibrated photo can be trusted, line by line: the markers, the residual, and
    the fit's estimated error away from the card (the skin's curve is not in it)."""
    lines = [
        _("Calibration card: %(found)s of %(expected)s markers found.",
          found=found.markers_found, expected=found.markers_expected),
        _("Residual on the card: %(rms)s mm (largest %(max)s mm).",
          rms=format_decimal(found.residual_rms_mm, 2),
          max=format_decimal(found.residual_max_mm, 2)),
    ]
    estimates = "; ".join(
        _("%(error)s mm at %(distance)s mm", error=_mm(found.error_mm(d)),
          distance=format_decimal(d, 0)) for d in (50, 100))
    lines.append(_("Estimated error of the plane away from the card: %(estimates)s. On a "
                   "curved limb, add the skin's curve: the plane is right only near the card.",
                   estimates=estimates))
    return lines


def _mm(value: float) -> str:
    """A distance in mm to one decimal, or "?" where the fit gives no estimate."""
    return format_decimal(value, 1) if math.isfinite(value) else "?"


def _mm_unit(value: float) -> str:
    return _("%(mm)s mm", mm=_mm(value))


def within(found: Calibration, limit_mm: float = WITHIN_MM) -> str:
    """How far from the card the fit's estimated error stays within ``limit_mm``."""
    reach = found.within_mm(limit_mm)
    furthest = found.fit_error_mm[-1][0]
    if reach >= furthest:
        return _("The fit's estimated error stays within %(limit)s mm as far as it is "
                 "estimated, %(mm)s mm from the card's centre.",
                 limit=format_decimal(limit_mm, 0), mm=format_decimal(furthest, 0))
    return _("The fit's estimated error stays within %(limit)s mm up to %(mm)s mm from the "
             "card's centre.", limit=format_decimal(limit_mm, 0), mm=format_decimal(reach, 0))


def limb_names() -> dict[int, str]:
    """Each radius of ``LIMB_RADII_MM`` with the limb it is typical of."""
    return {40: _("%(radius)s mm, a forearm", radius=format_decimal(40, 0)),
            60: _("%(radius)s mm, a knee", radius=format_decimal(60, 0)),
            80: _("%(radius)s mm, a thigh", radius=format_decimal(80, 0))}


@dataclass(frozen=True)
class ScaleFacts:
    """What a photo's page says of its scale: found (``plane``, with the confidence's lines),
    refused (``refusal``: why), or never looked for (neither)."""

    plane: Calibration | None = None
    fact: str = ""  # the Scale line of the photo's facts
    lines: list[str] = field(default_factory=list)
    within: str = ""
    refusal: str = ""
    # The skin's curve: (limb's radius in words, the errors at SURFACE_DISTANCES_MM; beyond
    # a quarter turn round the limb the skin is out of the camera's sight).
    curve: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def looked_for(self) -> bool:
        return self.plane is not None or bool(self.refusal)


def scale_facts(photo: Photo) -> ScaleFacts:
    """A photo's scale in the reader's language."""
    plane = photo.plane
    if plane is not None:
        names = limb_names()
        curve = [(names[radius],
                  [_mm_unit(surface_error_mm(d, radius)) if d <= radius * math.pi / 2
                   else _("out of sight") for d in SURFACE_DISTANCES_MM])
                 for radius in LIMB_RADII_MM]
        fact = _("calibrated: %(px)s px per mm, largest residual %(mm)s mm",
                 px=format_decimal(plane.px_per_mm, 1),
                 mm=format_decimal(plane.residual_max_mm, 2))
        return ScaleFacts(plane, fact, confidence(plane), within(plane), curve=curve)
    refused = photo.calibration_refusal
    if refused is not None:
        reason, numbers = refused
        message = str((photo.calibration or {}).get("message", ""))
        error = CalibrationError(reason, message, **numbers)  # type: ignore[arg-type]
        return ScaleFacts(fact=_("none (no calibration card that can be used)"),
                          refusal=refusal(error))
    return ScaleFacts(fact=_("not looked for yet"))
