"""Words of the printed plan drawing, marked for extraction.

``planner.drawing`` receives the translation function as its ``text`` argument, so pybabel
cannot find these strings there; listing them here puts them in the message catalogue.
Keep this list in step with every ``text("...")`` call in ``planner/drawing/``.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (the gettext_noop idiom)."""
    return message


RENDER_STRINGS = (
    N_("PATIENT'S RIGHT"),
    N_("PATIENT'S LEFT"),
    N_("PATIENT'S RIGHT SIDE"),
    N_("PATIENT'S LEFT SIDE"),
    N_("RIGHT"),
    N_("LEFT"),
    N_("No body map: orientation as drawn"),
    N_("On the photo, seen square on: up is as the card is read"),
    N_("100 mm (must measure 100 mm when printed)"),
    N_("{points} points, {ml} mL in all"),
    N_("1 point, {ml} mL in all"),
    N_("mixture {name}"),
    N_("no mixture"),
    N_("Pain (NRS 0-10)"),
    N_("Pain (VAS 0-100 mm)"),
    N_("baseline"),
    N_("\u221230%:"),  # the reduction lines' names (a minus sign): Spanish writes "30 %" (CLDR)
    N_("\u221250%:"),
    N_("moderately important"),
    N_("substantial"),
    N_("Session"),
    N_("before the session"),
    N_("after it"),
)
