"""``mesoplanner bodymaps``: the atlas's views and regions, listed, as JSON or drawn."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from planner.cli.output import write


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    maps = sub.add_parser("bodymaps", help="list the body-map views and their regions",
                          description="The atlas of body-map views and treatment regions.")
    maps.add_argument("--json", action="store_true",
                      help="the whole catalogue as JSON, with each region's polygon as WKT")
    maps.add_argument("--render", metavar="DIR",
                      help="write a contact sheet of every view to DIR for review: one "
                           "image of them all (contact-sheet.png), an SVG of each and an "
                           "index.html")
    maps.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planner.bodymaps import catalogue

    if args.render:
        folder = Path(args.render)
        folder.mkdir(parents=True, exist_ok=True)
        written = catalogue.render_contact_sheet(folder)
        print(f"wrote {len(written)} files to {folder} "
              f"(every view in one image: {folder / catalogue.CONTACT_SHEET_PNG})")
        if not args.json:
            return 0
    data = catalogue.catalogue()
    if args.json:
        write("-", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    lines = []
    for view in data["views"]:
        lines.append(f"{view['id']}  ({view['label']['en']}, {view['width_mm']:g} x "
                     f"{view['height_mm']:g} mm, version {view['version']})")
        for region in view["regions"]:
            lines.append(f"  {region['id']:<44} {region['kind']:<9} "
                         f"{region['area_mm2'] / 100:8.1f} cm2  {region['label']['en']}")
        for guide in view.get("guides", []):
            lines.append(f"  {guide['id']:<44} guide")
    write("-", "\n".join(lines) + "\n")
    return 0
