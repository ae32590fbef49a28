"""Every error of the web pages is a page of the app in the user's language, never Werkzeug's
English one, and says that nothing was saved."""

from __future__ import annotations

import io
import re

import pytest
from bs4 import BeautifulSoup

from tests.helpers.times import shift
from tests.helpers.users import csrf_token, login, make_user

HEADINGS = {
    "en": {404: "Not found", 405: "Not accepted", 400: "Form expired", 413: "Not accepted",
           500: "Something went wrong"},
    "it": {404: "Non trovato", 405: "Non accettato", 400: "Modulo scaduto", 413: "Non accettato",
           500: "Si è verificato un errore"},
    "es": {404: "No encontrado", 405: "No aceptado", 400: "Formulario caducado",
           413: "No aceptado", 500: "Algo ha fallado"},
}
WERKZEUG = ("Not Found", "Method Not Allowed", "Bad Request", "Request Entity Too Large",
            "Internal Server Error", "The requested URL", "CSRF token")


def error_of(client, status: int):
    """A request that ends in ``status``."""
    if status == 404:
        return client.get("/patients/999")
    if status == 405:
        return client.get("/logout")
    if status == 400:  # a change without the form's CSRF token
        return client.post("/patients/new", data={"family_name": "Lost"})
    if status == 413:
        return client.post("/patients/1/plans/import", data={
            "csrf_token": csrf_token(client), "file": (io.BytesIO(b"x" * 3_000_000), "a.json")})
    raise AssertionError(status)


def heading_and_message(response) -> tuple[str, str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return soup.h1.get_text(strip=True), soup.select_one("[data-testid=error]").get_text()


@pytest.mark.parametrize("language", ["en", "it", "es"])
@pytest.mark.parametrize("status", [404, 405, 400, 413])
def test_it_answers_an_error_with_a_page_in_the_users_language(app, client, language, status):
    make_user(app, language=language)
    login(client)
    response = error_of(client, status)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    heading, message = heading_and_message(response)
    assert heading == HEADINGS[language][status]
    text = response.get_data(as_text=True)
    assert not [w for w in WERKZEUG if w in text]
    assert 'class="mainnav"' in text  # the app's own page, with its menu
    if status in (400, 413):
        assert re.search({"en": r"nothing was saved",
                          "it": r"non è stato salvato nulla|nulla è stato salvato",
                          "es": r"no se (ha guardado|guardó) nada"}[language], message.lower())


def test_it_saves_nothing_from_a_form_without_its_token(app, client):
    from planner.extensions import db
    from planner.models import Patient

    make_user(app, language="it")
    login(client)
    response = client.post("/patients/new", data={
        "family_name": "Lost", "given_name": "Form", "birth_date": "1970-01-01", "sex": "male"})
    assert response.status_code == 400
    assert "token di sicurezza" not in response.get_data(as_text=True)  # says it in words
    assert "codice di sicurezza" in heading_and_message(response)[1]
    with app.app_context():
        assert db.session.query(Patient).count() == 0


def test_it_answers_an_htmx_request_with_the_message_alone(app, client):
    make_user(app, language="es")
    login(client)
    response = client.get("/patients/999", headers={"HX-Request": "true"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert html.startswith('<p class="error" role="alert" data-testid="error">')
    assert "<html" not in html and "Esta página o este registro no existe" in html


def test_it_shows_a_server_error_in_the_users_language_and_writes_nothing(app, client):
    """An unexpected exception in a view: the page says so in Italian, and what the view had
    added to the session is rolled back, not committed by a later request."""
    from planner.extensions import db
    from planner.models import Patient

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the handler answers
    make_user(app, language="it")
    login(client)

    def broken():
        db.session.add(Patient(record_number="X", family_name="Half", given_name="Made",
                               birth_date=__import__("datetime").date(1970, 1, 1), sex="male"))
        db.session.flush()
        raise RuntimeError("a bug")

    app.view_functions["patients.index"] = broken
    response = client.get("/patients")
    assert response.status_code == 500
    heading, message = heading_and_message(response)
    assert heading == "Si è verificato un errore"
    assert "non è stato salvato" in message
    assert "a bug" not in response.get_data(as_text=True)  # no traceback, no internals
    with app.app_context():
        assert db.session.query(Patient).count() == 0


def test_a_database_error_is_logged_without_the_patients_data(app, client, caplog):
    """A server error is written to the log for the administrator, with the database's message
    but never the values of the statement (a patient's name, here)."""
    from sqlalchemy import text

    from planner.extensions import db

    app.config["PROPAGATE_EXCEPTIONS"] = False
    make_user(app)
    login(client)

    def broken():
        db.session.execute(text("INSERT INTO no_such_table VALUES (:name)"),
                           {"name": "Verdi Secret-Name"})

    app.view_functions["patients.index"] = broken
    response = client.get("/patients")
    assert response.status_code == 500
    assert "no_such_table" in caplog.text  # the error was logged
    assert "Secret-Name" not in caplog.text
    assert "Secret-Name" not in response.get_data(as_text=True)


def test_an_anonymous_visitor_gets_the_page_in_the_browsers_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert response.status_code == 404
    assert heading_and_message(response)[0] == "No encontrado"


def test_the_login_page_keeps_the_users_language_after_logout(app, client):
    """No Accept-Language (a browser set to another language): the login page after a logout
    is in the language of the user who just left, not English."""
    make_user(app, language="it")
    login(client)
    response = client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="it">' in page and "Accedi" in page


def test_an_idle_logout_is_told_in_the_users_language(app, client):
    from datetime import timedelta

    from planner.models import LoginSession

    make_user(app, language="es")
    login(client)
    shift(app, LoginSession, seen_at=timedelta(minutes=31))
    response = client.get("/patients", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert '<html lang="es">' in page
    assert "minutos" in page  # the message and the page around it are both Spanish
