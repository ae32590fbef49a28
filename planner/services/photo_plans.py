"""Plans drawn on a calibrated photo of the patient (issue 20, item 4): which photo a plan is
drawn on, checked to be the patient's and to have a scale, and the photo seen square on
(calibration/rectify.py) to draw it under the plan, in mm on the card's plane.

A plan on a photo is a plan on plain paper whose millimetres are those of the card's plane
(origin at the card's centre): the engine computes it as any other; only the drawing puts the
photo under it, and the photo's own pages put its points back on the photo as taken.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import cached_property

import cv2
import numpy as np
from sqlalchemy import select

from planner.calibration.plane import Calibration
from planner.calibration.rectify import Box, rectified, shown_mm
from planner.core.compute import Result
from planner.core.memo import Recent
from planner.core.messages import N_, Number, PlanError, PlanWarning, ngettext
from planner.core.plan import Plan
from planner.extensions import db
from planner.models import Patient, Photo, PlanRecord, SessionRecord
from planner.photos.stores import PhotoStore
from planner.services.session_records import computed_plan, patient_weight, weight_of

# [our default] The warped photos kept in memory (one per photo planned on, while a clinician
# moves the slider: a preview must not decode and warp a 12-megapixel photo each time).
KEPT = Recent[bytes](8, weight=len, budget=64 * 1024 * 1024)
JPEG_QUALITY = 88  # [our default] a background to draw on, not the record's copy
# [our default] Points further from the card than the fit holds within this are named in a
# warning (the photo's page states the same limit: how far the error stays within 1 mm).
REACH_LIMIT_MM = 1.0


@dataclass(frozen=True)
class PhotoPlane:
    """A calibrated photo as a plan's ground: the photo, its calibration and the box of the
    plane (mm) it shows."""

    photo: Photo
    calibration: Calibration

    @cached_property
    def box_mm(self) -> Box:
        """The part of the card's plane the photo shows, near enough the card (rectify)."""
        return shown_mm(self.calibration)


def beyond_reach(result: Result, ground: PhotoPlane, limit_mm: float = REACH_LIMIT_MM
                 ) -> Result:
    """The plan with a warning naming its points further from the card than the photo's
    fit holds within ``limit_mm`` (Calibration.within_mm): there its millimetres may be off by
    more, and on a curved limb more again (reach.surface_error_mm). Nothing is moved."""
    xy = np.asarray(result.xy, dtype=np.float64).reshape(-1, 2)
    if not len(xy):
        return result
    reach = ground.calibration.within_mm(limit_mm)
    far = np.flatnonzero(np.hypot(xy[:, 0], xy[:, 1]) > reach)
    if not len(far):
        return result
    farthest = float(np.hypot(xy[far, 0], xy[far, 1]).max())
    note = PlanWarning("photo-reach", "medium", ngettext(
        "photo: %(num)s point lies further than %(reach)s mm from the calibration card (at "
        "%(far)s mm), where the photo's millimetres may be off by more than %(limit)s mm, and "
        "more on a curved limb: check it on the skin, or take the photo with the card nearer",
        "photo: %(num)s points lie further than %(reach)s mm from the calibration card (up "
        "to %(far)s mm), where the photo's millimetres may be off by more than %(limit)s mm, "
        "and more on a curved limb: check them on the skin, or take the photo with the card "
        "nearer", len(far), num=len(far), reach=Number(round(reach), ","),
        far=Number(round(farthest), ","), limit=Number(limit_mm, "g")),
        points=tuple(int(k) + 1 for k in far))
    return replace(result, warnings=(*result.warnings, note))


def calibrated_photos(patient_id: int) -> list[Photo]:
    """The patient's photos with a scale (the card found in them), newest first: the ones a
    plan can be drawn on."""
    rows = db.session.scalars(select(Photo).where(Photo.patient_id == patient_id,
                                                  Photo.calibration_json.is_not(None))
                              .order_by(Photo.created_at.desc(), Photo.id.desc()))
    return [photo for photo in rows if photo.plane is not None]


def plan_photo(plan: Plan, patient: Patient) -> PhotoPlane | None:
    """The calibrated photo ``plan`` is drawn on (None: it is drawn on a body map or plain
    paper); PlanError naming ``photo`` when it is not one of the patient's, or has no scale."""
    if plan.photo is None:
        return None
    photo = db.session.get(Photo, plan.photo)
    if photo is None or photo.patient_id != patient.id:
        raise PlanError("photo", N_("not one of this patient's photos (%(got)s)"),
                        got=plan.photo)
    found = photo.plane
    if found is None:
        raise PlanError("photo", N_("this photo has no scale (no calibration card was found "
                                    "in it): a grid cannot be planned on it"))
    return PhotoPlane(photo, found)


