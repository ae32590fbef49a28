"""The JSON API, /api/v1 (issue 8): body maps, computing a plan file, patients, plans (with the
version check), session records and photos (api_photos.py), for programs acting for a user with
one of their tokens (web/tokens.py). Described by the OpenAPI 3.1 document at
/api/v1/openapi.json (web/openapi.py).

Only the ``Authorization: Bearer`` token authenticates here, never the browser's cookie, so no
page can be made to call the API for a logged-in user (and CSRF does not apply). Every answer is
JSON; an error is ``{"error": {"status", "message", "field"?}}``. Reads of patient data are
audited as the web's are, with the token's user.

This module holds the resources; who is calling is api_auth.py, the answers' JSON api_json.py,
the bodies' checks api_bodies.py, the HTTP errors api_errors.py.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import func, select

from planner import engine
from planner.bodymaps import atlas
from planner.core.compute import Result
from planner.core.messages import PlanError
from planner.core.plan_reader import from_dict
from planner.extensions import csrf, db
from planner.models import Patient, PlanRecord, SessionRecord
from planner.services.patients import create_patient as create_patient_record
from planner.services.patients import search
from planner.services.plans import compute_doc, save_plan
from planner.services.refusals import Changed
from planner.services.session_records import patient_records
from planner.web import api_photos
from planner.web.api_auth import audited, authenticate, user
from planner.web.api_bodies import ApiError, body, check, error_body, plan_body
from planner.web.api_json import patient_json, patient_summary, plan_json, session_json, view_json
from planner.web.i18n import plan_message
from planner.web.openapi import document, ref, schemas
from planner.web.patient_form import parse_form

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
bp.before_request(authenticate)
api_photos.register(bp)  # a patient's photos, a photo and its bytes, a photo sent

PAGE = 100  # patients per page of the list


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return error_body(exc.status, exc.message, exc.field)


# ------------------------------------------------------------------------------ body maps


@bp.get("/bodymaps")
def bodymaps() -> ResponseReturnValue:
    return {"bodymaps": [view_json(v, regions=False) for v in atlas.views()]}


@bp.get("/bodymaps/<view_id>")
def bodymap(view_id: str) -> ResponseReturnValue:
    if view_id not in atlas.view_ids():
        raise ApiError(404, _("no body map named %(name)s", name=view_id[:60]))
    return view_json(atlas.get_view(view_id), regions=True)


@bp.post("/grid")
def grid() -> ResponseReturnValue:
    """Compute a plan file: what `mesoplanner grid` prints (points, totals, warnings)."""
    doc = body()
    try:
        plan = from_dict(doc)
        check(doc, ref("PlanFile"), schemas())  # after the reader, whose words are clearer
        result, _view = engine.run(plan)
    except PlanError as exc:
        message = plan_message(exc.text)
        raise ApiError(422, message, exc.field) from None
    return result.as_dict()


# ------------------------------------------------------------------------------ patients


def get_patient(patient_id: int) -> Patient:
    patient = db.session.get(Patient, patient_id)
    if patient is None:
        raise ApiError(404, _("no such patient"))
    return patient


@bp.get("/patients")
def patients() -> ResponseReturnValue:
    """Patients by name, a page at a time (?page=1); archived ones are left out."""
    page = request.args.get("page", "1")
    # ASCII digits only: "²".isdigit() is true, and int("²") fails (a 500 it was).
    if not re.fullmatch(r"[0-9]{1,6}", page) or not 1 <= int(page) <= 100_000:
        raise ApiError(400, _("a whole number from 1"), "page")
    query = select(Patient).where(Patient.archived.is_(False)).order_by(
        Patient.family_name, Patient.given_name, Patient.id)
    total = db.session.scalar(select(func.count()).select_from(Patient).where(
        Patient.archived.is_(False))) or 0
    rows = db.session.scalars(query.limit(PAGE).offset((int(page) - 1) * PAGE))
    return {"patients": [patient_summary(p) for p in rows], "page": int(page), "total": total}


@bp.post("/patients/search")
def search_patients() -> ResponseReturnValue:
    """The web's search (names, record number, birth date), sent in the body: never in a URL."""
    query = body("Search").get("q", "")
    found = search(query.strip(), archived=False)
    audited("search", "patient", None, f"API, {len(found)} found")
    return {"patients": [patient_summary(p) for p in found]}


