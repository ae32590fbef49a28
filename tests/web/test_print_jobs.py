"""Printouts never block the editor: a PDF's address queues a job that a print worker makes
(planner/services/print_jobs.py), answers with a page that shows its progress, and once the PDF
is made it is kept and sent at once, never made again. These tests run the queue as a clinic
does (no ``PRINTOUTS_INLINE``), on SQLite and, with .ci/postgres-tests, on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from tests.helpers.audit import events
from tests.helpers.print_jobs import Renders, job, saved_plan
from tests.helpers.users import login, make_user


@pytest.fixture
def queued(app):
    """The app as a clinic runs it: PDFs made by a print worker, not by the request."""
    app.config["PRINTOUTS_INLINE"] = False
    return app


@pytest.fixture
def plan_id(queued, client) -> int:
    make_user(queued)
    login(client)
    return saved_plan(queued)


@pytest.fixture
def no_pdf_in_requests(monkeypatch):
    """The real renderer refuses to run: a request that lays out a PDF fails the test."""
    from planner.printing import pdf

    def refuse(_html: str) -> bytes:
        raise AssertionError("a PDF was laid out")

    monkeypatch.setattr(pdf, "to_pdf", refuse)


def work(app, render) -> list[int]:
    """What one print worker makes of the queue now: the jobs it made."""
    from planner.services import print_jobs

    made = []
    with app.app_context():
        while (job_id := print_jobs.make_next("test:1", render)) is not None:
            made.append(job_id)
    return made


def test_a_pdf_is_queued_and_its_page_shows_the_progress(queued, client, plan_id,
                                                         no_pdf_in_requests):
    response = client.get(f"/plans/{plan_id}/sheet.pdf?lang=it&paper=letter")
    assert response.status_code == 202
    assert response.mimetype == "text/html"
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    box = soup.select_one("[data-print-progress]")
    assert box["data-status-url"] == "/printouts/1"
    assert box["data-pdf-url"] == f"/plans/{plan_id}/sheet.pdf?lang=it&paper=letter"
    assert soup.select_one("progress[data-progress-bar]") is not None
    assert soup.select_one('script[src="/static/print-progress.js"]') is not None
    assert soup.select_one("noscript meta[http-equiv=refresh]") is not None
    page = soup.select_one("main").get_text(" ", strip=True)
    assert "Preparing the treatment-room sheet" in page
    assert "Verdi" not in page and "PJ-1" not in page  # no patient data while it waits
    assert soup.select_one("a[href^='/plans/']")["href"] == \
        f"/plans/{plan_id}/sheet?lang=it&paper=letter"  # the page to print instead
    status = client.get("/printouts/1")
    assert status.status_code == 200
    assert status.get_json()["state"] == "queued"
    assert "Verdi" not in status.get_data(as_text=True)
    assert events(queued, "print")[-1] == ("print", "plan", plan_id,
                                           "sheet PDF, version 1, being made")


def test_the_worker_makes_it_and_the_pdf_is_sent_then_kept(queued, client, plan_id,
                                                          no_pdf_in_requests):
    assert client.get(f"/plans/{plan_id}/stencil.pdf").status_code == 202
    client.get(f"/plans/{plan_id}/stencil.pdf")  # asked again while queued: the same job
    renders = Renders()
    assert work(queued, renders) == [1]
    assert client.get("/printouts/1").get_json()["state"] == "done"
    for _ in range(3):  # made once, sent every time after
        response = client.get(f"/plans/{plan_id}/stencil.pdf")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == \
            f'inline; filename="mesoplanner-stencil-{plan_id}-v1.pdf"'
        assert response.get_data().startswith(b"%PDF-1.7 fake")
    assert renders.total == 1
    made = job(queued, 1)
    assert (made.status, made.html, made.kind, made.entity, made.entity_id) == \
        ("done", "", "stencil", "plan", plan_id)
    assert made.started_at <= made.finished_at and made.worker == "test:1"
    assert [e[3] for e in events(queued, "print")] == \
        ["stencil PDF, version 1, being made"] * 2 + ["stencil PDF, version 1"] * 3


def test_a_made_sheet_is_sent_without_drawing_it_again(queued, client, plan_id, monkeypatch):
    """Asked again from the same inputs (plan, patient, day, language, paper, clinic, code), a
    made PDF is found by their key: the sheet's HTML is not drawn again."""
    from planner.services import print_jobs
    from planner.web import printouts

    drawn = []
    real = printouts.sheet_html
    monkeypatch.setattr(printouts, "sheet_html", lambda *a: drawn.append(1) or real(*a))
    client.get(f"/plans/{plan_id}/sheet.pdf?lang=es")
    client.get(f"/plans/{plan_id}/sheet.pdf?lang=es")  # being made: its HTML, its digest
    assert len(drawn) == 2
    work(queued, Renders())
    for _ in range(3):
        assert client.get(f"/plans/{plan_id}/sheet.pdf?lang=es").mimetype == "application/pdf"
    assert len(drawn) == 2
    client.get(f"/plans/{plan_id}/sheet.pdf?lang=it")  # other inputs: drawn
    assert len(drawn) == 3
    # Another release of the app: the key changes, the sheet is drawn again; its HTML is the
    # same, so the PDF made is still the one sent.
    monkeypatch.setattr(print_jobs, "_code", lambda: "another release")
    assert client.get(f"/plans/{plan_id}/sheet.pdf?lang=es").mimetype == "application/pdf"
    assert len(drawn) == 4
    assert client.get(f"/plans/{plan_id}/sheet.pdf?lang=es").mimetype == "application/pdf"
    assert len(drawn) == 4


