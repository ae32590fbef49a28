"""The clinic's saved mixtures as the pages read them: the current version of each, which saved
version a plan's recipe is, and what the drug catalogue makes of each component.

A mixture is kept as versions (models.SavedMixture): an edit adds a row and marks the one before
superseded. A plan copies a mixture's components when it is added in the editor, so a plan's
recipe is recognised by comparing it with every saved version, never by a link that an edit
could move. Used by the mixtures page (web/mixtures.py) and the plan editor (web/plans.py).

The clinic names a default mixture per treatment (``ClinicSettings.default_mixtures_json``: a
treatment -> the mixture's family id): a new plan of that treatment starts with its current
version, unless it is archived.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select

from planner.core import clinical, drugs, safety
from planner.core.dosing import components_of
from planner.core.drug_catalogue import DRUGS, Drug
from planner.core.messages import PlanError, PlanWarning
from planner.core.plan import FORMAT, Component, Mixture
from planner.core.plan_reader import from_dict
from planner.extensions import db
from planner.models import SavedMixture, clinic_settings

# What the catalogue says of one component by itself: its drug could not be checked, or its
# strength was read from its name. (A dose against its limit depends on the plan, not the recipe.)
RECIPE_CODES = safety.UNCHECKED_CODES | {"anaesthetic-strength-from-name"}
# Longer texts than a plan file takes (plan.py) are refused anyway: not looked up.
MAX_LOOKUP = 200

Recipe = tuple[Component, ...]


def current(archived: bool = False) -> list[SavedMixture]:
    """The current version of every mixture, archived or not, by name."""
    return list(db.session.scalars(
        select(SavedMixture).where(~SavedMixture.superseded,
                                   SavedMixture.archived == archived)
        .order_by(SavedMixture.name)))


def family_of(mixture: int) -> Any:
    """A condition: the row is a version of the mixture ``mixture`` (its first version's id)."""
    return func.coalesce(SavedMixture.family_id, SavedMixture.id) == mixture


def current_of(mixture: int) -> SavedMixture | None:
    """The current version of a mixture, or None when there is no such mixture."""
    return db.session.scalar(select(SavedMixture).where(family_of(mixture),
                                                        ~SavedMixture.superseded))


def versions_of(mixture: int) -> list[SavedMixture]:
    """Every version of a mixture, the newest first."""
    return list(db.session.scalars(select(SavedMixture).where(family_of(mixture))
                                   .order_by(SavedMixture.version.desc())))


def name_taken(name: str, mixture: int | None = None) -> SavedMixture | None:
    """The current mixture (archived or not) other than ``mixture`` that has this name."""
    query = select(SavedMixture).where(SavedMixture.name == name, ~SavedMixture.superseded)
    if mixture is not None:
        query = query.where(~family_of(mixture))
    return db.session.scalar(query.limit(1))


@lru_cache(maxsize=2048)
def recipe(components_json: str) -> Recipe | None:
    """A saved recipe as the core reads it (numbers exact, drug as its catalogue id), or None
    when it no longer reads (a row written by hand). Rows are never changed: cached by text."""
    try:
        components = json.loads(components_json)
        plan = from_dict({"format": FORMAT, "areas": [],
                          "mixtures": {"mixture": {"components": components}}})
    except (PlanError, ValueError, TypeError, RecursionError):
        return None
    return plan.mixtures["mixture"].components


def components(row: SavedMixture) -> list[dict[str, Any]]:
    """A saved version's components as stored (the plan file's form)."""
    found = json.loads(row.components_json)
    return found if isinstance(found, list) else []


@dataclass(frozen=True)
class Origin:
    """Which saved version of which clinic mixture a plan's recipe is."""

    name: str
    version: int
    current_version: int
    archived: bool
    # The current version's components as stored, for the editor's "use version N".
    current_json: str = "[]"
    family: int = 0

    @property
    def changed(self) -> bool:
        """The clinic's mixture has a newer version than the plan's recipe."""
        return self.current_version != self.version


def origins(mixtures: Mapping[str, Mixture]) -> dict[str, Origin]:
    """For each mixture of a plan that is a saved version, the version it is.

    The same recipe saved twice (two names, or a version undone by the next) is told apart by
    the plan's name for it, then the newest is taken.
    """
    if not mixtures:
        return {}
    rows = list(db.session.scalars(select(SavedMixture).order_by(SavedMixture.id)))
    by_recipe: dict[Recipe, list[SavedMixture]] = {}
    latest: dict[int, SavedMixture] = {}
    for row in rows:
        found = recipe(row.components_json)
        if found is not None:
            by_recipe.setdefault(found, []).append(row)
        if not row.superseded:
            latest[row.family] = row
    out: dict[str, Origin] = {}
    for name, mixture in mixtures.items():
        candidates = by_recipe.get(mixture.components, [])
        if not candidates:
            continue
        named = [row for row in candidates if row.name == name]
        row = (named or candidates)[-1]
        now = latest.get(row.family, row)
        out[name] = Origin(row.name, row.version, now.version, now.archived,
                           now.components_json, row.family)
    return out


def default_families() -> dict[str, int]:
    """The clinic's default mixture (its family id) per treatment, as stored; what does not
    read (a treatment no longer known, an id that is not one) is left out, never an error."""
    try:
        stored = json.loads(clinic_settings().default_mixtures_json or "{}")
    except (ValueError, RecursionError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {treatment: family for treatment, family in stored.items()
            if treatment in clinical.TREATMENTS and type(family) is int}


def default_for(treatment: str) -> SavedMixture | None:
    """The current version of the clinic's default mixture for ``treatment``; None when there
    is none, or it is archived, gone, or its recipe no longer reads."""
    family = default_families().get(treatment)
    row = current_of(family) if family is not None else None
    if row is None or row.archived or recipe(row.components_json) is None:
        return None
    return row


@dataclass(frozen=True)
class Finding:
    """What the drug catalogue made of one component: its drug (None when not identified) and
    the core's warnings about it alone (``RECIPE_CODES``)."""

    drug: Drug | None
    notes: tuple[PlanWarning, ...] = ()


def finding(component: Component) -> Finding:
    """What the catalogue makes of a component, by the core's own rules (safety.py)."""
    mixture = Mixture("mixture", (component,))
    totals = components_of({"mixture": mixture.total_ml}, {"mixture": mixture})
    notes = tuple(w for w in safety.anaesthetic_warnings(totals, None) if w.code in RECIPE_CODES)
    return Finding(drugs.identify(component.drug, component.name).drug, notes)


def row_finding(row: Mapping[str, str]) -> Finding | None:
    """What the catalogue makes of a row of the mixture form as typed (None for an empty row).

    A row the plan file's rules refuse still has its drug looked up, when its texts are not
    beyond what a plan file takes; its warnings need the row to read.
    """
    if not any(row.values()):
        return None
    comp: dict[str, Any] = {"name": row.get("component", ""),
                            "volume_ml": row.get("volume_ml", "").replace(",", ".")}
    if row.get("drug"):
        comp["drug"] = row["drug"]
    if row.get("mg_per_ml"):
        comp["mg_per_ml"] = row["mg_per_ml"].replace(",", ".")
    try:
        plan = from_dict({"format": FORMAT, "areas": [],
                          "mixtures": {"mixture": {"components": [comp]}}})
    except PlanError:
        label, drug = row.get("component", ""), row.get("drug", "")
        if len(label) > MAX_LOOKUP or len(drug) > MAX_LOOKUP:
            return Finding(None)
        return Finding(drugs.identify(drug or None, label).drug)
    return finding(plan.mixtures["mixture"].components[0])


def saved_findings(row: SavedMixture) -> list[tuple[dict[str, Any], Finding | None]]:
    """A saved version's components as stored, each with what the catalogue makes of it."""
    stored = components(row)
    parsed = recipe(row.components_json)
    if parsed is None or len(parsed) != len(stored):
        return [(c, None) for c in stored]
    return [(c, finding(p)) for c, p in zip(stored, parsed, strict=True)]


def drug_of(component: Component) -> Drug | None:
    """The catalogue's drug of a plan's component (None when not identified)."""
    return drugs.identify(component.drug, component.name).drug


def catalogue(language: str) -> list[tuple[str, Drug, str]]:
    """The catalogue for the drug field's suggestions: each drug's name in ``language``, the
    drug, and every name it is known by, folded (what typing matches), by name."""
    return sorted(((d.name_in(language), d, " ".join(sorted({drugs.fold(n) for n in
                                                             (*d.names, *d.atc)})))
                   for d in DRUGS), key=lambda entry: drugs.fold(entry[0]))
