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
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.conftest import login, make_user

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "planner"
TRANSLATIONS = PACKAGE / "translations"
LANGUAGES = ("it", "es")
# N_ marks the planning engine's message templates (planner.core.messages), translated when shown.
KEYWORDS = {**DEFAULT_KEYWORDS, "_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def msgid_of(message_id: str | tuple[str, ...] | list[str]) -> str:
    """The singular msgid of an extracted or catalogued message (read_mo gives plurals as
    lists, read_po as tuples)."""
    return message_id[0] if isinstance(message_id, tuple | list) else message_id


def strings_of(string: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """A message's translation(s), the same shape from the .po and the .mo."""
    return tuple(string) if isinstance(string, tuple | list) else (string,)


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


def load_po(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


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


class VisibleText(HTMLParser):
    """The words a user can read or hear: text, and the attributes shown or spoken; not what
    is inside a script, a style or a ``hidden`` element (the editor's plan file)."""

    SHOWN = frozenset({"placeholder", "aria-label", "title", "alt"})
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                      "meta", "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0  # the depth inside a skipped element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip:
            self.skip += tag not in self.VOID
            return
        names = dict(attrs)
        if tag in ("script", "style", "template") or "hidden" in names:
            self.skip = int(tag not in self.VOID)
            return
        self.parts.extend(v for k, v in attrs if k in self.SHOWN and v)
        if tag == "input" and names.get("type") in ("submit", "button") and names.get("value"):
            self.parts.append(str(names["value"]))

    def handle_endtag(self, tag: str) -> None:
        if self.skip and tag not in self.VOID:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


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


def catalogue_parts(language: str):
    """Each English msgid's parts around its placeholders, with the msgid's translation."""
    for message in load_po(language):
        if not message.id or not message.string:
            continue
        singular, translated = msgid_of(message.id), strings_of(message.string)[0]
        for part in re.split(r"%\(\w+\)[sdf]|\{\w+\}", singular):
            yield part, translated


@cache
def english_words(language: str) -> list[str]:
    """The catalogue's English texts of one or two words (or such parts around placeholders)
    that the language translates otherwise: any of them on a page, as a whole word with its
    capitals, is English left untranslated."""
    words = set()
    for part, translated in catalogue_parts(language):
        part = part.strip(" .,:;()!?…·—-")
        if 1 <= len(part.split()) <= 2 and re.search(r"[A-Za-z]{3}", part) and \
                part.lower() not in translated.lower():
            words.add(part)
    return sorted(words)


def english_in(text: str, language: str) -> list[str]:
    """The catalogue's English phrases and words found in a text in ``language``."""
    found = [p for p in english_phrases(language) if p in text]
    return found + [w for w in english_words(language)
                    if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


WORD = re.compile(r"[A-Za-z]{3,}")
# The seeded clinic's own data (tests/web/test_access.py and clinic_in): names, the plan's title
# and area label, a product; and what no language translates (the brand, the languages' names).
DATA_WORDS = frozenset({"Ferrari", "Bianchi", "bianchi", "Marta", "Ruiz", "ruiz", "Giulia",
                        "Seeded", "seeded", "admin", "medial", "knee", "saline",
                        "Meso", "planner", "Mesoplanner", "English", "Italiano", "Espa"})


@cache
def words_of_the_language(language: str) -> frozenset[str]:
    """Every word of the language's catalogue and of the body-map atlas in that language."""
    from planner.bodymaps import atlas

    words: set[str] = set()
    for message in load_po(language):
        for text in strings_of(message.string or ""):
            words.update(WORD.findall(text))
    for view in atlas.views():
        for thing in (view, *view.regions, *view.guides):
            words.update(WORD.findall(thing.label.get(language, "")))
    locale = Locale.parse(language)  # dates: the months' and days' names
    for names in (locale.months, locale.days):
        for width in names.values():
            for by_number in width.values():
                words.update(w for name in by_number.values() for w in WORD.findall(name))
    return frozenset(words)


def left_in_english(text: str, english: str, language: str) -> list[str]:
    """Words of a text in ``language`` that its English version has too, and that are neither
    the language's own (catalogue, atlas) nor the clinic's data: a code or a word that no
    catalogue translates (Werkzeug's "Not Found", an audit action written as stored)."""
    def words(of: str) -> set[str]:  # printouts set headings in capitals: AREA, PLAN
        return {w.lower() for w in WORD.findall(of)}

    allowed = {w.lower() for w in words_of_the_language(language) | DATA_WORDS}
    return sorted(words(text) & words(english) - allowed)


def clinic_in(app, language: str) -> None:
    """The seeded clinic (tests/web/test_access.py) with every account in ``language`` and
    names that are no English words, so that a name is never taken for English left over."""
    from planner.extensions import db
    from planner.models import Patient, User
    from tests.web.test_access import seed

    seed(app)
    with app.app_context():
        names = {"admin": "Dr Ferrari", "doctor": "Dr Bianchi", "assistant": "Marta Ruiz"}
        for user in db.session.query(User):
            user.language = language
            user.full_name = names[user.username]
            if user.username != "admin":
                user.username = {"doctor": "bianchi", "assistant": "ruiz"}[user.username]
        db.session.get(Patient, 1).given_name = "Giulia"
        db.session.commit()


@cache
def english_phrases(language: str) -> list[str]:
    """The catalogue's English texts of three words or more that the language translates
    differently: any of them on a page in that language is English left untranslated. The
    parts around placeholders are kept when they are three words or more."""
    phrases = set()
    for part, translated in catalogue_parts(language):
        part = part.strip(" .,:;()")
        if len(part.split()) >= 3 and part not in translated:
            phrases.add(part)
    return sorted(phrases, key=len, reverse=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_english_to_an_italian_or_spanish_user(app, client, language) -> None:
    """Every page of the route table that answers an administrator with a page, in a seeded
    clinic (patient, plan, cycle, a draft record), read as the language's user would."""
    from tests.web.test_access import ROUTES

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


def set_language(app, username: str, language: str) -> None:
    from planner.extensions import db
    from planner.models import User

    with app.app_context():
        db.session.query(User).filter_by(username=username).one().language = language
        db.session.commit()


def pdf_text(data: bytes) -> str:
    """A PDF's text, its white space folded."""
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split())
