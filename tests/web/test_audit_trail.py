"""The audit trail misses nothing and cannot be altered unseen: every API route leaves an event
(the web's routes: tests/web/test_access.py::test_logged_in), no event holds what was searched,
and the hash chain stays whole whatever the order and the concurrency of the writes."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from planner.web.audit_reads import UNAUDITED, event_of
from tests.helpers.api import Api, seeded_api, stored_token
from tests.helpers.audit import audit_count, events
from tests.helpers.users import login, make_user, post

# Every API route with a request a doctor's token may make on the seeded data (patient 1, its
# plan 1); a route missing here fails test_every_api_route_is_walked.
API_ROUTES = {
    ("/api/v1/openapi.json", "GET"): "/api/v1/openapi.json",
    ("/api/v1/bodymaps", "GET"): "/api/v1/bodymaps",
    ("/api/v1/bodymaps/<view_id>", "GET"): "/api/v1/bodymaps/knee-anterior",
    ("/api/v1/grid", "POST"): "/api/v1/grid",
    ("/api/v1/patients", "GET"): "/api/v1/patients",
    ("/api/v1/patients", "POST"): "/api/v1/patients",
    ("/api/v1/patients/search", "POST"): "/api/v1/patients/search",
    ("/api/v1/patients/<int:patient_id>", "GET"): "/api/v1/patients/1",
    ("/api/v1/patients/<int:patient_id>/plans", "GET"): "/api/v1/patients/1/plans",
    ("/api/v1/patients/<int:patient_id>/plans", "POST"): "/api/v1/patients/1/plans",
    ("/api/v1/plans/<int:plan_id>", "GET"): "/api/v1/plans/1",
    ("/api/v1/plans/<int:plan_id>", "PUT"): "/api/v1/plans/1",
    ("/api/v1/patients/<int:patient_id>/sessions", "GET"): "/api/v1/patients/1/sessions",
    ("/api/v1/sessions/<int:session_id>", "GET"): "/api/v1/sessions/1",
    ("/api/v1/patients/<int:patient_id>/photos", "GET"): "/api/v1/patients/1/photos",
    ("/api/v1/patients/<int:patient_id>/photos", "POST"): "/api/v1/patients/1/photos",
    ("/api/v1/photos/<int:photo_id>", "GET"): "/api/v1/photos/1",
    ("/api/v1/photos/<int:photo_id>/image", "GET"): "/api/v1/photos/1/image",
}


def api_rules(app) -> dict[tuple[str, str], str]:
    return {(rule.rule, method): rule.endpoint for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/") for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_api_route_is_walked(app):
    assert set(api_rules(app)) == set(API_ROUTES)


@pytest.mark.parametrize("key", sorted(API_ROUTES), ids=lambda k: f"{k[1]} {k[0]}")
def test_every_api_request_leaves_an_audit_event(app, key):
    token = seeded_api(app)
    api = Api(app, token)
    before = audit_count(app)
    path, method = API_ROUTES[key], key[1]
    response = api.client.open(path, method=method, headers=api.headers,
                               json={"q": "anything"} if method != "GET" else None)
    assert response.status_code < 500
    endpoint = api_rules(app)[key]
    if endpoint in UNAUDITED or response.status_code == 404:
        return
    assert audit_count(app) > before, f"{method} {path} ({response.status_code}) left no event"


def test_a_search_is_audited_without_the_words_searched(app, client):
    make_user(app)
    login(client)
    client.get("/patients", query_string={"q": "Rossi Maria"})
    Api(app, stored_token(app)).post("/patients/search", {"q": "Bianchi"})
    searches = events(app, "search")
    assert len(searches) == 2
    assert not [e for e in events(app) if "Rossi" in e[3] or "Bianchi" in e[3]]


def test_the_audit_page_is_itself_audited_and_shows_the_new_events_in_words(app, admin):
    from bs4 import BeautifulSoup

    admin.get("/audit")
    assert ("view", "audit", None, "list") in events(app)
    make_user(app, "assistant", role="assistant")
    assistant = app.test_client()

    login(assistant, "assistant")
    assert assistant.get("/audit").status_code == 403
    assert events(app, "denied")[-1][1:] == ("audit", None, "answer 403")
    page = BeautifulSoup(admin.get("/audit", query_string={"action": "denied"})
                         .get_data(as_text=True), "html.parser")
    cells = [td.get_text(strip=True) for td in page.select("[data-testid=audit] tbody td")]
    assert "refused to the role" in cells and "answer 403" in cells


def chain_verdict(app):
    from planner.audit_chain import verify
    from planner.extensions import db
    from planner.models import AuditEvent, AuditHead

    with app.app_context():
        head = db.session.get(AuditHead, 1)
        rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        return verify(rows, head.seq if head else None, head.last_hash if head else None)


def test_the_chain_is_whole_after_a_walk_of_the_app(app, admin):
    for path in ("/patients", "/audit", "/users", "/sessions", "/mixtures", "/recall"):
        admin.get(path)
    post(admin, "/patients/new", {"family_name": "Chain", "given_name": "Test",
                                  "birth_date": "1970-01-01", "sex": "male"})
    verdict = chain_verdict(app)
    assert verdict.intact, verdict.reason
    assert verdict.events == audit_count(app) > 8


def test_writers_racing_never_fork_the_chain(app):
    """Two threads (two connections) adding events at once: each transaction locks the chain's
    end, so every event hashes onto the one written before it."""
    from planner.extensions import db
    from planner.models import audit

    user = make_user(app)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            with app.app_context():
                from planner.models import User

                me = db.session.get(User, user)
                for n in range(15):
                    audit(me, "view", "patient", k * 100 + n, "")
                    audit(me, "view", "plan", k * 100 + n, "")
                    db.session.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    verdict = chain_verdict(app)
    assert verdict.intact, verdict.reason
    assert verdict.events == 90


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET detail = 'forged'",
                                       "DELETE FROM audit_events"])
def test_the_database_refuses_to_change_or_delete_an_event(app, admin, statement):
    import sqlalchemy as sa

    from planner.extensions import db

    with app.app_context():
        before = audit_count(app)
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text(statement))
            db.session.commit()
        db.session.rollback()
    assert audit_count(app) == before and chain_verdict(app).intact


@pytest.mark.parametrize(("endpoint", "method", "status", "args", "expected"), [
    ("patients.show", "GET", 200, {"patient_id": 3}, ("view", "patient", 3, "")),
    ("patients.edit", "GET", 200, {"patient_id": 3}, ("view", "patient", 3, "form")),
    ("patients.edit", "POST", 422, {"patient_id": 3},
     ("refused", "patient", 3, "answer 422")),
    ("plans.thumbnail", "GET", 200, {"plan_id": 4}, ("view", "plan", 4, "thumbnail")),
    ("files.plan_points", "GET", 200, {"plan_id": 4}, ("export", "plan", 4, "")),
    ("printouts.cycle_page", "GET", 200, {"cycle_id": 2}, ("print", "cycle", 2,
                                                           "report page")),
    ("cycles.upcoming", "GET", 200, {}, ("view", "session", None, "list")),
    ("api.patient_plans", "GET", 200, {"patient_id": 1}, ("view", "patient", 1, "API")),
])
def test_the_event_of_a_request_says_what_was_asked(endpoint, method, status, args, expected):
    assert event_of(endpoint, method, status, args, frozenset()) == expected


def test_every_generic_detail_reads_in_words(app):
    """Each detail audit_reads writes is said in the reader's language on the audit page."""
    from planner.web.audit_words import detail_words

    details = {event_of(endpoint, method, status, args, frozenset(q))[3]
               for endpoint in ("patients.show", "patients.edit", "patients.index",
                                "printouts.pdf", "printouts.page", "plans.thumbnail",
                                "api.patients", "api.patient", "recall.search")
               for method in ("GET", "POST") for status in (200, 403, 422)
               for args in ({}, {"patient_id": 1, "kind": "sheet"}) for q in ((), ("q",))}
    with app.test_request_context(headers={"Accept-Language": "it"}):
        from flask_babel import force_locale

        with force_locale("it"):
            unread = [d for d in details if d and detail_words("patient", d) == d]
    assert not unread
