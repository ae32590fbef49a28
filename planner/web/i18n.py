"""The user's language (their setting, else the browser's) and locale-aware formatting."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, g, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user

from planner.core.field_words import Field
from planner.core.messages import N_, Message, PlanError, PlanWarning
from planner.drawing.paths import path_d
from planner.formatting import (
    date_text,
    datetime_text,
    digits_text,
    instant_text,
    number_text,
    percent_text,
)
from planner.vocabulary import LANGUAGE_NAMES, LANGUAGES
from planner.web.paths import is_api


def select_locale() -> str:
    """Italian, Spanish or English: the user's setting; logged out, the language of the last
    user of this browser (kept in the session at logout), else the browser's. The API's
    messages: the language the program asks for (Accept-Language), else its token's user's."""
    if is_api():
        api_user = g.get("api_user")
        if request.accept_languages:
            return request.accept_languages.best_match(LANGUAGES) or "en"
        return str(api_user.language) if api_user is not None else "en"
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return str(current_user.language)
    if session.get("language") in LANGUAGES:
        return str(session["language"])
    return request.accept_languages.best_match(LANGUAGES) or "en"


def current_locale() -> str:
    """The language code of the page being rendered."""
    return str(get_locale() or "en")


def format_date(value: date | None) -> str:
    """A date in the locale's medium format (12 mar 1961, 12 mar. 1961, Mar 12, 1961)."""
    return "" if value is None else date_text(value, current_locale())


def format_datetime(value: datetime | None, *, utc: bool = True) -> str:
    """A date in the locale's medium format and the time to the minute, joined the locale's way
    (2 dic 2026, 01:02; Dec 2, 2026, 1:02 AM): a short date (02/12/26) reads differently in
    every country, and seconds mean nothing on a record.

    ``utc``: the value is an instant the app stored in UTC (models.now: saved, signed, audited),
    shown in the server's time zone, which is the clinic's (as the FHIR export assumes). A
    session's time is stored as the clinic typed it: ``utc=False`` shows it as it is.
    """
    if value is None:
        return ""
    show = instant_text if utc else datetime_text
    return show(value, current_locale())


def format_decimal(value: Decimal | float | str | None, places: int = 2) -> str:
    """A number with the locale's decimal separator (0,10 in Italian and Spanish)."""
    return "" if value is None else number_text(value, current_locale(), places)


def weight_text(value: Decimal | str | None) -> str:
    """A weight for a form field: a stored weight (0.1 kg steps) the locale's way (82,5); text
    the user typed (refused) as they typed it."""
    return format_decimal(value, 1) if isinstance(value, Decimal) else value or ""


def format_percent(value: Decimal) -> str:
    """A percentage (already times 100) the locale's way: 30,5% in Italian, 30,5 % in Spanish."""
    return percent_text(value, current_locale())


def format_digits(digits: str) -> str:
    """Plain digits (``-1234.50``) the locale's way (``-1.234,50``), every decimal kept as is."""
    return digits_text(digits, current_locale())


def plan_message(item: PlanError | PlanWarning | Message) -> str:
    """A message of the planning engine in the user's language, its numbers the locale's way.

    An error names its field in words, numbered as the sheet numbers ("Area 3 · spacing: ..."),
    never by its path in the plan file (``areas[2].spacing_mm``: the API's and the CLI's).
    """
    text = item if isinstance(item, Message) else item.text
    if isinstance(item, PlanError):
        text = Message(N_("%(field)s: %(reason)s"), field=Field(item.field), reason=text)
    catalogue = get_translations()
    return text.render(catalogue.gettext, format_digits, current_locale(), catalogue.ngettext)


def init_app(app: Flask) -> None:
    """Make the formatting helpers, and the languages' names, available in every template."""
    app.jinja_env.globals.update(current_locale=current_locale, format_date=format_date,
                                 path_d=path_d,
                                 format_datetime=format_datetime,
                                 format_decimal=format_decimal, plan_message=plan_message,
                                 weight_text=weight_text, format_percent=format_percent,
                                 language_names=LANGUAGE_NAMES)
