"""CSV files for spreadsheets: every cell a person typed is made safe (never run as a formula),
numbers stay numbers. Used by the command line and the web app.

The command line writes the plain form (commas, decimal points, the columns' codes); the web
app writes for the reader's spreadsheet (``Spreadsheet``): an Italian or Spanish one splits on
semicolons and reads decimal commas, and its columns and codes are said in the reader's words.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.core.compute import Result
from planner.formatting import marked

# A cell a spreadsheet would run as a formula starts with one of these (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula.

    >>> safe("=HYPERLINK(1)"), safe("AB12")
    ("'=HYPERLINK(1)", 'AB12')
    """
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@dataclass(frozen=True)
class Spreadsheet:
    """How a CSV is written for its reader: the separator and decimal mark their spreadsheet
    reads, the names of the columns and the words for the codes in the cells (a code or a
    column it does not name stays as it is).

    >>> italian = Spreadsheet(";", ",", {"volume_ml": "Volume (mL)"}, {"signed": "firmata"})
    >>> italian.number("0.10"), italian.heading("volume_ml"), italian.word("signed")
    ('0,10', 'Volume (mL)', 'firmata')
    """

    delimiter: str = ","
    decimal: str = "."
    headings: Mapping[str, str] = field(default_factory=dict)
    words: Mapping[str, str] = field(default_factory=dict)
    # A byte-order mark tells a spreadsheet the file is UTF-8 (accented names stay readable).
    bom: bool = False

    def number(self, plain: object) -> str:
        """A plain number (``0.10``) with the reader's decimal mark, every digit kept."""
        return marked(plain, self.decimal)

    def heading(self, column: str) -> str:
        return self.headings.get(column, column)

    def word(self, code: str) -> str:
        return self.words.get(code, code)


PLAIN = Spreadsheet()


def table(header: Sequence[str], rows: Iterable[Sequence[Any]],
          sheet: Spreadsheet = PLAIN) -> str:
    """A CSV file: the header, then the rows as given (callers pass typed text through safe)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sheet.delimiter, lineterminator="\n")
    writer.writerow([sheet.heading(column) for column in header])
    writer.writerows(rows)
    return ("\ufeff" if sheet.bom else "") + out.getvalue()


POINT_COLUMNS = ("number", "area", "area_label", "x_mm", "y_mm", "volume_ml", "mixture",
                 "depth_mm", "technique", "label")


def points_csv(result: Result, sheet: Spreadsheet = PLAIN) -> str:
    """One row per point of a plan, in injection order."""
    rows = []
    for p in result.points:
        label = result.areas[p.area].area.label if p.area is not None else ""
        rows.append([p.number, "" if p.area is None else p.area, safe(label),
                     sheet.number(f"{p.x:.4f}"), sheet.number(f"{p.y:.4f}"),
                     sheet.number(p.volume_ml), safe(p.mixture or ""),
                     sheet.number(f"{p.depth_mm:g}"), sheet.word(p.technique),
                     safe(p.label or "")])
    return table(POINT_COLUMNS, rows, sheet)
