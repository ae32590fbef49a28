"""The JSON API, /api/v1 (issue 8): body maps, computing a plan file, patients, plans (with the
version check) and session records, for programs acting for a user with one of their tokens
(web/tokens.py). Described by the OpenAPI 3.1 document at /api/v1/openapi.json (web/openapi.py).

Only the ``Authorization: Bearer`` token authenticates here, never the browser's cookie, so no
page can be made to call the API for a logged-in user (and CSRF does not apply). Every answer is
JSON; an error is ``{"error": {"status", "message", "field"?}}``. Reads of patient data are
audited as the web's are, with the token's user.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from planner import engine
from planner.bodymaps import atlas
from planner.core.messages import PlanError
from planner.core.plan import dump, from_dict
from planner.extensions import csrf, db
from planner.models import (
    ApiToken,
    Patient,
    PlanRecord,
    SessionRecord,
    User,
    audit,
    now,
    utc_text,
)
from planner.web import roles
from planner.web.api_bodies import ApiError, body, check, error_body, plan_body
from planner.web.i18n import plan_message
from planner.web.openapi import ref, schemas
from planner.web.tokens import digest

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

PAGE = 100  # patients per page of the list
QUERY_PARAMETERS = {"api.patients": {"page"}}  # the only ones the API reads (openapi.py)
TOUCH_EVERY_S = 60  # [our default]: "last used" is written at most once a minute per token


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return error_body(exc.status, exc.message, exc.field)


def http_error(exc: HTTPException) -> Response:
    """Any HTTP error under /api as JSON (the app registers it: see web/__init__.py)."""
    status = exc.code or 500
    messages = {400: _("the request is malformed"), 401: _("a valid API token is needed"),
                403: _("your role does not allow this"), 404: _("no such resource"),
                405: _("this method is not allowed here"),
                413: _("the body is larger than the %(mb)d MB allowed",
                       mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))}
    response = error_body(status, messages.get(status) or _(
        "the request was not accepted (error %(status)d)", status=status))
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value  # a 405's Allow (RFC 9110), a 413's, ...
    return response


@bp.before_request
def authenticate() -> ResponseReturnValue | None:
    """The token's user, or 401; then the role table (web/roles.py), or 403."""
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    found = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == digest(token.strip()))) if scheme.lower() == "bearer" else None
    if found is None or found.revoked_at is not None or not found.user.active:
        # The API's failed logins, in the trail as the web's are (never the token itself).
        audit(found.user if found else None, "login-failed", "api_token",
              found.id if found else None,
              "API, no valid token" if found is None else
              "API, revoked token" if found.revoked_at is not None else
              "API, disabled account")
        db.session.commit()
        response = error_body(401, _("a valid API token is needed: %(header)s",
                                     header="Authorization: Bearer <token>"))
        response.headers["WWW-Authenticate"] = 'Bearer realm="mesoplanner"'
        return response
    g.api_user = found.user
    if found.last_used_at is None or (now() - found.last_used_at).total_seconds() > \
            TOUCH_EVERY_S:
        found.last_used_at = now()
        db.session.commit()
    method = "GET" if request.method == "HEAD" else request.method
    if not roles.allowed(str(request.endpoint), method, found.user.role):
        return error_body(403, _("your role does not allow this"))
    # A misspelt parameter (?pgae=2) is refused, not silently ignored: as the plan file's keys.
    unknown = sorted(set(request.args) - QUERY_PARAMETERS.get(str(request.endpoint), set()))
    if unknown:
        return error_body(400, _("unknown query parameter"), unknown[0][:60] or None)
    return None


def user() -> User:
    found: User = g.api_user
    return found


def audited(action: str, entity: str, entity_id: int | None, detail: str = "API") -> None:
    """Write the audit event of what the token's user did or read, and commit."""
    audit(user(), action, entity, entity_id, detail)
    db.session.commit()


def number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# ------------------------------------------------------------------------------ body maps


def view_json(view: atlas.View, regions: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": view.id, "label": dict(view.label), "version": view.version,
                           "width_mm": view.width_mm, "height_mm": view.height_mm,
                           "single_limb": view.single_limb, "snomed": view.snomed}
    if regions:
        out["regions"] = [{"id": r.id, "kind": r.kind, "label": dict(r.label),
                           "laterality": r.laterality, "snomed": r.snomed,
                           "area_cm2": round(r.area_cm2, 2)} for r in view.regions]
    return out


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
        message = plan_message(exc).removeprefix(f"{exc.field}: ")
        raise ApiError(422, message, exc.field) from None
    return result.as_dict()


# ------------------------------------------------------------------------------ patients

def patient_summary(p: Patient) -> dict[str, Any]:
    """A patient in a list: who, not their record."""
    return {"id": p.id, "record_number": p.record_number, "family_name": p.family_name,
            "given_name": p.given_name, "birth_date": p.birth_date.isoformat()}


def patient_json(p: Patient) -> dict[str, Any]:
    return {"id": p.id, "record_number": p.record_number, "family_name": p.family_name,
            "given_name": p.given_name, "birth_date": p.birth_date.isoformat(), "sex": p.sex,
            "weight_kg": number(p.weight_kg), "allergies": p.allergies,
            "anticoagulants": p.anticoagulants, "anticoagulant_details": p.anticoagulant_details,
            "pregnant": p.pregnant, "breastfeeding": p.breastfeeding,
            "bleeding_disorder": p.bleeding_disorder, "notes": p.notes,
            "language": p.language, "archived": p.archived, "version": p.version}


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
    from planner.web.patients import search

    query = body("Search").get("q", "")
    found = search(query.strip(), archived=False)
    audited("search", "patient", None, f"API, {len(found)} found")
    return {"patients": [patient_summary(p) for p in found]}


