"""A plan's photo as the drawing's ground (issue 20): the calibrated photo seen square on,
addressed for the browser (its own audited, role-checked URL) or inlined for a PDF (WeasyPrint
fetches only our static files). Not a blueprint: the editor, the printouts and the records use
it."""

from __future__ import annotations

import base64
import logging

from flask import url_for
from flask_babel import gettext as _

from planner.calibration.rectify import card_outline_mm
from planner.core.plan import Plan
from planner.drawing.ground import Ground
from planner.models import Patient
from planner.photos.stores import StoreError
from planner.services.photo_plans import REACH_LIMIT_MM, PhotoPlane, plan_photo, plane_jpeg
from planner.web.photo_files import photo_store

LOG = logging.getLogger(__name__)


def ground_for(plan: Plan, patient: Patient, *, image: str = "address") -> Ground | None:
    """The ground of ``plan`` if it is drawn on a photo (None: a body map or plain paper);
    PlanError if that photo is not the patient's or has no scale. ``image``: the photo by its
    "address" (a browser's), "inline" (a PDF's) or "none" (the card alone: a stencil)."""
    found = plan_photo(plan, patient)
    if found is None:
        return None
    return ground_of(found, image=image)


def ground_of(found: PhotoPlane, *, image: str = "address") -> Ground:
    """The ground of a calibrated photo, its image by address, inlined or left out. A photo
    whose file cannot be read is left out of a PDF (logged, by number): the map is drawn all
    the same, at true scale, with the card."""
    href = ""
    if image == "inline":
        try:
            data = base64.b64encode(plane_jpeg(found, photo_store())).decode("ascii")
            href = f"data:image/jpeg;base64,{data}"
        except StoreError:  # PhotoMissing too
            LOG.warning("photo %s under a printed plan could not be read", found.photo.id)
    elif image == "address":
        href = url_for("photo_plane.plane", photo_id=found.photo.id)
    reach = found.calibration.within_mm(REACH_LIMIT_MM)
    return Ground(href=href, box_mm=found.box_mm, card_mm=card_outline_mm(),
                  card_words=_("calibration card"), reach_mm=reach,
                  reach_words=_("within this circle the photo's mm hold to 1 mm (on a flat "
                                "plane)"))
