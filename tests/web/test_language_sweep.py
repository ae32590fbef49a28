"""What an Italian or Spanish user reads beyond the pages of the route table: the page after each
change (and the one it leads to), the error pages, the audit trail's words, the API's messages
and the numbers on the drawing. (tests/web/test_translations.py has the catalogue checks.)"""

from __future__ import annotations

import io
import re

import pytest
from bs4 import BeautifulSoup

from tests.helpers.access import PLAN, ROUTES
from tests.helpers.api import Api, make_token
from tests.helpers.documents import pdf_text
from tests.helpers.languages import (
    clinic_in,
    english_in,
    english_words,
    left_in_english,
    set_language,
    visible_text,
)
from tests.helpers.users import csrf_token, login

LANGUAGES = ("it", "es")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_after_a_change_shows_english(app, client, language):
    """Every form of the route table sent by an administrator in a seeded clinic: the answer,
    the page a redirect leads to, then the error pages and the login page after a logout."""

    clinic_in(app, language)
    login(client, "admin")
    seen, read = [], []

    def check(label, response):
        if response.mimetype != "text/html":
            return
        found = english_in(visible_text(response.get_data(as_text=True)), language)
        if found:
            seen.append(f"{label}: {found[:5]}")
        read.append(label)

    for (rule, method), (path, data, *_statuses) in sorted(ROUTES.items()):
        if method != "POST" or rule.startswith("/api/") or rule in ("/login", "/logout",
                                                                    "/account/sessions"):
            continue  # the ends of a session are read last
        if rule == "/language":
            data = {**data, "language": language}  # the user stays in the language read
        response = client.post(path, data={**data, "csrf_token": csrf_token(client)})
        if response.status_code in (302, 303):  # the body of a redirect is never shown
            check(f"POST {path} -> {response.headers['Location']}",
                  client.get(response.headers["Location"]))
        else:
            check(f"POST {path} ({response.status_code})", response)
    token = csrf_token(client)
    for label, response in (
            ("a form without its fields", client.post("/patients/new", data={"csrf_token": token})),
            ("an addendum to a draft", client.post("/records/1/addenda", data={
                "csrf_token": token, "text": "x"})),
            ("no such patient", client.get("/patients/999")),
            ("GET on a form's address", client.get("/logout")),
            ("a form without its token", client.post("/patients/new", data={})),
            ("too large", client.post("/patients/1/plans/import", data={
                "csrf_token": token, "file": (io.BytesIO(b"x" * 3_000_000), "a.json")})),
            ("a NUL in a field", client.post("/patients", data={"csrf_token": token,
                                                                 "q": "a\x00b"}))):
        check(label, response)
    response = client.post("/account/sessions", data={"csrf_token": csrf_token(client)})
    check("the login page after logging out everywhere", client.get(response.location))
    new_password = ROUTES[("/account/password", "POST")][1]["password"]  # changed in the loop
    assert client.post("/login", data={"username": "admin", "password": new_password,
                                       "csrf_token": csrf_token(client, "/login")}) \
        .status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    check("the login page after a logout", client.get("/login"))
    check("a wrong password", client.post("/login", data={
        "username": "admin", "password": "wrong", "csrf_token": csrf_token(client, "/login")}))
    assert len(read) >= 35, read
    assert not seen, f"English on {language} pages:\n" + "\n".join(seen)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_error_page_keeps_a_word_of_english(seeded, app, client, language):
    """The error pages read by the same user in English and in the language: no word of the
    English one is left on the other but the clinic's data (Werkzeug's "Not Found" would)."""

    login(client, "admin")

    def pages() -> list[str]:
        token = csrf_token(client)
        return [visible_text(r.get_data(as_text=True)) for r in (
            client.get("/patients/999"), client.get("/logout"),
            client.post("/patients/new", data={}),
            client.post("/patients/1/plans/import", data={
                "csrf_token": token, "file": (io.BytesIO(b"x" * 3_000_000), "a.json")}))]

    english = pages()
    set_language(app, "admin", language)
    for text, in_english in zip(pages(), english, strict=True):
        assert not left_in_english(text, in_english, language), text


# ------------------------------------------------------------------------ the audit trail

