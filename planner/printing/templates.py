"""The printouts' templates (``templates/print``) and catalogues: a Jinja environment of our own
per language, with the Babel catalogue of the reader's language and the formatting module's
numbers, dates and percentages."""

from __future__ import annotations

from functools import cache, partial
from pathlib import Path

from babel.support import NullTranslations, Translations
from jinja2 import Environment, PackageLoader, Template, select_autoescape

from planner.formatting import date_text, digits_text, number_text, percent_text
from planner.printing.paper import SheetInfo

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


@cache
def translations(language: str) -> NullTranslations:
    """The Babel catalogue of ``language`` (English: the words as written)."""
    if language == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language], domain="messages")


@cache
def environment(language: str) -> Environment:
    """The printouts' Jinja environment in ``language``."""
    env = Environment(loader=PackageLoader("planner", "templates/print"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["number"] = lambda value, places=None: number_text(value, language, places)
    env.globals["day"] = partial(date_text, language=language)
    env.globals["percent"] = partial(percent_text, language=language)
    env.globals["language"] = language
    env.globals["detail"] = lambda warning: warning.text.render(
        translations(language).gettext, partial(digits_text, language=language), language,
        translations(language).ngettext)
    return env


def template(name: str, info: SheetInfo) -> Template:
    """The print template ``name`` in the language of ``info``."""
    return environment(info.language).get_template(name)

