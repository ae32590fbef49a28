"""The plan editor's page and its live part (map, areas, totals), shared by the editor, the
plan-file import and the points export: a plan document computed for a patient and drawn."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from planner import wording
from planner.area_names import in_readers_language
from planner.bodymaps.view import View
from planner.core import clinical
from planner.core.compute import Result
from planner.core.messages import N_, PlanError
from planner.core.plan import FORMAT
from planner.drawing.ground import Ground
from planner.drawing.plan import plan_svg
from planner.models import Patient, PlanRecord
from planner.services.plans import compute_doc, used_in_signed
from planner.web import clinic_mixtures
from planner.web.i18n import current_locale, format_digits, plan_message
from planner.web.photo_ground import ground_for

TREATMENTS = tuple(clinical.TREATMENTS)


MAX_TITLE = 200


# What the editor shows when a new plan's document arrived damaged: an empty plan, no map.
EMPTY_DOC: dict[str, Any] = {"format": FORMAT, "areas": [], "points": []}
# The editor's inputs take what the plan reader takes (core/clinical.py): one home per range.
RANGES = {"spacing_mm": clinical.SPACING_RANGE_MM, "angle_deg": clinical.ANGLE_RANGE_DEG,
          "margin_mm": clinical.MARGIN_RANGE_MM, "depth_mm": clinical.DEPTH_RANGE_MM,
          "point_volume_ml": clinical.POINT_VOLUME_RANGE_ML,
          "area_volume_ml": clinical.AREA_VOLUME_RANGE_ML}


def treatment_names() -> dict[str, str]:
    """Treatment types in the user's language."""
    return wording.treatment_names(_)


def pattern_names() -> dict[str, str]:
    """Grid patterns in the user's language."""
    return wording.pattern_names(_)


def warning_titles() -> dict[str, str]:
    """A short title in the user's language for each kind of warning of the engine."""
    return wording.warning_titles(_)


def read_doc() -> dict[str, Any]:
    """The plan document sent by the editor (PlanError when it is not JSON)."""
    raw = request.form.get("plan", "")
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or an integer of thousands of digits
        raise PlanError("plan", N_("the editor sent a damaged plan; reload the page")) from None
    if not isinstance(doc, dict):
        raise PlanError("plan", N_("must be a JSON object"))
    return doc


def drawing(result: Result, view: View | None, ground: Ground | None = None) -> str:
    """The plan's SVG for the screen, in the user's language (on its photo, if any)."""
    return plan_svg(result, view, text=_, language=current_locale(),
                    digits=format_digits, ground=ground)


def workspace(doc: dict[str, Any], patient: Patient, error: str | None = None,
              computed: tuple[Result, View | None] | None = None) -> tuple[str, int]:
    """The editor's live part (map, areas, totals) for a document, and its HTTP status.
    ``computed``: the document already computed for the patient (the preview checks it
    first), not computed again."""
    status = 200
    result = view = None
    try:
        result, view = computed if computed is not None else compute_doc(doc, patient)
        result = in_readers_language(result, view, current_locale())
    except PlanError as exc:
        error, status = plan_message(exc), 422
    html = render_template(
        "plans/_workspace.html", result=result, view=view, doc=doc, error=error,
        svg=drawing(result, view, ground_for(result.plan, patient))
        if result is not None else None,
        treatments=treatment_names(), patterns=pattern_names(),
        saved_mixtures=clinic_mixtures.current(),
        origins=clinic_mixtures.origins(result.plan.mixtures) if result is not None else {},
        drug_of=clinic_mixtures.drug_of, defaults=clinic_mixtures.default_families(),
        warning_titles=warning_titles(), ranges=RANGES,
        sliders={k: t.spacing_slider_mm for k, t in clinical.TREATMENTS.items()},
        site=wording.site_name(view.id, view.side, _) if view and view.single_limb else None,
        techniques=tuple(clinical.DEPTH_LIMITS), patient=patient)
    return html, status


def editor_page(patient: Patient, doc: dict[str, Any], record: PlanRecord | None,
                title: str, status: int | None = None) -> ResponseReturnValue:
    """The whole editor page around a plan document."""
    html, computed = workspace(doc, patient)
    return render_template("plans/editor.html", patient=patient, doc=doc, record=record,
                           title=title, workspace=html, ranges=RANGES,
                           locked=record is not None and used_in_signed(record)
                           ), status or computed


def unsaved(patient: Patient, doc: dict[str, Any], record: PlanRecord | None, title: str,
            error: str) -> ResponseReturnValue:
    """The editor again, with the plan as sent and why it was not saved (status 422)."""
    flash(_("The plan was not saved: %(error)s", error=error), "error")
    html, _status = workspace(doc, patient, error)
    return render_template("plans/editor.html", patient=patient, doc=doc, record=record,
                           title=title, workspace=html, ranges=RANGES), 422


