"""The `mesoplanner` command as a user runs it: the console script, files in and out."""

from __future__ import annotations

import json

from tests.helpers.commands import ROOT, mesoplanner

EXAMPLE = ROOT / "examples" / "knee-medial.json"


def test_the_readme_run_command_works_on_the_shipped_example():
    out = mesoplanner("grid", str(EXAMPLE))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["format"] == "mesoplanner.plan/1"
    assert len(data["points"]) > 10
    assert data["total_ml"] == f"{sum(float(p['volume_ml']) for p in data['points']):.2f}"
    assert {c["name"] for c in data["components"]} >= {"lidocaine 2%"}


def test_bodymaps_lists_every_view():
    out = mesoplanner("bodymaps")
    assert out.returncode == 0
    for view in ("knee-anterior", "face-frontal", "lumbar-posterior", "body-front"):
        assert view in out.stdout


def test_bodymaps_json_has_views_regions_and_wkt():
    out = mesoplanner("bodymaps", "--json")
    data = json.loads(out.stdout)
    knee = next(v for v in data["views"] if v["id"] == "knee-anterior")
    medial = next(r for r in knee["regions"] if r["id"] == "knee-anterior/medial")
    assert medial["wkt"].startswith("POLYGON")
    assert set(medial["label"]) == {"it", "es", "en"}
    assert medial["snomed"] == "72696002"


def test_bodymaps_render_writes_a_contact_sheet(tmp_path):
    out = mesoplanner("bodymaps", "--render", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "index.html").exists()
    from planner.bodymaps import atlas

    assert {p.stem for p in tmp_path.glob("*.svg")} >= set(atlas.view_ids())