@bp.post("/patients")
def create_patient() -> ResponseReturnValue:
    """A new patient, checked as the web form checks one."""
    from planner.web.patients import next_record_number, parse_form

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
    values["record_number"] = values["record_number"] or next_record_number()
    patient = Patient(**values)
    db.session.add(patient)
    db.session.flush()
    audited("create", "patient", patient.id)
    return patient_json(patient), 201


@bp.get("/patients/<int:patient_id>")
def patient(patient_id: int) -> ResponseReturnValue:
    found = get_patient(patient_id)
    audited("view", "patient", found.id)
    return patient_json(found)


# ------------------------------------------------------------------------------ plans


def plan_json(record: PlanRecord) -> dict[str, Any]:
    return {"id": record.id, "patient_id": record.patient_id, "title": record.title,
            "version": record.version, "points": record.points, "total_ml": record.total_ml,
            "updated_at": utc_text(record.updated_at),
            "plan": json.loads(record.plan_json)}


def get_plan(plan_id: int) -> PlanRecord:
    record = db.session.get(PlanRecord, plan_id)
    if record is None:
        raise ApiError(404, _("no such plan"))
    return record


def checked_plan(data: dict[str, Any], found: tuple[str, str] | None,
                 patient: Patient) -> tuple[dict[str, Any], Any, str]:
    """The plan document and title of a request (plan_body), computed for the patient
    (ApiError 422): the plan reader's refusal first, then the schema's (``found``)."""
    from planner.web.plans import compute_doc, without_patient

    doc = data.get("plan")
    if not isinstance(doc, dict):
        raise ApiError(422, _("must be a plan file (a JSON object)"), "plan")
    if "patient" in doc:
        raise ApiError(422, _("the weight is the patient record's: leave out patient"),
                       "plan.patient")
    try:
        result, _view = compute_doc(doc, patient)
    except PlanError as exc:
        raise ApiError(422, plan_message(exc).removeprefix(f"{exc.field}: "),
                       f"plan.{exc.field}") from None
    if found is not None:
        raise ApiError(422, found[1], found[0])
    return dump(without_patient(result.plan)), result, data.get("title", "Plan").strip()


@bp.get("/patients/<int:patient_id>/plans")
def patient_plans(patient_id: int) -> ResponseReturnValue:
    found = get_patient(patient_id)
    return {"plans": [{"id": r.id, "title": r.title, "version": r.version, "points": r.points,
                       "total_ml": r.total_ml} for r in found.plans]}


@bp.post("/patients/<int:patient_id>/plans")
def create_plan(patient_id: int) -> ResponseReturnValue:
    from planner.web.plans import store

    found = get_patient(patient_id)
    data, problem_found = plan_body("PlanInput")
    doc, result, title = checked_plan(data, problem_found, found)
    record = PlanRecord(patient_id=found.id, created_by_id=user().id)
    db.session.add(record)
    store(record, doc, result, title, user().id)
    db.session.flush()
    audited("create", "plan", record.id)
    return plan_json(record), 201


@bp.get("/plans/<int:plan_id>")
def plan(plan_id: int) -> ResponseReturnValue:
    record = get_plan(plan_id)
    audited("view", "plan", record.id)
    return plan_json(record)


@bp.put("/plans/<int:plan_id>")
def update_plan(plan_id: int) -> ResponseReturnValue:
    """A new version of a plan, if ``version`` is still the current one (409 otherwise)."""
    from planner.web.plans import store, used_in_signed

    record = get_plan(plan_id)
    data, problem_found = plan_body("PlanUpdate")  # the version: a whole number, required
    version = int(data["version"])
    doc, result, title = checked_plan(data, problem_found, record.patient)
    if version != record.version:
        raise ApiError(409, _("the plan is at version %(v)d, changed by %(name)s: read it "
                              "again", v=record.version, name=record.updated_by.full_name),
                       "version")
    if used_in_signed(record):
        raise ApiError(409, _("a signed session used this plan: it stays as it was; create "
                              "a new plan instead"))
    record.version += 1
    store(record, doc, result, title, user().id)
    audit(user(), "update", "plan", record.id)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ApiError(409, _("the plan was changed at the same moment: read it again"),
                       "version") from None
    return plan_json(record)


# ------------------------------------------------------------------------------ sessions


def session_json(r: SessionRecord) -> dict[str, Any]:
    return {"id": r.id, "patient_id": r.patient_id, "plan_id": r.plan_id,
            "plan_version": r.plan_version, "status": r.status,
            # The clinic's time as typed, with the server's (the clinic's) offset, as in FHIR.
            "performed_at": r.performed_at.astimezone().isoformat(timespec="minutes"),
            # Who signed and performed as they were at the signing, whatever the accounts
            # became since (a rename, a role change); a draft's performer is the account's.
            "performed_by": r.performed_by_name,
            "performed_by_role": r.performer_role if r.signed else None,
            "points": r.points_done,
            "total_ml": r.total_ml, "pain_scale": r.pain_scale, "pain_before": r.pain_before,
            "pain_after": r.pain_after, "adverse_events": json.loads(r.adverse_json),
            "products": [{"product": p.product, "lot": p.lot,
                          "expiry": p.expiry.isoformat() if p.expiry else None}
                         for p in r.products],
            "signed_by": r.signed_by_name,
            "signed_by_role": r.signer_role if r.signed else None,
            "signed_at": utc_text(r.signed_at) if r.signed_at else None,
            "notes": r.notes}


@bp.get("/patients/<int:patient_id>/sessions")
def patient_sessions(patient_id: int) -> ResponseReturnValue:
    from planner.web.records import patient_records

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
    from planner.web.openapi import document

    return document()
