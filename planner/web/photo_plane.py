"""A calibrated photo seen square on (issue 20): the ground a plan on the photo is drawn on,
handed out as the photo itself is (role-checked, never cached, every look audited)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from planner.drawing.on_photo import points_on_photo
from planner.extensions import db
from planner.models import Photo, audit
from planner.photos.stores import PhotoMissing, StoreError
from planner.services.photo_plans import PhotoPlane, plan_over, plane_jpeg
from planner.web.i18n import format_digits
from planner.web.lookups import get_photo
from planner.web.photo_files import photo_store

bp = Blueprint("photo_plane", __name__)


@bp.app_template_global()
def plan_on_photo(photo: Photo) -> dict[str, Any] | None:
    """For a photo's overlay (templates/photos/_overlay.html): the points of the plan that
    belongs over it, drawn back on the photo as taken (services/photo_plans.plan_over), in its
    pixels; None if none does."""
    over = plan_over(photo)
    found = photo.plane
    if over is None or found is None:
        return None
    return {"markup": Markup(points_on_photo(over.result, found.to_image, format_digits)),
            "plan_id": over.plan_id, "title": over.title, "here": over.here,
            "points": len(over.result.xy)}


@bp.get("/photos/<int:photo_id>/plane")
def plane(photo_id: int) -> ResponseReturnValue:
    """The photo warped onto its card's plane (JPEG), to plan on; 404 without a scale."""
    photo = get_photo(photo_id)
    found = photo.plane
    if found is None:
        abort(404)
    try:
        data = plane_jpeg(PhotoPlane(photo, found), photo_store())
    except PhotoMissing:
        abort(404)
    except StoreError:
        abort(503)
    audit(current_user, "view", "photo", photo.id, "seen square on, to plan on")
    db.session.commit()
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response
