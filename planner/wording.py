"""The words of the plan in the reader's language, for the screen and for paper (its numbers,
dates and percentages: planner/formatting.py).

Flask-free: the web app passes Flask-Babel's gettext, the print sheet and the command line a
Babel catalogue's. Each function takes that ``_`` and returns the names by code.
"""

from __future__ import annotations

from collections.abc import Callable

from planner.core.whereabouts import Whereabouts

Gettext = Callable[..., str]


def treatment_names(_: Gettext) -> dict[str, str]:
    """Treatment types."""
    return {"antalgic": _("Pain (antalgic)"), "cellulite": _("Cellulite"),
            "face": _("Face"), "microneedling": _("Microneedling")}


def pattern_names(_: Gettext) -> dict[str, str]:
    """Grid patterns."""
    return {"square": _("Square grid"), "staggered": _("Staggered (hexagonal)"),
            "line": _("Along a line"), "area": _("Whole area (no points)")}


def technique_names(_: Gettext) -> dict[str, str]:
    """Injection techniques (planner.core.clinical.DEPTH_LIMITS)."""
    return {"intradermal": _("Intradermal"),
            "superficial-intradermal": _("Superficial intradermal"),
            "micropapules": _("Micropapules"), "deep-intradermal": _("Deep intradermal"),
            "nappage": _("Nappage"), "microneedling": _("Microneedling"),
            "subcutaneous": _("Subcutaneous")}


def warning_titles(_: Gettext) -> dict[str, str]:
    """A short title for each kind of warning of the engine."""
    return {
        "anaesthetic-dose": _("Local anaesthetic above its limit"),
        "anaesthetic-near-limit": _("Local anaesthetic near its limit"),
        "anaesthetic-combined": _("Local anaesthetics together above their limits"),
        "weight-unknown": _("Weight not recorded: dose checked against the absolute maximum"),
        "anaesthetic-unidentified": _("Unknown local anaesthetic: dose not checked"),
        "anaesthetic-no-limit": _("Local anaesthetic with no limit in the catalogue"),
        "anaesthetic-unchecked": _("Local anaesthetic without a concentration: dose not checked"),
        "anaesthetic-strength-from-name": _("Concentration read from the component's name"),
        "drug-unidentified": _("Drug not in the catalogue: dose not checked"),
        "drug-ambiguous": _("One component names several drugs"),
        "drug-mismatch": _("Drug and name disagree"),
        "strength-mismatch": _("Concentration and name disagree"),
        "adrenaline-unconfirmed": _("Adrenaline not in the name: checked without it"),
        "volume-per-point": _("Volume per point above the usual maximum"),
        "depth-beyond-dermis": _("Depth beyond the dermis"),
        "depth-microneedling": _("Needle depth above the usual for microneedling"),
        "danger-zone": _("Points in a danger zone"),
        "no-go-zone": _("Points in a no-go zone"),
        "outside-outline": _("Points outside the body outline"),
        "stroke-repaired": _("Outline crossing itself, repaired"),
        "no-go-removed": _("No-go zone left out"),
        "outside-body": _("Part outside the body left out"),
        "area-empty": _("Nothing left of the area"),
        "area-narrow": _("Narrow area: points on its centre line"),
        "area-tiny": _("Small area: one point at its centre"),
        "margin-not-kept": _("Area narrower than twice the margin"),
        "line-empty": _("Nothing left of the line"),
        "line-ignored": _("Line not used by this pattern"),
        "override-unmatched": _("A point change matches no point"),
        "no-mixture": _("Area without a mixture"),
        "syringe-split": _("Mixture split over several syringes"),
        "side-missing": _("Side not given"),
        "bodymap-version": _("Body map redrawn since the plan was made"),
        "photo-reach": _("Points far from the calibration card"),
    }


