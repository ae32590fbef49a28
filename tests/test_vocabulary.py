"""The house's words have one home (planner/vocabulary.py): no list of the languages or of the
roles is spelled out again anywhere else in planner/, in the code or in the templates."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import planner
from planner import vocabulary

PLANNER = Path(planner.__file__).resolve().parent
HOME = PLANNER / "vocabulary.py"
WORD_LISTS = {"the languages": set(vocabulary.LANGUAGES), "the roles": set(vocabulary.ROLES),
              "the clinicians' roles": set(vocabulary.CLINICIAN_ROLES),
              "the signing roles": set(vocabulary.SIGNING_ROLES)}


def _word(node: ast.expr) -> bool:
    """A string, or a string given to a function (a translated word: ``_("doctor")``)."""
    if isinstance(node, ast.Call) and len(node.args) == 1:
        node = node.args[0]
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _literal_words(node: ast.AST) -> set[str] | None:
    """The strings of a literal tuple, list or set, or the keys of a literal dict of words, if
    every one is a string (None otherwise)."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items: list[ast.expr | None] = list(node.elts)
    elif isinstance(node, ast.Dict) and all(map(_word, node.values)):
        items = list(node.keys)  # a table of words ({"admin": "administrator"}), not of data
    else:
        return None
    if len(items) < 2 or not all(isinstance(i, ast.Constant) and isinstance(i.value, str)
                                 for i in items):
        return None
    return {i.value for i in items if isinstance(i, ast.Constant)}


def spelled_again() -> list[str]:
    """Every literal collection in planner/'s code that is one of the word lists."""
    found = []
    for path in sorted(PLANNER.rglob("*.py")):
        if path == HOME or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            words = _literal_words(node)
            for name, listed in WORD_LISTS.items():
                if words == listed:
                    found.append(f"{path.relative_to(PLANNER)}:{node.lineno}: {name}")
    return sorted(found)


def test_no_list_of_languages_or_roles_is_spelled_out_again_in_the_code():
    assert spelled_again() == []


def test_the_scan_finds_a_list_spelled_again(tmp_path, monkeypatch):
    """The scan itself works: a copy of a word list, in any order, is found."""
    (tmp_path / "somewhere.py").write_text(
        'ok = ("it", "es")\nlanguages = ["en", "it", "es"]\nif role in {"doctor", "admin"}:\n'
        '    pass\nnames = {"assistant": _("a"), "doctor": "d", "admin": "x"}\n'
        'table = {"it": {"a": 1}, "es": {"a": 2}, "en": {"a": 3}}\n')
    monkeypatch.setattr(f"{__name__}.PLANNER", tmp_path)
    assert spelled_again() == ["somewhere.py:2: the languages", "somewhere.py:3: the clinicians' "
                               "roles", "somewhere.py:3: the signing roles",
                               "somewhere.py:5: the roles"]


def test_no_template_lists_the_languages_again():
    """The templates take the languages' names from ``language_names`` (web/i18n.py)."""
    quoted = "|".join(re.escape(f'"{code}"') for code in vocabulary.LANGUAGES)
    spelled = re.compile(rf"(?:{quoted})\s*[:,]\s*\"[^\"]+\"")  # ("it", "Italiano") or "it": ..
    found = [f"{path.relative_to(PLANNER)}:{n}"
             for path in sorted((PLANNER / "templates").rglob("*.html"))
             for n, line in enumerate(path.read_text().splitlines(), 1) if spelled.search(line)]
    assert found == []


def test_the_signing_roles_are_roles_of_the_house():
    assert set(vocabulary.SIGNING_ROLES) <= set(vocabulary.CLINICIAN_ROLES) <= \
        set(vocabulary.ROLES)
    assert "assistant" not in vocabulary.SIGNING_ROLES
