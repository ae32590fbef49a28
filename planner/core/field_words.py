"""A field of a plan file in a clinician's words: ``areas[2].spacing_mm`` is "Area 3 · spacing".

The plan file, the JSON API and the command line name a field by its path (their contract,
PLAN-FORMAT.md); a page, a printout or the handout never does: there a list's items are
numbered from 1, as the sheet numbers the areas, and each key is a word of the reader's
language. A message names fields with a :class:`Field` parameter: ``str()`` gives their paths
(the English text of the command line and the API), rendering gives these words.

>>> str(field_message("areas[2].spacing_mm"))
'Area 3 · spacing'
>>> str(field_message("mixtures.Knee mix.components[0].mg_per_ml"))
'Mixture Knee mix · Component 1 · concentration'
>>> str(field_message("points[4].volume_ml"))
'Trigger point 5 · volume'
>>> from planner.core.messages import N_, Message
>>> m = Message(N_("%(where)s: too deep"), where=Field("points[0]", "points[3]"))
>>> str(m), m.render(lambda t: t, lambda digits: digits, "en")
('points[0], points[3]: too deep', 'Trigger point 1, Trigger point 4: too deep')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.core.messages import N_, Message

# An item of a list, numbered from 1. A field's words open the message that names it ("Area 3 ·
# spacing: must be..."): its items and its top level keys start with a capital.
ITEMS = {
    "areas": N_("Area %(n)s"),
    "points": N_("Trigger point %(n)s"),
    "sessions": N_("Session %(n)s"),
    "components": N_("Component %(n)s"),
    "overrides": N_("Changed point %(n)s"),
    "exclude": N_("Exclusion %(n)s"),
    "polygon": N_("Corner %(n)s"),
    "line": N_("Point %(n)s of the line"),
    "skip": N_("Skipped point %(n)s"),
}
# A key of an object.
KEYS = {
    "format": N_("File format"),
    "plan": N_("Plan"),
    "bodymap": N_("Body map"),
    "bodymap_version": N_("body map's version"),
    "side": N_("Side"),
    "treatment": N_("Treatment"),
    "patient": N_("Patient"),
    "weight_kg": N_("weight"),
    "areas": N_("Areas"),
    "points": N_("Trigger points"),
    "mixtures": N_("Mixtures"),
    "mixture": N_("mixture"),
    "components": N_("components"),
    "name": N_("name"),
    "drug": N_("drug"),
    "mg_per_ml": N_("concentration"),
    "syringe_ml": N_("syringe"),
    "label": N_("name"),
    "region": N_("region"),
    "polygon": N_("outline"),
    "line": N_("line"),
    "exclude": N_("exclusions"),
    "pattern": N_("pattern"),
    "spacing_mm": N_("spacing"),
    "angle_deg": N_("angle"),
    "margin_mm": N_("margin"),
    "volume_ml": N_("volume per point"),
    "depth_mm": N_("depth"),
    "technique": N_("technique"),
    "overrides": N_("changed points"),
    "x": N_("position"),
    "y": N_("position"),
    "skip": N_("skipped points"),
    "pain_before": N_("pain before"),
    "pain_after": N_("pain after"),
    # A session's record and a cycle's schedule
    "skipped": N_("Skipped points"),
    "volumes": N_("Changed volumes"),
    "added": N_("Added points"),
    "added_volume_ml": N_("Volume of the added points"),
    "added_mixture": N_("Mixture of the added points"),
    "added_at": N_("Places of the added points"),
    "template": N_("Schedule"),
    "sessions": N_("Sessions"),
    "interval_days": N_("Days between sessions"),
}
# A key whose words depend on what holds it: a component's volume is its share of the mixture,
# a trigger point's its own; an area's is per point.
IN = {
    ("components", "volume_ml"): N_("volume"),
    ("points", "volume_ml"): N_("volume"),
}
_TOKENS = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def field_message(path: str) -> Message:
    """The words of a field's ``path``, as a message to render in the reader's language."""
    parts: list[Message] = []
    tokens = [(int(index) if index else None, key) for index, key in _TOKENS.findall(path)]
    within = ""  # the list whose item the following keys belong to
    k = 0
    while k < len(tokens):
        index, key = tokens[k]
        following = tokens[k + 1][0] if k + 1 < len(tokens) else None
        if key == "mixtures" and k + 1 < len(tokens) and tokens[k + 1][0] is None:
            # mixtures.<name>: the mixture the clinician named
            parts.append(Message(N_("Mixture %(name)s"), name=tokens[k + 1][1]))
            k += 2
            continue
        if key and following is not None and key in ITEMS:
            parts.append(Message(ITEMS[key], n=following + 1))
            within = key
            k += 2
            while k < len(tokens) and tokens[k][0] is not None:
                k += 1  # a coordinate of a corner: the corner says where
            continue
        if key:
            said = IN.get((within, key)) or KEYS.get(key)
            # A key the file should not have: named as it was written
            parts.append(Message(said) if said else Message(N_("Field %(name)s"), name=key))
        elif index is not None:
            parts.append(Message(N_("Item %(n)s"), n=index + 1))
        k += 1
    if not parts:
        return Message(N_("The plan"))
    words = parts[-1]
    for part in reversed(parts[:-1]):  # "Area 3 · spacing": each part, then what it holds
        words = Message(N_("%(part)s · %(detail)s"), part=part, detail=words)
    return words


@dataclass(frozen=True, init=False)
class Field:
    """Fields of a plan file named in a message (planner.core.messages.Worded): ``str()`` gives
    their paths, rendering their words, several of them one after the other."""

    paths: tuple[str, ...]

    def __init__(self, *paths: str) -> None:
        object.__setattr__(self, "paths", paths)

    def __str__(self) -> str:
        return ", ".join(self.paths)

    def words(self) -> Message:
        said = field_message(self.paths[-1]) if self.paths else Message(N_("The plan"))
        for path in reversed(self.paths[:-1]):
            said = Message(N_("%(first)s, %(then)s"), first=field_message(path), then=said)
        return said
