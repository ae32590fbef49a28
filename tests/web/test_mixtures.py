"""Clinic mixtures: the drug catalogue as you type and what it made of each component, versions
(an edit keeps the old row), archiving and restoring, who may do what, what plans and signed
records keep, the unchecked-dose warnings on the editor, the sheet and the record, and the
migration that made mixtures versioned."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from tests.helpers.documents import flat_text
from tests.helpers.patients import add, created_id
from tests.helpers.plans import field_words, preview, save, saved_id
from tests.helpers.records import CLEAR, HEALTHY, consented, gate_text, record_id, row
from tests.helpers.users import PASSWORD, csrf_token, login, make_user

LIDO = {"name": "Knee A", "component-0": "lidocaine 2%", "drug-0": "lidocaine",
        "mg_per_ml-0": "20", "volume_ml-0": "1", "component-1": "saline 0.9%",
        "volume_ml-1": "4"}
EMPTY_ROWS = {f"{k}-{i}": "" for i in range(5)
              for k in ("component", "drug", "mg_per_ml", "volume_ml")}


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(response) -> str:
    return soup_of(response).get_text(" ", strip=True)


def field_errors(response) -> list[str]:
    return [p.get_text(" ", strip=True) for p in soup_of(response).select(".field-error")]


def flashes(response) -> list[str]:
    return [p.get_text(" ", strip=True) for p in soup_of(response).select(".flash")]


def stored(app) -> list[dict[str, Any]]:
    """Every stored version of every mixture, in the order written."""
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import SavedMixture

    with app.app_context():
        return [{c.name: getattr(m, c.name) for c in SavedMixture.__table__.columns}
                | {"components": json.loads(m.components_json)}
                for m in db.session.scalars(select(SavedMixture).order_by(SavedMixture.id))]


def audit_trail(app) -> list[tuple[str, int | None, str]]:
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import AuditEvent

    with app.app_context():
        # The changes: the reads and the refusals the trail also records are left out.
        return [(e.action, e.entity_id, e.detail) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "mixture",
                                     AuditEvent.action.not_in(READS_AND_REFUSALS))
            .order_by(AuditEvent.id))]


READS_AND_REFUSALS = ("view", "search", "refused", "denied")


def create(app, doctor, **fields: Any) -> int:
    """A new mixture (LIDO, changed by ``fields``): its id."""
    response = doctor("/mixtures", {**LIDO, **fields})
    assert response.status_code == 303, field_errors(response) or text_of(response)[:500]
    assert urlsplit(response.location).path == "/mixtures"
    return int(stored(app)[-1]["id"])


def edit(doctor, mixture: int, version: Any, **fields: Any):
    """Post the edit form of a mixture opened at ``version`` (None: no version field)."""
    data = {**LIDO, **fields}
    if version is not None:
        data["version"] = str(version)
    return doctor(f"/mixtures/{mixture}/edit", data)


def editor_options(client, patient_id: int) -> dict[str, Any]:
    """The editor's "Add a clinic mixture" options: name -> components."""
    page = soup_of(client.get(f"/patients/{patient_id}/plans/new?view=knee-anterior&side=right"))
    return {o["value"]: json.loads(o["data-components"])
            for o in page.select("select[data-action=add-mixture] option[data-components]")}


def listed(client, kind: str) -> dict[str, str]:
    """The mixtures page's current or archived list: name -> version."""
    table = soup_of(client.get("/mixtures")).select_one(f"[data-testid={kind}-mixtures]")
    if table is None:
        return {}
    return {tr.select_one(".mixture-name").get_text(strip=True):
            tr.find_all("td")[1].get_text(strip=True) for tr in table.select("tbody tr")}


@pytest.fixture
def patient(doctor) -> int:
    """A 70 kg patient's id."""
    return created_id(add(doctor, weight_kg="70"))


def record_text(client, rid: int) -> str:
    """A record's page as read, without the notices of the moment."""
    page = soup_of(client.get(f"/records/{rid}"))
    for notice in page.select(".flash"):
        notice.decompose()
    return page.select_one("main").get_text(" ", strip=True)


@pytest.fixture
def italian(app):
    """A second browser: a doctor who reads Italian; returns (client, post)."""
    make_user(app, "medico", language="it")
    other = app.test_client()
    login(other, "medico")
    token = csrf_token(other)

    def post(path: str, data: dict[str, Any] | None = None, **kwargs: Any):
        return other.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)

    return other, post


# ------------------------------------------------------------------ the catalogue as you type


