"""A photo's calibration in the reader's language: why a photo has no scale (each reason of
planner/calibration's CalibrationError, with its numbers), and how far a calibrated photo can
be trusted. For the pages that show photos; not a blueprint, so any of them may use it."""

from __future__ import annotations

from flask_babel import gettext

from planner.calibration.errors import CalibrationError
from planner.calibration.plane import Calibration
from planner.web.i18n import format_decimal


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
        _("%(error)s mm at %(distance)s mm", error=format_decimal(found.error_mm(d), 1),
          distance=format_decimal(d, 0)) for d in (50, 100))
    lines.append(_("Estimated error of the plane away from the card: %(estimates)s. On a "
                   "curved limb, add the skin's curve: the plane is right only near the card.",
                   estimates=estimates))
    return lines
