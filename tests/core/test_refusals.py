"""Clean refusals at every edge (issue 14, part 5).

A plan over the point limit, however its points are made (areas, manual points, both), is
refused before any grid is made, naming the right field. A number too large or too small for
its field, in any notation, is refused naming the field. Nothing else than a PlanError ever
comes out of ``loads`` followed by ``engine.run``; the command line answers such a plan with
exit status 2 and one line naming the field.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner import engine
from planner.core import clinical, grid
from planner.core.messages import PlanError
from planner.core.plan import FORMAT
from planner.core.plan_reader import loads

LIMIT = clinical.MAX_POINTS_PER_PLAN
FUZZ = settings(max_examples=300, deadline=None, database=None,
                derandomize=bool(os.environ.get("CI")),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def run_text(text: str):
    return engine.run(loads(text))


def refusal(text: str) -> PlanError:
    with pytest.raises(PlanError) as caught:
        run_text(text)
    return caught.value


@pytest.fixture
def no_grid(monkeypatch):
    """Any grid or line filling fails the test: the refusal must come before it."""
    def boom(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a grid was computed for a plan that should have been refused")

    monkeypatch.setattr(grid, "points_in", boom)
    monkeypatch.setattr(grid, "points_along", boom)


def manual_points(count: int, **point: Any) -> list[dict[str, Any]]:
    return [{"x": float(k % 100), "y": float(k // 100), **point} for k in range(count)]


def square(size_mm: float, x0: float = 0.0, y0: float = 0.0) -> list[list[float]]:
    return [[x0, y0], [x0 + size_mm, y0], [x0 + size_mm, y0 + size_mm], [x0, y0 + size_mm]]


def doc_text(**top: Any) -> str:
    return json.dumps({"format": FORMAT, "areas": [], **top})


# --- the point limit ---------------------------------------------------------------------------

def test_manual_points_over_the_limit_are_refused_at_load_naming_points():
    with pytest.raises(PlanError) as caught:
        loads(doc_text(points=manual_points(LIMIT + 1)))
    assert caught.value.field == "points"
    assert f"{LIMIT:,}" in caught.value.message


def test_the_count_of_manual_points_is_checked_before_the_points_themselves():
    """Refused at once for its size: the first bad point is not what the message is about."""
    with pytest.raises(PlanError) as caught:
        loads(doc_text(points=manual_points(LIMIT + 1, x="not a number")))
    assert caught.value.field == "points"


def test_manual_points_up_to_the_limit_are_computed():
    result, _ = run_text(doc_text(points=manual_points(LIMIT)))
    assert len(result.points) == LIMIT


def test_areas_and_manual_points_over_the_limit_name_the_area_that_holds_most(no_grid):
    # About 3,000 points at 20 mm in a 1.1 m square, and 2,500 manual points.
    text = doc_text(areas=[{"polygon": square(200), "spacing_mm": 20},
                           {"polygon": square(1100, 300), "spacing_mm": 20}],
                    points=manual_points(2500))
    error = refusal(text)
    assert error.field == "areas[1].spacing_mm"
    assert "larger spacing" in error.message


def test_manual_points_that_outnumber_the_areas_points_are_named(no_grid):
    text = doc_text(areas=[{"polygon": square(600), "spacing_mm": 20}],
                    points=manual_points(4500))
    error = refusal(text)
    assert error.field == "points"
    assert "4,500 of them placed by hand" in error.message


def test_many_small_areas_over_the_limit_are_refused_before_the_grid(no_grid):
    """Every area with a surface gets at least one point, however small it is."""
    tiny = [{"polygon": square(3, 10 * (k % 100), 10 * (k // 100)), "spacing_mm": 20}
            for k in range(3000)]
    error = refusal(doc_text(areas=tiny, points=manual_points(2001)))
    assert error.field == "points"


def test_more_areas_than_the_point_limit_are_refused_at_load():
    tiny = [{"polygon": square(3, 10 * (k % 100), 10 * (k // 100))} for k in range(LIMIT + 1)]
    with pytest.raises(PlanError) as caught:
        loads(doc_text(areas=tiny))
    assert caught.value.field == "areas"


def test_a_line_over_the_limit_is_refused_before_the_points_along_it(no_grid):
    zigzag = [[0.0, 0.0] if k % 2 == 0 else [4000.0, 10.0 * k] for k in range(10)]
    text = doc_text(areas=[{"pattern": "line", "line": zigzag, "spacing_mm": 2}])
    assert refusal(text).field == "areas[0].spacing_mm"


def test_a_plan_whose_grid_passes_the_limit_names_the_area_with_most_points():
    """Below the early estimate, over the limit once the grid is made: still a clean refusal."""
    text = doc_text(areas=[{"polygon": square(1410), "spacing_mm": 20}],
                    points=manual_points(10))
    error = refusal(text)
    assert error.field == "areas[0].spacing_mm"


def test_manual_points_only_over_the_limit_in_the_core_name_points():
    """The core refuses a Plan made in code (not read from a file) the same way."""
    from planner.core.compute import compute
    from planner.core.plan import ManualPoint, Plan

    point = ManualPoint(x=1.0, y=1.0, volume_ml=clinical.TREATMENTS["antalgic"].volume_ml,
                        depth_mm=2.0, technique="intradermal")
    with pytest.raises(PlanError) as caught:
        compute(Plan(areas=(), points=(point,) * (LIMIT + 1)))
    assert caught.value.field == "points"


# --- numbers at the edge of every field --------------------------------------------------------

BASE: dict[str, Any] = {
    "format": FORMAT, "bodymap": "knee-anterior", "bodymap_version": 1, "side": "right",
    "patient": {"weight_kg": 70}, "syringe_ml": "10.00",
    "mixtures": {"A": {"components": [
        {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": 20, "volume_ml": "1.00"},
        {"name": "saline", "volume_ml": "4.00"}]}},
    "areas": [
        {"label": "medial", "region": "knee-anterior/medial",
         "polygon": [[10, 20], [140, 20], [140, 280], [10, 280]],
         "exclude": [[[60, 100], [70, 100], [70, 110]]], "spacing_mm": 20, "angle_deg": 0,
         "margin_mm": 0, "volume_ml": "0.10", "depth_mm": 2,
         "overrides": [{"x": 30, "y": 40, "volume_ml": "0.20"}]},
        {"label": "line", "pattern": "line", "line": [[20, 30], [20, 130]], "spacing_mm": 20,
         "volume_ml": "0.10"},
    ],
    "points": [{"x": 60, "y": 150, "volume_ml": "0.20", "depth_mm": 2}],
}
PAPER = copy.deepcopy(BASE)
for key in ("bodymap", "bodymap_version", "side"):
    del PAPER[key]
del PAPER["areas"][0]["region"]

# Each numeric field, by its path in the document.
NUMERIC_FIELDS: list[tuple[str | int, ...]] = [
    ("bodymap_version",), ("syringe_ml",), ("patient", "weight_kg"),
    ("mixtures", "A", "components", 0, "mg_per_ml"),
    ("mixtures", "A", "components", 1, "volume_ml"),
    ("areas", 0, "spacing_mm"), ("areas", 0, "angle_deg"), ("areas", 0, "margin_mm"),
    ("areas", 0, "volume_ml"), ("areas", 0, "depth_mm"),
    ("areas", 0, "polygon", 1, 0), ("areas", 0, "polygon", 2, 1),
    ("areas", 0, "exclude", 0, 1, 0), ("areas", 1, "line", 1, 1),
    ("areas", 0, "overrides", 0, "x"), ("areas", 0, "overrides", 0, "y"),
    ("areas", 0, "overrides", 0, "volume_ml"), ("areas", 1, "spacing_mm"),
    ("points", 0, "x"), ("points", 0, "y"), ("points", 0, "volume_ml"),
    ("points", 0, "depth_mm"),
]
# Values that no numeric field takes, as raw JSON text: beyond every range, not finite, not a
# number at all; in every notation.
NEVER = [
    "1e309", "-1e309", "1E+999999", "-1E+999999", '"1E+999999"', '"-1e999999999"',
    "1" + "0" * 400, "-" + "9" * 400, "1" + "0" * 5000, "Infinity", "-Infinity", "NaN",
    '"Infinity"', '"-Infinity"', '"NaN"', '"inf"', "true", "false", "null", '""', '"   "',
    '"1 0"', '"0x10"', '"1_000"', '"1,5"', '"ten"', "[]", "{}", "[1, 2]", '{"value": 1}',
    "1e10", '"1e10"', "123456789012345678901234567890", '"' + "9" * 80 + '"', "1" + "0" * 70,
    '"1' + "0" * 100 + '"', "-1e9999", '"\\u0661"',
]
# Values some fields take and others refuse: tiny, zero, signed zero, long but plausible.
SOMETIMES = [
    "1e-7", "-1e-7", "0", "-0", "-0.0", "0.0", "1e-400", "-1e-400", '"1e-400"', '"1e-999999"',
    '"-1e-999999999"', "1e-320", "0.1", "2", "20", "1.5e1", '"20"', '" 0.10 "', '"0.10"',
    '"1E+1"', '"1e-2"', "5000", "-5000", "5000.0000001", "4999.9999999", "360", "-360",
    "0.00000000000000000000000000000000000000000000000000001", '"0.' + "0" * 50 + '1"',
    "1.0000000000000000000000000000000000000000000000000001", "400", "400.0000001", "1000",
    "1000.01", "10000", "10001", "1", "3", "0.01", "0.005", "60", "60.01", "100", "100.01",
]


def path_text(path: tuple[str | int, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def with_value(base: dict[str, Any], path: tuple[str | int, ...], raw: str) -> str:
    """The document's text with the field at ``path`` written as the raw JSON ``raw``."""
    doc = copy.deepcopy(base)
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = "@@VALUE@@"
    return json.dumps(doc).replace('"@@VALUE@@"', raw)