def test_the_drug_field_offers_the_catalogue_in_the_readers_language(client, doctor, italian):
    from planner.core.drug_catalogue import DRUGS

    other, _post = italian
    for browser, lidocaine, missing in ((client, "lidocaine", "lidocaina"),
                                        (other, "lidocaina", "lidocaine")):
        page = soup_of(browser.get("/mixtures"))
        options = {o["value"]: o for o in page.select("datalist#drugs option")}
        assert len(options) == len(DRUGS)
        assert lidocaine in options and missing not in options
        assert "N01BB02" in options[lidocaine]["label"]  # the ATC code shows in the label
        assert "xylocaine" in options[lidocaine]["data-search"]  # a brand finds it too
        field = page.select_one("input[name=drug-0]")
        assert field["list"] == "drugs" and field.has_attr("data-drug-field")


def test_a_drug_is_stored_as_the_catalogue_knows_it_else_as_typed(app, client, doctor):
    create(app, doctor, **{"drug-0": "Lidocaína", "component-1": "Estratto di centella",
                           "drug-1": "Centella asiatica", "mg_per_ml-1": "5"})
    create(app, doctor, name="by code", **{"drug-0": "n01bb03", "component-0": "Carbocaina 2%"})
    first, second = stored(app)
    assert [c.get("drug") for c in first["components"]] == ["lidocaine", "Centella asiatica"]
    assert second["components"][0]["drug"] == "mepivacaine"
    assert first["components"][0]["name"] == "lidocaine 2%"  # the label stays as typed


def test_after_a_save_each_component_says_what_the_catalogue_made_of_it(app, client, doctor):
    create(app, doctor, **{"component-1": "Estratto X", "drug-1": "estratto x",
                           "mg_per_ml-1": "5", "component-2": "vitamina misteriosa",
                           "volume_ml-2": "1"})
    page = soup_of(client.get("/mixtures"))
    items = page.select("[data-testid=current-mixtures] .recipe li")
    assert len(items) == 3
    lido, extract, vitamin = (li.select_one("[data-testid=drug-finding]") for li in items)
    assert lido.get_text(" ", strip=True) == "lidocaine · local anaesthetic · N01BB02"
    assert [n["data-code"] for n in extract.select("[data-code]")] == ["drug-unidentified"]
    assert "Drug not in the catalogue: dose not checked" in extract.get_text(" ", strip=True)
    assert vitamin.get_text(" ", strip=True) == \
        "Not in the drug catalogue: no dose limit will be checked for it."


def test_the_catalogues_words_are_in_the_readers_language(app, doctor, italian):
    other, post = italian
    assert post("/mixtures", {**LIDO, "drug-0": "N01BB02"}).status_code == 303
    finding = soup_of(other.get("/mixtures")).select_one("[data-testid=drug-finding]")
    assert finding.get_text(" ", strip=True) == "lidocaina · anestetico locale · N01BB02"
    # The edit form shows the stored id as the drug's name in Italian, read back as the same.
    mixture = stored(app)[0]["id"]
    page = soup_of(other.get(f"/mixtures/{mixture}/edit"))
    assert page.select_one("input[name=drug-0]")["value"] == "lidocaina"
    assert page.select_one("input[name=volume_ml-0]")["value"] == "1"
    assert edit(post, mixture, 1, **{"drug-0": "lidocaina"}).status_code == 303
    assert len(stored(app)) == 1  # the same recipe: no new version


def test_a_refused_save_says_what_the_catalogue_made_of_each_row(app, doctor):
    response = doctor("/mixtures", {
        **LIDO, "name": "", "component-0": "Cinchocaina 1%", "drug-0": "", "mg_per_ml-0": "10",
        "component-2": "Lidocaína clorhidrato 2%", "volume_ml-2": "2"})
    assert response.status_code == 422
    assert field_errors(response) == ["Give the mixture a name (up to 40 characters)."]
    findings = soup_of(response).select("tr.finding-row [data-testid=drug-finding]")
    unknown, saline, lidocaine = findings
    assert [n["data-code"] for n in unknown.select("[data-code]")] == \
        ["anaesthetic-unidentified"]
    assert ("Cinchocaina 1%: cinchocaina looks like a local anaesthetic that the drug "
            "catalogue does not know") in unknown.get_text(" ", strip=True)
    assert saline.select_one(".drug-found")["data-drug"] == "sodium-chloride"
    assert lidocaine.select_one(".drug-found")["data-drug"] == "lidocaine"
    assert [n["data-code"] for n in lidocaine.select("[data-code]")] == \
        ["anaesthetic-strength-from-name"]
    assert stored(app) == []


