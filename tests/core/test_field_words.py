"""A plan file's fields in a clinician's words (planner/core/field_words.py): every path the
reader can make names its items from 1 and its keys in words, never a bracket or a key."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from planner.core.field_words import IN, ITEMS, KEYS, Field, field_message
from planner.core.messages import (
    N_,
    Message,
    PlanWarning,
    message_from_data,
    message_to_data,
)


def english(message: Message) -> str:
    return message.render(lambda t: t, lambda digits: digits, "en")


LISTS = sorted(ITEMS)
KEY_NAMES = sorted(set(KEYS) - {"mixtures"})  # mixtures.<name>: the name as the clinician typed


@st.composite
def paths(draw) -> tuple[str, list[int]]:
    """A field path as the reader writes it, and the indexes in it."""
    parts, indexes = [], []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            name, k = draw(st.sampled_from(LISTS)), draw(st.integers(0, 999))
            parts.append(f"{name}[{k}]")
            indexes.append(k)
        else:
            parts.append(draw(st.sampled_from(KEY_NAMES)))
    return ".".join(parts), indexes


@given(paths())
def test_a_path_is_said_in_words_its_items_numbered_from_1(case):
    path, indexes = case
    words = english(field_message(path))
    assert "[" not in words and "_" not in words and "." not in words, (path, words)
    numbers = [int(n) for n in re.findall(r"\d+", words)]
    assert numbers == [k + 1 for k in indexes], (path, words)


def test_the_words_a_clinician_reads():
    said = {path: english(field_message(path)) for path in (
        "areas[2].spacing_mm", "areas[0].overrides[3].volume_ml", "areas[1].polygon[4][0]",
        "mixtures.Knee mix.components[0].mg_per_ml", "mixtures.Knee mix.components[1].volume_ml",
        "points[4].volume_ml", "patient.weight_kg", "sessions[0].pain_before", "colour")}
    assert said == {
        "areas[2].spacing_mm": "Area 3 · spacing",
        "areas[0].overrides[3].volume_ml": "Area 1 · Changed point 4 · volume per point",
        "areas[1].polygon[4][0]": "Area 2 · Corner 5",
        "mixtures.Knee mix.components[0].mg_per_ml": "Mixture Knee mix · Component 1 · "
                                                     "concentration",
        "mixtures.Knee mix.components[1].volume_ml": "Mixture Knee mix · Component 2 · volume",
        "points[4].volume_ml": "Trigger point 5 · volume",
        "patient.weight_kg": "Patient · weight",
        "sessions[0].pain_before": "Session 1 · pain before",
        "colour": "Field colour",  # a key the file should not have, as written
    }
    assert set(IN) <= {(items, key) for items in ITEMS for key in KEYS}


def test_a_message_keeps_the_path_for_the_command_line_and_words_for_the_reader():
    warning = PlanWarning("x", "medium", Message(N_("%(where)s: too deep"),
                                                 where=Field("points[0]", "points[3]")))
    assert warning.message == "points[0], points[3]: too deep"
    assert english(warning.text) == "Trigger point 1, Trigger point 4: too deep"
    # A record keeps the message as its reader reads it, in words, in any language later.
    stored = message_from_data(message_to_data(warning.text))
    assert english(stored) == english(warning.text) and "points[" not in english(stored)
