"""Nothing a logged-in user reads or tries goes unrecorded: every request that did not write its
own audit event (the views write the events of what they change, with their details) gets one
here, once the answer is known: what was asked (the page, the record's id, "list" or
"search"), never the patient's data (no names, no search words).

The only requests without an event are those that show no patient data and change nothing
(``UNAUDITED``, each with its reason); tests/web/test_access.py (every web route, every role)
and tests/web/test_audit_trail.py (every API route) fail when one leaves no event. A 404 of a
logged-in user is recorded too (someone trying ids).
"""

from __future__ import annotations

import logging
from contextlib import suppress

from flask import Flask, g, request
from flask import Response as FlaskResponse
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from planner.extensions import db
from planner.models import audit
from planner.web.paths import MAX_ID

log = logging.getLogger(__name__)

# Endpoints that show no patient data and change nothing, or that write their own events.
UNAUDITED = {
    "static": "the app's own scripts, styles and pictures",
    "healthz": "a monitor's question: is the server up",
    "home": "a redirect to the patients list, which is audited",
    "auth.login": "writes its own events: every login, failed login and refusal",
    "auth.setup": "the first run, before any patient; the account it makes is audited",
    "api.openapi": "the API's description, no data",
    "api.bodymaps": "the body map atlas, the same for every patient",
    "api.bodymap": "the body map atlas, the same for every patient",
    "api.grid": "computes a plan file sent in the request; reads no record",
    "auth.alive": "a page being typed in keeps its session open; it shows nothing",
    "printouts.progress_of": "a printout's progress while it is made (its state and times, "
                             "no patient data), asked every half second; asking for the "
                             "printout and getting its PDF are audited",
    "plans.preview": "the editor's live drawing of what the form holds, on every slider move; "
                    "opening the plan (plans.edit) is audited",
}

# The entity a URL's id names.
ID_ENTITIES = {"patient_id": "patient", "plan_id": "plan", "record_id": "session_record",
               "session_id": "session", "cycle_id": "cycle", "mixture_id": "mixture",
               "user_id": "user", "token_id": "api_token", "consent_id": "consent",
               "photo_id": "photo"}

# Pages with no id in the URL: the entity they list.
LISTS = {"patients.index": "patient", "patients.create": "patient",
         "cycles.upcoming": "session", "recall.search": "recall", "recall.export": "recall",
         "users.index": "user", "users.create": "user", "audit.index": "audit",
         "audit.export": "audit", "mixtures.index": "mixture", "tokens.index": "api_token",
         "printouts.settings": "settings", "account.password": "user",
         "account.sessions": "user", "api.patients": "patient",
         "api.search_patients": "patient", "api.create_patient": "patient",
         "plans.save": "plan", "auth.logout": "user", "auth.language": "user",
         "consents.texts": "consent_text"}

PRINTS = frozenset({"printouts.page", "printouts.pdf", "printouts.cycle_page",
                    "printouts.cycle_pdf"})
EXPORTS = frozenset({"plans.export", "files.plan_points", "files.patient_sessions",
                     "recall.export", "audit.export", "fhir_export.session_bundle"})
SEARCHES = frozenset({"recall.search", "api.search_patients"})


FORMS = frozenset({"patients.edit", "patients.create", "records.record_plan",
                   "records.record_scheduled", "cycles.new", "files.import_plan", "plans.new",
                   "users.create", "users.edit", "mixtures.edit", "account.password",
                   "printouts.settings", "photos.new"})