def allowed_fields(path: tuple[str | int, ...]) -> set[str]:
    """The fields a refusal may name for a plausible value at ``path``: the field itself, and
    for a vertex the outline it belongs to, its area, or the area's spacing (too many points)."""
    named = {path_text(path)}
    if any(step in ("polygon", "exclude", "line") for step in path):
        for cut in range(2, len(path)):
            named.add(path_text(path[:cut]))
        named |= {"areas[0].spacing_mm", "areas[1].spacing_mm"}
    return named


def check(base: dict[str, Any], path: tuple[str | int, ...], raw: str, never: bool) -> None:
    text = with_value(base, path, raw)
    try:
        run_text(text)
    except PlanError as exc:
        if never:
            assert exc.field == path_text(path), f"{raw[:40]} at {path_text(path)}: {exc}"
        else:
            assert exc.field in allowed_fields(path), f"{raw[:40]} at {path_text(path)}: {exc}"
        assert "internal error" not in exc.message
    else:
        assert not never, f"{raw[:40]} accepted at {path_text(path)}"


@pytest.mark.parametrize("base", [BASE, PAPER], ids=["on-a-map", "on-paper"])
@pytest.mark.parametrize("path", NUMERIC_FIELDS, ids=path_text)
def test_values_no_field_takes_are_refused_naming_the_field(base, path):
    for raw in NEVER:
        check(base, path, raw, never=True)