def test_whatever_is_printed_changes_the_printout(queued, client, plan_id):
    """The key is the HTML's digest: another language, paper or kind is another printout, and
    so is the same sheet once the patient's record changes."""
    from planner.extensions import db
    from planner.models import Patient, Printout

    for address in ("sheet.pdf", "sheet.pdf?lang=es", "sheet.pdf?paper=letter",
                    "handout.pdf", "sheet.pdf?lang=es"):
        client.get(f"/plans/{plan_id}/{address}")
    with queued.app_context():
        assert db.session.query(Printout).count() == 4
        db.session.get(Patient, 1).anticoagulants = True
        db.session.commit()
    client.get(f"/plans/{plan_id}/sheet.pdf")
    with queued.app_context():
        assert db.session.query(Printout).count() == 5


def test_the_real_renderer_makes_the_pdf_on_the_worker(queued, client, plan_id):
    import io

    from pypdf import PdfReader

    from tests.helpers.documents import flat_text

    client.get(f"/plans/{plan_id}/sheet.pdf")
    assert work(queued, None) == [1]
    data = client.get(f"/plans/{plan_id}/sheet.pdf").get_data()
    assert "Verdi, Giulia" in flat_text(data)
    assert job(queued, 1).pages == len(PdfReader(io.BytesIO(data)).pages)


def test_a_cycle_report_is_queued_too(queued, client, plan_id, no_pdf_in_requests):
    from planner.extensions import db
    from planner.models import Cycle

    with queued.app_context():
        db.session.add(Cycle(patient_id=1, plan_id=plan_id, template="antalgic",
                             created_by_id=1))
        db.session.commit()
    response = client.get("/cycles/1/report.pdf")
    assert response.status_code == 202
    assert "Preparing the cycle report" in response.get_data(as_text=True)
    work(queued, Renders())
    response = client.get("/cycles/1/report.pdf")
    assert response.headers["Content-Disposition"] == \
        'inline; filename="mesoplanner-cycle-1.pdf"'
    assert events(queued, "print")[-2:] == [("print", "cycle", 1, "report PDF, being made"),
                                            ("print", "cycle", 1, "report PDF")]


def test_a_failure_is_said_clearly_and_can_be_tried_again(queued, client, plan_id):
    client.get(f"/plans/{plan_id}/sheet.pdf?lang=es")
    work(queued, Renders(fail=True))
    failed = job(queued, 1)
    assert failed.status == "failed"
    assert failed.error.startswith("RuntimeError after") and "Verdi" not in failed.error
    assert client.get("/printouts/1").get_json()["state"] == "failed"
    response = client.get(f"/plans/{plan_id}/sheet.pdf?lang=es")
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "could not be made" in soup.select_one("[data-testid=print-failed]").find_parent(
        "section").get_text()
    retry = soup.select_one("[data-testid=print-retry]")["href"]
    assert retry == f"/plans/{plan_id}/sheet.pdf?lang=es&retry=1"
    assert soup.select_one("[data-print-progress]") is None  # nothing polls a failure
    assert events(queued, "print")[-1][3] == "sheet PDF, version 1, failed"
    again = client.get(retry)
    assert again.status_code == 202
    box = BeautifulSoup(again.get_data(as_text=True), "html.parser").select_one(
        "[data-print-progress]")
    assert box["data-pdf-url"] == f"/plans/{plan_id}/sheet.pdf?lang=es"  # no retry in it
    assert job(queued, 1).status == "queued"
    work(queued, Renders())
    assert client.get(f"/plans/{plan_id}/sheet.pdf?lang=es").status_code == 200


def test_the_progress_counts_the_jobs_ahead_and_the_time(queued, client, plan_id):
    for kind in ("sheet", "stencil", "handout"):
        client.get(f"/plans/{plan_id}/{kind}.pdf")
    status = client.get("/printouts/3").get_json()
    assert status["state"] == "queued" and status["fraction"] == 0
    assert status["words"] == "Waiting: 2 printouts to be made before this one."
    assert client.get("/printouts/2").get_json()["words"] == \
        "Waiting: 1 printout to be made before this one."
    assert client.get("/printouts/1").get_json()["words"] == "Waiting for the print worker…"
    assert "s so far; laying out a printout like this takes about" in status["time"]
    assert client.get("/printouts/99").status_code == 404


