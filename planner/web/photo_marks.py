"""Marks on a photo (issue 20): the page where a clinician taps numbered marks onto a photo and
gives each a few words (services/photo_marks.py). A photo without a calibration card is
annotated this way, with no scale and no stencil."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from planner.services.photo_marks import MAX_MARKS, MAX_TEXT, BadMarks, read_marks, set_marks
from planner.services.refusals import NotDraft
from planner.web.lookups import get_photo

bp = Blueprint("photo_marks", __name__)


@bp.get("/photos/<int:photo_id>/marks")
def edit(photo_id: int) -> ResponseReturnValue:
    """The photo with its marks: a tap on it adds one; each has its words."""
    photo = get_photo(photo_id)
    return render_template("photos/marks.html", photo=photo, marks=photo.marks,
                           locked=photo.locked, most=MAX_MARKS, most_text=MAX_TEXT)


@bp.post("/photos/<int:photo_id>/marks")
def save(photo_id: int) -> ResponseReturnValue:
    """Keep the marks as sent (all of them, numbered in their order); the page again, with
    the marks as sent and what is wrong (the mark and its field named), if they cannot be."""
    photo = get_photo(photo_id)
    form = request.form
    try:
        marks = read_marks(form.getlist("mark-x"), form.getlist("mark-y"),
                           form.getlist("mark-text"))
        set_marks(photo, marks, current_user)
    except BadMarks as exc:
        why = _(exc.message, **exc.values)
        error = _("Mark %(number)s: %(why)s", number=exc.number, why=why) \
            if exc.number is not None else why
        flash(_("The marks were not saved: %(error)s", error=error), "error")
        sent = [{"x": x, "y": y, "text": t} for x, y, t in zip(
            form.getlist("mark-x"), form.getlist("mark-y"), form.getlist("mark-text"),
            strict=False)]
        return render_template("photos/marks.html", photo=photo, marks=sent, locked=False,
                               most=MAX_MARKS, most_text=MAX_TEXT), 422
    except NotDraft:
        flash(_("This photo belongs to a signed session record: its marks stay as they "
                "were."), "error")
        return redirect(url_for("photo_marks.edit", photo_id=photo.id), 303)
    flash(_("Marks saved."), "success")
    return redirect(url_for("photos.show", photo_id=photo.id), 303)
