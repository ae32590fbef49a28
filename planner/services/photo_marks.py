"""Marks on a photo (issue 20): numbered points a clinician places on a photo, each with a few
words ("trigger point", "wheal still red"). A photo without a calibration card has no scale, so
no grid and no stencil: it can still be annotated. Positions are fractions of the photo's width
and height, so a mark stays where it was put whatever size the photo is shown at.

A signed record's photos keep their marks as they were, as the record keeps its words.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

from planner.core.messages import N_
from planner.extensions import db
from planner.models import Photo, User, audit
from planner.services.refusals import NotDraft, Refused

MAX_MARKS = 60  # [our default] more than a session's trigger points; a grid is a plan's job
MAX_TEXT = 80  # [our default] a few words beside a number


@dataclass(frozen=True)
class Mark:
    """One mark: where (fractions of the photo's width and height, 0 to 1) and its words."""

    x: float
    y: float
    text: str = ""


class BadMarks(Refused):
    """The marks sent cannot be kept: ``number`` is the mark at fault (None: all of them),
    ``field`` its part (x, y or text), ``message`` why (N_, with its ``values``)."""

    def __init__(self, number: int | None, field: str, message: str,
                 **values: object) -> None:
        super().__init__(number, field, message)
        self.number, self.field, self.message, self.values = number, field, message, values


def read_marks(xs: Sequence[str], ys: Sequence[str], texts: Sequence[str]) -> list[Mark]:
    """The marks of a form (its ``mark-x``, ``mark-y`` and ``mark-text`` fields, in order), or
    BadMarks naming the first field at fault."""
    if not len(xs) == len(ys) == len(texts):
        raise BadMarks(None, "", N_("the marks sent are incomplete: reload the page"))
    if len(xs) > MAX_MARKS:
        raise BadMarks(None, "", N_("at most %(most)s marks on one photo (got %(got)s)"),
                       most=MAX_MARKS, got=len(xs))
    marks = []
    for k, (x, y, text) in enumerate(zip(xs, ys, texts, strict=True)):
        where = [_fraction(v, k + 1, axis) for v, axis in ((x, "x"), (y, "y"))]
        words = " ".join(text.split())
        if len(words) > MAX_TEXT:
            raise BadMarks(k + 1, "text", N_("at most %(most)s characters (got %(got)s)"),
                           most=MAX_TEXT, got=len(words))
        marks.append(Mark(where[0], where[1], words))
    return marks


def _fraction(value: str, number: int, field: str) -> float:
    """A position across the photo: a number from 0 to 1."""
    try:
        found = float(value)
    except ValueError:
        found = math.nan
    if not 0.0 <= found <= 1.0:  # NaN too
        raise BadMarks(number, field, N_("must be a position on the photo, from 0 to 1"))
    return round(found, 5)


def set_marks(photo: Photo, marks: Sequence[Mark], actor: User) -> None:
    """Keep ``marks`` as the photo's marks (all of them, in their order); committed with its
    audit event. A signed record's photo keeps its marks (NotDraft)."""
    if photo.locked:
        raise NotDraft()
    photo.marks_json = json.dumps([{"x": m.x, "y": m.y, "text": m.text} for m in marks],
                                  ensure_ascii=False) if marks else None
    audit(actor, "update", "photo", photo.id, f"marks: {len(marks)}")
    db.session.commit()
