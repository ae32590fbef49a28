"""Words read back from a printed PDF with pdfplumber (their boxes in mm), and the plans the
stencil and point-table tests print."""

from __future__ import annotations

import io
from typing import Any

import pdfplumber

MM = 72 / 25.4  # PDF points per mm


def page_words(pdf: bytes) -> list[list[dict[str, Any]]]:
    """Each page's words: text, x0, x1, top, bottom (mm from the page's top left) and the
    height of their letters (mm, the font size)."""
    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False,
                                       extra_attrs=["size"])
            pages.append([{"text": w["text"], "x0": w["x0"] / MM, "x1": w["x1"] / MM,
                           "top": w["top"] / MM, "bottom": w["bottom"] / MM,
                           "size": w["size"] / MM} for w in words])
    return pages


def tile_frames(pdf: bytes, least_mm: float = 100.0) -> list[tuple[float, float, float, float]]:
    """On each page the stencil tile's frame (x0, top, x1, bottom in mm): its largest
    rectangle, the dashed border drawn round the tile."""
    frames = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            rects = [r for r in page.rects if r["width"] / MM > least_mm]
            curves = [c for c in page.curves if (c["x1"] - c["x0"]) / MM > least_mm
                      and (c["bottom"] - c["top"]) / MM > least_mm]
            shapes = rects + curves
            best = max(shapes, key=lambda r: (r["x1"] - r["x0"]) * (r["bottom"] - r["top"]))
            frames.append((best["x0"] / MM, best["top"] / MM, best["x1"] / MM,
                           best["bottom"] / MM))
    return frames


def overlapping(words: list[dict[str, Any]], slack_mm: float = 0.05) -> list[tuple[str, str]]:
    """The pairs of words whose boxes overlap (by more than ``slack_mm``)."""
    found = []
    ordered = sorted(words, key=lambda w: w["x0"])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b["x0"] >= a["x1"] - slack_mm:
                break
            if a["top"] < b["bottom"] - slack_mm and b["top"] < a["bottom"] - slack_mm:
                found.append((a["text"], b["text"]))
    return found


def knee_doc(spacing_mm: float = 15, side: str = "right", language: str = "en",
             trigger: tuple[float, float] | None = (100.0, 150.0)) -> dict[str, Any]:
    """The medial-knee plan of examples/knee-medial.json, at ``spacing_mm``, with a trigger
    point."""
    doc: dict[str, Any] = {
        "format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": side,
        "treatment": "antalgic",
        "mixtures": {"A": {"components": [{"name": "saline", "volume_ml": "5.00"}]}},
        "areas": [{"label": "medial knee", "region": "knee-anterior/medial",
                   "pattern": "staggered", "spacing_mm": spacing_mm, "volume_ml": "0.10",
                   "mixture": "A", "depth_mm": 2},
                  {"label": "infrapatellar", "region": "knee-anterior/infrapatellar",
                   "pattern": "square", "spacing_mm": max(spacing_mm, 8), "volume_ml": "0.10",
                   "mixture": "A", "depth_mm": 2}],
        "points": []}
    if trigger is not None:
        doc["points"] = [{"x": trigger[0], "y": trigger[1], "volume_ml": "0.20",
                          "mixture": "A", "label": "trigger"}]
    return doc
