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
from planner.core.messages import N_, Message, Number, PlanWarning

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
        name, source = Message(limit.label), Message(limit.source)
        if weight_kg is None:
            dose = Message(N_("%(drug)s: %(mg)s mg in this plan"), drug=name,
                           mg=to_hundredths(mg))
        else:
            dose = Message(N_("%(drug)s: %(mg)s mg in this plan (%(per_kg)s mg/kg at %(kg)s kg)"),
                           drug=name, mg=to_hundredths(mg),
                           per_kg=to_hundredths(mg / exact(Decimal(str(weight_kg)))),
                           kg=Number(weight_kg, "g"))
        if mg > limit_mg:
            notes.append(PlanWarning("anaesthetic-dose", "high", Message(
                N_("%(dose)s is above the limit of %(basis)s (%(source)s)"),
                dose=dose, basis=basis, source=source)))
        elif mg > limit_mg * NEAR_LIMIT:
            notes.append(PlanWarning("anaesthetic-near-limit", "medium", Message(
                N_("%(dose)s is more than 80%% of the limit of %(basis)s (%(source)s)"),
                dose=dose, basis=basis, source=source)))
        if weight_kg is None and limit.mg_per_kg is not None:
            notes.append(PlanWarning("weight-unknown", "medium", Message(
                N_("patient.weight_kg is not given: %(drug)s was checked only against the "
                   "absolute maximum of %(max)s mg, not against %(per_kg)s mg/kg"),
                drug=name, max=limit.max_mg, per_kg=limit.mg_per_kg)))
    if len(by_drug) > 1 and used_fraction > 1:
        # Local anaesthetic toxicity is additive: fractions of each drug's limit add up.
        notes.append(PlanWarning("anaesthetic-combined", "high", Message(
            N_("local anaesthetics together reach %(percent)s%% of their limits (their toxicity "
               "adds up)"), percent=to_hundredths(used_fraction * 100))))
    return notes


def _limit_mg(limit: clinical.AnaestheticLimit,
              weight_kg: float | None) -> tuple[Fraction, Message]:
    """The limit in mg for this patient, and how it was reached (for the message)."""
    cap = exact(limit.max_mg)
    if limit.mg_per_kg is None or weight_kg is None:
        return cap, Message(N_("%(mg)s mg"), mg=limit.max_mg)
    by_weight = exact(limit.mg_per_kg) * exact(Decimal(str(weight_kg)))
    if by_weight < cap:
        return by_weight, Message(N_("%(mg)s mg (%(per_kg)s mg/kg x %(kg)s kg)"),
                                  mg=to_hundredths(by_weight), per_kg=limit.mg_per_kg,
                                  kg=Number(weight_kg, "g"))
    return cap, Message(N_("%(mg)s mg (never above, whatever the weight)"), mg=limit.max_mg)


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
        Message(N_("%(where)s: %(volume)s mL per point is above the usual %(usual)s mL for "
                   "%(treatment)s treatment (%(source)s)"),
                where=where, volume=volume_ml, usual=usual.warn_volume_above_ml,
                treatment=Message(treatment), source=Message(usual.source)),
        area)


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
        Message(N_("%(where)s: %(depth)s mm is deeper than %(max)s mm for the %(technique)s "
                   "technique (%(source)s)"),
                where=where, depth=Number(depth_mm, "g"), max=Number(limit.max_depth_mm, "g"),
                technique=Message(technique), source=Message(limit.source)),
        area)
