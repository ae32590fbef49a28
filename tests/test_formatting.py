"""The one formatting module: numbers the reader's way, and a stored UTC instant always shown in
the clinic's time (the server's zone), never printed as if it were local."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from planner import formatting


def test_a_time_without_its_zone_is_refused_not_guessed(rome):
    with pytest.raises(ValueError, match="time zone"):
        formatting.clinic_time(datetime(2026, 12, 2, 23, 30))


def test_a_stored_instant_is_read_in_the_clinics_time(rome):
    stored = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
    assert formatting.clinic_time(stored) == datetime(2026, 12, 3, 0, 30)
    assert formatting.clock_text(stored) == "00:30"
    assert formatting.instant_text(stored, "it") == "3 dic 2026, 00:30"


def test_summer_time_is_two_hours_ahead_in_rome(rome):
    summer = datetime(2026, 7, 15, 9, 30, tzinfo=UTC)
    assert formatting.clock_text(summer) == "11:30"
    assert formatting.instant_text(summer, "es") == "15 jul 2026, 11:30"


def test_a_wall_clock_time_is_shown_as_it_is(rome):
    typed = datetime(2026, 10, 5, 10, 0)  # a session's performed_at, as the clinic typed it
    assert formatting.datetime_text(typed, "en") == "Oct 5, 2026, 10:00\u202fAM"


@pytest.mark.parametrize(("language", "expected"), [
    ("it", ["1.234,50", "0,10", "1.234,6", "82,5", "-1.234,50", "3 apr 1961", "-30,5%"]),
    ("es", ["1.234,50", "0,10", "1.234,6", "82,5", "-1.234,50", "3 abr 1961", "-30,5\xa0%"]),
    ("en", ["1,234.50", "0.10", "1,234.6", "82.5", "-1,234.50", "Apr 3, 1961", "-30.5%"]),
])
def test_numbers_dates_and_percentages_the_readers_way(language, expected):
    assert [formatting.number_text(Decimal("1234.50"), language),
            formatting.number_text("0.10", language),
            formatting.number_text(Decimal("1234.56"), language, 1),
            formatting.number_text(82.5, language, 1),
            formatting.digits_text("-1234.50", language),
            formatting.date_text(date(1961, 4, 3), language),
            formatting.percent_text(Decimal("-30.5"), language)] == expected


def test_a_long_message_number_keeps_every_digit():
    digits = "12345678901234567890123456789012345.123456"
    assert formatting.digits_text(digits, "en").replace(",", "") == digits


def test_the_patients_stale_edit_says_when_in_the_clinics_time(app, client, doctor, rome):
    """The patient form's conflict message printed the stored UTC time as if it were local."""
    from bs4 import BeautifulSoup

    from planner.extensions import db
    from planner.models import Patient
    from tests.helpers.patients import add, created_id, edit_form, patients

    pid = created_id(add(doctor, weight_kg="64.5", allergies=""))
    [first] = patients(app)
    form = BeautifulSoup(client.get(f"/patients/{pid}/edit").get_data(as_text=True),
                         "html.parser")
    original = form.select_one("input[name=original]")["value"]
    assert doctor(f"/patients/{pid}/edit", edit_form(first, weight_kg="66")).status_code == 303
    with app.app_context():
        db.session.get(Patient, pid).updated_at = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
        db.session.commit()
    stale = doctor(f"/patients/{pid}/edit", edit_form(first, allergies="latex",
                                                      original=original))
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "at 10:30 while you were editing" in html  # 09:30 UTC, in Rome's winter
    assert "09:30" not in html