# ------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(("change", "message", "invalid"), [
    ({"name": "x" * 41}, "Give the mixture a name (up to 40 characters).", "name"),
    ({"name": "x" * 10_000}, "Give the mixture a name (up to 40 characters).", "name"),
    ({"name": "   "}, "Give the mixture a name (up to 40 characters).", "name"),
    ({"drug-0": "x" * 10_000},
     field_words("components[0].drug") + ": must be at most 100 characters", "drug-0"),
    ({"component-1": "s" * 201},
     field_words("components[1].name") + ": must be at most 200 characters",
     "component-1"),
    ({"volume_ml-1": "1e309"}, field_words("components[1].volume_ml") + ":", "volume_ml-1"),
    ({"mg_per_ml-0": "-3"}, field_words("components[0].mg_per_ml") + ":", "mg_per_ml-0"),
    ({"component-0": "", "drug-0": "", "mg_per_ml-0": "", "volume_ml-0": "",
      "component-3": "late row", "volume_ml-3": ""},
     field_words("components[1].volume_ml") + ": must be a number",
     "volume_ml-3"),
    (EMPTY_ROWS, "Add at least one component.", None),
])
def test_bad_input_is_refused_naming_the_field(app, doctor, change, message, invalid):
    response = doctor("/mixtures", {**LIDO, **change})
    assert response.status_code == 422
    [error] = field_errors(response)
    assert error.startswith(message), error
    marked = [i["name"] for i in soup_of(response).select("form.mixture-form [aria-invalid]")]
    assert marked == ([invalid] if invalid else [])
    assert "Nothing was saved" in text_of(response)
    assert stored(app) == [] and audit_trail(app) == []


def test_forged_fields_are_ignored_and_a_missing_token_is_refused(app, client, doctor):
    response = doctor("/mixtures", {**LIDO, "component-7": "forged", "volume_ml-7": "9",
                                    "version": "99", "family_id": "1", "archived": "1"})
    assert response.status_code == 303
    [saved] = stored(app)
    assert [c["name"] for c in saved["components"]] == ["lidocaine 2%", "saline 0.9%"]
    assert (saved["version"], saved["family_id"], saved["archived"]) == (1, None, False)
    for path in ("/mixtures", f"/mixtures/{saved['id']}/edit", f"/mixtures/{saved['id']}/archive",
                 f"/mixtures/{saved['id']}/restore"):
        refused = client.post(path, data={**LIDO, "name": "no token", "version": "1"})
        assert refused.status_code == 400, path
    assert stored(app) == [saved]


# --------------------------------------------------------------------------- versions


def test_an_edit_makes_a_new_version_and_keeps_the_old_row(app, client, doctor):
    mixture = create(app, doctor)
    response = edit(doctor, mixture, 1, name="Knee A strong", **{"mg_per_ml-0": "10",
                                                                "volume_ml-0": "2"})
    assert response.status_code == 303 and urlsplit(response.location).path == "/mixtures"
    old, new = stored(app)
    assert (old["id"], old["version"], old["superseded"], old["name"]) == \
        (mixture, 1, True, "Knee A")
    assert old["components"][0] == {"name": "lidocaine 2%", "volume_ml": "1",
                                    "drug": "lidocaine", "mg_per_ml": "20"}
    assert (new["family_id"], new["version"], new["superseded"], new["name"]) == \
        (mixture, 2, False, "Knee A strong")
    assert new["components"][0]["mg_per_ml"] == "10"
    assert listed(client, "current") == {"Knee A strong": "2"}
    page = client.get(f"/mixtures/{mixture}/edit")
    versions = [[td.get_text(" ", strip=True) for td in tr.find_all("td")][:2]
                for tr in soup_of(page).select("[data-testid=versions] tbody tr")]
    assert versions == [["2 current", "Knee A strong"], ["1", "Knee A"]]
    assert soup_of(page).select_one("input[name=version]")["value"] == "2"
    assert audit_trail(app) == [("create", mixture, "version 1"),
                                ("update", mixture, "version 2")]
    # The name of a superseded version is free again.
    create(app, doctor)
    assert listed(client, "current") == {"Knee A": "1", "Knee A strong": "2"}


def test_an_edit_of_a_stale_version_is_refused_and_keeps_the_entries(app, client, doctor):
    mixture = create(app, doctor)
    assert edit(doctor, mixture, 1, **{"volume_ml-1": "5"}).status_code == 303
    before = stored(app), audit_trail(app)
    response = edit(doctor, mixture, 1, **{"volume_ml-1": "6"})
    assert response.status_code == 409
    assert (stored(app), audit_trail(app)) == before
    page = soup_of(response)
    assert "version 2 is now current" in " ".join(flashes(response))
    assert page.select_one("input[name=volume_ml-1]")["value"] == "6"  # the entries stay
    assert page.select_one("input[name=version]")["value"] == "2"
    # Saved again knowingly (over version 2), it makes version 3.
    assert edit(doctor, mixture, 2, **{"volume_ml-1": "6"}).status_code == 303
    assert [r["version"] for r in stored(app)] == [1, 2, 3]


