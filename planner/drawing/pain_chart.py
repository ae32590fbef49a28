"""A cycle's pain trend drawn as SVG in millimetres: the scores session by session, with the
baseline and the IMMPACT reduction lines."""

from __future__ import annotations

from collections.abc import Sequence

import svgwrite

from planner.core.outcomes import Trend
from planner.drawing.style import FONT_FAMILY, Text, identity

CHART_W_MM, CHART_H_MM = 160.0, 80.0
# left, top, right, bottom: room for the axes' words, and on the right for the lines' names
# (outside the plot, where no score can hide them)
CHART_PAD = (16.0, 8.0, 42.0, 14.0)
CHART_FONT_MM = 3.0  # the chart's words
CHART_LABEL_GAP_MM = 3.4  # the lines' names never overlap, however close the lines
# The width of one letter of the chart's sans-serif, in ems: generous, so that a name measured
# with it fits whatever font draws it ("moderatamente" in DejaVu Sans: 0.62 em a letter).
CHART_EM = 0.65


def pain_chart_svg(trend: Trend, labels: Sequence[str] | None = None, *,
                   text: Text = identity) -> str:
    """A cycle's pain, session by session, with its baseline and the 30% and 50% reduction
    lines (IMMPACT). Filled dots: pain before each session; rings: after it. ``labels`` name
    the sessions on the x axis (dates), by default their numbers."""
    left, top, right, bottom = CHART_PAD
    width, height = CHART_W_MM - left - right, CHART_H_MM - top - bottom
    top_score = 10 if trend.scale == "nrs" else 100
    n = max(1, len(trend.sessions))

    def x(k: int) -> float:
        return left + (width * (k + 0.5) / n)

    def y(score: float) -> float:
        return top + height * (1 - score / top_score)

    dwg = svgwrite.Drawing(size=(f"{CHART_W_MM}mm", f"{CHART_H_MM}mm"), debug=False,
                           profile="full")
    dwg.viewbox(0, 0, CHART_W_MM, CHART_H_MM)
    words = dwg.g(font_family=FONT_FAMILY, font_size=f"{CHART_FONT_MM:g}",
                  fill="#333333")
    dwg.add(dwg.rect((left, top), (width, height), fill="#ffffff", stroke="#999999",
                     stroke_width=0.3))
    for score in range(0, top_score + 1, top_score // 5):
        dwg.add(dwg.line((left - 1.5, y(score)), (left, y(score)), stroke="#999999",
                         stroke_width=0.3))
        words.add(dwg.text(str(score), insert=(left - 2.5, y(score) + 1), text_anchor="end"))
    scale_name = text("Pain (NRS 0-10)") if trend.scale == "nrs" else text("Pain (VAS 0-100 mm)")
    words.add(dwg.text(scale_name, insert=(3, top + height / 2),
                       transform=f"rotate(-90 3 {top + height / 2})", text_anchor="middle"))
    if trend.baseline is not None and trend.line_30 is not None and trend.line_50 is not None:
        # A line's name is its reduction, then its meaning, in as many lines as the room on the
        # right needs: "moderatamente importante" on one line ran past the chart's edge in
        # Italian, "moderadamente importante" in Spanish.
        room = CHART_W_MM - (left + width + 1.5) - 1.0
        lines_of = [
            (float(trend.baseline), "#555555", "none", _wrap(text("baseline"), room)),
            (float(trend.line_30), "#b8420f", "2,1.5",
             [text("\u221230%:"), *_wrap(text("moderately important"), room)]),
            (float(trend.line_50), "#2a7d3a", "2,1.5",
             [text("\u221250%:"), *_wrap(text("substantial"), room)])]
        tops = _stacked([y(value) + 1 for value, *_rest in lines_of],
                        [len(lines) for *_rest, lines in lines_of], CHART_H_MM - 1.0)
        for (value, colour, dash, lines), label_y in zip(lines_of, tops, strict=True):
            dwg.add(dwg.line((left, y(value)), (left + width, y(value)), stroke=colour,
                             stroke_width=0.4, stroke_dasharray=dash,
                             **{"class": "reference"}))
            longest = max(len(line) for line in lines)
            size = min(CHART_FONT_MM, room / (CHART_EM * longest))  # a single long word
            name = dwg.text("", insert=(left + width + 1.5, label_y), fill=colour,
                            **{"class": "line-name"})
            if size < CHART_FONT_MM:
                name["font-size"] = f"{size:.2f}"
            for k, line in enumerate(lines):
                name.add(dwg.tspan(line, x=[left + width + 1.5],
                                   dy=[0 if k == 0 else CHART_LABEL_GAP_MM]))
            words.add(name)
    before = [(x(k), y(s.before)) for k, s in enumerate(trend.sessions) if s.before is not None]
    if len(before) > 1:
        dwg.add(dwg.polyline(before, fill="none", stroke="#1f5fbf", stroke_width=0.6))
    for k, s in enumerate(trend.sessions):
        name = labels[k] if labels is not None and k < len(labels) else str(s.session)
        words.add(dwg.text(name, insert=(x(k), top + height + 5), text_anchor="middle"))
        if s.before is not None:
            dwg.add(dwg.circle((x(k), y(s.before)), 1.3, fill="#1f5fbf",
                               **{"class": "before", "data-score": str(s.before)}))
        if s.after is not None:
            dwg.add(dwg.circle((x(k), y(s.after)), 1.1, fill="#ffffff", stroke="#1f5fbf",
                               stroke_width=0.4,
                               **{"class": "after", "data-score": str(s.after)}))
    words.add(dwg.text(text("Session"), insert=(left + width / 2, CHART_H_MM - 2),
                       text_anchor="middle"))
    # The key, above the plot (inside it, it would sit on the scores of pain 10).
    dwg.add(dwg.circle((left + 1.5, top - 4), 1.1, fill="#1f5fbf"))
    words.add(dwg.text(text("before the session"), insert=(left + 3.5, top - 3)))
    dwg.add(dwg.circle((left + 40, top - 4), 1.0, fill="#ffffff", stroke="#1f5fbf",
                       stroke_width=0.4))
    words.add(dwg.text(text("after it"), insert=(left + 42, top - 3)))
    dwg.add(words)
    return str(dwg.tostring())


def _wrap(words: str, room: float, size: float = CHART_FONT_MM) -> list[str]:
    """Words in lines no wider than ``room`` mm at ``size`` mm letters (CHART_EM a letter)."""
    lines: list[str] = []
    for word in words.split():
        if lines and CHART_EM * size * (len(lines[-1]) + 1 + len(word)) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _stacked(wanted: list[float], counts: list[int], floor: float) -> list[float]:
    """The first baselines of names of ``counts`` lines each, top to bottom, each as near as it
    can be to where it is ``wanted``: never on the name above, and with the last line of the
    last name above ``floor`` (the chart's bottom edge) however low the lines are drawn."""
    tops = list(wanted)
    for k in range(1, len(tops)):  # down: each name below the one above
        tops[k] = max(tops[k], tops[k - 1] + CHART_LABEL_GAP_MM * counts[k - 1])
    limit = floor - CHART_LABEL_GAP_MM * (counts[-1] - 1) if counts else floor
    for k in range(len(tops) - 1, -1, -1):  # up: off the bottom edge, and off the one below
        tops[k] = min(tops[k], limit)
        if k:
            limit = tops[k] - CHART_LABEL_GAP_MM * counts[k - 1]
    return tops