def event_of(endpoint: str, method: str, status: int, args: dict[str, object],
             query: frozenset[str]) -> tuple[str, str, int | None, str]:
    """The audit event (action, entity, id, detail) of a request that wrote none itself. The
    detail is one of a few fixed words (web/audit_words.py says them in the reader's language).

    >>> event_of("patients.show", "GET", 200, {"patient_id": 7}, frozenset())
    ('view', 'patient', 7, '')
    >>> event_of("patients.index", "GET", 200, {}, frozenset({"q"}))
    ('search', 'patient', None, 'search')
    >>> event_of("api.patients", "GET", 200, {}, frozenset())
    ('view', 'patient', None, 'API, list')
    >>> event_of("printouts.pdf", "GET", 200, {"plan_id": 3, "kind": "sheet"}, frozenset())
    ('print', 'plan', 3, 'sheet PDF')
    >>> event_of("records.sign", "POST", 403, {"record_id": 2}, frozenset())
    ('denied', 'session_record', 2, 'answer 403')
    >>> event_of("patients.show", "GET", 404, {"patient_id": 2**40}, frozenset())
    ('view', 'patient', None, 'answer 404')
    >>> event_of("patients.index", "POST", 200, {}, frozenset({"q"}))
    ('search', 'patient', None, 'search')
    """
    entity, entity_id = LISTS.get(endpoint, "page"), None
    listing = not any(name in args for name in ID_ENTITIES)
    for name, kind in ID_ENTITIES.items():
        value = args.get(name)
        if isinstance(value, int):
            # An id beyond what the database holds (a 404) is recorded without it.
            entity, entity_id = kind, value if value <= MAX_ID else None
            break
    words = ["API"] if endpoint.startswith("api.") else []
    if status in (401, 403):
        return "denied", entity, entity_id, ", ".join([*words, f"answer {status}"])
    if method not in ("GET", "HEAD") and status >= 400:
        return "refused", entity, entity_id, ", ".join([*words, f"answer {status}"])
    if endpoint in SEARCHES or (endpoint == "patients.index" and "q" in query):
        return "search", entity, None, ", ".join([*words, "search"])  # GET or POST
    if method not in ("GET", "HEAD"):
        return "view", entity, entity_id, ", ".join([*words, f"answer {status}"])
    action = "view"
    if endpoint in PRINTS:
        action = "print"
        words.append(f"{args.get('kind', 'report')} {'PDF' if 'pdf' in endpoint else 'page'}")
    elif endpoint in EXPORTS:
        action = "export"
    elif endpoint in FORMS:
        words.append("form")
    elif endpoint == "plans.thumbnail":
        words.append("thumbnail")
    elif endpoint.startswith("account."):
        words.append("own account")
    elif listing:
        words.append("list")
    if status >= 400:
        words.append(f"answer {status}")
    return action, entity, entity_id, ", ".join(words)


def asked() -> frozenset[str]:
    """The names of the fields filled in the query (and in the form of the patients' search,
    which is posted): a search is told from a list by them. A form too large to read (413) or
    broken has none."""
    names = {k for k, v in request.args.items() if v.strip()}
    if request.endpoint == "patients.index" and request.method == "POST":
        with suppress(HTTPException):
            names |= {k for k, v in request.form.items() if v.strip()}
    return frozenset(names)


def _user() -> object | None:
    if request.path.startswith("/api/"):
        found: object | None = g.get("api_user")
        return found
    return current_user if current_user.is_authenticated else None


def init_app(app: Flask) -> None:
    """Write the event of every request that wrote none (after the view, before the answer)."""

    @app.after_request
    def audit_the_rest(response: FlaskResponse) -> FlaskResponse:
        endpoint = request.endpoint
        if endpoint is None or endpoint in UNAUDITED or g.get("audited") or \
                response.status_code >= 500:
            return response  # a 500 is logged with its traceback (web/errors.py)
        user = _user()
        if user is None:
            return response  # not logged in: the login page is all anyone sees
        action, entity, entity_id, detail = event_of(
            endpoint, request.method, response.status_code, dict(request.view_args or {}),
            asked())
        try:
            audit(user, action, entity, entity_id, detail)  # type: ignore[arg-type]
            db.session.commit()
        except Exception:  # no event, no answer (logged without patient data)
            db.session.rollback()
            log.exception("could not write the audit event of %s", endpoint)
            return FlaskResponse(_("The access could not be recorded in the audit trail, so "
                                   "nothing is shown: try again."), 503,
                                 mimetype="text/plain")
        return response