RACES = {
    # Another worker commits, between this edit's reading and its writing: ...
    "a version 2": ("UPDATE mixtures SET superseded = true WHERE id = :id",
                    "INSERT INTO mixtures (name, components_json, archived, family_id, version, "
                    "superseded, created_by_id, created_at) VALUES ('Knee A', :c, false, :id, "
                    "2, false, 1, '2026-12-01')"),
    "the archiving": ("UPDATE mixtures SET archived = true WHERE id = :id",),
    "the new name": ("INSERT INTO mixtures (name, components_json, archived, version, "
                     "superseded, created_by_id, created_at) VALUES ('Knee B', :c, false, 1, "
                     "false, 1, '2026-12-01')",),
}


@pytest.mark.parametrize(("race", "status", "says"), [
    ("a version 2", 409, "version 2 is now current"),
    ("the archiving", 409, "This mixture is archived: restore it before changing it."),
    ("the new name", 422, "A mixture with this name exists."),
])
def test_an_edit_racing_another_save_writes_nothing(app, doctor, monkeypatch, race, status,
                                                    says):
    """The page's checks passed, then another save committed before this one wrote: the guarded
    UPDATE or the unique indexes refuse it, and nothing of this edit is written."""
    from planner.extensions import db
    from planner.web import mixtures

    mixture = create(app, doctor)
    parse = mixtures.parse_mixture
    values = {"id": mixture, "c": stored(app)[0]["components_json"]}

    def racing(*args: Any, **kwargs: Any):
        found = parse(*args, **kwargs)
        with db.engine.begin() as other:  # another worker's connection and transaction
            for statement in RACES[race]:
                other.execute(sa.text(statement), values)
        return found

    monkeypatch.setattr(mixtures, "parse_mixture", racing)
    before = stored(app)
    response = edit(doctor, mixture, 1, name="Knee B", **{"volume_ml-1": "7"})
    monkeypatch.undo()
    assert response.status_code == status
    assert says in " ".join(flashes(response) + field_errors(response))
    assert audit_trail(app) == [("create", mixture, "version 1")]
    assert not any(r["name"] == "Knee B" and r["components"][1]["volume_ml"] == "7"
                   for r in stored(app)), stored(app)
    assert len(stored(app)) == len(before) + (0 if race == "the archiving" else 1)


def test_a_new_mixture_racing_another_of_its_name_writes_nothing(app, doctor, monkeypatch):
    from planner.extensions import db
    from planner.web import mixtures

    make_user(app, "other")
    parse = mixtures.parse_mixture

    def racing(*args: Any, **kwargs: Any):
        found = parse(*args, **kwargs)
        with db.engine.begin() as other:
            other.execute(sa.text(
                "INSERT INTO mixtures (name, components_json, archived, version, superseded, "
                "created_by_id, created_at) VALUES ('Knee A', '[]', false, 1, false, 2, "
                "'2026-12-01')"))
        return found

    monkeypatch.setattr(mixtures, "parse_mixture", racing)
    response = doctor("/mixtures", LIDO)
    assert response.status_code == 422
    assert field_errors(response) == ["A mixture with this name exists."]
    assert [r["created_by_id"] for r in stored(app)] == [2] and audit_trail(app) == []


@pytest.mark.parametrize("version", [None, "", "abc", "0", "-1", "9" * 30])
def test_an_edit_without_its_version_changes_nothing(app, doctor, version):
    mixture = create(app, doctor)
    before = stored(app)
    assert edit(doctor, mixture, version, **{"volume_ml-1": "6"}).status_code == 409
    assert stored(app) == before


def test_an_edit_that_changes_nothing_makes_no_version(app, doctor):
    mixture = create(app, doctor)
    response = edit(doctor, mixture, 1, **{"volume_ml-1": "4,00"})
    assert response.status_code == 303
    assert len(stored(app)) == 1 and len(audit_trail(app)) == 1


