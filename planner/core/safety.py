"""Safety checks on a plan's doses: structured warnings, never a clamp or a refusal.

The limits are those of ``clinical.py`` (each with its source). The clinician decides.

>>> from fractions import Fraction
>>> from planner.core.dosing import ComponentTotal
>>> lido = ComponentTotal("lidocaine 2%", "lidocaine", Decimal("20"), Fraction(18), Fraction(360))
>>> [w.code for w in anaesthetic_warnings([lido], weight_kg=70)]
['anaesthetic-dose']
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from planner.core import clinical
from planner.core.dosing import ComponentTotal, exact, to_hundredths
from planner.core.messages import PlanWarning

# [our default]: warn a little before a limit, so a small change of plan cannot cross it unseen.
NEAR_LIMIT = Fraction(8, 10)


def anaesthetic_warnings(totals: Sequence[ComponentTotal],
                         weight_kg: float | None) -> list[PlanWarning]:
    """Cumulative local anaesthetic of a whole plan against its per-session limits."""
    by_drug: dict[str, Fraction] = {}
    for total in totals:
        if total.drug in clinical.ANAESTHETIC_LIMITS and total.mg is not None:
            by_drug[total.drug] = by_drug.get(total.drug, Fraction(0)) + total.mg
    notes: list[PlanWarning] = []
    used_fraction = Fraction(0)
    for drug, mg in by_drug.items():
        limit = clinical.ANAESTHETIC_LIMITS[drug]
        limit_mg, basis = _limit_mg(limit, weight_kg)
        used_fraction += mg / limit_mg
        dose = f"{limit.label}: {to_hundredths(mg)} mg in this plan"
        if weight_kg is not None:
            per_kg = to_hundredths(mg / exact(Decimal(str(weight_kg))))
            dose += f" ({per_kg} mg/kg at {weight_kg:g} kg)"
        if mg > limit_mg:
            notes.append(PlanWarning("anaesthetic-dose", "high",
                                     f"{dose} is above the limit of {basis} ({limit.source})"))
        elif mg > limit_mg * NEAR_LIMIT:
            notes.append(PlanWarning("anaesthetic-near-limit", "medium",
                                     f"{dose} is more than 80% of the limit of {basis} "
                                     f"({limit.source})"))
        if weight_kg is None and limit.mg_per_kg is not None:
            notes.append(PlanWarning(
                "weight-unknown", "medium",
                f"patient.weight_kg is not given: {limit.label} was checked only against the "
                f"absolute maximum of {limit.max_mg} mg, not against {limit.mg_per_kg} mg/kg"))
    if len(by_drug) > 1 and used_fraction > 1:
        # Local anaesthetic toxicity is additive: fractions of each drug's limit add up.
        notes.append(PlanWarning(
            "anaesthetic-combined", "high",
            f"local anaesthetics together reach {to_hundredths(used_fraction * 100)}% of their "
            "limits (their toxicity adds up)"))
    return notes


def _limit_mg(limit: clinical.AnaestheticLimit, weight_kg: float | None) -> tuple[Fraction, str]:
    cap = exact(limit.max_mg)
    if limit.mg_per_kg is None or weight_kg is None:
        return cap, f"{limit.max_mg} mg"
    by_weight = exact(limit.mg_per_kg) * exact(Decimal(str(weight_kg)))
    if by_weight < cap:
        return by_weight, (f"{to_hundredths(by_weight)} mg ({limit.mg_per_kg} mg/kg x "
                           f"{weight_kg:g} kg)")
    return cap, f"{limit.max_mg} mg (never above, whatever the weight)"


def volume_warning(volume_ml: Decimal, treatment: str, where: str,
                   area: int | None) -> PlanWarning | None:
    """A point's volume above the treatment's usual maximum.

    >>> volume_warning(Decimal("0.40"), "antalgic", "areas[0].volume_ml", 0).code
    'volume-per-point'
    """
    usual = clinical.TREATMENTS[treatment]
    if volume_ml <= usual.warn_volume_above_ml:
        return None
    return PlanWarning(
        "volume-per-point", "medium",
        f"{where}: {volume_ml} mL per point is above the usual {usual.warn_volume_above_ml} mL "
        f"for {treatment} treatment ({usual.source})", area)


def depth_warning(depth_mm: float, technique: str, where: str,
                  area: int | None) -> PlanWarning | None:
    """A depth beyond what the technique reaches (for intradermal: beneath the dermis).

    >>> depth_warning(4.0, "intradermal", "areas[0].depth_mm", 0).code
    'depth-beyond-dermis'
    """
    limit = clinical.DEPTH_LIMITS[technique]
    if depth_mm <= limit.max_depth_mm:
        return None
    code = "depth-beyond-dermis" if technique != "microneedling" else "depth-microneedling"
    return PlanWarning(
        code, "medium",
        f"{where}: {depth_mm:g} mm is deeper than {limit.max_depth_mm:g} mm for the {technique} "
        f"technique ({limit.source})", area)
