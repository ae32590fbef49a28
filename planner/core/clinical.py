"""Every clinical number the engine uses, in one place, each with its source.

Sources are those of ``shared/CLINICAL.md``. Where a number is our own choice rather than a
published one it says ``[our default]``. Every default stays editable in the plan file; every
limit only raises a warning (the clinician decides), except the input ranges at the bottom,
which refuse values that cannot be meant.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from planner.core.messages import N_


@dataclass(frozen=True)
class Treatment:
    """Starting values for one kind of treatment."""

    spacing_mm: float
    volume_ml: Decimal
    warn_volume_above_ml: Decimal
    depth_mm: float
    pattern: str
    technique: str
    source: str
    # The editor's spacing slider (the box beside it takes all of SPACING_RANGE_MM): the
    # treatment's useful range, so that a drag moves through it and not through 2-100 mm.
    spacing_slider_mm: tuple[float, float] = (2.0, 100.0)


# [our default] starting values (CLINICAL.md "Technique"): spacing and volume for pain follow the
# SIM core technique (0.10-0.20 mL per point, points usually 2-3 cm apart; Mammucari et al., eCAM
# 2012); the cellulite warning level is the PC-DC maximum per puncture (Thomas 2016); depths
# follow the superficial intradermal range, 1-2 mm (NCT05190588); microneedling on the face
# works at 0.5-1.5 mm and is area-based.
TREATMENTS: dict[str, Treatment] = {
    # Sliders [our default]: pain 5-40 mm around the SIM's 2-3 cm (Mammucari et al. eCAM 2012),
    # down to a dense 5 mm grid over a small tender spot; cellulite 5-30 mm around its 15 mm;
    # face 3-20 mm, from nappage's 2-3 mm (clinic protocol, CLINICAL.md) to twice the 1 cm
    # of deoxycholic acid's label; microneedling is area-based (no points): the whole range.
    "antalgic": Treatment(
        20.0, Decimal("0.10"), Decimal("0.30"), 2.0, "square", "intradermal",
        N_("SIM core technique, Mammucari et al. eCAM 2012 [our default]"), (5.0, 40.0),
    ),
    "cellulite": Treatment(
        15.0, Decimal("0.20"), Decimal("0.30"), 2.0, "staggered", "intradermal",
        N_("PC-DC maximum per puncture, Thomas 2016 [our default]"), (5.0, 30.0),
    ),
    "face": Treatment(
        10.0, Decimal("0.05"), Decimal("0.10"), 1.0, "staggered", "intradermal",
        N_("[our default], CLINICAL.md technique table"), (3.0, 20.0),
    ),
    "microneedling": Treatment(
        10.0, Decimal("2.00"), Decimal("0.30"), 1.0, "area", "microneedling",
        N_("face microneedling depth 0.5-1.5 mm, area-based [our default]"),
    ),
}
DEFAULT_TREATMENT = "antalgic"


@dataclass(frozen=True)
class DepthLimit:
    """The deepest a technique is meant to reach, in mm."""

    max_depth_mm: float
    source: str


# Skin (epidermis + dermis) is 0.8-1.5 mm thick on average and 0.5-2.0 mm at most over 24 body
# sites (Krackowizer & Brenner, Phlebologie 2008): deeper than 2.0 mm is beneath the dermis.
# Deep intradermal (IDP) and nappage are 2-4 mm by definition (NCT05190588; clinic protocol).
DEPTH_LIMITS: dict[str, DepthLimit] = {
    "intradermal": DepthLimit(2.0, N_("dermis at most 2.0 mm thick, Krackowizer & Brenner 2008")),
    "superficial-intradermal": DepthLimit(2.0, N_("IDS 1-2 mm, NCT05190588")),
    "micropapules": DepthLimit(2.0, N_("micropapules ~1.5-2 mm, clinic protocol (mesoderm.es)")),
    "deep-intradermal": DepthLimit(4.0, N_("IDP 2-4 mm, NCT05190588")),
    "nappage": DepthLimit(4.0, N_("nappage 2-4 mm deep, clinic protocol")),
    "microneedling": DepthLimit(1.5, N_("face microneedling 0.5-1.5 mm, CLINICAL.md")),
    "subcutaneous": DepthLimit(float("inf"), N_("not intradermal: no dermis depth check")),
}


@dataclass(frozen=True)
class AnaestheticLimit:
    """Cumulative dose limit of one local anaesthetic for one session."""

    label: str
    mg_per_kg: Decimal | None
    max_mg: Decimal
    source: str


# Cumulative per session, all mixtures together (CLINICAL.md "Safety limits"). Which drug a
# component is, whatever its spelling, is the drug catalogue's (drug_catalogue.py, drugs.py).
ANAESTHETIC_LIMITS: dict[str, AnaestheticLimit] = {
    "lidocaine": AnaestheticLimit(
        N_("lidocaine"), Decimal("4.5"), Decimal("300"),
        N_("product labelling: 4.5 mg/kg, never above 300 mg"),
    ),
    "lidocaine-adrenaline": AnaestheticLimit(
        N_("lidocaine with adrenaline"), Decimal("7"), Decimal("500"),
        N_("product labelling: 7 mg/kg, never above 500 mg"),
    ),
    "mepivacaine": AnaestheticLimit(
        N_("mepivacaine"), None, Decimal("400"),
        N_("Carbocaine label: 400 mg usual adult maximum per dose"),
    ),
    # The Novocain label gives 350-600 mg as the single total dose; we warn from the lower end.
    "procaine": AnaestheticLimit(
        N_("procaine"), None, Decimal("350"), N_("Novocain label: 350-600 mg single total dose"),
    ),
}

# The ids of treatments, techniques and local anaesthetics, marked for translation: messages
# name them by id (the English word is the id itself) and a reader of another language gets
# the word. Every id above has its entry (a test checks it).
ID_WORDS = (
    N_("antalgic"), N_("cellulite"), N_("face"), N_("microneedling"),
    N_("intradermal"), N_("superficial-intradermal"), N_("micropapules"),
    N_("deep-intradermal"), N_("nappage"), N_("subcutaneous"),
    N_("lidocaine"), N_("lidocaine-adrenaline"), N_("mepivacaine"), N_("procaine"),
)

# Ranges that refuse input (exit 2): a value outside cannot be meant.
SPACING_RANGE_MM = (2.0, 100.0)  # issue #2: spacing 2 to 100 mm (nappage is 2-3 mm apart)
MARGIN_RANGE_MM = (0.0, 50.0)  # [our default]
ANGLE_RANGE_DEG = (-360.0, 360.0)  # [our default]: a grid's turn, either way, at most once round
DEPTH_RANGE_MM = (0.1, 20.0)  # [our default]: beyond 20 mm is not mesotherapy
POINT_VOLUME_RANGE_ML = (Decimal("0.01"), Decimal("10.00"))  # [our default]: a syringe at most
AREA_VOLUME_RANGE_ML = (Decimal("0.01"), Decimal("100.00"))  # [our default] for area-based
WEIGHT_RANGE_KG = (1.0, 400.0)  # [our default]
SYRINGE_RANGE_ML = (Decimal("0.50"), Decimal("60.00"))  # [our default]
DEFAULT_SYRINGE_ML = Decimal("5.00")  # [our default]: the usual mesotherapy syringe
# [our default]: adrenaline 1:200,000 is 0.005 mg/mL, the weakest strength in a mixture; a
# concentration below 0.0001 mg/mL (or above 1 g/mL) is not meant.
CONCENTRATION_RANGE_MG_PER_ML = (Decimal("0.0001"), Decimal("1000"))
MAX_POINTS_PER_PLAN = 5000  # issue #2: hard limit, refused before computing
COORDINATE_LIMIT_MM = 5000.0  # [our default]: no drawing is larger than 5 m
MAX_VERTICES = 20000  # [our default]: per polygon or line
