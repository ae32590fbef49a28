"""The translations: which language a user reads, and English left in a page or a PDF."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.helpers.access import seed

ROOT = Path(__file__).resolve().parents[2]


PACKAGE = ROOT / "planner"


TRANSLATIONS = PACKAGE / "translations"


def msgid_of(message_id: str | tuple[str, ...] | list[str]) -> str:
    """The singular msgid of an extracted or catalogued message (read_mo gives plurals as
    lists, read_po as tuples)."""
    return message_id[0] if isinstance(message_id, tuple | list) else message_id


def strings_of(string: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """A message's translation(s), the same shape from the .po and the .mo."""
    return tuple(string) if isinstance(string, tuple | list) else (string,)


def load_po(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


class VisibleText(HTMLParser):
    """The words a user can read or hear: text, and the attributes shown or spoken; not what
    is inside a script, a style or a ``hidden`` element (the editor's plan file), nor what an
    element below ``<html>`` declares in a language of its own (``lang``: a consent as the
    patient read and signed it)."""

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
        if tag in ("script", "style", "template") or "hidden" in names or (
                tag != "html" and "lang" in names):
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
    from planner.consent_texts import built_in
    from planner.core.clinical import TREATMENTS

    words: set[str] = set()
    for message in load_po(language):
        for text in strings_of(message.string or ""):
            words.update(WORD.findall(text))
    for view in atlas.views():
        for thing in (view, *view.regions, *view.guides):
            words.update(WORD.findall(thing.label.get(language, "")))
    for treatment in TREATMENTS:  # the built-in consent texts (planner/consent_texts.py)
        words.update(WORD.findall(built_in(treatment, language)))
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


def set_language(app, username: str, language: str) -> None:
    from planner.extensions import db
    from planner.models import User

    with app.app_context():
        db.session.query(User).filter_by(username=username).one().language = language
        db.session.commit()


def italian(app) -> None:
    """The doctor reads Italian."""
    set_language(app, "doctor", "it")