def test_a_refused_edit_saves_nothing(app, doctor):
    mixture = create(app, doctor)
    create(app, doctor, name="Other")
    create(app, doctor, name="Old one")
    assert doctor(f"/mixtures/{stored(app)[-1]['id']}/archive").status_code == 303
    before = stored(app)
    for change, error in (({"name": "Other"}, "A mixture with this name exists."),
                          ({"name": "Old one"}, "An archived mixture has this name: restore "
                                                "it, or choose another name."),
                          ({"drug-0": "d" * 10_000},
                           field_words("components[0].drug") + ": must be at most 100"),
                          (EMPTY_ROWS, "Add at least one component.")):
        response = edit(doctor, mixture, 1, **change)
        assert response.status_code == 422, change
        assert field_errors(response)[0].startswith(error)
    assert stored(app) == before


def test_a_new_mixture_cannot_take_a_current_or_archived_name(app, doctor):
    create(app, doctor)
    response = doctor("/mixtures", LIDO)
    assert response.status_code == 422
    assert field_errors(response) == ["A mixture with this name exists."]
    assert doctor(f"/mixtures/{stored(app)[0]['id']}/archive").status_code == 303
    response = doctor("/mixtures", LIDO)
    assert response.status_code == 422
    assert field_errors(response) == [
        "An archived mixture has this name: restore it, or choose another name."]
    assert len(stored(app)) == 1


def test_the_database_keeps_names_unique_among_current_versions(app):
    """Two saves racing past the page's check: the partial unique index refuses the second."""
    from sqlalchemy.exc import IntegrityError

    from planner.extensions import db
    from planner.models import SavedMixture

    user = make_user(app)
    with app.app_context():
        first = SavedMixture(name="Race", components_json="[]", created_by_id=user)
        db.session.add(first)
        db.session.commit()
        db.session.add(SavedMixture(name="Race", components_json="[]", created_by_id=user,
                                    superseded=True, family_id=first.id, version=2))
        db.session.commit()  # a superseded version may share it
        db.session.add(SavedMixture(name="Race", components_json="[]", created_by_id=user))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(SavedMixture(name="Other", components_json="[]", created_by_id=user,
                                    family_id=first.id, version=2))
        with pytest.raises(IntegrityError):  # one version 2 per mixture
            db.session.commit()


# ------------------------------------------------------------------- archive and restore


def test_archive_and_restore(app, client, doctor, patient):
    mixture = create(app, doctor)
    assert set(editor_options(client, patient)) == {"Knee A"}
    response = doctor(f"/mixtures/{mixture}/archive")
    assert response.status_code == 303 and urlsplit(response.location).path == "/mixtures"
    assert listed(client, "current") == {} and listed(client, "archived") == {"Knee A": "1"}
    assert editor_options(client, patient) == {}
    # Twice: refused, nothing written.
    before = stored(app), audit_trail(app)
    again = doctor(f"/mixtures/{mixture}/archive")
    assert again.status_code == 409
    assert flashes(again) == ["This mixture is already archived."]
    assert (stored(app), audit_trail(app)) == before
    # An archived mixture is not changed: restored first.
    refused = edit(doctor, mixture, 1, **{"volume_ml-1": "9"})
    assert refused.status_code == 409 and stored(app) == before[0]
    assert doctor(f"/mixtures/{mixture}/restore").status_code == 303
    assert listed(client, "current") == {"Knee A": "1"} and listed(client, "archived") == {}
    assert doctor(f"/mixtures/{mixture}/restore").status_code == 409
    assert audit_trail(app) == [("create", mixture, "version 1"),
                                ("archive", mixture, "version 1"),
                                ("restore", mixture, "version 1")]
    assert set(editor_options(client, patient)) == {"Knee A"}


def test_archiving_a_changed_mixture_archives_its_current_version(app, client, doctor):
    mixture = create(app, doctor)
    assert edit(doctor, mixture, 1, **{"volume_ml-1": "5"}).status_code == 303
    assert doctor(f"/mixtures/{mixture}/archive").status_code == 303
    assert [(r["version"], r["superseded"], r["archived"]) for r in stored(app)] == \
        [(1, True, False), (2, False, True)]
    assert listed(client, "archived") == {"Knee A": "2"}


@pytest.mark.parametrize("path", ["/mixtures/{}/edit", "/mixtures/{}/archive",
                                  "/mixtures/{}/restore"])
def test_a_mixture_that_does_not_exist_is_404(app, client, doctor, path):
    mixture = create(app, doctor)
    assert edit(doctor, mixture, 1, **{"volume_ml-1": "5"}).status_code == 303
    second_row = stored(app)[-1]["id"]  # a version's own id is not the mixture's
    before = stored(app)
    for missing in (999, second_row):
        url = path.format(missing)
        if url.endswith("/edit"):
            assert client.get(url).status_code == 404
        assert doctor(url, {**LIDO, "version": "2"}).status_code == 404
    assert stored(app) == before


