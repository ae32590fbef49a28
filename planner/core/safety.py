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
from functools import lru_cache

from planner.core import clinical, drugs
from planner.core.dosing import ComponentTotal, exact, to_hundredths
from planner.core.drug_catalogue import CLASSES
from planner.core.field_words import Field
from planner.core.messages import N_, Label, Message, Number, PlanWarning

# [our default]: warn a little before a limit, so a small change of plan cannot cross it unseen.
NEAR_LIMIT = Fraction(8, 10)
# The most decimals a dose is shown with to tell it from its limit (then rounded away from it).
MAX_PLACES = 12

# What the catalogue could not vouch for: each means that no dose limit was checked for a
# component (or that its drug is in doubt), so signing a session with it needs an override.
UNCHECKED_CODES = frozenset({
    "anaesthetic-unidentified", "anaesthetic-no-limit", "anaesthetic-unchecked",
    "drug-unidentified", "drug-ambiguous", "drug-mismatch", "strength-mismatch",
})


def anaesthetic_warnings(totals: Sequence[ComponentTotal],
                         weight_kg: float | None) -> list[PlanWarning]:
    """Cumulative local anaesthetic of a whole plan against its per-session limits, and a
    warning for every component whose drug or dose could not be checked.

    Each component's drug is identified by the catalogue (``drugs.identify``: ATC code, then
    name in any of the three languages, salts, brands and strengths folded), so that a limit
    never depends on how the drug was written.
    """
    by_limit: dict[str, Fraction] = {}
    notes: list[PlanWarning] = []
    for total in totals:
        found = drugs.identify(total.drug, total.name)
        mg, more = _dose_of(total, found)
        notes.extend(more)
        if found.drug is not None and found.drug.limit is not None and mg is not None:
            key = found.drug.limit
            by_limit[key] = by_limit[key] + mg if key in by_limit else mg
    used_fraction = Fraction(0)
    for key, mg in by_limit.items():
        limit = clinical.ANAESTHETIC_LIMITS[key]
        limit_mg = _limit_mg(limit, weight_kg)
        if len(by_limit) > 1:
            used_fraction += mg / limit_mg
        notes.extend(_limit_notes(limit, mg, limit_mg, weight_kg))
    if len(by_limit) > 1 and used_fraction > 1:
        # Local anaesthetic toxicity is additive: fractions of each drug's limit add up.
        notes.append(PlanWarning("anaesthetic-combined", "high", Message(
            N_("local anaesthetics together reach %(percent)s%% of their limits (their toxicity "
               "adds up)"), percent=shown_apart(used_fraction * 100, Fraction(100))[0])))
    return _unique(notes)


def _dose_of(total: ComponentTotal, found: drugs.Identity
             ) -> tuple[Fraction | None, list[PlanWarning]]:
    """The mg of a component for the limit check, and what must be said about its identity."""
    name = total.name
    notes = _identity_notes(total, found)
    drug = found.drug
    if drug is None:
        return None, notes
    label = drug.label
    stated = drugs.strength_in(name)
    mg = total.mg
    if stated is not None and total.mg_per_ml is not None and stated != total.mg_per_ml:
        # The name says "2%", the concentration field 2 (or 10): one of them is wrong, and the
        # dose is checked at the higher, so that a typo cannot hide an overdose.
        notes.append(PlanWarning("strength-mismatch", "high", Message(
            N_("%(component)s: its name says %(stated)s mg/mL but %(given)s mg/mL was given: "
               "check the concentration (the dose was checked at the higher)"),
            component=name, stated=stated, given=total.mg_per_ml)))
        mg = total.volume_ml * exact(max(stated, total.mg_per_ml))
    if drug.drug_class != "local-anaesthetic":
        return mg, notes
    if mg is None and stated is not None:
        mg = total.volume_ml * exact(stated)
        notes.append(PlanWarning("anaesthetic-strength-from-name", "medium", Message(
            N_("%(component)s (%(drug)s): no mg per mL was given; the %(mg_per_ml)s mg/mL its "
               "name states was used for the dose check"),
            component=name, drug=label, mg_per_ml=stated)))
    if mg is None:
        notes.append(PlanWarning("anaesthetic-unchecked", "high", Message(
            N_("%(component)s (%(drug)s) has no concentration (mg per mL): its dose could not "
               "be checked against its limit"), component=name, drug=label)))
    elif drug.limit is None:
        notes.append(PlanWarning("anaesthetic-no-limit", "high", Message(
            N_("%(component)s is %(drug)s, a %(class)s with no dose limit in the drug "
               "catalogue: its %(mg)s mg were not checked"),
            component=name, drug=label, mg=to_hundredths(mg),
            **{"class": Message(CLASSES[drug.drug_class])})))
    return mg, notes


