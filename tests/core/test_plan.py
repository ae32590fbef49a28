"""The plan file: reading, validation messages, defaults, dump and format versions."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from planner.core import plan_reader as planfile
from planner.core.messages import PlanError
from planner.core.plan import FORMAT, Plan
from planner.core.plan_writer import dump, dumps
from tests.helpers import shapes
from tests.helpers.shapes import area, plan

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.json"))


def error_of(doc: object) -> str:
    with pytest.raises(PlanError) as info:
        planfile.from_dict(doc)
    return str(info.value)


def test_it_reads_the_input_example_of_plan_format():
    doc = {
        "format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
        "treatment": "antalgic", "patient": {"weight_kg": 70},
        "mixtures": {"A": {"components": [
            {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": 20, "volume_ml": "1.00"},
            {"name": "saline 0.9%", "volume_ml": "4.00"}]}},
        "areas": [{"label": "medial knee", "region": "knee-anterior/medial",
                   "polygon": [[10, 20], [40, 20], [40, 60], [10, 60]],
                   "exclude": [[[20, 30], [25, 30], [25, 35]]], "pattern": "square",
                   "line": [[0, 0], [0, 100]], "spacing_mm": 20, "angle_deg": 0,
                   "margin_mm": 0, "volume_ml": "0.10", "mixture": "A", "depth_mm": 2}],
        "points": [{"x": 30, "y": 40, "volume_ml": "0.20", "mixture": "A",
                    "label": "trigger point"}],
    }
    p = planfile.from_dict(doc)
    assert p.weight_kg == 70.0
    assert p.mixtures["A"].total_ml == Decimal("5.00")
    assert p.areas[0].region == "knee-anterior/medial"
    assert p.points[0].volume_ml == Decimal("0.20")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_shipped_example_reads_and_round_trips(path):
    p = planfile.loads(path.read_text())
    assert planfile.loads(dumps(p)) == p


def test_dump_writes_every_default_and_reads_back_the_same_plan():
    p = planfile.from_dict(plan([area(shapes.L_SHAPE, overrides=[{"x": 1, "y": 2, "skip": True}]),
                                 {"pattern": "line", "line": [[0, 0], [9, 9]]}],
                                points=[{"x": 1, "y": 2}], treatment="face"))
    doc = dump(p)
    assert doc["areas"][0]["margin_mm"] == 0.0
    assert doc["areas"][1]["spacing_mm"] == 10.0  # face default
    assert doc["points"][0]["volume_ml"] == "0.05"
    assert planfile.from_dict(json.loads(json.dumps(doc))) == p


def test_json_numbers_for_volumes_are_read_exactly():
    p = planfile.loads(json.dumps(plan([area(shapes.SQUARE, volume_ml=0.1)])))
    assert p.areas[0].volume_ml == Decimal("0.10")


@pytest.mark.parametrize(("doc", "expected"), [
    ({"areas": []}, "format: required"),
    ({"format": "mesoplanner.plan/9", "areas": []}, "format: unsupported plan format"),
    (plan([area(shapes.SQUARE, spacing_mm=0)]),
     "areas[0].spacing_mm: must be between 2 and 100 mm (got 0)"),
    (plan([area(shapes.SQUARE, spacng_mm=20)]), "areas[0].spacng_mm: unknown key"),
    (plan([area(shapes.SQUARE, volume_ml="0.105")]), "areas[0].volume_ml: use steps of 0.01"),
    (plan([area(shapes.SQUARE, mixture="Z")], mixtures={}), "areas[0].mixture: unknown mixture"),
    (plan([area(shapes.COLLINEAR[:2])]), "areas[0].polygon: needs at least 3 points"),
    (plan([{"label": "x"}]), "areas[0]: give a region, a polygon, or both"),
    (plan([area(shapes.SQUARE, pattern="line")]), "areas[0].line: required with pattern"),
    (plan([], patient={"weight_kg": 0}), "patient.weight_kg: must be between 1 and 400 kg"),
    (plan([], mixtures={"A": {"components": [{"name": "lido", "drug": "lidocaine",
                                              "volume_ml": 1}]}}),
     "mixtures.A.components[0].mg_per_ml: required for a local anaesthetic"),
])
def test_bad_input_names_the_field(doc, expected):
    assert error_of(doc).startswith(expected)


def test_nan_and_infinity_name_their_field():
    text = json.dumps(plan([area(shapes.SQUARE)])).replace('"spacing_mm": 20',
                                                          '"spacing_mm": NaN')
    with pytest.raises(PlanError, match=r"^areas\[0\]\.spacing_mm: must be a finite number"):
        planfile.loads(text)


def test_a_duplicate_key_is_refused_rather_than_silently_overwritten():
    with pytest.raises(PlanError, match="spacing_mm: appears twice"):
        planfile.loads('{"format": "mesoplanner.plan/1", "areas": [{"polygon": [[0,0],[1,0],'
                       '[1,1]], "spacing_mm": 20, "spacing_mm": 5}]}')


def test_a_future_reader_can_be_registered_beside_version_1(monkeypatch):
    def read_v2(obj: dict[str, object]) -> Plan:
        upgraded = {**obj, "format": FORMAT}
        upgraded["areas"] = upgraded.pop("zones")
        return planfile.from_dict(upgraded)

    monkeypatch.setitem(planfile.READERS, "mesoplanner.plan/2", read_v2)
    p = planfile.from_dict({"format": "mesoplanner.plan/2", "zones": [area(shapes.SQUARE)]})
    assert p.areas[0].spacing_mm == 20.0
    assert planfile.from_dict({"format": "mesoplanner.plan/1", "areas": []}).areas == ()


@pytest.mark.parametrize("ring", [shapes.COLLINEAR, shapes.REPEATED], ids=["collinear", "repeated"])
def test_an_outline_without_surface_is_refused_by_name(ring):
    from planner.core.compute import compute

    with pytest.raises(PlanError, match=r"^areas\[0\]\.polygon: the outline encloses no surface"):
        compute(planfile.from_dict(plan([area(ring)])))