@bp.post("/patients")
def create_patient() -> ResponseReturnValue:
    """A new patient, checked as the web form checks one."""
    data = body("PatientInput")  # the types, lengths, dates and weights the schema gives
    form: dict[str, str] = {}
    for key, value in data.items():  # as the web form would send them; null is left out
        if isinstance(value, bool):
            form[key] = "1" if value else ""
        else:
            form[key] = "" if value is None else str(value)
    form["language"] = form.get("language") or user().language
    values, problems = parse_form(form, None)
    if problems:
        field = sorted(problems)[0]
        # Another patient's record number is a conflict with what is stored, not bad input.
        raise ApiError(409 if field == "record_number" else 422, str(problems[field]), field)
    patient = create_patient_record(values, user(), "API")
    return patient_json(patient), 201


@bp.get("/patients/<int:patient_id>")
def patient(patient_id: int) -> ResponseReturnValue:
    found = get_patient(patient_id)
    audited("view", "patient", found.id)
    return patient_json(found)


# ------------------------------------------------------------------------------ plans


def get_plan(plan_id: int) -> PlanRecord:
    record = db.session.get(PlanRecord, plan_id)
    if record is None:
        raise ApiError(404, _("no such plan"))
    return record


def checked_plan(data: dict[str, Any], found: tuple[str, str] | None,
                 patient: Patient) -> tuple[dict[str, Any], Result, str]:
    """The plan document and title of a request (plan_body), checked by computing it for the
    patient (ApiError 422): the plan reader's refusal first, then the schema's (``found``)."""
    doc = data.get("plan")
    if not isinstance(doc, dict):
        raise ApiError(422, _("must be a plan file (a JSON object)"), "plan")
    if "patient" in doc:
        raise ApiError(422, _("the weight is the patient record's: leave out patient"),
                       "plan.patient")
    try:
        result, _view = compute_doc(doc, patient)
    except PlanError as exc:
        raise ApiError(422, plan_message(exc.text),
                       f"plan.{exc.field}") from None
    if found is not None:
        raise ApiError(422, found[1], found[0])
    return doc, result, data.get("title", "Plan").strip()


@bp.get("/patients/<int:patient_id>/plans")
def patient_plans(patient_id: int) -> ResponseReturnValue:
    found = get_patient(patient_id)
    return {"plans": [{"id": r.id, "title": r.title, "version": r.version, "points": r.points,
                       "total_ml": r.total_ml} for r in found.plans]}


@bp.post("/patients/<int:patient_id>/plans")
def create_plan(patient_id: int) -> ResponseReturnValue:
    found = get_patient(patient_id)
    data, problem_found = plan_body("PlanInput")
    doc, result, title = checked_plan(data, problem_found, found)
    saved = save_plan(found, None, doc, title, user(), None, via="API", computed=result)
    return plan_json(saved.record), 201


@bp.get("/plans/<int:plan_id>")
def plan(plan_id: int) -> ResponseReturnValue:
    record = get_plan(plan_id)
    audited("view", "plan", record.id)
    return plan_json(record)


@bp.put("/plans/<int:plan_id>")
def update_plan(plan_id: int) -> ResponseReturnValue:
    """A new version of a plan, if ``version`` is still the current one (409 otherwise).

    The web's rule (services/plans.py): a plan that a signed session used stays as it was, and
    the changes become a new plan copied from it: 201, with its address in Location.
    """
    record = get_plan(plan_id)
    data, problem_found = plan_body("PlanUpdate")  # the version: a whole number, required
    doc, result, title = checked_plan(data, problem_found, record.patient)
    try:
        saved = save_plan(record.patient, record, doc, title, user(), int(data["version"]),
                          via="API", computed=result)
    except Changed as exc:
        if exc.current is None:
            raise ApiError(409, _("the plan was changed at the same moment: read it again"),
                           "version") from None
        raise ApiError(409, _("the plan is at version %(v)d, changed by %(name)s: read it "
                              "again", v=record.version, name=record.updated_by.full_name),
                       "version") from None
    if saved.kept is None:
        return plan_json(saved.record)
    return plan_json(saved.record), 201, {"Location": f"/api/v1/plans/{saved.record.id}"}


# ------------------------------------------------------------------------------ sessions


@bp.get("/patients/<int:patient_id>/sessions")
def patient_sessions(patient_id: int) -> ResponseReturnValue:
    found = get_patient(patient_id)
    audited("view", "patient", found.id, "API, sessions")
    return {"sessions": [session_json(r) for r in patient_records(found)]}


@bp.get("/sessions/<int:session_id>")
def session(session_id: int) -> ResponseReturnValue:
    record = db.session.get(SessionRecord, session_id)
    if record is None:
        raise ApiError(404, _("no such session record"))
    audited("view", "session_record", record.id)
    return session_json(record)


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this API (public: it holds no patient data)."""
    return document()
