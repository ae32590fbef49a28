"""The calibration card's page: four cards at 1:1 in the reader's language, a Print button,
the checks to make on paper; reached from a plan's Print menu."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from tests.helpers.patients import add, created_id
from tests.helpers.plans import knee_plan, save, saved_id

CSS = Path(__file__).resolve().parents[2] / "planner" / "static" / "calibration-card.css"


def page(client, path: str = "/calibration-card") -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200
    assert "text/html" in response.content_type
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_it_shows_four_cards_at_one_to_one_with_a_print_button(client, doctor):
    soup = page(client)
    cards = soup.select("[data-testid=cards] svg.calibration-card")
    assert len(cards) == 4
    assert all((c["width"], c["height"]) == ("85.6mm", "53.98mm") for c in cards)
    assert soup.select_one("button[data-print]")
    assert soup.select_one("script[src$='print.js']")
    text = soup.get_text(" ")
    assert "100 % (actual size)" in text and "bank card" in text and "40 mm" in text
    assert soup.select_one("link[href$='paper-a4.css']")


def test_its_words_and_the_cards_are_in_the_language_asked(client, doctor):
    soup = page(client, "/calibration-card?lang=it&paper=letter")
    assert soup.html["lang"] == "it"
    assert soup.select_one("link[href$='paper-letter.css']")
    words = " ".join(t.get_text(" ") for t in soup.select("svg.calibration-card text"))
    assert "Calibration card" not in words
    assert "MPC-1" in words


def test_nothing_scales_the_cards_on_paper():
    css = CSS.read_text()
    assert re.search(r"\.cards svg \{[^}]*width: 85\.6mm; height: 53\.98mm", css)
    assert "zoom" not in css and "scale(" not in css


def test_a_plans_print_menu_offers_it(client, doctor):
    patient = created_id(add(doctor, family_name="Bianchi", given_name="Anna"))
    plan = saved_id(save(doctor, patient, knee_plan()))
    menu = page(client, f"/plans/{plan}")
    assert menu.select_one("[data-testid=print-calibration-card]")["href"] == "/calibration-card"
    assert menu.select_one("[data-testid=print-calibration-card-pdf]")["href"] == \
        "/calibration-card.pdf"
