"""Who may do what: every endpoint of the app, with the roles allowed on it.

- **admin**: the accounts, the clinic settings, the audit trail; and everything a doctor does
  (in a small clinic the administrator is the doctor).
- **doctor**: patients, plans and doses, cycles, session records and their signature.
- **assistant**: sees patients and plans, prints, prepares the session (the draft record with
  its products and lots, the day of a session); never saves a plan, a mixture or a patient's
  record, never schedules or cancels a session of a cycle, never signs, discards or corrects a
  record.

The table is closed: an endpoint that is not in it is refused to everyone (403), so a new route
is unreachable until someone decides who may use it (tests/web/test_roles.py checks the table
against the app's routes).
"""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from planner.vocabulary import CLINICIAN_ROLES, ROLE_WORDS, ROLES, SIGNING_ROLES
from planner.web.paths import PUBLIC_ENDPOINTS, is_api

ALL = frozenset(ROLES)
CLINICIANS = frozenset(CLINICIAN_ROLES)
SIGNERS = frozenset(SIGNING_ROLES)
ADMIN = frozenset({"admin"})

# "endpoint" for every method, or "endpoint:METHOD" where the methods differ.
PERMISSIONS: dict[str, frozenset[str]] = {
    "home": ALL,
    "auth.logout": ALL,
    "auth.alive": ALL,  # a page being typed in keeps its session open (static/keepalive.js)
    "auth.language": ALL,
    "account.password": ALL,
    "account.sessions": ALL,  # one's own logged-in browsers, and "log out everywhere"
    "patients.index": ALL,
    "patients.show": ALL,
    "patients.create": CLINICIANS,
    "patients.edit": CLINICIANS,
    "patients.archive": CLINICIANS,
    "plans.new": CLINICIANS,
    "plans.edit": ALL,
    "plans.preview": ALL,  # the editor's live drawing: computes, saves nothing
    "plans.save": CLINICIANS,
    "plans.copy": CLINICIANS,
    "plans.thumbnail": ALL,
    "plans.export": ALL,
    "mixtures.index:GET": ALL,
    "mixtures.index:POST": CLINICIANS,
    "mixtures.edit": CLINICIANS,  # a new version of a mixture
    "mixtures.archive": CLINICIANS,
    "mixtures.restore": CLINICIANS,
    "mixtures.defaults": CLINICIANS,  # the mixture a treatment's new plans start with
    "printouts.page": ALL,
    "printouts.pdf": ALL,
    "printouts.cycle_page": ALL,
    "printouts.cycle_pdf": ALL,
    # A printout's progress while the print worker makes it; the view also asks the PDF's own
    # endpoint's roles of the printout (web/printouts.py).
    "printouts.progress_of": ALL,
    "printouts.settings": ADMIN,
    "calibration.card": ALL,  # the calibration card for photos: no patient data
    "calibration.card_pdf": ALL,
    # The patient signs; whoever is with them (the assistant too) hands over the tablet.
    "consents.take": ALL,
    "consents.show": ALL,
    "consents.texts": ADMIN,  # the clinic's consent texts, like its other settings
    "cycles.new": CLINICIANS,
    "cycles.upcoming": ALL,
    "cycles.move": ALL,
    "cycles.add_session": ALL,
    # Cancelling a session shortens the patient's cycle: a clinician's decision, with a reason.
    # An assistant who takes a patient's call moves the session to another day (cycles.move).
    "cycles.cancel": CLINICIANS,
    "records.record_scheduled": ALL,
    "records.record_plan": ALL,
    "records.show": ALL,
    "records.update": ALL,
    "records.sign": SIGNERS,
    "records.discard": CLINICIANS,
    "records.add_addendum": CLINICIANS,
    "fhir_export.session_bundle": CLINICIANS,  # health data leaving the clinic
    # Photos are part of the record: whoever sees the record sees them, and whoever prepares
    # a session takes them (the assistant too, as with the draft record). Marking one for
    # teaching and deleting one taken by mistake are a clinician's decisions.
    "photos.new": ALL,
    "photos.upload": ALL,
    "photos.show": ALL,
    "photos.image": ALL,
    "photos.preview": ALL,
    "photos.download": ALL,
    "photos.compare": ALL,
    "photo_plane.plane": ALL,
    "photo_marks.edit": CLINICIANS,
    "photo_marks.save": CLINICIANS,
    "photos.teaching": CLINICIANS,
    "photos.delete": CLINICIANS,
    "photos.look_for_card": CLINICIANS,  # a photo taken before the app looked for the card
    "files.plan_points": ALL,  # the assistant prepares syringes from it
    "files.patient_sessions": CLINICIANS,
    "files.import_plan": CLINICIANS,  # it ends in the editor, where only they save
    "tokens.index": ALL,
    "tokens.revoke": ALL,
    # The JSON API (web/api.py): the same rules for the token's user.
    "api.openapi": ALL,
    "api.bodymaps": ALL,
    "api.bodymap": ALL,
    "api.grid": ALL,
    "api.patients": ALL,
    "api.search_patients": ALL,
    "api.create_patient": CLINICIANS,
    "api.patient": ALL,
    "api.patient_plans": ALL,
    "api.create_plan": CLINICIANS,
    "api.plan": ALL,
    "api.update_plan": CLINICIANS,
    "api.patient_sessions": ALL,
    "api.session": ALL,
    "api.patient_photos": ALL,
    "api.upload_photo": ALL,
    "api.photo": ALL,
    "api.photo_image": ALL,
    "recall.search": ALL,
    "recall.export": CLINICIANS,
    "users.index": ADMIN,
    "users.create": ADMIN,
    "users.edit": ADMIN,
    "users.reset_password": ADMIN,
    "audit.index": ADMIN,
    "audit.export": ADMIN,
}


def allowed(endpoint: str, method: str, role: str) -> bool:
    """Whether ``role`` may use ``endpoint`` with ``method`` (unknown endpoints: nobody).

    >>> allowed("mixtures.index", "GET", "assistant"), allowed("mixtures.index", "POST",
    ...                                                        "assistant")
    (True, False)
    >>> allowed("no.such.page", "GET", "admin")
    False
    """
    roles = PERMISSIONS.get(f"{endpoint}:{method}", PERMISSIONS.get(endpoint, frozenset()))
    return role in roles


def can(endpoint: str, method: str = "GET") -> bool:
    """Whether the logged-in user may use an endpoint (templates hide what they cannot)."""
    return bool(current_user.is_authenticated
                and allowed(endpoint, method, str(current_user.role)))


def role_names() -> dict[str, str]:
    """The roles in the user's language."""
    return {role: _(word) for role, word in ROLE_WORDS.items()}


def init_app(app: Flask) -> None:
    """Refuse, before any view runs, what the logged-in user's role does not allow."""
    app.jinja_env.globals.update(can=can, role_names=role_names)

    @app.before_request
    def check_role() -> ResponseReturnValue | None:
        endpoint = request.endpoint
        if endpoint is None or endpoint in PUBLIC_ENDPOINTS or is_api():
            return None  # the API checks the same table for its token's user (web/api.py)
        if not current_user.is_authenticated:
            return None  # the login requirement answers first
        method = "GET" if request.method == "HEAD" else request.method
        if allowed(endpoint, method, str(current_user.role)):
            return None
        return render_template("forbidden.html"), 403
