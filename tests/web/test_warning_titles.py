"""Every kind of warning the engine can raise has a title the web app can translate."""

from __future__ import annotations

import re
from pathlib import Path

import planner


def engine_warning_codes() -> set[str]:
    root = Path(planner.__file__).parent
    codes: set[str] = set()
    for path in [*root.glob("core/*.py"), root / "engine.py"]:
        codes |= set(re.findall(r'PlanWarning\(\s*"([a-z-]+)"', path.read_text()))
        codes |= set(re.findall(r'code = "([a-z-]+)" if', path.read_text()))
        codes |= set(re.findall(r'code = "[a-z-]+" if [^\n]* else "([a-z-]+)"\n',
                                path.read_text()))
    codes |= {"area-narrow", "area-tiny"}  # raised through a table in compute.py
    return codes


def test_every_warning_code_has_a_title(app):
    from planner.web.editor import warning_titles

    codes = engine_warning_codes()
    assert len(codes) > 15
    with app.test_request_context():
        titles = warning_titles()
    assert codes - set(titles) == set()
    assert all(titles.values())
