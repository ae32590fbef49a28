"""From points and mixtures to exact volumes: totals per area and per component, syringe plan.

Volumes are ``Decimal`` in steps of 0.01 mL. A component's share of a mixture is not always a
whole number of hundredths (1 mL in a 3 mL recipe is a third), so component amounts are kept as
exact fractions and rounded once, half up, to 0.01 for display (``to_hundredths``).

>>> from planner.core.plan import Component, Mixture
>>> mix = Mixture("A", (Component("lidocaine 2%", Decimal("1.00"), "lidocaine", Decimal("20")),
...                     Component("saline 0.9%", Decimal("4.00"))))
>>> totals = components_of({"A": Decimal("1.10")}, {"A": mix})
>>> [(c.name, str(to_hundredths(c.volume_ml)), c.mg) for c in totals]
[('lidocaine 2%', '0.22', Fraction(22, 5)), ('saline 0.9%', '0.88', None)]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from planner.core.messages import N_, Message
from planner.core.plan import Mixture

HUNDREDTH = Decimal("0.01")


def to_hundredths(value: Fraction | Decimal) -> Decimal:
    """Round an exact amount half up to 0.01 (mL or mg) for display.

    >>> to_hundredths(Fraction(1, 3)), to_hundredths(Fraction(1, 200))
    (Decimal('0.33'), Decimal('0.01'))
    """
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def exact(value: Decimal) -> Fraction:
    """A Decimal as an exact fraction (from its integer ratio: Fraction(Decimal) takes the
    slow road of abstract type checks).

    >>> exact(Decimal("0.10"))
    Fraction(1, 10)
    """
    return Fraction(*value.as_integer_ratio())


@dataclass(frozen=True)
class ComponentTotal:
    """How much of one component a set of doses contains: exact mL and, with a concentration, mg."""

    name: str
    drug: str | None
    mg_per_ml: Decimal | None
    volume_ml: Fraction
    mg: Fraction | None

    def as_dict(self) -> dict[str, object]:
        """The component as it appears in the plan output (decimal strings, two decimals)."""
        return {
            "name": self.name,
            "drug": self.drug,
            "volume_ml": str(to_hundredths(self.volume_ml)),
            "mg": None if self.mg is None else str(to_hundredths(self.mg)),
        }


def components_of(volume_by_mixture: Mapping[str, Decimal],
                  mixtures: Mapping[str, Mixture]) -> list[ComponentTotal]:
    """Exact amount of every component in the given volumes of each mixture.

    The same component (name, drug and concentration) in several mixtures is added up.
    """
    # Exact sums as whole numerators and denominators, made Fractions once at the end (each
    # Fraction operation costs microseconds): the same values, Fractions being in lowest terms.
    totals: dict[tuple[str, str | None, Decimal | None], tuple[int, int]] = {}
    for name, volume in volume_by_mixture.items():
        mixture = mixtures[name]
        batch = mixture.total_ml
        vn, vd = volume.as_integer_ratio()
        for comp in mixture.components:
            pn, pd = _part_of(comp.volume_ml, batch)
            n, d = vn * pn, vd * pd
            key = (comp.name, comp.drug, comp.mg_per_ml)
            if key in totals:
                tn, td = totals[key]
                n, d = tn * d + n * td, td * d
            totals[key] = (n, d)
    out = []
    for (name, drug, conc), (n, d) in totals.items():
        mg = None
        if conc is not None:
            cn, cd = conc.as_integer_ratio()
            mg = Fraction(n * cn, d * cd)
        out.append(ComponentTotal(name, drug, conc, Fraction(n, d), mg))
    return out


@lru_cache(maxsize=1024)
def _part_of(volume_ml: Decimal, batch_ml: Decimal) -> tuple[int, int]:
    """A component's exact share of one batch, numerator and denominator (the same for every
    plan using the recipe)."""
    share = exact(volume_ml) / exact(batch_ml)
    return share.numerator, share.denominator


@dataclass(frozen=True)
class SyringeFill:
    """``count`` syringes, each filled with ``fill_ml`` made of the listed component volumes."""

    mixture: str
    count: int
    fill_ml: Decimal
    components: tuple[tuple[str, Decimal], ...]

    def as_dict(self, syringe_ml: Decimal) -> dict[str, object]:
        """The syringe line as it appears in the plan output."""
        return {
            "mixture": self.mixture,
            "syringe_ml": str(syringe_ml),
            "count": self.count,
            "fill_ml": str(self.fill_ml),
            "components": [{"name": n, "volume_ml": str(v)} for n, v in self.components],
        }


@dataclass(frozen=True)
class SyringePlan:
    """What to draw into syringes for one mixture, for a plan needing ``needed_ml`` of it.

    ``notice`` says why the recipe is split over several syringes, when it is.
    """

    mixture: str
    needed_ml: Decimal
    prepared_ml: Decimal
    fills: tuple[SyringeFill, ...]
    notice: Message | None = None

    @property
    def note(self) -> str | None:
        """The notice's English text (as in the plan output), or None."""
        return None if self.notice is None else str(self.notice)

    def as_dict(self, syringe_ml: Decimal) -> dict[str, object]:
        """The mixture's syringe plan as it appears in the plan output."""
        return {
            "mixture": self.mixture,
            "needed_ml": str(self.needed_ml),
            "prepared_ml": str(self.prepared_ml),
            "syringes": [f.as_dict(syringe_ml) for f in self.fills],
            "note": self.note,
        }