def test_an_assistant_sees_the_mixtures_but_changes_none(app, client, doctor):
    mixture = create(app, doctor)
    make_user(app, "helper", role="assistant")
    other = app.test_client()
    login(other, "helper")
    page = soup_of(other.get("/mixtures"))
    assert page.select_one("[data-testid=current-mixtures]") is not None
    assert page.select_one("form.mixture-form") is None
    assert not page.select(f'a[href="/mixtures/{mixture}/edit"]')
    assert not page.select("button.danger")
    token = csrf_token(other, "/mixtures")
    before = stored(app), audit_trail(app)
    assert other.get(f"/mixtures/{mixture}/edit").status_code == 403
    for path in (f"/mixtures/{mixture}/edit", f"/mixtures/{mixture}/archive",
                 f"/mixtures/{mixture}/restore", "/mixtures"):
        response = other.post(path, data={**LIDO, "name": "helper's", "version": "1",
                                          "csrf_token": token})
        assert response.status_code == 403, path
    assert (stored(app), audit_trail(app)) == before


def test_the_audit_page_says_what_was_done_to_a_mixture(app, client, doctor):
    mixture = create(app, doctor)
    assert edit(doctor, mixture, 1, **{"volume_ml-1": "5"}).status_code == 303
    assert doctor(f"/mixtures/{mixture}/archive").status_code == 303
    make_user(app, "boss", role="admin")
    admin = app.test_client()
    login(admin, "boss")
    page = soup_of(admin.get("/audit?entity=mixture"))
    lines = [tr.get_text(" ", strip=True) for tr in page.select("tbody tr")]
    assert any("archived" in line and "version 2" in line for line in lines), lines
    assert any("changed" in line and "version 2" in line for line in lines), lines
    assert any("created" in line and "version 1" in line for line in lines), lines


# ------------------------------------------------ plans and records keep the recipe they used


def plan_with(components: list[dict[str, Any]], name: str = "Knee A") -> dict[str, Any]:
    """A knee plan using a mixture copied as the editor copies it (add-mixture, planner.js)."""
    return {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
            "treatment": "antalgic", "mixtures": {name: {"components": components}},
            "areas": [{"label": "medial knee", "region": "knee-anterior/medial",
                       "spacing_mm": 15, "volume_ml": "0.50", "mixture": name}]}


def origin(html_response) -> str:
    found = soup_of(html_response).select_one("[data-testid=mixture-origin]")
    return found.get_text(" ", strip=True) if found else ""


def test_plans_and_signed_records_keep_the_version_they_used(app, client, doctor):
    patient = created_id(add(doctor, family_name="Rossi", **HEALTHY))
    mixture = create(app, doctor)
    components = editor_options(client, patient)["Knee A"]
    plan = saved_id(save(doctor, patient, plan_with(components)))
    kept = json.loads(client.get(f"/plans/{plan}/plan.json").get_data(as_text=True))
    assert origin(client.get(f"/plans/{plan}")) == "Clinic mixture Knee A, version 1"
    rid = record_id(doctor(f"/plans/{plan}/record", {
        "performed_at": "2026-10-05T10:00", "performer_id": "1", "pain_scale": "nrs",
        "pain_before": "7", "product-0": "lidocaine 2%", "lot-0": "L-1",
        "product-1": "saline 0.9%", "lot-1": "S-1", **CLEAR}))
    consented(doctor, patient, app=app)
    assert doctor(f"/records/{rid}/sign", {"password": PASSWORD, "version": "1"}).status_code == 303
    signed_page = record_text(client, rid)
    assert "lidocaine 2%" in signed_page and "Lidocaine 10" not in signed_page

    # The clinic changes its mixture: lidocaine 1% now, and a new label.
    assert edit(doctor, mixture, 1, **{"component-0": "Lidocaine 10 mg/mL",
                                       "mg_per_ml-0": "10"}).status_code == 303
    assert json.loads(client.get(f"/plans/{plan}/plan.json").get_data(as_text=True)) == kept
    page = client.get(f"/plans/{plan}")
    assert origin(page) == ("Clinic mixture Knee A, version 1 · changed since: the clinic's "
                            "current version is 2 Use version 2")
    # The editor offers the current version's recipe to take in one click.
    use = soup_of(page).select_one("[data-testid=use-current-version]")
    assert json.loads(use["data-components"])[0]["name"] == "Lidocaine 10 mg/mL"
    assert editor_options(client, patient)["Knee A"][0]["name"] == "Lidocaine 10 mg/mL"
    assert record_text(client, rid) == signed_page
    assert json.loads(row(app, rid)["plan_json"])["mixtures"] == kept["mixtures"]
    # The new version, added to a plan, is recognised as version 2; archived, it says so.
    new = plan_with(editor_options(client, patient)["Knee A"])
    assert origin(preview(doctor, patient, new)) == "Clinic mixture Knee A, version 2"
    assert doctor(f"/mixtures/{mixture}/archive").status_code == 303
    assert origin(client.get(f"/plans/{plan}")) == \
        "Clinic mixture Knee A, version 1 · archived since"
    # A recipe of the plan's own is no clinic mixture.
    own = plan_with([{"name": "saline 0.9%", "volume_ml": "2"}], name="mine")
    assert origin(preview(doctor, patient, own)) == ""