# One detail of each shape the app writes (grep "audit(" in planner/), with what it reads as.
DETAILS = [
    ("user", "command line", "dalla riga di comando"),
    ("database", "backup to meso-2026-12-01.sqlite3",
     "copia di sicurezza in meso-2026-12-01.sqlite3"),
    ("database", "restored from meso.sqlite3", "ripristinato da meso.sqlite3"),
    ("user", "password changed", "password cambiata"),
    ("user", "role doctor", "ruolo: medico"),
    ("user", "role: doctor -> admin; active: True -> False; language: en -> it",
     "ruolo: medico → amministratore; stato: attivo → disattivato; lingua: en → it"),
    ("user", "name", "nome cambiato"),
    ("user", "password reset by an administrator", "password reimpostata da un amministratore"),
    ("session_record", "plan 3 v2, session 7",
     "piano 3 versione 2, seduta programmata 7"),
    ("session_record", "plan 3 v2", "piano 3 versione 2"),
    ("addendum", "session record 4", "registrazione di seduta 4"),
    ("recall", "12 sessions", "12 sedute"),
    ("recall", "CSV, 12 sessions", "CSV, 12 sedute"),
    ("user", "too many failed logins", "troppi accessi non riusciti"),
    ("user", "idle", "dopo un periodo di inattività"),
    ("user", "first account (setup)", "primo account (configurazione iniziale)"),
    ("user", "language", "lingua cambiata"),
    ("cycle", "plan 2, 4 sessions", "piano 2, 4 sedute"),
    ("session", "moved from 2026-12-01 to 2026-12-03", "spostata dal 2026-12-01 al 2026-12-03"),
    ("session", "cycle 1, session 5 on 2026-12-30", "ciclo 1, seduta 5 il 2026-12-30"),
    ("session_record", "FHIR R4 bundle", "bundle FHIR R4"),
    ("patient", "birth_date, weight_kg", "modificati: Data di nascita, Peso"),
    ("patient", "demo", "dati dimostrativi"),
    ("plan", "sheet page, version 2", "scheda per la sala trattamenti, pagina, versione 2"),
    ("plan", "handout PDF, version 1", "foglio per il paziente, PDF, versione 1"),
    ("cycle", "report page", "resoconto del ciclo, pagina"),
    ("cycle", "report PDF", "resoconto del ciclo, PDF"),
    ("plan", "points CSV, version 3", "punti in CSV, versione 3"),
    ("patient", "sessions CSV, 2 sessions", "sedute in CSV, 2 sedute"),
    ("patient", "plan file knee.json", "file del piano knee.json"),
    ("patient", "API", "tramite l'API"),
    ("patient", "API, 3 found", "tramite l'API, 3 trovati"),
    ("patient", "API, sessions", "tramite l'API, le sedute"),
    ("plan", "from plan 2", "dal piano 2"),
    ("plan", "new plan from plan 2, which a signed session used",
     "nuovo piano dal piano 2, usato in una seduta firmata"),
    ("plan", "new plan from plan 2, which a signed session used, API",
     "nuovo piano dal piano 2, usato in una seduta firmata, tramite l'API"),
    ("plan", "plan file, version 4", "file del piano, versione 4"),
    ("audit", "CSV, 40 events", "CSV, 40 eventi"),
    ("session_record", "pregnancy, expired", "gravidanza, prodotto scaduto"),
    ("session_record", "record-pregnant, anaesthetic-dose",
     "la cartella riporta: Gravidanza, Anestetico locale oltre il limite"),
]


@pytest.mark.parametrize(("entity", "detail", "italian"), DETAILS)
def test_each_audit_detail_reads_in_italian(app, entity, detail, italian):
    from flask_babel import force_locale

    from planner.web.audit_words import detail_words

    with app.test_request_context(), force_locale("it"):
        assert detail_words(entity, detail) == italian
    with app.test_request_context(), force_locale("es"):
        spanish = detail_words(entity, detail)
    assert spanish != detail or detail == "FHIR R4 bundle"
    assert not [w for w in english_words("es") if re.search(rf"\b{re.escape(w)}\b", spanish)]


def test_a_detail_of_no_known_shape_is_shown_as_stored(app):
    from flask_babel import force_locale

    from planner.web.audit_words import detail_words

    with app.test_request_context(), force_locale("it"):
        assert detail_words("user", "Dr Rossi's script") == "Dr Rossi's script"  # a token name
        assert detail_words("patient", "") == ""