@pytest.mark.parametrize("base", [BASE, PAPER], ids=["on-a-map", "on-paper"])
@pytest.mark.parametrize("path", NUMERIC_FIELDS, ids=path_text)
def test_edge_values_are_taken_or_refused_naming_the_field(base, path):
    for raw in SOMETIMES:
        check(base, path, raw, never=False)


def number_texts() -> st.SearchStrategy[str]:
    """Numbers written every way JSON (or a decimal string) allows, sized from tiny to huge."""
    mantissa = st.one_of(st.integers(-10**6, 10**6).map(str),
                         st.decimals(allow_nan=False, allow_infinity=False, places=6).map(str),
                         st.text("0123456789", min_size=1, max_size=80))
    exponent = st.one_of(st.just(""), st.integers(-999999, 999999).map(lambda e: f"e{e}"),
                         st.integers(-400, 400).map(lambda e: f"E{e:+d}"))
    plain = st.builds(lambda m, e: m + e if m.lstrip("-").isdigit() or "." in m else m,
                      mantissa, exponent)
    quoted = plain.map(lambda t: json.dumps(t)) | plain.map(lambda t: json.dumps(f" {t} "))
    specials = st.sampled_from(NEVER + SOMETIMES)
    floats = st.floats(allow_nan=False, allow_infinity=False).map(repr)
    return st.one_of(plain, quoted, specials, floats)