def _identity_notes(total: ComponentTotal, found: drugs.Identity) -> list[PlanWarning]:
    """What must be said about which drug a component is, before its dose."""
    notes: list[PlanWarning] = []
    name = total.name
    if found.unknown:
        # Whatever else the component names: an unknown anaesthetic's dose is never checked.
        notes.append(PlanWarning("anaesthetic-unidentified", "high", Message(
            N_("%(component)s: %(words)s looks like a local anaesthetic that the drug catalogue "
               "does not know: no dose limit was checked for it"),
            component=name, words=", ".join(found.unknown))))
    drug = found.drug
    if drug is None:
        stated = drugs.strength_in(name)
        if found.others:
            anaesthetic = any(d.drug_class == "local-anaesthetic" for d in found.others)
            if anaesthetic or total.mg_per_ml is not None or stated is not None:
                names = Label(", ".join(d.en for d in found.others), tuple(
                    (lang, ", ".join(d.name_in(lang) for d in found.others))
                    for lang in ("it", "es")))
                notes.append(PlanWarning("drug-ambiguous", "high" if anaesthetic else "medium",
                                         Message(N_("%(component)s names several drugs "
                                                    "(%(drugs)s): no dose limit was checked "
                                                    "for it; give each drug a component of "
                                                    "its own"),
                                                 component=name, drugs=names)))
        elif not found.unknown and (total.mg_per_ml is not None or stated is not None):
            notes.append(PlanWarning("drug-unidentified", "medium", Message(
                N_("%(component)s: its drug is not in the drug catalogue, so no dose limit was "
                   "checked for it"), component=name)))
        return notes
    label = drug.label
    for other in found.others:
        notes.append(PlanWarning("drug-mismatch", "high", Message(
            N_("%(component)s: the drug is given as %(drug)s but the name says %(other)s: "
               "check which it is (the dose was checked as %(drug)s)"),
            component=name, drug=label, other=other.label)))
    if found.adrenaline_unconfirmed:
        notes.append(PlanWarning("adrenaline-unconfirmed", "medium", Message(
            N_("%(component)s: the drug is given with adrenaline but its name does not say so: "
               "the dose was checked against the limit of %(drug)s, the lower"),
            component=name, drug=label)))
    return notes


def _limit_notes(limit: clinical.AnaestheticLimit, mg: Fraction, limit_mg: Fraction,
                 weight_kg: float | None) -> list[PlanWarning]:
    """A drug's total against its limit: above it, near it, or unchecked per kg."""
    notes: list[PlanWarning] = []
    name, source = Message(limit.label), Message(limit.source)
    if mg > limit_mg or mg > _near(limit_mg):
        mg_shown, limit_shown = shown_apart(mg, limit_mg)
        dose: Message
        if weight_kg is None:
            dose = Message(N_("%(drug)s: %(mg)s mg in this plan"), drug=name, mg=mg_shown)
        else:
            per_kg = mg / _kg(weight_kg)
            per_kg_shown = (shown_apart(per_kg, _exact(limit.mg_per_kg))[0]
                            if limit.mg_per_kg is not None else to_hundredths(per_kg))
            dose = Message(N_("%(drug)s: %(mg)s mg in this plan (%(per_kg)s mg/kg at %(kg)s "
                              "kg)"), drug=name, mg=mg_shown, per_kg=per_kg_shown,
                           kg=Number(weight_kg, "g"))
        basis = _basis(limit, limit_mg, limit_shown, weight_kg)
        if mg > limit_mg:
            notes.append(PlanWarning("anaesthetic-dose", "high", Message(
                N_("%(dose)s is above the limit of %(basis)s (%(source)s)"),
                dose=dose, basis=basis, source=source)))
        else:
            notes.append(PlanWarning("anaesthetic-near-limit", "medium", Message(
                N_("%(dose)s is more than 80%% of the limit of %(basis)s (%(source)s)"),
                dose=dose, basis=basis, source=source)))
    if weight_kg is None and limit.mg_per_kg is not None:
        notes.append(PlanWarning("weight-unknown", "medium", Message(
            N_("the patient's weight is not given: %(drug)s was checked only against the "
               "absolute maximum of %(max)s mg, not against %(per_kg)s mg/kg"),
            drug=name, max=limit.max_mg, per_kg=limit.mg_per_kg)))
    return notes