def test_the_audit_page_says_what_was_done_in_spanish(app, client):
    from planner.extensions import db
    from planner.models import User, audit

    clinic_in(app, "es")
    with app.app_context():
        admin = db.session.query(User).filter_by(username="admin").one()
        audit(admin, "print", "plan", 1, "sheet PDF, version 1")
        audit(admin, "override", "session_record", 1, "pregnancy")
        db.session.commit()
    login(client, "admin")
    soup = BeautifulSoup(client.get("/audit").get_data(as_text=True), "html.parser")
    rows = [[td.get_text(strip=True) for td in tr.select("td")][2:]
            for tr in soup.select("[data-testid=audit] tbody tr")]
    assert ["impreso", "plan 1", "hoja para la sala de tratamiento, PDF, versión 1"] in rows
    assert ["excepción autorizada a un hallazgo", "registro de sesión 1", "embarazo"] in rows
    assert ["inicio de sesión", "cuenta 2", ""] in rows  # the administrator is account 2
    # The filter offers the words and sends the stored code.
    options = {o.get_text(): o["value"] for o in soup.select("select[name=action] option")}
    assert options["impreso"] == "print" and options["excepción autorizada a un hallazgo"] == \
        "override"
    assert client.get("/audit", query_string={"action": "print"}).status_code == 200


# ------------------------------------------------------------------------------- the API

def test_api_messages_follow_accept_language_else_the_tokens_user(app):
    token = make_token(app)
    set_language(app, "doctor", "it")
    api = Api(app, token)
    answer = api.get("/patients/999")
    assert answer.status_code == 404 and answer.json["error"]["message"] == "paziente inesistente"
    api.headers["Accept-Language"] = "es"
    bad = api.post("/patients", {"family_name": "X", "given_name": "Y", "birth_date": "x",
                                 "sex": "female"})
    assert bad.status_code == 422 and bad.json["error"]["field"] == "birth_date"
    assert bad.json["error"]["message"] != "", bad.json
    assert api.get("/patients/999").json["error"]["message"] == "el paciente no existe"
    plan = api.post("/grid", {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior",
                              "side": "right", "areas": [{"region": "knee-anterior/medial",
                                                          "spacing_mm": 0}]})
    assert plan.status_code == 422 and plan.json["error"]["field"] == "areas[0].spacing_mm"
    assert not [w for w in english_words("es") if re.search(
        rf"\b{re.escape(w)}\b", plan.json["error"]["message"])], plan.json
    api.headers["Accept-Language"] = "en"
    assert api.get("/patients/999").json["error"]["message"] == "no such patient"
    anonymous = app.test_client().get("/api/v1/patients", headers={"Accept-Language": "it"})
    assert anonymous.status_code == 401
    assert anonymous.json["error"]["message"].startswith("serve un token API valido")


# ----------------------------------------------------------------------- numbers, drawing

def test_the_drawing_writes_its_numbers_the_locales_way(app, client):
    """The editor's drawing: the total and each point's volume with a decimal comma in
    Italian; the data attributes the editor reads keep plain numbers."""
    import json


    clinic_in(app, "it")
    login(client, "admin")
    response = client.post("/plans/preview", data={
        "patient_id": "1", "plan": json.dumps(PLAN), "csrf_token": csrf_token(client)})
    svg = response.get_data(as_text=True)
    assert "14 punti, 1,40 mL in totale" in svg
    # hovered: number, grid name, volume and depth
    assert re.search(r"<title>1 · [A-Z]+\d+: 0,10 mL · 2,0 mm</title>", svg)
    assert 'data-volume-ml="0.10"' in svg
    assert not re.search(r"\d\.\d\d mL", visible_text(svg))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_or_printout_writes_a_decimal_point_or_a_short_date(app, client, language):
    """Italian and Spanish write 0,10 mL: no number with a unit keeps the English point on the
    pages of the route table and in the sheet, nor does a text field the page fills in (the
    weight: 82,5); dates are written in words (2 dic 2026, 10:00), never 02/12/26, which
    reads differently in every country."""

    clinic_in(app, language)
    login(client, "admin")
    unit = re.compile(r"\d\.\d+\s?(mL|mg|mm|kg|cm²|cm|%)")
    decimal_point = re.compile(r"\d+\.\d+")
    short_date = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
    seen = []
    for (rule, method), (path, _data, _anonymous, admin, *_others) in sorted(ROUTES.items()):
        if method != "GET" or admin != 200 or rule.startswith(("/api/", "/static/")) or \
                path.endswith((".csv", ".json")) or rule == "/healthz":
            continue
        response = client.get(path)
        if response.mimetype == "application/pdf":
            text = pdf_text(response.get_data())
        elif response.mimetype in ("text/html", "image/svg+xml"):
            html = response.get_data(as_text=True)
            text = visible_text(html)
            seen += [f"{path}: field {field['name']}={field['value']}" for field in
                     BeautifulSoup(html, "html.parser").select(
                         "input[value]:not([type=hidden]):not([type=number]):not([type=range])")
                     if decimal_point.fullmatch(field["value"])]
        else:
            continue
        seen += [f"{path}: {m.group(0)}" for m in unit.finditer(text)]
        seen += [f"{path}: {m.group(0)}" for m in short_date.finditer(text)]
    assert not seen, seen


