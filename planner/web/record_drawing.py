"""The plan's drawing on a session record: the points given, skipped and added are tapped on
it (static/forms/points-given.js), and a signed record shows them marked."""

from __future__ import annotations

from flask_babel import gettext as _

from planner.core.compute import Result
from planner.core.messages import PlanError
from planner.drawing.plan import plan_svg
from planner.engine import load_view
from planner.models import Patient
from planner.web.i18n import current_locale, format_digits
from planner.web.photo_ground import ground_for


def given_drawing(result: Result, patient: Patient) -> str:
    """The plan framed on its areas, in the reader's language, without the legend's band; on
    its photo, if drawn on one (without it, if the photo no longer gives a scale: the record
    shows what was given all the same)."""
    view, _notes = load_view(result.plan)
    try:
        ground = ground_for(result.plan, patient)
    except PlanError:
        ground = None
    return plan_svg(result, view, text=_, language=current_locale(), digits=format_digits,
                    crop=True, legend=False, scale_bar=False, ground=ground)
