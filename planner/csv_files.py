"""CSV files for spreadsheets: every cell a person typed is made safe (never run as a formula),
numbers stay numbers. Used by the command line and the web app."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from planner.core.compute import Result

# A cell a spreadsheet would run as a formula starts with one of these (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula.

    >>> safe("=HYPERLINK(1)"), safe("AB12")
    ("'=HYPERLINK(1)", 'AB12')
    """
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV file: the header, then the rows as given (callers pass typed text through safe)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def points_csv(result: Result) -> str:
    """One row per point of a plan, in injection order."""
    rows = []
    for p in result.points:
        label = result.areas[p.area].area.label if p.area is not None else ""
        rows.append([p.number, "" if p.area is None else p.area, safe(label),
                     f"{p.x:.4f}", f"{p.y:.4f}", p.volume_ml, safe(p.mixture or ""),
                     f"{p.depth_mm:g}", p.technique, safe(p.label or "")])
    return table(["number", "area", "area_label", "x_mm", "y_mm", "volume_ml", "mixture",
                  "depth_mm", "technique", "label"], rows)
