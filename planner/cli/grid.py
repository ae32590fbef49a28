"""``mesoplanner grid``: a plan file computed, written as JSON, SVG, CSV or a printout."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli.output import write
from planner.cli.usage import UsageError
from planner.vocabulary import LANGUAGES

if TYPE_CHECKING:
    from planner.bodymaps.view import View
    from planner.core.compute import Result


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    grid = sub.add_parser("grid", help="compute the points, volumes and warnings of a plan file",
                          description="Compute a plan file (PLAN-FORMAT.md): numbered points, "
                                      "volumes, totals per drug, syringes and warnings.")
    grid.add_argument("plan", metavar="PLAN", help="the plan file, or - for standard input")
    grid.add_argument("--format", choices=("json", "svg", "csv", "pdf", "html"), default="json",
                      help="json (default): points and totals; svg: the drawing in mm; "
                           "csv: one row per point; pdf: the printable treatment sheet; "
                           "html: the same sheet as a web page")
    grid.add_argument("-o", "--output", metavar="FILE", default="-",
                      help="where to write (default: standard output)")
    printed = grid.add_argument_group("printing (--format pdf or html)")
    kind = printed.add_mutually_exclusive_group()
    kind.add_argument("--stencil", action="store_true",
                      help="each area at true scale (1:1), tiled over pages, instead of the sheet")
    kind.add_argument("--handout", action="store_true",
                      help="the patient's aftercare handout instead of the sheet")
    printed.add_argument("--paper", choices=("a4", "letter"), default="a4",
                         help="paper size (default a4)")
    printed.add_argument("--compact", action="store_true",
                         help="fit a plan of up to about 60 points on one page")
    printed.add_argument("--language", choices=LANGUAGES, default="en",
                         help="language of the sheet (default en)")
    printed.add_argument("--clinic", default="", metavar="NAME",
                         help="clinic name for the header")
    grid.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planner import csv_files, engine
    from planner.core.plan_reader import loads
    from planner.drawing.plan import plan_svg

    plan = loads(_read_plan(args.plan))
    result, view = engine.run(plan)
    if (args.stencil or args.handout or args.compact) and args.format not in ("pdf", "html"):
        raise UsageError("--stencil, --handout and --compact need --format pdf or html")
    text: str | bytes
    if args.format in ("pdf", "html"):
        text = _printed(args, result, view)
    elif args.format == "json":
        text = json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "svg":
        text = plan_svg(result, view)
    else:
        text = csv_files.points_csv(result)
    for warning in result.warnings:
        print(f"warning: [{warning.severity}] {warning.code}: {warning.message}",
              file=sys.stderr)
    write(args.output, text)
    return 0


def _read_plan(name: str) -> str | bytes:
    from planner.core.plan_reader import MAX_FILE_BYTES

    if name == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        path = Path(name)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise UsageError(f"PLAN: {name} is larger than "
                                 f"{MAX_FILE_BYTES // (1024 * 1024)} MB")
            data = path.read_bytes()
        except FileNotFoundError:
            raise UsageError(f"PLAN: no such file {name!r}") from None
        except IsADirectoryError:
            raise UsageError(f"PLAN: {name!r} is a folder, not a plan file") from None
        except OSError as exc:
            raise UsageError(f"PLAN: cannot read {name!r} ({exc.strerror})") from None
    return data


def _printed(args: argparse.Namespace, result: Result, view: View | None) -> str | bytes:
    """The sheet (or the stencil, or the handout) of a plan file: no patient data."""
    from planner.printing import pdf, plan_pages
    from planner.printing.paper import SheetInfo

    info = SheetInfo(language=args.language, paper=args.paper, compact=args.compact,
                     clinic=args.clinic)
    make = plan_pages.stencil_html if args.stencil else \
        plan_pages.handout_html if args.handout else plan_pages.sheet_html
    html = make(result, view, info)
    return pdf.to_pdf(html) if args.format == "pdf" else html