def syringe_plan(mixture: Mixture, needed_ml: Decimal, syringe_ml: Decimal) -> SyringePlan:
    """Syringes to prepare so that ``needed_ml`` of a mixture can be injected.

    The recipe is prepared whole, as written (one batch = the component volumes of the
    mixture), as many batches as the plan needs, as many batches per syringe as fit. A recipe
    larger than the syringe is split evenly over several syringes.

    >>> from planner.core.plan import Component, Mixture
    >>> mix = Mixture("A", (Component("lidocaine 2%", Decimal("1.00")),
    ...                     Component("saline", Decimal("1.50"))))
    >>> plan = syringe_plan(mix, Decimal("6.10"), Decimal("5.00"))
    >>> [(f.count, str(f.fill_ml)) for f in plan.fills], str(plan.prepared_ml)
    ([(1, '5.00'), (1, '2.50')], '7.50')
    """
    batch = mixture.total_ml
    batches = _ceil_ratio(needed_ml, batch) if needed_ml > 0 else 0
    if batches == 0:
        return SyringePlan(mixture.name, needed_ml, Decimal("0.00"), ())
    if batch <= syringe_ml:
        per_syringe = int(syringe_ml // batch)
        full, rest = divmod(batches, per_syringe)
        fills = []
        if full:
            fills.append(_fill(mixture, batch, full, per_syringe))
        if rest:
            fills.append(_fill(mixture, batch, 1, rest))
        prepared = batch * batches
        return SyringePlan(mixture.name, needed_ml, prepared, tuple(fills))
    split = math.ceil(exact(batch) / exact(syringe_ml))
    parts = tuple(
        (c.name, to_hundredths(exact(c.volume_ml) / split)) for c in mixture.components
    )
    fill_ml = sum((v for _, v in parts), Decimal("0"))
    rounded = any(exact(v) * split != exact(c.volume_ml)
                  for (_, v), c in zip(parts, mixture.components, strict=True))
    template = (N_("one batch of %(batch)s mL does not fit a %(syringe)s mL syringe: it is split "
                   "over %(split)s syringes (component volumes rounded to 0.01 mL in each "
                   "syringe)") if rounded else
                N_("one batch of %(batch)s mL does not fit a %(syringe)s mL syringe: it is split "
                   "over %(split)s syringes"))
    notice = Message(template, batch=batch, syringe=syringe_ml, split=split)
    count = math.ceil(exact(needed_ml) / exact(fill_ml))
    split_fill = SyringeFill(mixture.name, count, fill_ml, parts)
    return SyringePlan(mixture.name, needed_ml, fill_ml * count, (split_fill,), notice)


def _ceil_ratio(a: Decimal, b: Decimal) -> int:
    """ceil(a / b), exactly, in whole numbers.

    >>> _ceil_ratio(Decimal("6.10"), Decimal("2.50")), _ceil_ratio(Decimal("5"), Decimal("2.5"))
    (3, 2)
    """
    na, da = a.as_integer_ratio()
    nb, db = b.as_integer_ratio()
    return -(-(na * db) // (da * nb))


def _fill(mixture: Mixture, batch: Decimal, count: int, batches: int) -> SyringeFill:
    parts = tuple((c.name, c.volume_ml * batches) for c in mixture.components)
    return SyringeFill(mixture.name, count, batch * batches, parts)
