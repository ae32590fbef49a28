"""A plan's photo as the drawing's ground (issue 20): the calibrated photo seen square on,
addressed for the browser (its own audited, role-checked URL) or inlined for a PDF (WeasyPrint
fetches only our static files). Not a blueprint: the editor, the printouts and the records use
it."""

from __future__ import annotations

import base64

from flask import url_for
from flask_babel import gettext as _

from planner.calibration.rectify import card_outline_mm
from planner.core.plan import Plan
from planner.drawing.ground import Ground
from planner.models import Patient
from planner.services.photo_plans import PhotoPlane, plan_photo, plane_jpeg
from planner.web.photo_files import photo_store


def ground_for(plan: Plan, patient: Patient, *, inline: bool = False) -> Ground | None:
    """The ground of ``plan`` if it is drawn on a photo (None: a body map or plain paper);
    PlanError if that photo is not the patient's or has no scale; StoreError, PhotoMissing
    when an inlined photo cannot be read."""
    found = plan_photo(plan, patient)
    if found is None:
        return None
    return ground_of(found, inline=inline)


def ground_of(found: PhotoPlane, *, inline: bool = False) -> Ground:
    """The ground of a calibrated photo, its image by address or inlined."""
    if inline:
        data = base64.b64encode(plane_jpeg(found, photo_store())).decode("ascii")
        href = f"data:image/jpeg;base64,{data}"
    else:
        href = url_for("photo_plane.plane", photo_id=found.photo.id)
    return Ground(href=href, box_mm=found.box_mm, card_mm=card_outline_mm(),
                  card_words=_("calibration card"))
