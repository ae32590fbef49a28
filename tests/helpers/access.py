"""Every route of the app and a seeded database to visit them on."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tests.helpers.photos import seed_photo
from tests.helpers.records import FIRST_VISIT, SIGNATURE, consent_form
from tests.helpers.users import PASSWORD, make_user

PLAN = {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
        "treatment": "antalgic",
        "areas": [{"label": "medial knee", "region": "knee-anterior/medial",
                   "spacing_mm": 15}]}


# A complete session record form for the seeded plan (no mixture: no products needed).
RECORD_FORM = {"performed_at": "2026-11-23T10:00", "performer_id": "1", "pain_scale": "nrs",
               "pain_before": "6", "product-0": "saline", "lot-0": "S-1",
               **{f"q-{code}": "no" for code in ("pregnancy", "breastfeeding", "bleeding",
                                                 "allergy", "infection", "heart", "same-site")},
               "q-skin-test": "yes"}


VALID_PATIENT = {"family_name": "Access", "given_name": "Tester", "birth_date": "1970-05-06",
                 "sex": "female", "weight_kg": "60"}


# (rule, method) -> (path to request, form data, then the status for an anonymous visitor, an
# administrator, a doctor and an assistant)
# The ids 1 are the patient and the plan made by ``seeded``. Anonymous POSTs carry a valid CSRF
# token of their own session, so that what is tested is the login requirement, not CSRF.
ROUTES: dict[tuple[str, str], tuple[str, dict[str, Any], int, int, int, int]] = {
    ("/static/<path:filename>", "GET"): ("/static/planner.css", {}, 200, 200, 200, 200),
    ("/login", "GET"): ("/login", {}, 200, 200, 200, 200),
    ("/login", "POST"): ("/login", {"username": "nobody", "password": "wrong password"}, 401, 401, 401, 401),
    ("/logout", "POST"): ("/logout", {}, 302, 303, 303, 303),
    ("/alive", "GET"): ("/alive", {}, 302, 204, 204, 204),
    ("/setup", "GET"): ("/setup", {}, 404, 404, 404, 404),
    ("/setup", "POST"): ("/setup", {"token": "guess"}, 404, 404, 404, 404),
    ("/language", "POST"): ("/language", {"language": "it", "next": "/patients"}, 302, 303, 303, 303),
    ("/patients", "GET"): ("/patients", {}, 302, 200, 200, 200),
    ("/patients", "POST"): ("/patients", {"q": "access"}, 302, 200, 200, 200),
    ("/patients/new", "GET"): ("/patients/new", {}, 302, 200, 200, 403),
    ("/patients/new", "POST"): ("/patients/new", VALID_PATIENT, 302, 303, 303, 403),
    ("/patients/<int:patient_id>", "GET"): ("/patients/1", {}, 302, 200, 200, 200),
    ("/patients/<int:patient_id>/edit", "GET"): ("/patients/1/edit", {}, 302, 200, 200, 403),
    ("/patients/<int:patient_id>/edit", "POST"): ("/patients/1/edit", {**VALID_PATIENT, "version": "1"}, 302, 303, 303, 403),
    ("/patients/<int:patient_id>/archive", "POST"): ("/patients/1/archive", {}, 302, 303, 303, 403),
    ("/patients/<int:patient_id>/plans/new", "GET"): ("/patients/1/plans/new", {}, 302, 200, 200, 403),
    ("/plans/<int:plan_id>", "GET"): ("/plans/1", {}, 302, 200, 200, 200),
    ("/plans/preview", "POST"): ("/plans/preview", {"patient_id": "1", "plan": json.dumps(PLAN)}, 302, 200, 200, 200),
    ("/plans/save", "POST"): ("/plans/save", {"patient_id": "1", "plan": json.dumps(PLAN),
                                              "title": "access"}, 302, 303, 303, 403),
    ("/plans/<int:plan_id>/copy", "POST"): ("/plans/1/copy", {}, 302, 303, 303, 403),
    ("/plans/<int:plan_id>/thumbnail.svg", "GET"): ("/plans/1/thumbnail.svg", {}, 302, 200, 200, 200),
    ("/plans/<int:plan_id>/plan.json", "GET"): ("/plans/1/plan.json", {}, 302, 200, 200, 200),
    ("/plans/<int:plan_id>/<any(sheet, stencil, handout):kind>", "GET"):
        ("/plans/1/sheet", {}, 302, 200, 200, 200),
    ("/plans/<int:plan_id>/<any(sheet, stencil, handout):kind>.pdf", "GET"):
        ("/plans/1/stencil.pdf", {}, 302, 200, 200, 200),
    # Clinic settings are the administrator's.
    ("/settings", "GET"): ("/settings", {}, 302, 200, 403, 403),
    ("/settings", "POST"): ("/settings", {"name": "Forged"}, 302, 303, 403, 403),
    ("/plans/<int:plan_id>/cycle", "GET"): ("/plans/1/cycle", {}, 302, 200, 200, 403),
    ("/plans/<int:plan_id>/cycle", "POST"): ("/plans/1/cycle", {
        "template": "antalgic", "start": "2026-12-01", "confirm": "1"}, 302, 303, 303, 403),
    ("/sessions", "GET"): ("/sessions", {}, 302, 200, 200, 200),
    ("/sessions/<int:session_id>/date", "POST"): ("/sessions/1/date",
                                                  {"planned_on": "2026-12-02"}, 302, 303, 303, 303),
    # Session 2 of the seeded cycle has no record yet; record 1 is a draft of session 1.
    ("/sessions/<int:session_id>/record", "GET"): ("/sessions/2/record", {}, 302, 200, 200, 200),
    ("/sessions/<int:session_id>/record", "POST"): ("/sessions/2/record", RECORD_FORM, 302, 303, 303, 303),
    ("/plans/<int:plan_id>/record", "GET"): ("/plans/1/record", {}, 302, 200, 200, 200),
    ("/plans/<int:plan_id>/record", "POST"): ("/plans/1/record", RECORD_FORM, 302, 303, 303, 303),
    ("/records/<int:record_id>", "GET"): ("/records/1", {}, 302, 200, 200, 200),
    ("/records/<int:record_id>", "POST"): ("/records/1", {**RECORD_FORM, "version": "1"}, 302, 303, 303, 303),
    ("/records/<int:record_id>/sign", "POST"): ("/records/1/sign", {"password": PASSWORD, "version": "1"}, 302, 303, 303, 403),
    # The patient signs on the screen, whoever hands over the tablet; the texts are the clinic's.
    ("/patients/<int:patient_id>/consent/<treatment>", "GET"):
        ("/patients/1/consent/antalgic", {}, 302, 200, 200, 200),
    ("/patients/<int:patient_id>/consent/<treatment>", "POST"):
        ("/patients/1/consent/antalgic", consent_form(), 302, 303, 303, 303),
    ("/consents/<int:consent_id>", "GET"): ("/consents/1", {}, 302, 200, 200, 200),
    ("/settings/consents", "GET"): ("/settings/consents", {}, 302, 200, 403, 403),
    ("/settings/consents", "POST"): ("/settings/consents", {
        "treatment": "antalgic", "language": "en", "version": "1", "body": "Forged"},
        302, 303, 403, 403),
    ("/records/<int:record_id>/discard", "POST"): ("/records/1/discard", {}, 302, 303, 303, 403),
    # Addenda are for signed records: the seeded draft answers 409.
    ("/records/<int:record_id>/addenda", "POST"): ("/records/1/addenda", {"text": "late"}, 302, 409, 409, 403),
    # Only a signed record is exported: the seeded draft answers 409.
    ("/records/<int:record_id>/fhir.json", "GET"): ("/records/1/fhir.json", {}, 302, 409, 409, 403),
    ("/plans/<int:plan_id>/points.csv", "GET"): ("/plans/1/points.csv", {}, 302, 200, 200, 200),
    ("/patients/<int:patient_id>/sessions.csv", "GET"): ("/patients/1/sessions.csv", {}, 302, 200, 200, 403),
    ("/patients/<int:patient_id>/plans/import", "GET"): ("/patients/1/plans/import", {}, 302, 200, 200, 403),
    # No file sent: the form comes back naming the field.
    ("/patients/<int:patient_id>/plans/import", "POST"): ("/patients/1/plans/import", {}, 302, 422, 422, 403),
    ("/account/tokens", "GET"): ("/account/tokens", {}, 302, 200, 200, 200),
    ("/account/tokens", "POST"): ("/account/tokens", {"name": "a script"}, 302, 201, 201, 201),
    # Nobody has a token in the seeded database: each user revokes only their own.
    ("/account/tokens/<int:token_id>/revoke", "POST"): ("/account/tokens/1/revoke", {}, 302, 404, 404, 404),
    # The API takes a token, never the browser's cookie: logged in or not, 401 (tests/web/test_api.py
    # checks what each role's token gets). Its description is public.
    ("/api/v1/openapi.json", "GET"): ("/api/v1/openapi.json", {}, 200, 200, 200, 200),
    ("/api/v1/bodymaps", "GET"): ("/api/v1/bodymaps", {}, 401, 401, 401, 401),
    ("/api/v1/bodymaps/<view_id>", "GET"): ("/api/v1/bodymaps/knee-anterior", {}, 401, 401, 401, 401),
    ("/api/v1/grid", "POST"): ("/api/v1/grid", {}, 401, 401, 401, 401),
    ("/api/v1/patients", "GET"): ("/api/v1/patients", {}, 401, 401, 401, 401),
    ("/api/v1/patients", "POST"): ("/api/v1/patients", {}, 401, 401, 401, 401),
    ("/api/v1/patients/search", "POST"): ("/api/v1/patients/search", {}, 401, 401, 401, 401),
    ("/api/v1/patients/<int:patient_id>", "GET"): ("/api/v1/patients/1", {}, 401, 401, 401, 401),
    ("/api/v1/patients/<int:patient_id>/plans", "GET"): ("/api/v1/patients/1/plans", {}, 401, 401, 401, 401),
    ("/api/v1/patients/<int:patient_id>/plans", "POST"): ("/api/v1/patients/1/plans", {}, 401, 401, 401, 401),
    ("/api/v1/plans/<int:plan_id>", "GET"): ("/api/v1/plans/1", {}, 401, 401, 401, 401),
    ("/api/v1/plans/<int:plan_id>", "PUT"): ("/api/v1/plans/1", {}, 401, 401, 401, 401),
    ("/api/v1/patients/<int:patient_id>/sessions", "GET"): ("/api/v1/patients/1/sessions", {}, 401, 401, 401, 401),
    ("/api/v1/sessions/<int:session_id>", "GET"): ("/api/v1/sessions/1", {}, 401, 401, 401, 401),
    # A printout's progress while the print worker makes it (job 1: the seeded queued sheet).
    ("/printouts/<int:job_id>", "GET"): ("/printouts/1", {}, 302, 200, 200, 200),
    ("/calibration-card", "GET"): ("/calibration-card", {}, 302, 200, 200, 200),
    ("/calibration-card.pdf", "GET"): ("/calibration-card.pdf", {}, 302, 200, 200, 200),
    ("/cycles/<int:cycle_id>/report", "GET"): ("/cycles/1/report", {}, 302, 200, 200, 200),
    ("/cycles/<int:cycle_id>/report.pdf", "GET"): ("/cycles/1/report.pdf", {}, 302, 200, 200, 200),
    ("/cycles/<int:cycle_id>/sessions", "POST"): ("/cycles/1/sessions",
                                                  {"planned_on": "2026-12-30"}, 302, 303, 303, 303),
    # Cancelling is a clinician's decision, with a reason (an assistant moves the date instead).
    ("/sessions/<int:session_id>/cancel", "POST"): ("/sessions/2/cancel",
                                                    {"reason": "febbre, 38,5"},
                                                    302, 303, 303, 403),
    ("/recall", "GET"): ("/recall?lot=S1", {}, 302, 200, 200, 200),
    ("/recall.csv", "GET"): ("/recall.csv?lot=S1", {}, 302, 200, 200, 403),
    ("/mixtures", "GET"): ("/mixtures", {}, 302, 200, 200, 200),
    ("/mixtures", "POST"): ("/mixtures", {"name": "access mix", "component-0": "saline",
                                          "volume_ml-0": "2"}, 302, 303, 303, 403),
    # No mixture in the seeded database: a clinician gets 404 (tests/web/test_mixtures.py has
    # the answers on a real mixture); an assistant is refused before any lookup.
    ("/mixtures/<int:mixture_id>/edit", "GET"): ("/mixtures/1/edit", {}, 302, 404, 404, 403),
    ("/mixtures/<int:mixture_id>/edit", "POST"): ("/mixtures/1/edit", {
        "name": "access mix", "component-0": "saline", "volume_ml-0": "2", "version": "1"},
        302, 404, 404, 403),
    ("/mixtures/<int:mixture_id>/archive", "POST"): ("/mixtures/1/archive", {}, 302, 404, 404, 403),
    ("/mixtures/<int:mixture_id>/restore", "POST"): ("/mixtures/1/restore", {}, 302, 404, 404, 403),
    ("/mixtures/defaults", "POST"): ("/mixtures/defaults", {"default-face": "", "was-face": ""},
                                     302, 303, 303, 403),
    ("/", "GET"): ("/", {}, 302, 302, 302, 302),
    ("/healthz", "GET"): ("/healthz", {}, 200, 200, 200, 200),
    ("/account/password", "GET"): ("/account/password", {}, 302, 200, 200, 200),
    ("/account/sessions", "GET"): ("/account/sessions", {}, 302, 200, 200, 200),
    ("/account/sessions", "POST"): ("/account/sessions", {}, 302, 303, 303, 303),
    ("/account/password", "POST"): ("/account/password", {
        "current": PASSWORD, "password": "a new long password",
        "confirm": "a new long password"}, 302, 303, 303, 303),
    ("/users", "GET"): ("/users", {}, 302, 200, 403, 403),
    ("/users/new", "GET"): ("/users/new", {}, 302, 200, 403, 403),
    ("/users/new", "POST"): ("/users/new", {
        "username": "newbie", "full_name": "New Bie", "role": "assistant", "language": "it",
        "password": "a long enough password", "confirm": "a long enough password"},
        302, 303, 403, 403),
    ("/users/<int:user_id>", "GET"): ("/users/1", {}, 302, 200, 403, 403),
    ("/users/<int:user_id>", "POST"): ("/users/1", {
        "full_name": "Dr Renamed", "role": "doctor", "language": "en", "active": "1"},
        302, 303, 403, 403),
    ("/users/<int:user_id>/password", "POST"): ("/users/1/password", {
        "password": "another long password", "confirm": "another long password"},
        302, 303, 403, 403),
    ("/audit", "GET"): ("/audit", {}, 302, 200, 403, 403),
    ("/audit.csv", "GET"): ("/audit.csv", {}, 302, 200, 403, 403),
    # Photos (photo 1: of record 1, seeded). The seeded consent says no to photos: an upload is
    # refused, naming why (422). Marking for teaching and deleting are a clinician's.
    ("/patients/<int:patient_id>/photos/new", "GET"): ("/patients/1/photos/new?record_id=1", {},
                                                       302, 200, 200, 200),
    ("/patients/<int:patient_id>/photos", "POST"): ("/patients/1/photos", {"moment": "before"},
                                                    302, 422, 422, 422),
    ("/photos/<int:photo_id>", "GET"): ("/photos/1", {}, 302, 200, 200, 200),
    ("/photos/<int:photo_id>/image", "GET"): ("/photos/1/image", {}, 302, 200, 200, 200),
    ("/photos/<int:photo_id>/preview", "GET"): ("/photos/1/preview", {}, 302, 200, 200, 200),
    ("/photos/<int:photo_id>/download", "GET"): ("/photos/1/download", {}, 302, 200, 200, 200),
    ("/photos/<int:photo_id>/teaching", "POST"): ("/photos/1/teaching", {}, 302, 303, 303, 403),
    ("/photos/<int:photo_id>/delete", "POST"): ("/photos/1/delete", {}, 302, 303, 303, 403),
    # Looking for the calibration card in a photo taken before the app looked: a clinician's.
    ("/photos/<int:photo_id>/calibration", "POST"): ("/photos/1/calibration", {},
                                                     302, 303, 303, 403),
    ("/cycles/<int:cycle_id>/photos", "GET"): ("/cycles/1/photos", {}, 302, 200, 200, 200),
    # Photo 1 has no calibration card: it has no plane to plan on.
    ("/photos/<int:photo_id>/plane", "GET"): ("/photos/1/plane", {}, 302, 404, 404, 404),
    # Marks on a photo (annotation, with or without a scale): a clinician's.
    ("/photos/<int:photo_id>/marks", "GET"): ("/photos/1/marks", {}, 302, 200, 200, 403),
    ("/photos/<int:photo_id>/marks", "POST"): ("/photos/1/marks", {}, 302, 303, 303, 403),
    ("/api/v1/patients/<int:patient_id>/photos", "GET"): ("/api/v1/patients/1/photos", {}, 401, 401, 401, 401),
    ("/api/v1/patients/<int:patient_id>/photos", "POST"): ("/api/v1/patients/1/photos", {}, 401, 401, 401, 401),
    ("/api/v1/photos/<int:photo_id>", "GET"): ("/api/v1/photos/1", {}, 401, 401, 401, 401),
    ("/api/v1/photos/<int:photo_id>/image", "GET"): ("/api/v1/photos/1/image", {}, 401, 401, 401, 401),
}


def seed(app) -> None:
    """A user, patient 1 and their plan 1, a cycle of two sessions, a draft record of the
    first (record 1, lot S-1), a sheet of plan 1 queued for the print worker (printout 1), a
    photo of record 1 (photo 1)."""
    from planner import engine
    from planner.consent_texts import built_in
    from planner.core.plan_reader import from_dict
    from planner.core.plan_writer import dump
    from planner.extensions import db
    from planner.models import (
        Consent,
        Cycle,
        Patient,
        PlanRecord,
        Printout,
        ScheduledSession,
        SessionProduct,
        SessionRecord,
    )

    user_id = make_user(app)  # user 1, "doctor"
    make_user(app, "admin", role="admin")
    make_user(app, "assistant", role="assistant")
    with app.app_context():
        patient = Patient(record_number="R-1", family_name="Seeded", given_name="Patient",
                          birth_date=date(1960, 1, 2), sex="male", weight_kg=Decimal("70"))
        db.session.add(patient)
        db.session.flush()
        result, _view = engine.run(from_dict(PLAN))
        db.session.add(PlanRecord(patient_id=patient.id, title="seeded", treatment="antalgic",
                                  bodymap="knee-anterior", side="right",
                                  plan_json=json.dumps(dump(result.plan)),
                                  points=len(result.xy), total_ml=str(result.total_ml),
                                  created_by_id=user_id, updated_by_id=user_id))
        db.session.flush()
        db.session.add(Cycle(patient_id=patient.id, plan_id=1, template="antalgic",
                             created_by_id=user_id,
                             sessions=[ScheduledSession(number=1, planned_on=date.today()),
                                       ScheduledSession(number=2, planned_on=date.today())]))
        db.session.flush()
        answers = {k.removeprefix("q-"): v for k, v in RECORD_FORM.items() if k[:2] == "q-"}
        db.session.add(SessionRecord(
            patient_id=patient.id, plan_id=1, plan_version=1, scheduled_id=1,
            plan_json=json.dumps(dump(result.plan)), performed_at=datetime(2026, 11, 23, 10),
            performer_id=user_id, pain_before=6, checklist_json=json.dumps(answers),
            created_by_id=user_id, products=[SessionProduct(product="saline", lot="S-1")]))
        db.session.add(Consent(patient_id=patient.id, treatment="antalgic", language="it",
                               text_version=1, body=built_in("antalgic", "it"),
                               signer_name="Giulia Seeded", strokes_json=SIGNATURE,
                               taken_by_id=user_id, taken_by_name="Marta Ferrari",
                               signed_at=FIRST_VISIT))
        db.session.add(Printout(digest="0" * 64, kind="sheet", entity="plan", entity_id=1,
                                html="<p>seeded</p>", html_bytes=14))
        db.session.commit()
    seed_photo(app)