@lru_cache(maxsize=256)
def _limit_mg(limit: clinical.AnaestheticLimit, weight_kg: float | None) -> Fraction:
    """The limit in mg for this patient: by weight where the label gives mg/kg, never above
    the absolute maximum (the same for every plan of the patient: kept)."""
    cap = exact(limit.max_mg)
    if limit.mg_per_kg is None or weight_kg is None:
        return cap
    return min(cap, exact(limit.mg_per_kg) * _kg(weight_kg))


# What does not change from one plan to the next, reckoned once (Fractions are slow to make).
@lru_cache(maxsize=256)
def _kg(weight_kg: float) -> Fraction:
    return exact(Decimal(str(weight_kg)))


@lru_cache(maxsize=256)
def _near(limit_mg: Fraction) -> Fraction:
    return limit_mg * NEAR_LIMIT


@lru_cache(maxsize=256)
def _exact(value: Decimal) -> Fraction:
    return exact(value)


def _basis(limit: clinical.AnaestheticLimit, limit_mg: Fraction, shown: Decimal,
           weight_kg: float | None) -> Message:
    """How the limit was reached, for the message."""
    cap = _exact(limit.max_mg)
    if limit.mg_per_kg is None or weight_kg is None:
        return Message(N_("%(mg)s mg"), mg=limit.max_mg)
    if limit_mg < cap:
        return Message(N_("%(mg)s mg (%(per_kg)s mg/kg x %(kg)s kg)"), mg=shown,
                       per_kg=limit.mg_per_kg, kg=Number(weight_kg, "g"))
    return Message(N_("%(mg)s mg (never above, whatever the weight)"), mg=limit.max_mg)


def shown_apart(value: Fraction, limit: Fraction) -> tuple[Decimal, Decimal]:
    """A value and its limit rounded alike, with enough decimals (at least two) that the value
    never reads as equal to the limit it differs from, nor on the wrong side of it.

    >>> shown_apart(Fraction(300004, 1000), Fraction(300))
    (Decimal('300.004'), Decimal('300.000'))
    >>> shown_apart(Fraction(300) + Fraction(1, 10**20), Fraction(300))[0] > 300
    True
    """
    above, below = value > limit, value < limit
    for places in range(2, MAX_PLACES + 1):
        v, lim = _rounded(value, places), _rounded(limit, places)
        if (v > lim) == above and (v < lim) == below:
            return v, lim
    # Closer than 1e-12 but not equal: round away from the limit, so the side stays true.
    return _rounded(value, MAX_PLACES, away_from=limit), _rounded(limit, MAX_PLACES)


def _rounded(value: Fraction, places: int, away_from: Fraction | None = None) -> Decimal:
    """An exact amount rounded to ``places`` decimals: half up, or away from ``away_from``."""
    # In whole numbers (a Fraction's denominator is positive): floor(n/d + 1/2) is
    # (2n + d) // 2d, ceil(n/d) is -(-n // d).
    scaled, d = value.numerator * 10**places, value.denominator
    if away_from is None:
        whole = (2 * scaled + d) // (2 * d)
    else:
        whole = -(-scaled // d) if value > away_from else scaled // d
    return Decimal(whole).scaleb(-places)


def _unique(notes: list[PlanWarning]) -> list[PlanWarning]:
    """Each warning once (the same component may be totalled in several mixtures)."""
    if len(notes) < 2:
        return notes
    seen: set[tuple[str, str]] = set()
    out = []
    for note in notes:
        key = (note.code, note.message)
        if key not in seen:
            seen.add(key)
            out.append(note)
    return out


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
                where=Field(where), volume=volume_ml, usual=usual.warn_volume_above_ml,
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
    depth: Decimal | Number = Number(depth_mm, "g")
    deepest: Decimal | Number = Number(limit.max_depth_mm, "g")
    if str(depth) == str(deepest):  # 2.0000001 mm would read "2 mm is deeper than 2 mm"
        depth, deepest = shown_apart(Fraction(Decimal(str(depth_mm))),
                                     Fraction(Decimal(str(limit.max_depth_mm))))
    return PlanWarning(
        code, "medium",
        Message(N_("%(where)s: %(depth)s mm is deeper than %(max)s mm for the %(technique)s "
                   "technique (%(source)s)"),
                where=Field(where), depth=depth, max=deepest,
                technique=Message(technique), source=Message(limit.source)),
        area)
