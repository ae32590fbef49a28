"""The engine's errors and warnings in the editor, in the user's language with its numbers."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from tests.helpers.languages import TRANSLATIONS
from tests.helpers.patients import add, created_id
from tests.helpers.plans import engine_result, field_words, knee_plan, plan_error, preview, save
from tests.helpers.users import csrf_token, login, make_user

SPACING_ZERO = {
    "it": "Non calcolato: Area 1 · distanza tra i punti: deve essere compreso tra 2 e 100 mm "
          "(valore: 0)",
    "es": "No calculado: Área 1 · distancia entre puntos: debe estar entre 2 y 100 mm (valor: 0)",
}
NO_WEIGHT = {
    "it": "peso del paziente non indicato: la dose di lidocaina è stata "
          "verificata solo rispetto al massimo assoluto di 300 mg, non ai 4,5 mg/kg",
    "es": "peso del paciente no indicado: la dosis de lidocaína solo se ha "
          "comprobado frente al máximo absoluto de 300 mg, no frente a 4,5 mg/kg",
}


@pytest.fixture(params=["it", "es"])
def language(request) -> str:
    return str(request.param)


@pytest.fixture
def medico(app, client, language):
    """A logged-in doctor who reads Italian or Spanish; returns a function posting with CSRF."""
    make_user(app, username="medico", language=language)
    login(client, "medico")
    token = csrf_token(client)

    def post(path: str, data: dict[str, Any] | None = None, **kwargs: Any):
        return client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)

    return post


def details(html: str) -> list[tuple[str, str]]:
    """(code, detail text) of each warning shown in the editor."""
    soup = BeautifulSoup(html, "html.parser")
    return [(li["data-code"], li.select_one(".detail").get_text(" ", strip=True))
            for li in soup.select(".warnings li")]


def numbers(text: str, decimal_mark: str) -> list[Decimal]:
    """Every number in a text, read with the given decimal mark (no thousands above 999)."""
    text = text.replace("mm2", "mm²")  # the English unit has a digit; translations write mm²
    found = re.findall(rf"\d+(?:{re.escape(decimal_mark)}\d+)?", text)
    return sorted(Decimal(n.replace(decimal_mark, ".")) for n in found)


def test_it_names_the_invalid_field_in_the_users_language(medico, language):
    patient = created_id(add(medico))
    response = preview(medico, patient, knee_plan(spacing_mm=0))
    assert response.status_code == 422
    assert plan_error(response.get_data(as_text=True)) == SPACING_ZERO[language]


def test_a_refused_save_says_why_in_the_users_language(app, medico, language):
    patient = created_id(add(medico))
    response = save(medico, patient, knee_plan(spacing_mm=0))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    flashes = " ".join(p.get_text(" ", strip=True) for p in
                       BeautifulSoup(html, "html.parser").select(".flash-error"))
    reason = SPACING_ZERO[language].split(": ", 2)[2]
    assert reason in flashes, flashes
    assert plan_error(html) == SPACING_ZERO[language]


def test_a_plan_without_weight_warns_in_the_users_language(medico, language):
    patient = created_id(add(medico, weight_kg="", record_number=""))
    html = preview(medico, patient, knee_plan()).get_data(as_text=True)
    assert ("weight-unknown", NO_WEIGHT[language]) in details(html)
    # The detail is in the page's language now: no lang="en" left on it.
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select(".warnings .detail")
    assert not soup.select(".warnings .detail[lang]")


def test_doses_are_written_the_users_way_and_exactly(medico, language):
    patient = created_id(add(medico, weight_kg="10", record_number=""))
    html = preview(medico, patient, knee_plan()).get_data(as_text=True)
    english = {w.code: w.message for w in engine_result(knee_plan(), 10).warnings}
    shown = dict(details(html))
    assert "anaesthetic-dose" in shown
    dose = shown["anaesthetic-dose"]
    # The English says e.g. "63.00 mg ... (6.30 mg/kg at 10 kg) ... 45.00 mg (4.5 mg/kg x 10 kg)".
    for amount in re.findall(r"\d+\.\d+", english["anaesthetic-dose"]):
        assert amount.replace(".", ",") in dose, (amount, dose)
    assert not re.search(r"\d\.\d", dose), dose


def test_every_warning_detail_is_translated_keeping_its_numbers(medico, language):
    """Each warning of a busy plan: another text than the English, with the same numbers."""
    patient = created_id(add(medico, weight_kg="10", record_number=""))
    doc = knee_plan(depth_mm=3.5, volume_ml="0.45",
                    overrides=[{"x": 1, "y": 2.5, "volume_ml": "0.20"}],
                    line=[[0, 0], [5, 5]])
    doc["mixtures"]["B"] = {"components": [
        {"name": "mepivacaine 3%", "drug": "mepivacaine", "mg_per_ml": 30, "volume_ml": "9.00"}]}
    doc["areas"].append({**doc["areas"][0], "mixture": "B", "label": "second"})
    doc["areas"].append({"label": "free", "polygon": [[0, 0], [9, 0], [9, 9], [0, 9]],
                         "spacing_mm": 20})
    doc["points"] = [{"x": 20 + i, "y": 30, "volume_ml": "0.50", "depth_mm": 2.5}
                     for i in range(3)]
    warnings = engine_result(doc, 10).warnings
    shown = details(preview(medico, patient, doc).get_data(as_text=True))
    assert [code for code, _text in shown] == [w.code for w in warnings]
    assert len({w.code for w in warnings}) >= 7
    for (code, text), warning in zip(shown, warnings, strict=True):
        assert text != english(warning), code
        assert numbers(text, ",") == numbers(english(warning), "."), (code, text)


def english(warning) -> str:
    """The engine's warning as an English page writes it: its fields in words."""
    return warning.text.render(lambda t: t, lambda digits: digits, "en")


