"""The Italian and Spanish catalogues: complete, compiled, and actually used by the pages.

Extraction runs in-process with Babel over planner/ using the repository's babel.cfg, so a
string added to a template or a view without a translation fails here, naming it. To refresh
the catalogues (from the repository root; babel.cfg's patterns are relative to it):

    pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ -o /tmp/messages.pot .
    pybabel update -i /tmp/messages.pot -d planner/translations --no-fuzzy-matching \\
        --ignore-obsolete
    (translate the new entries)
    pybabel compile -d planner/translations
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo

from tests.helpers.access import ROUTES
from tests.helpers.documents import pdf_text
from tests.helpers.languages import (
    PACKAGE,
    ROOT,
    TRANSLATIONS,
    clinic_in,
    english_in,
    english_phrases,
    english_words,
    left_in_english,
    load_po,
    msgid_of,
    set_language,
    strings_of,
    visible_text,
)
from tests.helpers.users import login, make_user

LANGUAGES = ("it", "es")
# N_ marks the planning engine's message templates (planner.core.messages), translated when shown.
KEYWORDS = {**DEFAULT_KEYWORDS, "_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extracted() -> dict[str, list[str]]:
    """Every translatable msgid under planner/, with where it was found."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)

    def only_the_package(path: str) -> bool:
        relative = Path(os.path.relpath(path, ROOT)).parts
        return relative[0] == "planner" and not any(p.startswith((".", "_")) for p in relative)

    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS,
            directory_filter=only_the_package):
        found.setdefault(msgid_of(message), []).append(f"{filename}:{lineno}")
    return found


def load_mo(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as f:
        return read_mo(f)


@pytest.fixture(scope="module")
def messages() -> dict[str, list[str]]:
    found = extracted()
    # A broken babel.cfg (patterns relative to the wrong folder) extracts nothing at all.
    assert len(found) > 100, f"extraction found only {len(found)} messages: check babel.cfg"
    return found


def test_the_drawing_words_are_extracted(messages) -> None:
    """planner.drawing gets gettext as ``text``; render_strings.py lists every such call."""
    source = "".join(p.read_text(encoding="utf-8") for p in (PACKAGE / "drawing").glob("*.py"))
    called = {ast.literal_eval(f'"{literal}"')  # as Python reads it: "\u2212" is a minus sign
              for literal in re.findall(r'\btext\(\s*"((?:[^"\\]|\\.)*)"\s*\)', source)}
    assert called, "no text(...) calls found in planner/drawing"
    missing = sorted(called - set(messages))
    assert not missing, f"drawing words not in the catalogue (list them in render_strings.py): " \
        f"{missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(messages, language) -> None:
    catalog = load_po(language)
    problems = []
    for msgid, where in messages.items():
        entry = catalog.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r} ({where[0]})")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r} ({where[0]})")
        elif not all(entry.string if isinstance(entry.string, tuple) else (entry.string,)):
            problems.append(f"empty: {msgid!r} ({where[0]})")
    assert not problems, f"{language} catalogue:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language) -> None:
    """%(name)s and {name} placeholders of each translation are those of its msgid."""
    catalog = load_po(language)
    problems = [f"{m.id!r}: {errors}" for m, errors in catalog.check()]
    brace = re.compile(r"\{\w*\}")
    percent = re.compile(r"%\(\w+\)[sd]")
    for m in catalog:
        if not m.id or not m.string:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        wanted = {tuple(sorted(p.findall(i))) for i in ids for p in (brace, percent)}
        for s in strings:
            got = {tuple(sorted(p.findall(s))) for p in (brace, percent)}
            if got != wanted:
                problems.append(f"{m.id!r} -> {s!r}")
    assert not problems, f"{language} placeholders differ:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_is_up_to_date(language) -> None:
    """messages.mo holds exactly the non-fuzzy translations of messages.po (run pybabel compile)."""
    po = {msgid_of(m.id): strings_of(m.string) for m in load_po(language)
          if m.id and m.string and not m.fuzzy}
    mo = {msgid_of(m.id): strings_of(m.string) for m in load_mo(language) if m.id}
    stale = sorted(k for k in po.keys() | mo.keys() if po.get(k) != mo.get(k))
    assert not stale, (f"{language}/LC_MESSAGES/messages.mo is out of date with messages.po; "
                       f"run 'pybabel compile -d planner/translations'. Differing: {stale[:10]}")


ENGLISH = ("Patients", "New patient", "Search", "Log out", "Archived patients", "No patients yet",
           "Show archived patients", "Record", "Birth date", "Mixtures")
EXPECTED = {
    "it": ("Pazienti", "Nuovo paziente", "Cerca", "Esci", "Data di nascita", "N. cartella",
           "Miscele", "Ancora nessun paziente."),
    "es": ("Pacientes", "Nuevo paciente", "Buscar", "Cerrar sesión", "Fecha de nacimiento",
           "N.º historia", "Mezclas", "Todavía no hay pacientes."),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_patient_list_is_in_the_users_language(app, client, language) -> None:
    make_user(app, username=f"medico_{language}", language=language)
    login(client, f"medico_{language}")
    response = client.get("/patients")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    text = visible_text(html)
    absent = [w for w in EXPECTED[language] if w not in text]
    assert not absent, f"{language} words missing from /patients: {absent}\n{text}"
    english = [w for w in ENGLISH if re.search(rf"\b{re.escape(w)}\b", text)]
    assert not english, f"English UI words on the {language} /patients page: {english}\n{text}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_english_to_an_italian_or_spanish_user(app, client, language) -> None:
    """Every page of the route table that answers an administrator with a page, in a seeded
    clinic (patient, plan, cycle, a draft record), read as the language's user would."""

    clinic_in(app, language)
    login(client, "admin")
    assert len(english_phrases(language)) > 300  # the check has something to look for
    assert len(english_words(language)) > 250
    seen, visited = [], []
    for (rule, method), (path, _data, _anonymous, admin, *_others) in sorted(ROUTES.items()):
        if method != "GET" or admin != 200 or rule.startswith(("/api/", "/static/")) or \
                path.endswith((".csv", ".pdf", ".json", ".svg")) or rule == "/healthz":
            continue
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        text = visible_text(response.get_data(as_text=True))
        set_language(app, "admin", "en")
        english = visible_text(client.get(path).get_data(as_text=True))
        set_language(app, "admin", language)
        found = english_in(text, language) + left_in_english(text, english, language)
        if found:
            seen.append(f"{path}: {found[:5]}")
        visited.append(path)
    assert len(visited) >= 15, visited
    assert not seen, f"English on {language} pages:\n" + "\n".join(seen)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_printout_shows_english(app, client, language) -> None:
    """The PDFs (sheet, compact sheet, stencil, handout, cycle report), asked for in the
    language, carry none of the catalogue's English phrases."""
    clinic_in(app, "en")  # the language asked for is the printout's, not the user's
    login(client, "admin")
    seen = []
    for path in ("/plans/1/sheet.pdf", "/plans/1/sheet.pdf?compact=1", "/plans/1/stencil.pdf",
                 "/plans/1/handout.pdf", "/cycles/1/report.pdf"):
        sep = "&" if "?" in path else "?"
        response = client.get(f"{path}{sep}lang={language}")
        assert response.status_code == 200, path
        text, english = (pdf_text(response.get_data()),
                         pdf_text(client.get(f"{path}{sep}lang=en").get_data()))
        assert len(text) > 100, path
        found = english_in(text, language) + left_in_english(text, english, language)
        if found:
            seen.append(f"{path}: {found[:5]}")
    assert not seen, f"English in {language} printouts:\n" + "\n".join(seen)
