"""Downloads: the CSV a user's spreadsheet reads, in their language, as an attachment."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from planner.csv_files import PLAIN, Spreadsheet
from planner.formatting import decimal_mark
from planner.web.i18n import current_locale
from planner.web.record_form import adverse_names, scale_names
from planner.web.roles import role_names
from planner.wording import technique_names


def spreadsheet() -> Spreadsheet:
    """The CSV the user's spreadsheet reads: in Italian and Spanish, semicolons, decimal commas
    and the columns and codes in words; in English, the plain form the command line writes."""
    if current_locale() == "en":
        return PLAIN
    headings = {
        # the points of a plan
        "number": _("Point"), "area": _("Area number"), "area_label": _("Area"),
        "x_mm": _("x (mm)"), "y_mm": _("y (mm)"), "volume_ml": _("Volume (mL)"),
        "mixture": _("Mixture"), "depth_mm": _("Depth (mm)"), "technique": _("Technique"),
        "label": _("Label"),
        # a patient's sessions, the recall
        "session": _("Session record"), "date": _("Date"), "time": _("Time"),
        "status": _("Status"), "plan": _("Plan"), "plan_version": _("Plan version"),
        "cycle_session": _("Session of the cycle"), "performed_by": _("Performed by"),
        "performer_role": _("Performer's role"), "signer_role": _("Signer's role"),
        "points": _("Points"), "total_ml": _("Total (mL)"), "pain_scale": _("Pain scale"),
        "pain_before": _("Pain before"), "pain_after": _("Pain after"),
        "adverse_events": _("Adverse events"), "products_and_lots": _("Products and lots"),
        "signed_by": _("Signed by"), "signed_at": _("Signed on"),
        "record_number": _("Record"), "family_name": _("Family name"),
        "given_name": _("Given name"), "birth_date": _("Birth date"),
        "session_at": _("Session"), "product": _("Product"), "lot": _("Lot"),
        "expiry": _("Expiry"), "session_record": _("Session record")}
    words = {**technique_names(_), **scale_names(), **adverse_names(),
             **role_names(),
             "draft": _("Draft"), "signed": _("Signed"), "discarded": _("Discarded draft")}
    return Spreadsheet(";", decimal_mark(current_locale()), headings, words, bom=True)


def csv_response(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


