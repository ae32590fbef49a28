"""The cycle form (WTForms): whatever is typed, a problem is named by its field and nothing is
scheduled; a valid form shows the template's dates."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.patients import add, created_id
from tests.helpers.plans import knee_plan, save, saved_id


def cycle_page(doctor, **fields):
    pid = created_id(add(doctor))
    plan = saved_id(save(doctor, pid, knee_plan()))
    return doctor(f"/plans/{plan}/cycle", {"template": "antalgic", "start": "2026-11-23",
                                           **fields})


@pytest.mark.parametrize(("fields", "field"), [
    ({"start": ""}, "start"), ({"start": "23/11/2026"}, "start"),
    ({"start": "2026-02-30"}, "start"), ({"sessions": "four"}, "sessions"),
    ({"sessions": "²"}, "sessions"), ({"interval_days": "7.5"}, "interval_days"),
    ({"sessions": "0"}, "sessions"), ({"template": "weekly-forever"}, "template"),
])
def test_a_problem_names_its_field(doctor, fields, field):
    response = cycle_page(doctor, confirm="1", **fields)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_a_valid_form_shows_the_dates(doctor):
    response = cycle_page(doctor, sessions="3", interval_days="7")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("<li>") >= 3


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12))
def test_any_text_in_a_number_field_is_answered(doctor, text):
    """Never a 500: a number, a refusal naming the field, or the template's default."""
    response = cycle_page(doctor, sessions=text)
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert 'id="sessions-error"' in response.get_data(as_text=True)
