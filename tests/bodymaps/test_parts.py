"""A drawing's parts with their own axes (<g id="axes">, CONVENTIONS.md "Parts"): read into the
view with the outline's piece each is drawn in, mirrored with the left limb, and refused with a
clear message when an axis is not a bent polyline of three points inside the outline."""

from __future__ import annotations

import pytest

from planner.bodymaps.atlas import get_view, parse_view
from planner.bodymaps.view import BodyMapError

HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="80mm" viewBox="0 0 100 80" '
    'data-view="test-view" data-version="1" data-label-it="Prova" data-label-es="Prueba" '
    'data-label-en="Test" data-single-limb="true" data-patient-right="none" data-snomed="1">'
    '<g id="outline"><rect x="0" y="0" width="40" height="80" data-kind="outline"/>'
    '<rect x="60" y="0" width="40" height="80" data-kind="outline"/></g>'
)


def _svg(axes: str) -> str:
    return f'{HEAD}<g id="axes">{axes}</g></svg>'


def test_each_axis_is_read_with_the_outlines_piece_holding_its_joint():
    view = parse_view(_svg(
        '<polyline data-part="lateral" data-bend="anterior" points="20,0 20,60 40,60"/>'
        '<polyline data-part="medial" data-bend="anterior" points="80,0 80,60 60,60"/>'))
    lateral, medial = view.parts
    assert (lateral.name, lateral.bend, lateral.axis) == (
        "lateral", "anterior", ((20.0, 0.0), (20.0, 60.0), (40.0, 60.0)))
    assert lateral.area.bounds == (0.0, 0.0, 40.0, 80.0)
    assert medial.area.bounds == (60.0, 0.0, 100.0, 80.0)


def test_the_elbow_s_parts_are_mirrored_with_the_left_elbow():
    right, left = get_view("elbow-lateral", "right"), get_view("elbow-lateral", "left")
    assert [p.name for p in right.parts] == [p.name for p in left.parts] == ["lateral", "medial"]
    for r, lt in zip(right.parts, left.parts, strict=True):
        assert [(right.width_mm - x, y) for x, y in r.axis] == list(lt.axis)
        assert lt.area.bounds[0] == pytest.approx(right.width_mm - r.area.bounds[2])


@pytest.mark.parametrize(("axes", "words"), [
    ('<polyline data-part="sideways" data-bend="anterior" points="20,0 20,60 40,60"/>',
     "data-part"),
    ('<path data-part="lateral" data-bend="anterior" d="M20,0 L20,60 L40,60"/>', "polyline"),
    ('<polyline data-part="lateral" data-bend="up" points="20,0 20,60 40,60"/>', "data-bend"),
    ('<polyline data-part="lateral" data-bend="anterior" points="20,0 20,60"/>', "three"),
    ('<polyline data-part="lateral" data-bend="anterior" points="20,0 20,30 20,60"/>', "bend"),
    ('<polyline data-part="lateral" data-bend="anterior" points="50,0 50,60 70,60"/>',
     "inside the outline"),
    ('<polyline data-part="lateral" data-bend="anterior" points="20,0 20,60 40,60"/>'
     '<polyline data-part="medial" data-bend="anterior" points="10,0 10,50 30,50"/>',
     "one part"),
])
def test_an_axis_that_is_not_a_bent_limb_inside_the_outline_is_refused(axes, words):
    with pytest.raises(BodyMapError, match=words):
        parse_view(_svg(axes))
