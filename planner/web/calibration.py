"""The calibration card's page: four cards to print at 1:1 (the browser prints the page), in
the reader's language, with how to check the print, lay a card on the skin and take the photo,
and how far from the card its measure holds.

No PDF of its own: the print worker's path (web/print_delivery.py) names each kind of
printout's waiting page, and has none for the card; the card holds no patient data and is
printed once in a while, from the browser, which prints SVG at 1:1 as WeasyPrint does.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from planner.calibration.card import CardWords, card_svg
from planner.calibration.layout import CARD
from planner.calibration.reach import surface_error_mm
from planner.printing.paper import PAPERS
from planner.vocabulary import LANGUAGES
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


@bp.get("/calibration-card")
def card() -> ResponseReturnValue:
    """The card as a page to print (?lang=it|es|en, ?paper=a4|letter)."""
    asked = request.args.get("lang", "")
    language = asked if asked in LANGUAGES else current_locale()
    paper = request.args.get("paper", "a4")
    paper = paper if paper in PAPERS else "a4"
    with force_locale(language):
        svg = Markup(card_svg(card_words()))  # svgwrite escapes the words it is given
        curve = [(format_decimal(d, 0), format_decimal(surface_error_mm(d, LIMB_RADIUS_MM), 1))
                 for d in DISTANCES_MM]
        return render_template(
            "calibration/card.html", svg=svg, cards=CARDS, card=CARD, paper=paper,
            language=language, radius=format_decimal(LIMB_RADIUS_MM, 0), curve=curve,
            papers=list(PAPERS))