def direction_words(_: Gettext) -> dict[str, str]:
    """The directions of a point from a landmark (planner.core.whereabouts), written after
    their millimetres ("18 mm medial"): on a limb lateral or medial, proximal or distal (or
    anterior and posterior on a lateral view); on the trunk and face the patient's right and
    left, above and below; on a drawing that says nothing of its sides, as drawn."""
    return {"lateral": _("lateral"), "medial": _("medial"), "proximal": _("proximal"),
            "distal": _("distal"), "anterior": _("anterior"), "posterior": _("posterior"),
            "right": _("right"), "left": _("left"), "cranial": _("above"),
            "caudal": _("below"), "drawing-left": _("left on the drawing"),
            "drawing-right": _("right on the drawing"), "drawing-up": _("up on the drawing"),
            "drawing-down": _("down on the drawing")}


def offsets_text(where: Whereabouts, _: Gettext, unit: str = " mm") -> str:
    """The two distances of a position, across first ("18 mm medial, 6 mm distal"); with
    ``unit=""`` the short form of the point table, whose heading says mm ("18 medial,
    6 distal"); at the landmark's centre, "at the centre"."""
    words = direction_words(_)
    parts = [f"{o.mm}{unit} {words.get(d, d)}" for o in (where.across, where.along)
             if (d := o.direction) is not None and o.mm > 0]
    return ", ".join(parts) if parts else _("at the centre")


def position_text(where: Whereabouts, _: Gettext) -> str:
    """A point's position in full: "Patella (centre): 18 mm medial, 6 mm distal"."""
    return _("%(landmark)s (centre): %(offsets)s") % {
        "landmark": where.landmark.name, "offsets": offsets_text(where, _)}


def tile_edge_words(_: Gettext) -> dict[str, str]:
    """The words at a stencil tile's edges for each direction of planner.core.whereabouts, as
    the drawing writes them at its edges (LATERAL, PROXIMAL, PATIENT'S RIGHT...); none for
    above and below or a direction as drawn."""
    return {**edge_words(_), "right": _("PATIENT'S RIGHT"), "left": _("PATIENT'S LEFT")}


def cycle_names(_: Gettext) -> dict[str, str]:
    """Cycle schedules (planner.core.cycles.TEMPLATES)."""
    return {"antalgic-severe": _("Severe pain: 2 sessions 4 days apart, then weekly (4 in all)"),
            "antalgic": _("Pain: weekly, 4 sessions"),
            "microneedling": _("Microneedling: 2 sessions 5 weeks apart"),
            "face": _("Face: 4 sessions every 15 days"),
            "maintenance": _("Maintenance: monthly")}



def site_name(view_id: str, side: str | None, _: Gettext) -> str | None:
    """The treated site with its side in words, as a clinician says it ("right knee"); None for
    a view of no one limb (the trunk, the face, the whole body). Each side is its own message:
    in Italian and Spanish the adjective agrees with the part (ginocchio destro, spalla destra).
    """
    if side not in ("left", "right"):
        return None
    names = {
        "knee": (_("right knee"), _("left knee")),
        "shoulder": (_("right shoulder"), _("left shoulder")),
        "ankle": (_("right ankle"), _("left ankle")),
        "hip": (_("right hip"), _("left hip")),
        "elbow": (_("right elbow"), _("left elbow")),
        "hand": (_("right hand"), _("left hand")),
    }.get(view_id.split("-", 1)[0])
    if names is None:
        return None
    return names[0] if side == "right" else names[1]


def limb_edges(side: str | None, _: Gettext) -> tuple[str, str] | None:
    """The words at the edges of a single limb's drawing, the patient's right edge first: on a
    right limb that edge is its lateral side, on a left limb its medial side (anatomical
    position). None for a limb of no side."""
    if side not in ("left", "right"):
        return None
    lateral, medial = _("LATERAL"), _("MEDIAL")
    return (lateral, medial) if side == "right" else (medial, lateral)


def edge_words(_: Gettext) -> dict[str, str]:
    """What an edge of a limb's drawing faces, as written at that edge (bodymaps' data-edge-*)."""
    return {"proximal": _("PROXIMAL"), "distal": _("DISTAL"), "anterior": _("ANTERIOR"),
            "posterior": _("POSTERIOR"), "lateral": _("LATERAL"), "medial": _("MEDIAL"),
            "plantar": _("PLANTAR")}
