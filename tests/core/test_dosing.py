"""Exact volumes and totals, the syringe plan, and the safety warnings on doses."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from planner.core.compute import Result, compute
from planner.core.dosing import syringe_plan
from planner.core.plan import Component, Mixture
from planner.core.plan_reader import from_dict
from planner.core.safety import anaesthetic_warnings
from tests.helpers import shapes
from tests.helpers.shapes import area, plan

LIDO_A = {"components": [
    {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": 20, "volume_ml": "1.00"},
    {"name": "saline 0.9%", "volume_ml": "4.00"},
]}


def run(areas: list[dict[str, object]], **top: object) -> Result:
    return compute(from_dict(plan(areas, **top)))


def component(result: Result, name: str) -> dict[str, object]:
    return next(c.as_dict() for c in result.components if c.name == name)


def codes(result: Result) -> list[str]:
    return [w.code for w in result.warnings]


def test_it_gives_the_example_totals_of_plan_format():
    # 9 points of 0.10 mL and a trigger point of 0.20 mL of 1 mL lidocaine 2% + 4 mL saline.
    result = run([area([[0, 0], [60, 0], [60, 60], [0, 60]], mixture="A")],
                 mixtures={"A": LIDO_A},
                 points=[{"x": 30, "y": 40, "volume_ml": "0.20", "mixture": "A"}])
    assert len(result.points) == 10
    assert str(result.total_ml) == "1.10"
    assert component(result, "lidocaine 2%") == {"name": "lidocaine 2%", "drug": "lidocaine",
                                                  "volume_ml": "0.22", "mg": "4.40"}
    assert component(result, "saline 0.9%")["volume_ml"] == "0.88"
    assert [a.as_dict()["total_ml"] for a in result.areas] == ["0.90"]


def test_totals_are_exact_sums_never_floats():
    # 0.10 and 0.20 do not add up exactly in binary floating point; here they must.
    pts = [{"x": i, "y": 0, "volume_ml": v} for i, v in enumerate(["0.10", "0.20"] * 50)]
    result = run([], points=pts)
    assert result.total_ml == Decimal("15.00")
    assert isinstance(result.total_ml, Decimal)


def test_component_shares_that_are_not_whole_hundredths_stay_exact_until_displayed():
    third = {"components": [
        {"name": "mepivacaine 1%", "drug": "mepivacaine", "mg_per_ml": 10, "volume_ml": "1.00"},
        {"name": "saline", "volume_ml": "2.00"}]}
    result = run([], mixtures={"T": third},
                 points=[{"x": 0, "y": 0, "volume_ml": "1.00", "mixture": "T"}])
    mepi = next(c for c in result.components if c.name == "mepivacaine 1%")
    assert mepi.volume_ml == Fraction(1, 3)
    assert mepi.mg == Fraction(10, 3)
    assert mepi.as_dict()["volume_ml"] == "0.33"
    assert mepi.as_dict()["mg"] == "3.33"


def test_the_same_component_in_two_mixtures_is_added_up():
    other = {"components": [
        {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": 20, "volume_ml": "2.00"},
        {"name": "ketoprofen", "drug": "ketoprofen", "mg_per_ml": 50, "volume_ml": "2.00"}]}
    result = run([area(shapes.RECTANGLE, mixture="A"), area(shapes.SQUARE, mixture="B")],
                 mixtures={"A": LIDO_A, "B": other})
    # Rectangle: 12 x 0.10 of A (1/5 lidocaine); square: 25 x 0.10 of B (1/2 lidocaine).
    assert component(result, "lidocaine 2%")["volume_ml"] == "1.49"  # 0.24 + 1.25
    assert component(result, "lidocaine 2%")["mg"] == "29.80"
    assert component(result, "ketoprofen")["mg"] == "62.50"
    per_area = [a.as_dict()["components"] for a in result.areas]
    assert per_area[0][0]["volume_ml"] == "0.24"
    assert per_area[1][0]["volume_ml"] == "1.25"


def test_a_single_mixture_is_the_default():
    result = run([area(shapes.RECTANGLE)], mixtures={"A": LIDO_A})
    assert {p.mixture for p in result.points} == {"A"}


def test_an_area_without_mixture_among_several_is_flagged():
    result = run([area(shapes.RECTANGLE)], mixtures={"A": LIDO_A, "B": LIDO_A})
    assert "no-mixture" in codes(result)
    assert result.components == ()


def test_syringes_hold_whole_batches_of_the_recipe():
    mix = Mixture("A", (Component("lidocaine 2%", Decimal("1.00")),
                        Component("saline", Decimal("1.50"))))
    plan_ = syringe_plan(mix, Decimal("6.10"), Decimal("5.00"))
    assert [(f.count, f.fill_ml, f.components) for f in plan_.fills] == [
        (1, Decimal("5.00"), (("lidocaine 2%", Decimal("2.00")), ("saline", Decimal("3.00")))),
        (1, Decimal("2.50"), (("lidocaine 2%", Decimal("1.00")), ("saline", Decimal("1.50")))),
    ]
    assert plan_.prepared_ml == Decimal("7.50") >= plan_.needed_ml


def test_a_recipe_larger_than_the_syringe_is_split_and_says_so():
    mix = Mixture("A", (Component("a", Decimal("4.00")), Component("b", Decimal("6.00"))))
    plan_ = syringe_plan(mix, Decimal("12.00"), Decimal("5.00"))
    fill = plan_.fills[0]
    assert fill.fill_ml == Decimal("5.00")
    assert fill.components == (("a", Decimal("2.00")), ("b", Decimal("3.00")))
    assert fill.count == 3
    assert plan_.note and "split over 2 syringes" in plan_.note


def test_the_plan_output_has_the_syringe_plan():
    result = run([area(shapes.SQUARE, mixture="A")], mixtures={"A": LIDO_A}, syringe_ml="2.50")
    syringes = result.as_dict()["syringes"]
    assert syringes[0]["needed_ml"] == "2.50"
    assert "split over 2 syringes" in syringes[0]["note"]
    assert "syringe-split" in codes(result)


@pytest.mark.parametrize(("weight", "expected"), [
    (70, []),  # 4.40 mg of lidocaine is nothing at 70 kg
    (None, ["weight-unknown"]),
])
def test_a_small_dose_raises_no_dose_warning(weight, expected):
    top = {"patient": {"weight_kg": weight}} if weight else {}
    result = run([area([[0, 0], [60, 0], [60, 60], [0, 60]], mixture="A")],
                 mixtures={"A": LIDO_A}, **top)
    assert [c for c in codes(result) if "anaesthetic" in c or "weight" in c] == expected


def _lidocaine_plan(weight_kg: float | None, points: int, drug: str = "lidocaine") -> Result:
    mix = {"components": [{"name": "lido", "drug": drug, "mg_per_ml": 20, "volume_ml": "1.00"}]}
    top: dict[str, object] = {"mixtures": {"L": mix}}
    if weight_kg is not None:
        top["patient"] = {"weight_kg": weight_kg}
    pts = [{"x": i, "y": 0, "volume_ml": "1.00"} for i in range(points)]
    return run([], points=pts, **top)


def test_lidocaine_by_weight_warns_above_4_5_mg_per_kg():
    # 10 kg -> limit 45 mg; 3 mL of 2% = 60 mg.
    result = _lidocaine_plan(10, 3)
    warning = next(w for w in result.warnings if w.code == "anaesthetic-dose")
    assert warning.severity == "high"
    assert "60.00 mg" in warning.message and "6.00 mg/kg" in warning.message
    assert "45.00 mg" in warning.message
    # The warning never changes the plan: every point keeps its volume.
    assert str(result.total_ml) == "3.00"


def test_lidocaine_never_above_300_mg_whatever_the_weight():
    assert "anaesthetic-dose" in codes(_lidocaine_plan(100, 16))  # 320 mg, limit 300 (not 450)
    assert "anaesthetic-dose" not in codes(_lidocaine_plan(100, 14))  # 280 mg
    assert "anaesthetic-near-limit" in codes(_lidocaine_plan(100, 14))


def test_lidocaine_with_adrenaline_allows_7_mg_per_kg():
    assert "anaesthetic-dose" not in codes(_lidocaine_plan(10, 3, "lidocaine-adrenaline"))
    assert "anaesthetic-dose" in codes(_lidocaine_plan(10, 4, "lidocaine-adrenaline"))


def test_drug_names_in_italian_and_spanish_are_recognised():
    assert "anaesthetic-dose" in codes(_lidocaine_plan(10, 3, "Lidocaina"))
    assert "anaesthetic-dose" in codes(_lidocaine_plan(None, 21, "mepivacaina"))


def test_anaesthetics_together_add_up():
    from planner.core.dosing import ComponentTotal
    lido = ComponentTotal("lido", "lidocaine", Decimal(20), Fraction(10), Fraction(200))
    mepi = ComponentTotal("mepi", "mepivacaine", Decimal(10), Fraction(25), Fraction(250))
    notes = anaesthetic_warnings([lido, mepi], weight_kg=80)
    assert "anaesthetic-combined" in [w.code for w in notes]  # 200/300 + 250/400 > 1
    assert "anaesthetic-dose" not in [w.code for w in notes]


def test_volume_and_depth_above_usual_are_warnings_not_clamps():
    result = run([area(shapes.RECTANGLE, volume_ml="0.50", depth_mm=4)], treatment="antalgic")
    assert {"volume-per-point", "depth-beyond-dermis"} <= set(codes(result))
    assert {str(p.volume_ml) for p in result.points} == {"0.50"}
    face = run([area(shapes.RECTANGLE, volume_ml="0.20", spacing_mm=10)], treatment="face")
    assert "volume-per-point" in codes(face)
    deep = run([area(shapes.RECTANGLE, depth_mm=4, technique="deep-intradermal")])
    assert "depth-beyond-dermis" not in codes(deep)


def test_treatment_defaults_come_from_the_clinical_table():
    doc = plan([{"polygon": shapes.SQUARE}], treatment="cellulite")
    a = from_dict(doc).areas[0]
    assert (a.spacing_mm, a.volume_ml, a.pattern) == (15.0, Decimal("0.20"), "staggered")
