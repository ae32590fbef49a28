"""The drawings' shared look: the mixtures' colours, the points' size, the labels' size, and
the words as written (English) when no translation is given."""

from __future__ import annotations

from collections.abc import Callable

from planner.core.compute import Result

MIXTURE_COLOURS = ("#1f5fbf", "#b8420f", "#2a7d3a", "#7a3fa0", "#8a6d00", "#0f7a7a")
NO_MIXTURE_COLOUR = "#444444"
POINT_RADIUS_MM = 1.6
LABEL_SIZE_MM = 2.8  # 8 pt, its digits 2 mm tall: readable on paper at arm's length (issue 17)
FONT_FAMILY = "Helvetica, Arial, sans-serif"

Text = Callable[[str], str]  # a translation (gettext), or a writer of plain digits


def identity(text: str) -> str:
    """The default translation: English as written."""
    return text


def mixture_colours(result: Result) -> dict[str | None, str]:
    """Each mixture of the plan its colour, in the plan's order (None: points without one)."""
    colours: dict[str | None, str] = {None: NO_MIXTURE_COLOUR}
    for k, name in enumerate(result.plan.mixtures):
        colours[name] = MIXTURE_COLOURS[k % len(MIXTURE_COLOURS)]
    return colours