def test_the_editor_names_each_components_drug_in_the_readers_language(app, italian):
    _other, post = italian
    patient = created_id(add(post, weight_kg="70"))
    doc = plan_with([{"name": "Xylocaine 2%", "drug": "lidocaine", "mg_per_ml": "20",
                      "volume_ml": "1"},
                     {"name": "Fisiologica", "volume_ml": "4"},
                     {"name": "Estratto X", "volume_ml": "1"}], name="mia")
    panel = soup_of(preview(post, patient, doc)).select_one("[data-testid=plan-mixture]")
    items = [li.get_text(" ", strip=True) for li in panel.select("li")]
    assert items == ["Xylocaine 2% 1,00 mL (20,00 mg/mL) · lidocaina",
                     "Fisiologica 4,00 mL · soluzione fisiologica", "Estratto X 1,00 mL"]


# --------------------------------------------- unchecked doses: editor, sheet, record, signing

UNKNOWN_CAINE = [{"name": "Cinchocaina 1%", "mg_per_ml": "10", "volume_ml": "1"},
              {"name": "saline 0.9%", "volume_ml": "1"}]
# 0.5 mL a point of a recipe that is all lidocaine 2% written only in the label: 20 mg/mL read
# from the name; 40 manual points make 20 mL, 400 mg, above 4.5 mg/kg x 70 kg (and 300 mg).
LIDOCAINE_BY_NAME = [{"name": "Lidocaína clorhidrato 2%", "volume_ml": "1"}]