def test_the_english_detail_is_the_engines_text(doctor):
    patient = created_id(add(doctor, weight_kg="", record_number=""))
    doc = knee_plan(depth_mm=3.5, volume_ml="0.45")
    shown = details(preview(doctor, patient, doc).get_data(as_text=True))
    assert shown == [(w.code, english(w)) for w in engine_result(doc).warnings]
    # The engine's text (the CLI's, the API's) names the field by its path; the page in words.
    assert any("areas[0].volume_ml" in w.message for w in engine_result(doc).warnings)
    assert not any("areas[" in text or "_ml" in text for _code, text in shown), shown


def test_a_mixture_problem_is_in_the_users_language(app, medico, language):
    rows = {"name": "lido", "component-0": "lidocaine 2%", "drug-0": "lidocaine",
            "mg_per_ml-0": "", "volume_ml-0": "1"}
    response = medico("/mixtures", rows)
    assert response.status_code == 422
    [problem] = [p.get_text(" ", strip=True) for p in
                 BeautifulSoup(response.get_data(as_text=True), "html.parser")
                 .select(".field-error")]
    drug = {"it": "anestetico locale (lidocaina)", "es": "anestésico local (lidocaína)"}
    assert problem.startswith(field_words("components[0].mg_per_ml", language) + ": "), problem
    assert "components[" not in problem and "mg_per_ml" not in problem
    assert drug[language] in problem, problem


@pytest.mark.parametrize(("digits", "italian"), [
    ("0", "0"), ("0.10", "0,10"), ("0.125", "0,125"), ("-1234.50", "-1.234,50"), ("+12", "+12"),
    ("5000", "5.000"), ("12345678901234567890.12345678901234567890",
                        "12.345.678.901.234.567.890,12345678901234567890"),
])
def test_digits_are_formatted_exactly(app, digits, italian):
    from flask_babel import force_locale

    from planner.web.i18n import format_digits

    with app.test_request_context(), force_locale("it"):
        assert format_digits(digits) == italian


def test_every_clinical_word_and_source_is_in_the_catalogues():
    """Warnings name treatments, techniques and drugs by id and cite sources: each translated."""
    from planner.core import clinical

    texts = set(clinical.ID_WORDS)
    texts |= {t.source for t in clinical.TREATMENTS.values()}
    texts |= {d.source for d in clinical.DEPTH_LIMITS.values()}
    texts |= {a.source for a in clinical.ANAESTHETIC_LIMITS.values()}
    texts |= {a.label for a in clinical.ANAESTHETIC_LIMITS.values()}
    for code in ("it", "es"):
        with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalog = read_po(f, locale=code)
        untranslated = sorted(t for t in texts if not (catalog.get(t) and catalog.get(t).string))
        assert not untranslated, f"{code}: {untranslated}"



def test_a_danger_zone_is_named_as_the_atlas_names_it_in_the_users_language(medico, language):
    from planner.bodymaps import atlas

    glabella = next(r for r in atlas.get_view("face-frontal").warning_regions()
                    if r.id == "face-frontal/danger-glabella")
    patient = created_id(add(medico))
    doc = {"format": "mesoplanner.plan/1", "bodymap": "face-frontal", "treatment": "face",
           "areas": [{"polygon": [[105, 110], [135, 110], [135, 130], [105, 130]],
                      "spacing_mm": 10}]}
    zones = [text for code, text in details(preview(medico, patient, doc).get_data(as_text=True))
             if code == "danger-zone"]
    assert any(text.startswith(f"{glabella.label[language]}: ") for text in zones), zones
    assert not any("Danger zone" in text for text in zones), zones


def test_a_region_s_area_reads_in_the_users_language_in_the_editor(app, medico, language):
    """Made by an English-speaking colleague from the knee's medial region, the area's panel
    names it in the reader's language; the plan keeps the name it was saved with."""
    from planner.bodymaps import atlas

    region = atlas.get_view("knee-anterior", "right").region("medial")
    patient = created_id(add(medico))
    doc = knee_plan()
    doc["areas"][0].update(label=region.label["en"], region="knee-anterior/medial")
    response = preview(medico, patient, doc)
    names = [i["value"] for i in BeautifulSoup(response.get_data(as_text=True), "html.parser")
             .select("input[data-key=label]")]
    assert names == [region.label[language]]
