"""The drug catalogue: a drug is found whatever its spelling, and no dose goes unchecked silently.

Spellings are generated (hypothesis): every name of every drug, in any case, with or without
accents, with salt words, strengths in any notation, and the words of a vial's label around it.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.core import checklist, clinical, drugs
from planner.core.compute import compute
from planner.core.dosing import ComponentTotal
from planner.core.drug_catalogue import CLASSES, DRUGS, Drug
from planner.core.plan_reader import from_dict, loads
from planner.core.plan_writer import dump
from planner.core.safety import (
    UNCHECKED_CODES,
    anaesthetic_warnings,
    depth_warning,
    shown_apart,
)

ANAESTHETICS_WITH_LIMITS = [d for d in DRUGS if d.limit is not None]
ACCENTED = {"a": "áàâ", "e": "éèê", "i": "íìî", "o": "óòô", "u": "úùü", "n": "ñ", "c": "ç"}
SALTS = ["hydrochloride", "cloridrato", "clorhidrato de", "HCl", "chlorhydrate", "sodio",
         "monohydrate", "sale di lisina"]
STRENGTHS = ["2%", "2 %", "2,0%", "20 mg/mL", "20mg/ml", "1 %", "0.5%", "10 mg / ml",
             "100 mg/5 ml", "1:100.000", "1:200000", "3%"]
NOISE = ["fiala", "fiale", "ampolla", "vial", "5 ml", "soluzione iniettabile",
         "solución inyectable", "10 x 2 ml", "(", ")", "-", "*"]


def _names(drug: Drug) -> list[str]:
    return [n for n in drug.names if drugs.words(n)]


@st.composite
def spelling(draw: st.DrawFn, name: str) -> str:
    """One way a clinic may write ``name``: case, accents, salts, strengths and label words."""
    chars = []
    for ch in name:
        if ch.lower() in ACCENTED and draw(st.integers(0, 4)) == 0:
            ch = draw(st.sampled_from(ACCENTED[ch.lower()]))
        chars.append(ch)
    text = "".join(chars)
    text = draw(st.sampled_from([text, text.upper(), text.lower(), text.title()]))
    before = draw(st.lists(st.sampled_from(SALTS + NOISE), max_size=2))
    after = draw(st.lists(st.sampled_from(SALTS + STRENGTHS + NOISE), max_size=3))
    glue = draw(st.sampled_from([" ", "  ", " - ", ", "]))
    return glue.join([*before, text, *after])


@pytest.mark.parametrize("drug", DRUGS, ids=lambda d: d.id)
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_name_of_every_drug_is_found_however_it_is_written(drug: Drug, data) -> None:
    name = data.draw(st.sampled_from(_names(drug)))
    text = data.draw(spelling(name))
    found = drugs.identify(None, text)
    assert found.drug is drug, (text, found)
    # The same words in the drug field, with anything at all as the label.
    assert drugs.identify(text, "syringe 1").drug is drug


@pytest.mark.parametrize("drug", [d for d in DRUGS if d.atc], ids=lambda d: d.id)
def test_an_atc_code_names_its_drug_in_any_case_and_wins_over_a_vague_label(drug: Drug) -> None:
    for code in drug.atc:
        for written in (code, code.lower(), f" {code[:3]} {code[3:]} "):
            found = drugs.identify(written, "anaesthetic, ask the pharmacist")
            assert found.drug is drug and found.via == "code"
        # A code written in the label, when the drug field is empty.
        assert drugs.identify(None, f"fiala {code} 2 ml").drug is drug


def test_the_catalogue_is_whole_and_consistent() -> None:
    ids = [d.id for d in DRUGS]
    assert len(ids) == len(set(ids))
    for drug in DRUGS:
        assert drug.en and drug.it and drug.es, drug.id
        assert drug.drug_class in CLASSES, drug.id
        for code in drug.atc:
            assert re.fullmatch(r"[A-Z]\d\d[A-Z]{2}(\d\d)?", code), (drug.id, code)
        if drug.limit is not None:
            assert drug.limit in clinical.ANAESTHETIC_LIMITS
        if drug.with_adrenaline is not None:
            assert drugs.by_id(drug.with_adrenaline) is not None
    # Every anaesthetic limit of CLINICAL.md belongs to a drug of the catalogue.
    assert {d.limit for d in DRUGS if d.limit} == set(clinical.ANAESTHETIC_LIMITS)
    # CLINICAL.md's table: each drug it names is in the catalogue under its ATC code.
    for code in ("N01BB02", "N01BB52", "N01BB03", "N01BA02", "N01BB01", "N01BB09", "N01BB08",
                 "N01BB04", "M01AE03", "M01AB05", "M01AC01", "M01AC02", "M03BX05", "H02AB04",
                 "H02AB02", "H02AB01", "H02AB08", "C04AD03", "H05BA01", "B05XA02", "D03AX05",
                 "M09AX01", "D11AX24", "A16AA01", "N06BC01", "R03DA05", "A11GA01"):
        assert drugs.by_code(code) is not None, code


@pytest.mark.parametrize("text,drug_id", [
    ("Lidocaina 2% con adrenalina 1:100.000", "lidocaine-adrenaline"),
    ("Xylocaine with epinephrine", "lidocaine-adrenaline"),
    ("lidocaína + epinefrina", "lidocaine-adrenaline"),
    # Mepivacaine keeps its plain limit, the lower one, when adrenaline is named with it.
    ("Mepivacaina con adrenalina", "mepivacaine"),
    ("adrenalina 1 mg/ml", "adrenaline"),
    ("Lidocaina 2% 1:100000", "lidocaine"),
])
def test_adrenaline_with_lidocaine_is_its_own_drug(text: str, drug_id: str) -> None:
    assert drugs.identify(None, text).drug is drugs.by_id(drug_id)


@settings(max_examples=60)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=40))
def test_any_text_is_read_without_error(text: str) -> None:
    found = drugs.identify(text, text)
    assert found.drug is None or found.drug in DRUGS


# --- the dose checks ---------------------------------------------------------------------------

def lido_plan(name: str, drug: str | None, mg_per_ml: object | None, *, weight: float = 70,
              points: int = 200, volume: str = "0.10") -> dict[str, object]:
    component: dict[str, object] = {"name": name, "volume_ml": "5.00"}
    if drug is not None:
        component["drug"] = drug
    if mg_per_ml is not None:
        component["mg_per_ml"] = mg_per_ml
    return {"format": "mesoplanner.plan/1", "patient": {"weight_kg": weight},
            "mixtures": {"A": {"components": [component]}}, "areas": [],
            "points": [{"x": i, "y": 0, "volume_ml": volume} for i in range(points)]}


def codes(doc: dict[str, object]) -> list[str]:
    return [w.code for w in compute(from_dict(doc)).warnings]


@pytest.mark.parametrize("drug", ANAESTHETICS_WITH_LIMITS, ids=lambda d: d.id)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_a_dose_over_the_limit_is_warned_whatever_the_spelling(drug: Drug, data) -> None:
    limit = drug.anaesthetic_limit
    assert limit is not None
    # A drug field holds at most 100 characters (a longer one is refused, rightly).
    text = data.draw(spelling(data.draw(st.sampled_from(_names(drug)))).filter(
        lambda t: len(t) <= 100))
    where = data.draw(st.sampled_from(["name", "drug"]))
    # 30 mL of a 20 mg/mL solution: 600 mg, above every limit of the catalogue.
    doc = lido_plan(text if where == "name" else "syringe A", text if where == "drug" else None,
                    20, points=300)
    assert "anaesthetic-dose" in codes(doc), text


def test_400_mg_of_lidocaine_for_70_kg_is_warned_however_it_is_written() -> None:
    # The case: 20 mL of 2% = 400 mg > 300 mg (4.5 mg/kg x 70 kg = 315 mg, capped).
    for name, drug in [("Lidocaína 2%", None), ("Lidocaine hydrochloride 2%", None),
                       ("Xylocaine 2%", None), ("Lidocaina cloridrato", None),
                       ("syringe", "N01BB02"), ("syringe", "Lidocaína clorhidrato")]:
        doc = lido_plan(name, drug, 20)
        assert "anaesthetic-dose" in codes(doc), name


def test_a_strength_in_the_name_is_used_when_no_concentration_is_given() -> None:
    result = compute(from_dict(lido_plan("Lidocaina cloridrato 2%", None, None)))
    found = {w.code: w for w in result.warnings}
    assert "anaesthetic-dose" in found
    assert "20 mg/mL" in found["anaesthetic-strength-from-name"].message


def test_an_anaesthetic_with_no_concentration_is_warned_not_skipped() -> None:
    found = codes(lido_plan("Xylocaine", None, None, points=1))
    assert "anaesthetic-unchecked" in found


@pytest.mark.parametrize("name,code", [
    ("Cinchocaina 1%", "anaesthetic-unidentified"),
    ("fomocaíne", "anaesthetic-unidentified"),
    ("Pramocaina", "anaesthetic-unidentified"),
    ("Mesoglicano 5 mg/ml", "drug-unidentified"),
    ("Bupivacaina 0,5%", "anaesthetic-no-limit"),
    ("Tetracaina 0,5%", "anaesthetic-no-limit"),
    ("Naropin 5 mg/ml", "anaesthetic-no-limit"),
    ("Lidocaina + ketoprofene", "drug-ambiguous"),
])
def test_a_component_that_cannot_be_checked_says_so(name: str, code: str) -> None:
    doc = lido_plan(name, None, 5 if code != "drug-ambiguous" else None, points=1)
    result = compute(from_dict(doc))
    found = [w for w in result.warnings if w.code == code]
    assert found and name in found[0].message
    assert found[0].severity in ("high", "medium")


@settings(max_examples=50)
@given(stem=st.text(alphabet="bcdfghlmnprstvz", min_size=2, max_size=6),
       ending=st.sampled_from(["caine", "caina", "caína", "CAINE", "kain", "cain"]),
       strength=st.sampled_from(["", " 2%", " 10 mg/ml"]))
def test_an_unknown_caine_is_never_silent(stem: str, ending: str, strength: str) -> None:
    name = f"{stem}{ending}{strength}"
    found = drugs.identify(None, name)
    if found.drug is not None:  # the generator may spell a real one
        return
    totals = [ComponentTotal(name, None, None, Fraction(1), None)]
    assert [w.code for w in anaesthetic_warnings(totals, 70)] == ["anaesthetic-unidentified"]
    # Beside a drug the catalogue knows, in the label or the drug field, it is still said.
    for drug, label in (("ketoprofene", name), (None, f"Ketoprofene 100 mg/ml + {name}"),
                        (name, "Lidocaina 2%"), (None, f"Lidocaina 2% + {name}")):
        totals = [ComponentTotal(label, drug, None, Fraction(1), None)]
        found = [w.code for w in anaesthetic_warnings(totals, 70)]
        assert "anaesthetic-unidentified" in found, (drug, label, found)


def test_a_drug_field_that_contradicts_the_name_is_warned() -> None:
    doc = lido_plan("Mepivacaina 3%", "lidocaine", 30, points=1)
    assert "drug-mismatch" in codes(doc)
    assert "drug-mismatch" not in codes(lido_plan("Xylocaine 2%", "lidocaine", 20, points=1))
    assert "drug-mismatch" not in codes(lido_plan("Xylocaine 2% + adrenalina", "lidocaine", 20,
                                                  points=1))


def test_a_known_drug_with_no_limit_and_saline_raise_nothing() -> None:
    for name, mg_per_ml in (("Ketoprofene 160 mg/2 ml", 80), ("Soluzione fisiologica 0,9%", 9),
                            ("Muscoril 4 mg/2 ml", 2), ("Bicarbonato sódico 8,4%", 84),
                            ("Traumeel", 5), ("Traumeel senza lidocaina", None),
                            ("L-prolina", None), ("Glicina", None)):
        assert codes(lido_plan(name, None, mg_per_ml, points=1)) == [], name


def test_every_unchecked_code_blocks_a_signing_until_overridden() -> None:
    assert UNCHECKED_CODES <= checklist.BLOCKING_CODES
    assert "anaesthetic-strength-from-name" not in checklist.BLOCKING_CODES


# --- the plan file -----------------------------------------------------------------------------

def test_a_plan_file_may_name_a_drug_by_atc_code_and_old_files_read_as_before() -> None:
    by_code = loads(json.dumps(lido_plan("syringe", "N01BB02", 20, points=1)))
    by_name = loads(json.dumps(lido_plan("syringe", "lidocaine", 20, points=1)))
    by_alias = loads(json.dumps(lido_plan("syringe", "lidocaina", 20, points=1)))
    drug_of = [p.mixtures["A"].components[0].drug for p in (by_code, by_name, by_alias)]
    assert drug_of == ["lidocaine", "lidocaine", "lidocaine"]
    assert from_dict(dump(by_code)) == by_code
    # A drug the catalogue does not know is kept as written.
    other = loads(json.dumps(lido_plan("syringe", "Mesoglicano", 5, points=1)))
    assert other.mixtures["A"].components[0].drug == "Mesoglicano"


@pytest.mark.parametrize("drug", ["lidocaine", "N01BB02", "Xylocaine", "mepivacaína"])
def test_a_local_anaesthetic_named_in_the_drug_field_needs_its_concentration(drug: str) -> None:
    with pytest.raises(Exception, match=r"components\[0\]\.mg_per_ml"):
        from_dict(lido_plan("syringe", drug, None, points=1))


# --- dose messages -----------------------------------------------------------------------------

def _numbers(text: str) -> list[Decimal]:
    return [Decimal(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]


@settings(max_examples=200)
@given(above=st.fractions(min_value=Fraction(1, 10**15), max_value=Fraction(1, 10)),
       weight=st.sampled_from([None, 50.0, 66.6667, 70.0, 80.5]))
def test_a_dose_above_its_limit_never_reads_as_equal_to_it(above: Fraction,
                                                            weight: float | None) -> None:
    limit = clinical.ANAESTHETIC_LIMITS["lidocaine"]
    limit_mg = Fraction(limit.max_mg)
    if weight is not None:
        limit_mg = min(limit_mg, Fraction(limit.mg_per_kg) * Fraction(Decimal(str(weight))))
    mg = limit_mg + above
    total = ComponentTotal("lidocaine 2%", "lidocaine", Decimal(20), mg / 20, mg)
    notes = [w for w in anaesthetic_warnings([total], weight) if w.code == "anaesthetic-dose"]
    assert len(notes) == 1
    shown_dose = _numbers(notes[0].message.split(" mg in this plan")[0])[-1]
    shown_limit = _numbers(notes[0].message.split("above the limit of ")[1])[0]
    assert shown_dose > shown_limit, notes[0].message


@given(value=st.fractions(min_value=0, max_value=1000), limit=st.fractions(min_value=1,
                                                                          max_value=1000))
def test_shown_apart_keeps_the_side_of_the_limit(value: Fraction, limit: Fraction) -> None:
    v, lim = shown_apart(value, limit)
    assert (v > lim) == (value > limit)
    assert (v < lim) == (value < limit)
    assert v.as_tuple().exponent <= -2  # at least two decimals, as doses are shown


@given(st.decimals(min_value=Decimal("2.0000000001"), max_value=Decimal("2.01"), places=10))
def test_a_depth_just_beyond_the_dermis_never_reads_as_equal_to_the_limit(depth: Decimal) -> None:
    warning = depth_warning(float(depth), "intradermal", "areas[0].depth_mm", 0)
    if warning is None:  # the float is 2.0 itself
        return
    shown, limit = _numbers(warning.message.split(": ", 1)[1])[:2]
    assert shown > limit, warning.message


def test_the_drugs_a_component_names_are_named_in_the_reader_s_language() -> None:
    totals = [ComponentTotal("Lidocaina + ketoprofene", None, Decimal(20), Fraction(1),
                             Fraction(20))]
    (note,) = anaesthetic_warnings(totals, 70)
    rendered = note.text.render(lambda t: t, lambda digits: digits, "it")
    assert "lidocaina, ketoprofene" in rendered and "lidocaine" not in rendered



@pytest.mark.parametrize("name", [
    "Anestetico locale 2%", "Anestésico local 2%", "Local anaesthetic 2%", "anestesia locale",
    "Lidocaiana 2%", "Lidociana", "lidocanina", "Lido 2%", "Mepi 3%", "Mepivacainna",
])
def test_an_anaesthetic_written_another_way_is_never_checked_as_an_ordinary_drug(name: str
                                                                                 ) -> None:
    found = codes(lido_plan(name, None, None, points=1))
    assert "anaesthetic-unidentified" in found and "drug-unidentified" not in found, found


@pytest.mark.parametrize("name", ["Lidocaina 2%", "Xylocaine 2 per cento", "lidocaína 20 mg per ml",
                                  "Lidocaina 0,02 g/ml", "Lidocaína 1 g/50 ml", "Lidocaina 2 pct"])
@pytest.mark.parametrize("given", [2, 10])
def test_a_concentration_that_contradicts_the_name_is_warned_and_the_higher_checked(
        name: str, given: int) -> None:
    # 20 mL at the name's 20 mg/mL is 400 mg for 70 kg (limit 300 mg); at 2 or 10, far less.
    found = codes(lido_plan(name, None, given))
    assert "strength-mismatch" in found and "anaesthetic-dose" in found, found
    assert "strength-mismatch" in checklist.BLOCKING_CODES


def test_lidocaine_with_adrenaline_in_the_field_but_not_in_the_name_gets_the_plain_limit() -> None:
    # 320 mg at 70 kg: under 490 mg (with adrenaline), over 300 mg (plain).
    for drug in ("lidocaine-adrenaline", "N01BB52", "Lidocaina con adrenalina"):
        found = codes(lido_plan("Lidocaina 2%", drug, 20, points=160))
        assert "anaesthetic-dose" in found and "adrenaline-unconfirmed" in found, (drug, found)
    # Said in the name too: its own limit, no note.
    found = codes(lido_plan("Lidocaina 2% con adrenalina", "N01BB52", 20, points=160))
    assert "anaesthetic-dose" not in found and "adrenaline-unconfirmed" not in found


def test_a_code_in_the_label_that_names_another_drug_than_its_words_is_ambiguous() -> None:
    found = codes(lido_plan("Lidocaina 2% N01BB03", None, 20, points=1))
    assert "drug-ambiguous" in found
    assert drugs.identify(None, "Lidocaina 2% N01BB02").drug is drugs.by_id("lidocaine")


@pytest.mark.parametrize("text", ["Traumeel senza lidocaina", "Traumeel sin lidocaína",
                                  "Zeel without lidocaine"])
def test_a_drug_said_to_be_absent_is_not_in_the_component(text: str) -> None:
    assert "lidocaine" not in [d.id for d in drugs.drugs_named(text)]
