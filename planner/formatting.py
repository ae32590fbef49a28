"""Numbers, dates, times and percentages the reader's way: the one home of each rule.

Framework-free (Babel only), so that the pages (through web/i18n.py's template helpers), the
printouts, the words of the plan and the exports all write a value the same way. Every function
takes the reader's language (it, es, en): Italian and Spanish write decimal commas.

Instants the app stores (saved, signed, audited: ``models.now``) are UTC; a clinic reads them in
its own time, which is the server's time zone (as the FHIR export assumes). ``clinic_time`` is
the one place that turns a stored instant into the clinic's wall-clock time. A session's
``performed_at`` is stored as the clinic typed it, already local: it is never converted.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, localcontext

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent, get_decimal_symbol

# Enough digits for any plain number a message holds (40 digits at most): Decimal's default
# context (28) would round the longest ones while formatting.
PRECISION = 100


def _pattern(places: int) -> str:
    """The CLDR pattern of a grouped number with exactly ``places`` decimals."""
    return "#,##0." + "0" * places if places else "#,##0"


def number_text(value: Decimal | float | int | str, language: str,
                places: int | None = None) -> str:
    """A number in the reader's locale, grouped (1.234,50 in Italian).

    With ``places``, rounded to exactly that many decimals. Without, decimals (and decimal
    strings, as the plan output writes them) keep the places they have: a dose is never rounded
    or shortened; other numbers show up to three decimals.

    >>> number_text(Decimal("1234.50"), "it"), number_text("0.50", "es"), number_text(2.0, "en")
    ('1.234,50', '0,50', '2')
    >>> number_text(Decimal("1234.56"), "it", 1), number_text(0.1, "es", 2)
    ('1.234,6', '0,10')
    """
    if isinstance(value, str):
        value = Decimal(value)
    if places is not None:
        return str(format_decimal(Decimal(str(value)), format=_pattern(places),
                                  locale=language))
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        shown = max(0, -exponent) if isinstance(exponent, int) else 0
        return str(format_decimal(value, format=_pattern(shown), locale=language,
                                  decimal_quantization=False))
    return str(format_decimal(value, locale=language))


def digits_text(digits: str, language: str) -> str:
    """Plain digits (an engine message's ``-1234.50``) the reader's way (``-1.234,50``), every
    decimal kept as it is.

    >>> digits_text("-1234.50", "it"), digits_text("300", "es"), digits_text("4.5", "en")
    ('-1.234,50', '300', '4.5')
    """
    sign, number = (digits[0], digits[1:]) if digits[:1] in ("+", "-") else ("", digits)
    places = len(number.partition(".")[2])
    with localcontext() as exact:
        exact.prec = PRECISION
        return sign + str(format_decimal(Decimal(number), format=_pattern(places),
                                         locale=language))


def percent_text(value: Decimal, language: str, places: int = 1) -> str:
    """A percentage (already times 100) the locale's way, with ``places`` decimals: Italian
    and English write the sign against the number, Spanish after a no-break space (CLDR).

    >>> [percent_text(Decimal("-30.5"), lang) for lang in ("it", "es", "en")]
    ['-30,5%', '-30,5\xa0%', '-30.5%']
    """
    pattern = str(Locale.parse(language).percent_formats[None].pattern)
    return str(format_percent(Decimal(value) / 100,
                              format=pattern.replace("#,##0", _pattern(places)),
                              locale=language))


def decimal_mark(language: str) -> str:
    """The reader's decimal mark: a comma in Italian and Spanish, a point in English."""
    return str(get_decimal_symbol(language))


def marked(plain: object, mark: str) -> str:
    """Plain digits (``0.10``) with ``mark`` for their decimal point and nothing else changed:
    no grouping, every digit kept, so that a spreadsheet or a form reads the same number back.

    >>> marked("1234.50", ",")
    '1234,50'
    """
    return str(plain).replace(".", mark)


def field_text(plain: object, language: str) -> str:
    """Plain digits for a form field the reader edits (0,5 in Italian and Spanish)."""
    return marked(plain, decimal_mark(language))


def date_text(value: date, language: str) -> str:
    """A date in the locale's medium format (3 apr 1961, 3 abr 1961, Apr 3, 1961): a short
    date (03/04/61) reads differently in every country."""
    return str(format_date(value, "medium", locale=language))


def datetime_text(value: datetime, language: str) -> str:
    """A wall-clock date and time (naive, as the clinic reads it): the medium date and the time
    to the minute, joined the locale's way (2 dic 2026, 01:02; Dec 2, 2026, 1:02 AM). Seconds
    mean nothing on a record. A stored instant goes through ``clinic_time`` first."""
    joined = str(Locale.parse(language).datetime_formats["medium"])
    return joined.replace("{1}", date_text(value, language)).replace(
        "{0}", str(format_time(value, "short", locale=language)))


def clinic_time(stored: datetime) -> datetime:
    """A stored instant (aware, as the models' UtcInstant columns give it) as the clinic's
    wall-clock time (naive, in the server's time zone). A naive time is refused: it could be
    either, and guessing is how a UTC time gets printed as local.

    >>> from datetime import UTC
    >>> clinic_time(datetime(2026, 7, 1, 9, tzinfo=UTC)).tzinfo is None
    True
    >>> clinic_time(datetime(2026, 7, 1, 9))
    Traceback (most recent call last):
    ValueError: an instant must say its time zone (got 2026-07-01 09:00:00)
    """
    if stored.tzinfo is None:
        raise ValueError(f"an instant must say its time zone (got {stored})")
    return stored.astimezone().replace(tzinfo=None)


def instant_text(stored: datetime, language: str) -> str:
    """A stored instant (saved, signed, audited) in the clinic's time, the locale's way."""
    return datetime_text(clinic_time(stored), language)


def clock_text(stored: datetime) -> str:
    """The hour and minute of a stored instant in the clinic's time (14:05), for a message
    about something saved moments ago."""
    return clinic_time(stored).strftime("%H:%M")