# A field named as the plan file names it: a list's item by its 0-based index (areas[0]), a
# key with its unit (spacing_mm, volume_ml, weight_kg) or a dotted path (patient.weight_kg).
FIELD_PATH = re.compile(r"\b[a-z_]+\[\d+\]|\b[a-z]+_(?:mm|ml|kg|deg|per_ml)\b|\b[a-z]+\.[a-z_]+_")


def busy_plan() -> dict:
    """A plan that draws a warning of every kind that names an area or a point: a deep,
    over-volume area, a changed point far from any point, a line on a grid, an area with no
    mixture outside the body, trigger points over the usual volume and depth, no weight."""
    doc = {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
           "treatment": "antalgic",
           "mixtures": {"lido": {"components": [
               {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": 20,
                "volume_ml": "2.00"}, {"name": "saline", "volume_ml": "8.00"}]}},
           "areas": [{"label": "medial", "region": "knee-anterior/medial", "spacing_mm": 8,
                      "volume_ml": "0.45", "depth_mm": 3.5, "mixture": "lido",
                      "overrides": [{"x": 1, "y": 2.5, "volume_ml": "0.20"}],
                      "line": [[0, 0], [5, 5]]},
                     {"label": "free", "polygon": [[0, 0], [9, 0], [9, 9], [0, 9]],
                      "spacing_mm": 20}],
           "points": [{"x": 80 + i, "y": 120, "volume_ml": "0.50", "depth_mm": 2.5,
                       "mixture": "lido"} for i in range(3)]}
    return doc


@pytest.mark.parametrize("language", ("en", *LANGUAGES))
def test_no_page_or_printout_names_a_field_as_the_plan_file_does(app, client, language):
    """"Area 3 · spacing", never "areas[2].spacing_mm": every page of the route table, a
    plan with warnings of every kind that names an area or a point (its editor, preview, sheet,
    stencil and handout, as pages and as PDF), a refused plan and a refused mixture, in each
    language. The plan file, the API and the command line keep the paths (their contract)."""
    from tests.helpers.plans import preview, save, saved_id

    clinic_in(app, language)
    login(client, "admin")
    seen: list[str] = []
    read = 0

    def check(label: str, response) -> None:
        nonlocal read
        if response.mimetype == "application/pdf":
            text = pdf_text(response.get_data())
        elif response.mimetype in ("text/html", "image/svg+xml"):
            text = visible_text(response.get_data(as_text=True))
        else:
            return
        read += 1
        seen.extend(f"{label}: {m.group(0)}" for m in FIELD_PATH.finditer(text))

    for (rule, method), (path, _data, _anonymous, admin, *_others) in sorted(ROUTES.items()):
        if method == "GET" and admin == 200 and not rule.startswith(("/api/", "/static/")):
            check(path, client.get(path))

    def post(path, data=None, **kwargs):
        return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client)},
                           **kwargs)

    doc = busy_plan()
    check("the busy plan's preview", preview(post, 1, doc))
    plan_id = saved_id(save(post, 1, doc))
    for page in ("", "/sheet", "/stencil", "/handout", "/sheet.pdf", "/stencil.pdf",
                 "/handout.pdf", "/record"):
        check(f"the busy plan{page}", client.get(f"/plans/{plan_id}{page}"))
    refused = dict(doc, areas=[dict(doc["areas"][0], spacing_mm=0)])
    check("a refused plan", preview(post, 1, refused))
    check("a refused save", save(post, 1, refused))
    check("a refused mixture", post("/mixtures", {
        "name": "x", "component-0": "lidocaine 2%", "drug-0": "lidocaine", "mg_per_ml-0": "",
        "volume_ml-0": "abc"}))
    assert read >= 40
    assert not seen, seen
