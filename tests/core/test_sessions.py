"""What a session gave (planner.core.sessions) and the safety gate before signing
(planner.core.checklist): pure, no app."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from planner.core import checklist, sessions
from planner.core.compute import compute
from planner.core.dosing import ComponentTotal
from planner.core.messages import PlanError
from planner.core.plan_reader import from_dict

LIDO_MIX = {"components": [
    {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": "20", "volume_ml": "1.00"},
    {"name": "saline 0.9%", "volume_ml": "1.00"},
]}


def square_plan(volume: str = "0.50", **extra: object):
    """A 60 x 40 mm square at 20 mm: 6 points of ``volume`` mL of a 1:1 lidocaine 2% mix."""
    return compute(from_dict({
        "format": "mesoplanner.plan/1", "mixtures": {"A": LIDO_MIX},
        "areas": [{"label": "square", "polygon": [[0, 0], [60, 0], [60, 40], [0, 40]],
                   "spacing_mm": 20, "volume_ml": volume, "mixture": "A"}], **extra}))


def lidocaine_mg(done: sessions.Performed) -> Fraction:
    [mg] = [c.mg for c in done.components if c.drug == "lidocaine"]
    assert mg is not None
    return mg


# ------------------------------------------------------------------------ parsing


@pytest.mark.parametrize(("text", "numbers"), [
    ("", set()), ("3", {3}), ("3, 7-9", {3, 7, 8, 9}), ("7 - 9;1", {1, 7, 8, 9}),
    ("2 4\n6", {2, 4, 6}), ("5-5", {5}),
])
def test_point_numbers_are_read_as_written(text, numbers):
    assert sessions.parse_numbers(text, "skipped", 10) == numbers


@pytest.mark.parametrize("text", ["0", "11", "3-12", "9-2", "a", "3-", "1.5", "-4"])
def test_point_numbers_outside_the_plan_or_garbled_are_refused(text):
    with pytest.raises(PlanError) as caught:
        sessions.parse_numbers(text, "skipped", 10)
    assert caught.value.field == "skipped"


def test_changed_volumes_take_commas_and_lines():
    assert sessions.parse_volumes("1=0.3\n2: 0,05, 3=1", "volumes", 5) == {
        1: Decimal("0.30"), 2: Decimal("0.05"), 3: Decimal("1.00")}


@pytest.mark.parametrize("text", ["1", "1=", "1=x", "1=0", "1=-0.1", "1=0.005", "1=11",
                                  "1=NaN", "1=Infinity", "9=0.1", "1=1e2"])
def test_bad_volumes_are_refused_with_the_field(text):
    with pytest.raises(PlanError) as caught:
        sessions.parse_volumes(text, "volumes", 5)
    assert caught.value.field.startswith("volumes")


# ---------------------------------------------------------------------- performed


def test_the_plan_as_planned():
    result = square_plan()
    done = sessions.performed(result, sessions.Adjustments(), 70)
    assert (done.points_planned, done.points_done, done.total_ml) == (6, 6, Decimal("3.00"))
    assert lidocaine_mg(done) == 30  # 3 mL of a 1:1 mix of 20 mg/mL


def test_skipped_changed_and_added_points_are_exact():
    done = sessions.performed(square_plan(), sessions.Adjustments(
        skipped=frozenset({1, 2}), volumes={3: Decimal("0.33")}, added=3,
        added_volume_ml=Decimal("0.07"), added_mixture="A"), 70)
    assert done.points_done == 6 - 2 + 3
    assert done.total_ml == Decimal("0.33") + 3 * Decimal("0.50") + 3 * Decimal("0.07")
    assert lidocaine_mg(done) == Fraction(1, 2) * 20 * Fraction(204, 100)


def test_added_points_without_a_mixture_count_in_volume_not_in_drugs():
    done = sessions.performed(square_plan(), sessions.Adjustments(
        added=2, added_volume_ml=Decimal("0.10")), 70)
    assert done.total_ml == Decimal("3.20") and lidocaine_mg(done) == 30


def test_an_area_treatment_counts_its_product():
    result = compute(from_dict({
        "format": "mesoplanner.plan/1", "mixtures": {"A": LIDO_MIX},
        "areas": [{"label": "thigh", "pattern": "area", "volume_ml": "4.00", "mixture": "A",
                   "polygon": [[0, 0], [60, 0], [60, 40], [0, 40]]}]}))
    done = sessions.performed(result, sessions.Adjustments(), 70)
    assert (done.points_done, done.total_ml, lidocaine_mg(done)) == (0, Decimal("4.00"), 40)


def test_skipping_every_point_gives_nothing():
    done = sessions.performed(square_plan(), sessions.Adjustments(
        skipped=frozenset(range(1, 7))), 70)
    assert (done.points_done, done.total_ml, done.components) == (0, Decimal("0.00"), ())


@pytest.mark.parametrize(("adjustments", "field"), [
    (sessions.Adjustments(skipped=frozenset({2}), volumes={2: Decimal("0.1")}), "volumes"),
    (sessions.Adjustments(added=sessions.MAX_ADDED_POINTS + 1), "added"),
    (sessions.Adjustments(added=-1), "added"),
    (sessions.Adjustments(added=1, added_volume_ml=Decimal("0.1"), added_mixture="Z"),
     "added_mixture"),
])
def test_contradictory_adjustments_are_refused(adjustments, field):
    with pytest.raises(PlanError) as caught:
        sessions.performed(square_plan(), adjustments, 70)
    assert caught.value.field == field


def test_a_big_changed_volume_is_warned_not_clamped():
    done = sessions.performed(square_plan(), sessions.Adjustments(
        volumes={1: Decimal("2.00")}), 70)
    assert "volume-per-point" in [w.code for w in done.warnings]
    assert done.total_ml == Decimal("4.50")


def test_the_anaesthetic_actually_given_is_checked_against_the_weight():
    # 6 points of 2 mL: 6 mL of lidocaine 2% = 120 mg; 4.5 mg/kg x 20 kg = 90 mg.
    done = sessions.performed(square_plan("2.00"), sessions.Adjustments(), 20)
    assert "anaesthetic-dose" in [w.code for w in done.warnings]
    # Skipping two points brings it to 80 mg: below the limit, but near it.
    fewer = sessions.performed(square_plan("2.00"), sessions.Adjustments(
        skipped=frozenset({1, 2})), 20)
    assert [w.code for w in fewer.warnings] == ["anaesthetic-near-limit"]


def test_adjustments_survive_storage():
    original = sessions.Adjustments(frozenset({4, 1}), {2: Decimal("0.30")}, 2,
                                    Decimal("0.10"), "A")
    assert sessions.Adjustments.from_dict(original.as_dict()) == original
    assert sessions.Adjustments.from_dict({}) == sessions.Adjustments()


# -------------------------------------------------------------------------- the gate

DAY = date(2026, 11, 23)
ALL_CLEAR = {"pregnancy": "no", "breastfeeding": "no", "bleeding": "no", "allergy": "no",
             "infection": "no", "heart": "no", "same-site": "no", "skin-test": "yes"}
LIDO = ComponentTotal("lidocaine 2%", "lidocaine", Decimal("20"), Fraction(3), Fraction(60))


def gate(answers=None, record=None, **kwargs):
    return checklist.gate(checklist.Answers(answers if answers is not None else ALL_CLEAR),
                          first_session=kwargs.pop("first_session", True),
                          record=record or checklist.Record(), session_day=DAY, **kwargs)


def test_all_clear_passes_without_a_reason():
    result = gate(components=[LIDO])
    assert (result.missing, result.blocks) == ((), ())
    assert result.allows("")


@pytest.mark.parametrize("code", list(ALL_CLEAR))
def test_each_finding_blocks_until_a_reason_of_ten_characters(code):
    result = gate({**ALL_CLEAR, code: "no" if code == "skin-test" else "yes"})
    assert [f.code for f in result.blocks] == [code]
    assert not result.allows("") and not result.allows("too short")
    assert result.allows("x" * checklist.MIN_OVERRIDE_REASON)


@pytest.mark.parametrize("code", list(ALL_CLEAR))
def test_an_unanswered_question_is_missing_and_cannot_be_overridden(code):
    result = gate({k: v for k, v in ALL_CLEAR.items() if k != code})
    assert [f.code for f in result.missing] == [code]
    assert not result.allows("a very long and careful reason")


def test_the_skin_test_is_not_asked_after_the_first_session():
    answers = {k: v for k, v in ALL_CLEAR.items() if k != "skin-test"}
    assert gate(answers, first_session=False).missing == ()
    assert [q.code for q in checklist.questions(False)] == list(ALL_CLEAR)[:-1]


def test_answers_other_than_yes_or_no_are_unanswered():
    assert [f.code for f in gate({**ALL_CLEAR, "infection": "maybe"}).missing] == ["infection"]


@pytest.mark.parametrize(("record", "code"), [
    (checklist.Record(pregnant=True), "record-pregnant"),
    (checklist.Record(breastfeeding=True), "record-breastfeeding"),
    (checklist.Record(bleeding_disorder=True), "record-bleeding_disorder"),
    (checklist.Record(anticoagulants=True), "record-anticoagulants"),
])
def test_a_no_that_the_record_contradicts_blocks(record, code):
    assert [f.code for f in gate(record=record).blocks] == [code]
    # Answered yes, it is one finding (the answer), not two.
    question = {"record-pregnant": "pregnancy", "record-breastfeeding": "breastfeeding"}.get(
        code, "bleeding")
    assert [f.code for f in gate({**ALL_CLEAR, question: "yes"}, record=record).blocks] == [
        question]


@pytest.mark.parametrize(("allergies", "found"), [
    ("Lidocaína", True), ("LIDOCAINA (orticaria)", True), ("allergic to lidocaine", True),
    ("penicillin", False), ("", False), ("lido", False),
    # The same drug by a brand or another name (the drug catalogue), and the whole class.
    ("Xylocaine", True), ("Xilocaina con adrenalina", True),
    ("allergia agli anestetici locali", True), ("Alergia a anestésicos locales", True),
    ("local anaesthetics", True), ("FANS", False), ("mepivacaina (Carbocaina)", False),
])
def test_an_allergy_in_the_record_matching_a_component_blocks(allergies, found):
    result = gate(record=checklist.Record(allergies=allergies), components=[LIDO])
    assert ([f.code for f in result.blocks] == ["allergy-recorded"]) is found


def test_an_allergy_to_a_class_or_brand_matches_any_spelling_of_the_component():
    keto = ComponentTotal("Orudis 160 mg/2 ml", None, Decimal("80"), Fraction(1), Fraction(80))
    for allergies in ("FANS", "ketoprofene", "Allergia: antinfiammatori", "AINEs"):
        assert [f.code for f in gate(record=checklist.Record(allergies=allergies),
                                     components=[keto]).blocks] == ["allergy-recorded"], allergies
    assert gate(record=checklist.Record(allergies="lidocaina"), components=[keto]).blocks == ()


def test_exceeded_or_unchecked_anaesthetic_limits_block_but_near_limit_does_not():
    done = sessions.performed(square_plan("2.00"), sessions.Adjustments(), 20)
    assert "anaesthetic-dose" in [f.code for f in gate(dose_warnings=done.warnings).blocks]
    near = sessions.performed(square_plan("2.00"), sessions.Adjustments(
        skipped=frozenset({1, 2})), 20)
    assert gate(dose_warnings=near.warnings).blocks == ()
    unknown = sessions.performed(square_plan(), sessions.Adjustments(), None)
    assert [f.code for f in gate(dose_warnings=unknown.warnings).blocks] == ["weight-unknown"]


def test_products_need_a_lot_and_must_not_be_expired():
    result = gate(products=[checklist.Product("lidocaine 2%", "", None),
                            checklist.Product("saline", "S1", date(2026, 11, 22)),
                            checklist.Product("ketoprofen", "K1", DAY)])
    assert [f.code for f in result.missing] == ["lot"]
    assert [f.code for f in result.blocks] == ["expired"]  # expiring today is still usable


def test_the_same_site_within_three_months_blocks_unless_already_answered_yes():
    recent = [date(2026, 9, 1), date(2026, 8, 1)]  # 83 and 114 days before
    assert [f.code for f in gate(same_site_days=recent).blocks] == ["same-site-recorded"]
    assert "2026-09-01" in str(gate(same_site_days=recent).blocks[0].text)
    assert gate(same_site_days=[date(2026, 8, 24)]).blocks == ()  # 91 days: outside
    said = gate({**ALL_CLEAR, "same-site": "yes"}, same_site_days=recent)
    assert [f.code for f in said.blocks] == ["same-site"]


def test_unscored_pain_is_missing():
    assert [f.code for f in gate(pain_scored=False).missing] == ["pain"]


def test_a_carried_over_answer_or_lot_counts_only_once_confirmed():
    """A new record of a cycle carries the last session's answers and lots: each is missing
    until confirmed today, even an answer that would block ("yes") is asked again first."""
    lots = [checklist.Product("lidocaine 2%", "L1", None), checklist.Product("saline", "S1", None)]
    carried = gate(answers={**ALL_CLEAR, "heart": "yes"}, first_session=False, products=lots,
                   carried=["pregnancy", "heart", "lot:saline"])
    assert [f.code for f in carried.missing] == ["pregnancy", "heart", "lot"]
    assert "not confirmed" in str(carried.missing[0].text)
    assert "saline" in str(carried.missing[2].text)
    assert carried.blocks == () and not carried.allows("a long enough reason")
    confirmed = gate(answers={**ALL_CLEAR, "heart": "yes"}, first_session=False, products=lots)
    assert [f.code for f in confirmed.blocks] == ["heart"] and confirmed.missing == ()


@pytest.mark.parametrize(("text", "added", "places"), [
    ("", 0, ()), ("  ", 3, ()), ("[]", 1, ()),
    ("[[1.26, -3]]", 1, ((1.3, -3.0),)), ("[[0, 0], [10.04, 20]]", 5, ((0.0, 0.0), (10.0, 20.0))),
])
def test_the_places_of_added_points_are_read(text, added, places):
    assert sessions.parse_places(text, "added_at", added) == places


@pytest.mark.parametrize(("text", "added"), [
    ("[[1, 2]]", 0), ("[[1, 2], [3, 4]]", 1), ("nonsense", 3), ("[[1]]", 3), ('[["a", 2]]', 3),
    ("[[NaN, 2]]", 3), ("[[1e400, 2]]", 3), ("[[6000, 2]]", 3), ("{}", 3), ("[[1, 2, 3]]", 3),
    ("[" * 5000 + "]" * 5000, 3),
])
def test_places_that_cannot_be_added_points_are_refused_with_the_field(text, added):
    with pytest.raises(PlanError) as refused:
        sessions.parse_places(text, "added_at", added)
    assert refused.value.field == "added_at"


def test_added_places_survive_storage_and_old_records_read_without_them():
    tapped = sessions.Adjustments(added=2, added_volume_ml=Decimal("0.10"),
                                  added_at=((1.5, 2.0), (30.0, -4.5)))
    assert sessions.Adjustments.from_dict(tapped.as_dict()) == tapped
    assert "added_at" not in sessions.Adjustments(added=1).as_dict()