def valid_json_number(raw: str) -> bool:
    try:
        json.loads(raw, parse_constant=lambda c: c, parse_int=lambda t: 0)
    except ValueError:
        return False
    return True


@FUZZ
@given(base=st.sampled_from([BASE, PAPER]), path=st.sampled_from(NUMERIC_FIELDS),
       raw=number_texts())
@example(base=BASE, path=("points", 0, "x"), raw="1" + "0" * 400)
@example(base=PAPER, path=("areas", 0, "volume_ml"), raw='"1E+999999"')
def test_any_number_anywhere_is_taken_or_refused_naming_the_field(base, path, raw):
    if not valid_json_number(raw):
        raw = json.dumps(raw)  # as text, then
    check(base, path, raw, never=False)


# --- the command line --------------------------------------------------------------------------

CLI_CASES = [
    (doc_text(points=manual_points(LIMIT + 1)), "points"),
    (doc_text(areas=[{"polygon": square(600), "spacing_mm": 20}], points=manual_points(4500)),
     "points"),
    (with_value(BASE, ("areas", 0, "volume_ml"), '"1E+999999"'), "areas[0].volume_ml"),
    (with_value(BASE, ("areas", 0, "spacing_mm"), "1e309"), "areas[0].spacing_mm"),
    (with_value(PAPER, ("points", 0, "x"), "1" + "0" * 400), "points[0].x"),
    (with_value(BASE, ("bodymap_version",), "Infinity"), "bodymap_version"),
    (with_value(BASE, ("mixtures", "A", "components", 0, "mg_per_ml"), '"-1e999999999"'),
     "mixtures.A.components[0].mg_per_ml"),
    (with_value(PAPER, ("areas", 0, "polygon", 1, 0), "-1E+999999"), "areas[0].polygon[1][0]"),
]


@pytest.mark.parametrize(("text", "field"), CLI_CASES, ids=[f for _t, f in CLI_CASES])
def test_the_command_line_refuses_with_one_line_naming_the_field(tmp_path: Path, text, field):
    path = tmp_path / "plan.json"
    path.write_text(text)
    done = subprocess.run([sys.executable, "-m", "planner.cli", "grid", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {field}: "), done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


@pytest.mark.parametrize("raw", ["1e-400", '"1e-999999"', "0", "-0", "0.00009", "1e-7",
                                 "1000.0001", "1e5"])
def test_a_concentration_too_small_or_too_large_to_be_meant_is_refused_naming_it(raw: str) -> None:
    text = with_value(BASE, ("mixtures", "A", "components", 0, "mg_per_ml"), raw)
    with pytest.raises(PlanError) as caught:
        loads(text)
    assert caught.value.field == "mixtures.A.components[0].mg_per_ml"
    assert "mg/mL" in caught.value.message


@pytest.mark.parametrize("raw", ["0.0001", "0.005", "20", "1000"])
def test_a_concentration_in_the_range_is_read_exactly(raw: str) -> None:
    plan = loads(with_value(BASE, ("mixtures", "A", "components", 0, "mg_per_ml"), raw))
    assert plan.mixtures["A"].components[0].mg_per_ml == Decimal(raw)


@pytest.mark.parametrize(("raw", "shown"), [("null", "got null"), ("true", "got true"),
                                            ("false", "got false")])
def test_a_json_word_is_shown_as_the_file_writes_it(raw: str, shown: str) -> None:
    with pytest.raises(PlanError) as caught:
        loads(with_value(BASE, ("patient", "weight_kg"), raw))
    assert shown in caught.value.message and "None" not in caught.value.message


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_a_component_needs_a_name(name: str) -> None:
    with pytest.raises(PlanError) as caught:
        loads(with_value(BASE, ("mixtures", "A", "components", 0, "name"), json.dumps(name)))
    assert caught.value.field == "mixtures.A.components[0].name"
