"""The plan's drawing on a session record: the points given, skipped and added are tapped on
it (static/forms/points-given.js), and a signed record shows them marked."""

from __future__ import annotations

from flask_babel import gettext as _

from planner.core.compute import Result
from planner.drawing.plan import plan_svg
from planner.engine import load_view
from planner.web.i18n import current_locale, format_digits


def given_drawing(result: Result) -> str:
    """The plan framed on its areas, in the reader's language, without the legend's band."""
    view, _notes = load_view(result.plan)
    return plan_svg(result, view, text=_, language=current_locale(), digits=format_digits,
                    crop=True, legend=False, scale_bar=False)
