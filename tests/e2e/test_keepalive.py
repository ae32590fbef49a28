"""Typing in a form keeps the session open (static/keepalive.js): a doctor writing a long
record makes no request while typing, and the session would end after its idle time with
the text lost. A page left alone still ends."""

from __future__ import annotations

from datetime import date, timedelta

from tests.helpers.browser import log_in, watch
from tests.helpers.users import make_user


def test_typing_in_a_form_tells_the_server_and_keeps_the_session(server, browser):
    from planner.extensions import db
    from planner.models import LoginSession, Patient

    base, app = server
    make_user(app, "rossi", language="it")
    with app.app_context():
        db.session.add(Patient(record_number="KA-1", family_name="Neri", given_name="Lia",
                               birth_date=date(1970, 3, 4), sex="female"))
        db.session.commit()
    page = browser.new_page()
    problems = watch(page)
    log_in(page, base)
    page.goto(f"{base}/patients/1/edit")
    assert page.locator("body").get_attribute("data-keepalive-seconds") == "300"
    page.evaluate("document.body.dataset.keepaliveSeconds = '0'")  # no waiting in a test
    with app.app_context():  # the doctor has been typing for 25 minutes
        row = db.session.query(LoginSession).one()
        row.seen_at -= timedelta(minutes=25)
        db.session.commit()
    with page.expect_request(lambda r: r.url.endswith("/alive")) as asked:
        page.fill("textarea[name=notes]", "Una nota lunga, scritta con calma.")
    assert asked.value.response().status == 204
    with app.app_context():
        row = db.session.query(LoginSession).one()
        assert row.ended_at is None and row.seen_at > row.started_at - timedelta(minutes=1)
        row.seen_at -= timedelta(minutes=25)  # another 25 minutes of typing: still open
        db.session.commit()
    page.locator("main form button.primary[type=submit]").first.click()
    page.wait_for_url(f"{base}/patients/1")
    with app.app_context():
        assert "Una nota lunga" in db.session.get(Patient, 1).notes
    assert not problems