def lidocaine_plan() -> dict[str, Any]:
    doc = plan_with(LIDOCAINE_BY_NAME, name="L")
    doc["areas"] = []
    doc["points"] = [{"x": 60 + (k % 8) * 6, "y": 80 + (k // 8) * 6, "volume_ml": "0.50",
                      "mixture": "L"} for k in range(40)]
    return doc


def warning_items(response) -> dict[str, str]:
    panel = soup_of(response).select_one(".panel.warnings")
    assert panel is not None, text_of(response)[:800]
    return {li["data-code"]: li.get_text(" ", strip=True) for li in panel.select("li")}


def record_on(app, doctor, patient: int, doc: dict[str, Any]) -> tuple[int, int]:
    plan = saved_id(save(doctor, patient, doc))
    rid = record_id(doctor(f"/plans/{plan}/record", {
        "performed_at": "2026-10-05T10:00", "performer_id": "1", "pain_scale": "nrs",
        "pain_before": "7", "product-0": "anaesthetic", "lot-0": "A-1", **CLEAR}))
    consented(doctor, patient, app=app)
    return plan, rid


@pytest.mark.parametrize(("doc", "blocking", "noted"), [
    (plan_with(UNKNOWN_CAINE), {"anaesthetic-unidentified"}, set()),
    (lidocaine_plan(), {"anaesthetic-dose"}, {"anaesthetic-strength-from-name"}),
], ids=["unknown-caine", "lidocaine-in-the-label"])
def test_an_unchecked_dose_is_warned_and_needs_an_override_to_sign(app, client, doctor, doc,
                                                                   blocking, noted):
    from planner.core.checklist import BLOCKING_CODES

    patient = created_id(add(doctor, **HEALTHY))
    shown = warning_items(preview(doctor, patient, doc))
    assert blocking | noted <= set(shown), shown
    if "anaesthetic-unidentified" in blocking:
        assert "Unknown local anaesthetic: dose not checked" in shown["anaesthetic-unidentified"]
    else:
        assert "400" in shown["anaesthetic-dose"]
    plan, rid = record_on(app, doctor, patient, doc)
    assert warning_items(client.get(f"/plans/{plan}"))  # the saved plan's editor shows them
    gate = soup_of(client.get(f"/records/{rid}")).select_one("[data-testid=gate]")
    blocks = [li.get_text(" ", strip=True) for li in gate.select("[data-testid=blocks] li")]
    notes = [li.get_text(" ", strip=True) for li in gate.select("ul.notes li")]
    assert len(blocks) == len(blocking), blocks
    assert len(notes) == len(noted), notes  # a blocking finding is listed once, not twice
    assert blocking <= BLOCKING_CODES and not noted & BLOCKING_CODES
    refused = doctor(f"/records/{rid}/sign", {"password": PASSWORD, "version": "1"})
    assert refused.status_code == 422
    assert "write your reason" in " ".join(flashes(refused))
    assert row(app, rid)["status"] == "draft"
    short = doctor(f"/records/{rid}/sign", {
        "password": PASSWORD, "version": "1", "override_reason": "ok"})
    assert short.status_code == 422 and row(app, rid)["status"] == "draft"
    reason = "Checked with the pharmacist: dose within the label"
    assert doctor(f"/records/{rid}/sign", {
        "password": PASSWORD, "version": "1", "override_reason": reason}
                  ).status_code == 303
    signed = row(app, rid)
    assert signed["status"] == "signed" and signed["override_reason"] == reason
    assert {f["code"] for f in json.loads(signed["override_findings"])} == blocking
    page = text_of(client.get(f"/records/{rid}"))
    assert reason in page
    assert gate_text(client.get(f"/records/{rid}"))


def test_the_treatment_room_sheet_prints_the_unchecked_dose_warning(app, client, doctor):
    patient = created_id(add(doctor, **HEALTHY))
    plan = saved_id(save(doctor, patient, plan_with(UNKNOWN_CAINE)))
    text = flat_text(client.get(f"/plans/{plan}/sheet.pdf").get_data())
    assert "Unknown local anaesthetic: dose not checked" in text
    assert "Cinchocaina 1%: cinchocaina looks like a local anaesthetic" in text


# ------------------------------------------------------------------------- migration


def test_the_migration_versions_existing_mixtures_and_goes_back(tmp_path, empty_database):
    """0010 on a database with mixtures in it (SQLite, or PostgreSQL with
    MESOPLANNER_TEST_POSTGRES): each becomes version 1 of itself; an edit adds a version; going
    back removes the superseded versions and makes names unique again."""
    from flask_migrate import downgrade, upgrade

    from planner.app import create_app
    from planner.extensions import db

    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="0009")
        db.session.execute(sa.text(
            "INSERT INTO users (username, full_name, password_hash, role, language, active, "
            "must_change_password, created_at) VALUES ('doctor', 'Dr Doctor', 'x', 'doctor', "
            "'en', true, false, '2026-01-01')"))
        for name in ("Old A", "Old B"):
            db.session.execute(sa.text(
                "INSERT INTO mixtures (name, components_json, archived, created_by_id, "
                "created_at) VALUES (:name, :components, false, 1, '2026-01-01')"),
                {"name": name, "components": json.dumps(
                    [{"name": "lidocaine 2%", "volume_ml": "1", "drug": "lidocaine",
                      "mg_per_ml": "20"}])})
        db.session.commit()
        upgrade()
        versions = db.session.execute(sa.text(
            "SELECT name, version, superseded, family_id FROM mixtures ORDER BY id")).all()
        assert [tuple(v) for v in versions] == [("Old A", 1, False, None),
                                                ("Old B", 1, False, None)]
        db.session.remove()
        app.config["WTF_CSRF_ENABLED"] = False
    make_user(app, "second")
    client = app.test_client()
    login(client, "second")
    assert client.post("/mixtures/1/edit", data={**LIDO, "name": "Old A", "version": "1",
                                                 "volume_ml-1": "3"}).status_code == 303
    with app.app_context():
        assert db.session.execute(sa.text(
            "SELECT count(*) FROM mixtures WHERE name = 'Old A'")).scalar() == 2
        db.session.remove()
        downgrade(revision="0009")
        left = db.session.execute(sa.text("SELECT name, components_json FROM mixtures "
                                          "ORDER BY name")).all()
        assert [n for n, _c in left] == ["Old A", "Old B"]
        assert "saline" in dict(left)["Old A"]  # the current version stays
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text(
                "INSERT INTO mixtures (name, components_json, archived, created_by_id, "
                "created_at) VALUES ('Old B', '[]', false, 1, '2026-01-01')"))
        db.session.rollback()
        db.session.remove()
        upgrade()
        assert db.session.execute(sa.text(
            "SELECT count(*) FROM mixtures WHERE NOT superseded")).scalar() == 2
        db.engine.dispose()
