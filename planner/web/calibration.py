"""The calibration card's page: four cards to print at 1:1, in the reader's language, with how
to check the print, lay a card on the skin and take the photo, and how far from the card its
measure holds; printed by the browser (the page's Print button), or as a PDF made by the print
worker like the other printouts (web/print_delivery.py: kind "card"), the same page without its
toolbar. The card holds no patient data: its PDF is audited as a print of a page.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from planner.calibration.card import CardWords, card_svg
from planner.calibration.layout import CARD
from planner.calibration.reach import surface_error_mm
from planner.printing.paper import PAPERS
from planner.services import print_jobs
from planner.vocabulary import LANGUAGES
from planner.web import print_delivery
from planner.web.i18n import current_locale, format_decimal

bp = Blueprint("calibration", __name__)

CARDS = 4  # to a page: one for each room, and spares
# The skin's curve the page's figures are for [our example]: a knee is some 100 mm across.
LIMB_RADIUS_MM = 50
DISTANCES_MM = (25, 50)


def card_words() -> CardWords:
    """The words printed on the card, in the language of the page."""
    return CardWords(
        title=_("Calibration card"),
        instruction=_("Lay it flat on the skin beside the area to treat. Take the photo "
                      "square on, with the whole card in it."))


def asked() -> tuple[str, str]:
    """The language (?lang=it|es|en, else the reader's) and paper (?paper=a4|letter) asked."""
    language = request.args.get("lang", "")
    language = language if language in LANGUAGES else current_locale()
    paper = request.args.get("paper", "a4")
    return language, paper if paper in PAPERS else "a4"


def card_html(language: str, paper: str, *, for_pdf: bool) -> str:
    """The page of cards in ``language`` on ``paper``; for the PDF, without the toolbar and
    its script, its stylesheets named as the print worker finds them (planner/printing/pdf.py)."""
    with force_locale(language):
        svg = Markup(card_svg(card_words()))  # svgwrite escapes the words it is given
        curve = [(format_decimal(d, 0), format_decimal(surface_error_mm(d, LIMB_RADIUS_MM), 1))
                 for d in DISTANCES_MM]
        return render_template(
            "calibration/card.html", svg=svg, cards=CARDS, card=CARD, paper=paper,
            language=language, radius=format_decimal(LIMB_RADIUS_MM, 0), curve=curve,
            papers=list(PAPERS), for_pdf=for_pdf)


@bp.get("/calibration-card")
def card() -> ResponseReturnValue:
    """The card as a page to print (?lang=it|es|en, ?paper=a4|letter)."""
    language, paper = asked()
    return card_html(language, paper, for_pdf=False)


@bp.get("/calibration-card.pdf")
def card_pdf() -> ResponseReturnValue:
    """The card as a PDF at 1:1 (?lang=, ?paper=), made by the print worker and kept: the
    same page for everyone who asks in that language and on that paper."""
    language, paper = asked()
    return print_delivery.answer(
        "card", lambda: card_html(language, paper, for_pdf=True),
        inputs=print_jobs.inputs_key("card", language, paper), entity="page", entity_id=None,
        filename=f"mesoplanner-calibration-card-{paper}-{language}.pdf",
        detail="calibration card PDF",
        page_url=url_for("calibration.card", lang=language, paper=paper))