def test_the_page_says_when_no_print_worker_runs(queued, client, plan_id):
    from planner.extensions import db
    from planner.models import Printout, now

    client.get(f"/plans/{plan_id}/sheet.pdf")
    assert client.get("/printouts/1").get_json()["stalled"] is False
    with queued.app_context():
        db.session.get(Printout, 1).queued_at = now() - timedelta(seconds=40)
        db.session.commit()
    status = client.get("/printouts/1").get_json()
    assert status["stalled"] is True
    assert "mesoplanner print-worker" in status["words"]


@pytest.mark.parametrize("language", ["it", "es", "en"])
def test_the_waiting_page_speaks_the_readers_language(queued, client, language):
    from flask_babel import force_locale
    from flask_babel import gettext as _

    make_user(queued, "lettore", language=language)
    login(client, "lettore")
    plan = saved_plan(queued, doctor_id=1)
    html = client.get(f"/plans/{plan}/handout.pdf").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == language
    words = client.get("/printouts/1").get_json()
    with queued.test_request_context(), force_locale(language):
        heading = _("Preparing the aftercare handout…")
        waiting = _("Waiting for the print worker…")
        if language != "en":
            assert heading != "Preparing the aftercare handout…", "not translated"
    assert soup.select_one("h1").get_text(strip=True) == heading
    assert words["words"] == waiting
    text = soup.select_one("main").get_text(" ", strip=True)
    for internal in ("printouts.", "job_id", "None", "{", "%("):  # no field paths or codes
        assert internal not in text and internal not in words["time"]


def test_the_progress_is_for_those_who_may_print(queued, client, plan_id):
    from planner.web import roles

    client.get(f"/plans/{plan_id}/sheet.pdf")
    assert queued.test_client().get("/printouts/1").status_code == 302  # the login page
    old = roles.PERMISSIONS["printouts.pdf"]
    roles.PERMISSIONS["printouts.pdf"] = frozenset({"admin"})
    try:
        assert client.get("/printouts/1").status_code == 403
    finally:
        roles.PERMISSIONS["printouts.pdf"] = old


def test_two_claimers_take_each_job_once(queued):
    """Two print workers at one queue: every job made, none twice."""
    from planner.extensions import db
    from planner.models import Printout
    from planner.services import print_jobs

    with queued.app_context():
        for n in range(16):
            print_jobs.ask("sheet", f"<p>sheet {n}</p>", "plan", 1)
        db.session.commit()
    renders = Renders()
    start = threading.Barrier(2)
    made: dict[str, list[int]] = {}

    def claimer(name: str) -> None:
        with queued.app_context():
            start.wait()
            made[name] = []
            while (job_id := print_jobs.make_next(name, renders)) is not None:
                made[name].append(job_id)
            db.session.remove()

    threads = [threading.Thread(target=claimer, args=(f"worker:{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(made["worker:1"] + made["worker:2"]) == list(range(1, 17))
    assert renders.calls == {f"<p>sheet {n}</p>": 1 for n in range(16)}
    with queued.app_context():
        assert {j.status for j in db.session.query(Printout)} == {"done"}


def test_of_two_claimers_of_one_job_only_one_takes_it(queued):
    """The race itself: both claimers have found job 1 queued before either takes it."""
    from sqlalchemy import select, update
    from sqlalchemy.orm import Session

    from planner.extensions import db
    from planner.models import Printout
    from planner.services import print_jobs

    with queued.app_context():
        print_jobs.ask("sheet", "<p>one</p>", "plan", 1)
        print_jobs.ask("sheet", "<p>two</p>", "plan", 1)
        db.session.commit()
        other = Session(db.engine)
        try:
            first = print_jobs.candidate()
            # On PostgreSQL the first claimer holds job 1's row: the second skips to job 2.
            seen = other.scalar(select(Printout.id).where(Printout.status == "queued")
                                .order_by(Printout.id).limit(1)
                                .with_for_update(skip_locked=True))
            postgres = db.engine.dialect.name == "postgresql"
            assert (first, seen) == ((1, 2) if postgres else (1, 1))
            assert print_jobs.take(first, "worker:1")
            db.session.commit()
            won = other.execute(update(Printout).where(Printout.id == 1,
                                                       Printout.status == "queued")
                                .values(status="making", worker="worker:2"))
            assert won.rowcount == 0
            other.commit()
        finally:
            other.close()
        assert print_jobs.claim("worker:2", 1) is None  # already taken
        assert db.session.get(Printout, 1).worker == "worker:1"