@dataclass(frozen=True)
class PlanOver:
    """A plan to draw over a calibrated photo: computed, whose it is, and whether it was
    drawn on this very photo (else on another photo of the site: its points are placed from
    the card, laid again where it lay then)."""

    result: Result
    plan_id: int
    title: str
    here: bool


def plan_over(photo: Photo) -> PlanOver | None:
    """The plan whose points belong over ``photo`` (None: no plan on a photo fits, or the
    photo has no scale): the plan its session record gave, if drawn on a photo; else the
    newest saved plan drawn on this photo."""
    if photo.plane is None:
        return None
    record = photo.record
    if record is not None:
        drawn_on = _photo_of(record.plan_json)
        if drawn_on is not None:
            result = _computed(record.plan_json, weight_of(record))
            if result is not None:
                return PlanOver(result, record.plan_id, record.plan.title,
                                drawn_on == photo.id)
    plans = db.session.scalars(select(PlanRecord).where(PlanRecord.patient_id ==
                                                        photo.patient_id)
                               .order_by(PlanRecord.updated_at.desc(), PlanRecord.id.desc()))
    for plan in plans:
        if _photo_of(plan.plan_json) == photo.id:
            result = _computed(plan.plan_json, patient_weight(photo.patient))
            if result is not None:
                return PlanOver(result, plan.id, plan.title, True)
    return None


def drawn_on(photo: Photo) -> list[str]:
    """The titles of the plans drawn on ``photo``: saved plans, and the plans session records
    copied in (a plan on a photo needs its photo, so the photo stays while they do)."""
    plans = db.session.scalars(select(PlanRecord).where(PlanRecord.patient_id ==
                                                        photo.patient_id))
    titles = [plan.title for plan in plans if _photo_of(plan.plan_json) == photo.id]
    records = db.session.scalars(select(SessionRecord).where(SessionRecord.patient_id ==
                                                             photo.patient_id))
    titles += [record.plan.title for record in records
               if _photo_of(record.plan_json) == photo.id]
    return list(dict.fromkeys(titles))


def photo_fingerprint(plan_json: str) -> str:
    """What a printout of a saved plan takes from its photo, as text for the printout's key:
    the photo's bytes (SHA-256) and its calibration; empty for a plan on no photo."""
    photo_id = _photo_of(plan_json)
    photo = db.session.get(Photo, photo_id) if photo_id is not None else None
    if photo is None:
        return ""
    return f"\nphoto {photo.id} {photo.sha256} {photo.calibration_json or ''}"


def _photo_of(plan_json: str) -> int | None:
    """The photo a saved plan file is drawn on (None: a body map, plain paper, or damaged)."""
    try:
        doc = json.loads(plan_json)
    except ValueError:
        return None
    found = doc.get("photo") if isinstance(doc, dict) else None
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def _computed(plan_json: str, weight_kg: float | None) -> Result | None:
    """A saved plan file computed (None if it no longer computes)."""
    try:
        return computed_plan(plan_json, weight_kg)
    except PlanError:
        return None


def plane_jpeg(ground: PhotoPlane, store: PhotoStore) -> bytes:
    """The photo seen square on over ``ground.box_mm``, as JPEG (kept by the photo and its
    calibration: a photo's bytes never change, a calibration may be found again)."""
    photo = ground.photo
    key = (photo.id, photo.sha256, ground.calibration.homography)
    return KEPT.get(key, (), lambda: _warped(ground, store.get(photo.storage_key)))


def _warped(ground: PhotoPlane, data: bytes) -> bytes:
    """The photo's bytes decoded, warped onto the plane and written as JPEG."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError("the stored photo cannot be decoded")
    found = ground.calibration
    width, height = found.image_size
    if (image.shape[1], image.shape[0]) != (width, height):
        # Calibrated on a copy of another size: the same photo, scaled.
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    plane = rectified(np.asarray(image, dtype=np.uint8), found)
    ok, jpeg = cv2.imencode(".jpg", plane.image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError("the warped photo cannot be written as JPEG")
    return bytes(jpeg.tobytes())
