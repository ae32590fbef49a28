"""The clinic's default mixture of each treatment (issue 18, fewer taps): set and cleared on the
mixtures page by a clinician only, audited, refused whole when forged or stale; a new plan of the
treatment starts with its current version, and with none when it is archived or gone."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from tests.helpers.mixtures import (
    CELLULITE_FORM,
    default_events,
    new_mixture,
    newest_mixture,
    stored_defaults,
)
from tests.helpers.patients import add, created_id
from tests.helpers.plans import preview
from tests.helpers.users import csrf_token, login, make_user

NEW_CELLULITE = "/patients/{}/plans/new?view=hips-thighs-posterior&treatment=cellulite"


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def flashes(response) -> list[str]:
    return [p.get_text(" ", strip=True) for p in soup_of(response).select(".flash")]


def choose(doctor, was: str = "", **chosen: object):
    """Post the defaults form: ``cellulite=3`` chooses mixture 3 over ``was`` (every other
    treatment sent as it stands: no default)."""
    data = {f"default-{t}": "" for t in ("antalgic", "face", "microneedling")}
    data |= {f"was-{t}": "" for t in ("antalgic", "face", "microneedling")}
    for treatment, value in chosen.items():
        data[f"default-{treatment}"] = str(value)
        data[f"was-{treatment}"] = was
    return doctor("/mixtures/defaults", data)


def new_plan_doc(client, patient: int, treatment: str = "cellulite") -> dict:
    page = soup_of(client.get(NEW_CELLULITE.format(patient).replace("cellulite", treatment)))
    return json.loads(page.find(id="plan-json").get_text())


@pytest.fixture
def patient(doctor) -> int:
    return created_id(add(doctor, weight_kg="64"))


def test_it_sets_a_default_that_new_plans_of_the_treatment_start_with(app, client, doctor,
                                                                      patient):
    family = new_mixture(app, doctor)
    page = soup_of(client.get("/mixtures"))
    assert page.select_one("select[name=default-cellulite] option[selected]") is None
    response = choose(doctor, cellulite=family)
    assert response.status_code == 303 and response.location.endswith("/mixtures#defaults")
    assert json.loads(stored_defaults(app)) == {"cellulite": family}
    assert default_events(app) == [("update", "mixture", family, "default for cellulite")]
    page = soup_of(client.get("/mixtures"))
    assert page.select_one("select[name=default-cellulite] option[selected]")["value"] == str(
        family)
    assert page.select_one("input[name=was-cellulite]")["value"] == str(family)
    # A new cellulite plan starts with it, under its name, with the clinic's recipe.
    doc = new_plan_doc(client, patient)
    assert list(doc["mixtures"]) == ["Cellulite A"]
    assert [c["name"] for c in doc["mixtures"]["Cellulite A"]["components"]] == [
        "caffeine", "saline 0.9%"]
    editor = soup_of(client.get(NEW_CELLULITE.format(patient)))
    assert "clinic's default for Cellulite" in editor.select_one(
        "[data-testid=mixture-default]").get_text(" ", strip=True)
    # Any other treatment starts with none.
    assert "mixtures" not in new_plan_doc(client, patient, "antalgic")
    # An area of the plan that uses it has the mixture's totals.
    doc["areas"] = [{"label": "thigh", "region": "hips-thighs-posterior/posterior-thigh-left",
                     "mixture": "Cellulite A"}]
    assert preview(doctor, patient, doc).status_code == 200


def test_it_clears_a_default_and_keeps_the_unchanged_ones(app, doctor, patient):
    family = new_mixture(app, doctor)
    other = new_mixture(app, doctor, name="Face B")
    assert choose(doctor, cellulite=family).status_code == 303
    assert choose(doctor, face=other).status_code == 303
    # The form sends cellulite unchanged and face cleared.
    response = doctor("/mixtures/defaults", {"default-cellulite": str(family),
                                             "was-cellulite": str(family),
                                             "default-face": "", "was-face": str(other)})
    assert response.status_code == 303
    assert json.loads(stored_defaults(app)) == {"cellulite": family}
    assert default_events(app)[-1] == ("update", "mixture", other, "no longer default for face")
    # Nothing changed: said so, nothing written.
    before = stored_defaults(app), default_events(app)
    response = doctor("/mixtures/defaults", {"default-cellulite": str(family),
                                             "was-cellulite": str(family)}, follow_redirects=True)
    assert flashes(response)[-1] == "Nothing was changed."  # after those of the posts before
    assert (stored_defaults(app), default_events(app)) == before


@pytest.mark.parametrize(("field", "value", "message"), [
    ("default-bogus", "1", "There is no treatment “bogus”: nothing was saved."),
    ("default-cellulite", "999", "The mixture chosen for Cellulite is not one of the clinic's "
                                 "current mixtures: nothing was saved."),
    ("default-cellulite", "one", "The mixture chosen for Cellulite is not one of the clinic's "
                                 "current mixtures: nothing was saved."),
    ("default-cellulite", "9" * 400, "The mixture chosen for Cellulite is not one of the "
                                     "clinic's current mixtures: nothing was saved."),
    ("default-cellulite", "-1", "The mixture chosen for Cellulite is not one of the clinic's "
                                "current mixtures: nothing was saved."),
], ids=["treatment", "no-such-id", "not-a-number", "400-digits", "negative"])
def test_forged_choices_are_refused_whole(app, doctor, field, value, message):
    family = new_mixture(app, doctor)
    response = doctor("/mixtures/defaults", {"default-face": str(family), "was-face": "",
                                             field: value})
    assert response.status_code == 422
    assert flashes(response)[-1] == message  # after the mixture's own
    assert stored_defaults(app) == "" and default_events(app) == []


def test_an_archived_mixture_or_a_later_version_is_refused_by_its_id(app, doctor):
    family = new_mixture(app, doctor)
    assert doctor(f"/mixtures/{family}/edit", {**CELLULITE_FORM, "volume_ml-1": "6",
                                               "version": "1"}).status_code == 303
    second = newest_mixture(app).id  # version 2's own row: not the mixture's id
    archived = new_mixture(app, doctor, name="Old")
    assert doctor(f"/mixtures/{archived}/archive").status_code == 303
    for value in (second, archived):
        assert choose(doctor, cellulite=value).status_code == 422
    assert stored_defaults(app) == "" and default_events(app) == []


def test_a_choice_made_over_a_default_changed_meanwhile_is_refused(app, doctor):
    family = new_mixture(app, doctor)
    other = new_mixture(app, doctor, name="Other")
    assert choose(doctor, cellulite=family).status_code == 303
    before = stored_defaults(app), default_events(app)
    response = choose(doctor, was="", cellulite=other)  # the page was read before the change
    assert response.status_code == 409
    assert "was changed by someone else" in flashes(response)[-1]
    assert (stored_defaults(app), default_events(app)) == before


def test_an_assistant_sees_the_defaults_and_changes_none(app, doctor):
    family = new_mixture(app, doctor)
    assert choose(doctor, cellulite=family).status_code == 303
    make_user(app, "helper", role="assistant")
    other = app.test_client()
    login(other, "helper")
    page = soup_of(other.get("/mixtures"))
    assert page.select_one("form.mixture-defaults") is None
    shown = page.select_one("[data-testid=mixture-defaults]").get_text(" ", strip=True)
    assert "Cellulite Cellulite A" in shown and "Face No default" in shown
    before = stored_defaults(app), default_events(app)
    response = other.post("/mixtures/defaults", data={
        "default-cellulite": "", "was-cellulite": str(family),
        "csrf_token": csrf_token(other, "/mixtures")})
    assert response.status_code == 403
    assert (stored_defaults(app), default_events(app)) == before


def test_a_post_without_its_csrf_token_is_refused(app, client, doctor):
    family = new_mixture(app, doctor)
    response = client.post("/mixtures/defaults", data={"default-cellulite": str(family),
                                                       "was-cellulite": ""})
    assert response.status_code == 400
    assert stored_defaults(app) == "" and default_events(app) == []


def test_an_archived_or_unreadable_default_gives_no_mixture_and_no_error(app, client, doctor,
                                                                         patient):
    from planner.extensions import db
    from planner.models import ClinicSettings

    family = new_mixture(app, doctor)
    assert choose(doctor, cellulite=family).status_code == 303
    assert doctor(f"/mixtures/{family}/archive").status_code == 303
    response = client.get(NEW_CELLULITE.format(patient))
    assert response.status_code == 200
    assert "mixtures" not in new_plan_doc(client, patient)
    page = soup_of(client.get("/mixtures"))
    chosen = page.select_one("select[name=default-cellulite] option[selected]")
    assert chosen.get_text(strip=True) == "Cellulite A (archived: not used)"
    # Saving the form as it stands keeps it: restored, it is the default again.
    assert choose(doctor, was=str(family), cellulite=family).status_code == 303
    assert doctor(f"/mixtures/{family}/restore").status_code == 303
    assert list(new_plan_doc(client, patient)["mixtures"]) == ["Cellulite A"]
    # A later version is the one a new plan takes.
    assert doctor(f"/mixtures/{family}/edit", {**CELLULITE_FORM, "volume_ml-1": "6",
                                               "version": "1"}).status_code == 303
    assert new_plan_doc(client, patient)["mixtures"]["Cellulite A"]["components"][1][
        "volume_ml"] == "6"
    # Settings written by hand that do not read: no default, no error.
    for stored in ("not json", "[1]", '{"cellulite": "1"}', '{"cellulite": true}',
                   f'{{"cellulite": {family + 50}}}'):
        with app.app_context():
            db.session.get(ClinicSettings, 1).default_mixtures_json = stored
            db.session.commit()
        assert client.get(NEW_CELLULITE.format(patient)).status_code == 200
        assert "mixtures" not in new_plan_doc(client, patient), stored
        assert client.get("/mixtures").status_code == 200


def test_the_audit_page_says_it_in_the_readers_language(app):
    from flask_babel import force_locale

    from planner.web.audit_words import detail_words

    with app.test_request_context():
        with force_locale("en"):
            assert detail_words("mixture", "default for cellulite") == (
                "default mixture for Cellulite")
        with force_locale("it"):
            assert detail_words("mixture", "no longer default for face") != (
                "no longer default for face")
