"""The safety gate before a session is signed: the checklist, the record and the doses.

Every session asks the same questions (CLINICAL.md, "Contraindications and cautions to ask
before a session": trial exclusions of NCT05329116 and the product labels). The answers are
read together with the patient's record, the doses actually given (safety.py) and the products'
expiry dates. What comes out is two lists:

- ``missing``: what must be filled in before signing (an unanswered question, a product with no
  lot number). No override: the answer is simply needed.
- ``blocks``: findings that stop the signing until the doctor records an override with a reason
  (a positive answer, a record that contradicts a "no", an exceeded anaesthetic limit, an expired
  product, the same site injected outside this cycle in the last 3 months).

>>> gate(Answers({"pregnancy": "no", "breastfeeding": "no", "bleeding": "no", "allergy": "no",
...               "infection": "no", "heart": "no", "same-site": "no", "skin-test": "yes"}),
...      first_session=True, record=Record(), session_day=date(2026, 11, 23)).blocks
()
>>> [f.code for f in gate(Answers({"pregnancy": "yes"}), first_session=False, record=Record(),
...                       session_day=date(2026, 11, 23)).blocks]
['pregnancy']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from planner.core import drugs
from planner.core.dosing import ComponentTotal
from planner.core.messages import N_, Message, PlanWarning
from planner.core.safety import UNCHECKED_CODES

Answer = Literal["yes", "no", ""]
# CLINICAL.md: "injection at the same site within 3 months" (trial exclusion, NCT05329116).
SAME_SITE_DAYS = 90
# CLINICAL.md: "Skin test: 1-2 test injections at least 24 h before the first session".
SKIN_TEST_HOURS = 24
# [our default]: an override reason says something ("ok" is not a reason).
MIN_OVERRIDE_REASON = 10
# The dose findings that stop a signing: an exceeded limit, or a mg/kg limit that could not be
# checked for want of a weight. "Near the limit" is shown, not blocking.
# A component whose drug or dose the catalogue could not check stops it too (safety.py), and so
# does a point given in a no-go zone or off the body outline (compute.py). A danger zone is a
# warning zone by design (CLINICAL.md): shown, not blocking.
BLOCKING_CODES = frozenset({"anaesthetic-dose", "anaesthetic-combined", "weight-unknown",
                            "no-go-zone", "outside-outline"}) | UNCHECKED_CODES


@dataclass(frozen=True)
class Question:
    """One question of the checklist; ``finding`` is the answer that needs the doctor's look."""

    code: str
    text: str
    finding: Answer = "yes"
    first_session_only: bool = False


QUESTIONS = (
    Question("pregnancy", N_("Is the patient pregnant, or could she be?")),
    Question("breastfeeding", N_("Is the patient breastfeeding?")),
    Question("bleeding", N_("Bleeding disorder, or anticoagulant or antiplatelet therapy?")),
    Question("allergy", N_("Allergy to a component of the mixture (local anaesthetics "
                           "included)?")),
    Question("infection", N_("Infection at the site, local or systemic?")),
    # CLINICAL.md lists it with the trial exclusions; the labels ask for lower anaesthetic doses.
    Question("heart", N_("Heart failure or arrhythmia?")),
    Question("same-site", N_("Injections at this site in the last 3 months, outside this "
                             "cycle?")),
    Question("skin-test", N_("Skin test done at least 24 h before this first session?"),
             finding="no", first_session_only=True),
)


@dataclass(frozen=True)
class Answers:
    """The checklist as answered: question code -> "yes", "no" or "" (not answered)."""

    values: Mapping[str, str] = field(default_factory=dict)

    def get(self, code: str) -> Answer:
        """One answer ("" when missing or not yes/no)."""
        value = self.values.get(code, "")
        return "yes" if value == "yes" else "no" if value == "no" else ""


@dataclass(frozen=True)
class Record:
    """What the patient's record says (the facts the checklist is compared with)."""

    pregnant: bool = False
    breastfeeding: bool = False
    bleeding_disorder: bool = False
    anticoagulants: bool = False
    allergies: str = ""


@dataclass(frozen=True)
class Product:
    """A product given in the session, with its lot and expiry (None when not given)."""

    name: str
    lot: str
    expiry: date | None


@dataclass(frozen=True)
class Finding:
    """Something the doctor must see before signing."""

    code: str
    text: Message


@dataclass(frozen=True)
class Gate:
    """The checklist read: what is missing, and what blocks the signing without an override."""

    missing: tuple[Finding, ...]
    blocks: tuple[Finding, ...]

    def allows(self, override_reason: str) -> bool:
        """Whether the session may be signed, with the override reason given (may be "")."""
        if self.missing:
            return False
        return not self.blocks or len(override_reason.strip()) >= MIN_OVERRIDE_REASON


def questions(first_session: bool) -> tuple[Question, ...]:
    """The questions of a session (the skin test is asked before the first one only)."""
    return tuple(q for q in QUESTIONS if first_session or not q.first_session_only)


def gate(answers: Answers, *, first_session: bool, record: Record, session_day: date,
         components: Sequence[ComponentTotal] = (), dose_warnings: Sequence[PlanWarning] = (),
         products: Sequence[Product] = (), same_site_days: Sequence[date] = (),
         pain_scored: bool = True, carried: Sequence[str] = (),
         consent_day: date | None = None) -> Gate:
    """Read a session's checklist with the record, the doses, the products and the history.

    ``same_site_days`` are the days of earlier sessions at the same site outside this cycle;
    ``pain_scored`` says whether the pain before the session was scored (the cycle's trend
    needs it, so a record is not signed without it). ``carried`` names what a new record took
    from the cycle's previous session and nobody has confirmed yet: question codes, and
    "lot:<product>" for a product's lot. [our default]: an answer or a lot carried over counts
    only once someone confirms it today, so the questions are asked again at every session.
    ``consent_day`` is the day the patient signed the consent the record is signed on: a
    consent is given before the treatment, so one signed after the session's day blocks (a
    session recorded late, its consent given on paper then: the doctor says so in the reason).
    """
    missing: list[Finding] = []
    if not pain_scored:
        missing.append(Finding("pain", Message(N_("The pain before the session is not "
                                                  "scored"))))
    blocks: list[Finding] = []
    for q in questions(first_session):
        answer = answers.get(q.code)
        if q.code in carried:
            missing.append(Finding(q.code, Message(
                N_("Carried over from the last session, not confirmed: %(question)s"),
                question=Message(q.text))))
        elif answer == "":
            missing.append(Finding(q.code, Message(N_("Not answered: %(question)s"),
                                                   question=Message(q.text))))
        elif answer == q.finding:
            blocks.append(Finding(q.code, Message(N_("Answered %(answer)s: %(question)s"),
                                                  answer=Message(_ANSWER_WORDS[answer]),
                                                  question=Message(q.text))))
    blocks.extend(_record_conflicts(answers, record))
    blocks.extend(_allergy_matches(record.allergies, components))
    for warning in dose_warnings:
        if warning.code in BLOCKING_CODES:
            blocks.append(Finding(warning.code, warning.text))
    for product in products:
        if f"lot:{product.name}" in carried:
            missing.append(Finding("lot", Message(
                N_("Lot of %(product)s carried over from the last session, not confirmed"),
                product=product.name)))
        elif not product.lot.strip():
            missing.append(Finding("lot", Message(N_("No lot number for %(product)s"),
                                                  product=product.name)))
        if product.expiry is not None and product.expiry < session_day:
            blocks.append(Finding("expired", Message(
                N_("%(product)s (lot %(lot)s) expired on %(expiry)s"),
                product=product.name, lot=product.lot, expiry=product.expiry.isoformat())))
    if consent_day is not None and consent_day > session_day:
        blocks.append(Finding("consent-late", Message(
            N_("The consent was signed on %(day)s, after this session"),
            day=consent_day.isoformat())))
    recent = sorted(d for d in same_site_days
                    if session_day - timedelta(days=SAME_SITE_DAYS) <= d <= session_day)
    if recent and answers.get("same-site") != "yes":
        blocks.append(Finding("same-site-recorded", Message(
            N_("This site was injected on %(day)s, outside this cycle (less than 3 months "
               "ago)"), day=recent[-1].isoformat())))
    return Gate(tuple(missing), tuple(blocks))


_ANSWER_WORDS = {"yes": N_("yes"), "no": N_("no")}
_RECORD_FACTS = (
    ("pregnancy", "pregnant", N_("The patient's record says pregnant, the checklist says no")),
    ("breastfeeding", "breastfeeding",
     N_("The patient's record says breastfeeding, the checklist says no")),
    ("bleeding", "bleeding_disorder",
     N_("The patient's record says bleeding disorder, the checklist says no")),
    ("bleeding", "anticoagulants",
     N_("The patient's record says anticoagulant or antiplatelet therapy, the checklist says "
        "no")),
)


def _record_conflicts(answers: Answers, record: Record) -> list[Finding]:
    """A "no" that the patient's record contradicts is a finding too (which one is right?)."""
    return [Finding(f"record-{attribute}", Message(text))
            for code, attribute, text in _RECORD_FACTS
            if getattr(record, attribute) and answers.get(code) == "no"]


def _allergy_matches(allergies: str, components: Sequence[ComponentTotal]) -> list[Finding]:
    """Components the record's allergies name: as a word of the component's name or drug, as
    the same drug under another name (the drug catalogue: "Xylocaine" is lidocaine), or as
    the drug's class ("anestetici locali", "FANS")."""
    said = _words(allergies)
    named = drugs.drugs_named(allergies)
    classes = _classes_named(allergies)
    found: list[Finding] = []
    seen: set[str] = set()
    for c in components:
        drug = drugs.identify(c.drug, c.name).drug
        words = set().union(*(_words(n) for n in filter(None, (c.drug, c.name))))
        hit = next((w for w in sorted(words) if len(w) >= 4 and w in said), None)
        if hit is None and drug is not None and (
                any(d is drug or d.id == drug.with_adrenaline or drug.id == d.with_adrenaline
                    for d in named) or drug.drug_class in classes):
            hit = drug.id
        if hit is not None and hit not in seen:
            seen.add(hit)
            found.append(Finding("allergy-recorded", Message(
                N_("The patient's record lists an allergy matching %(component)s"),
                component=c.name)))
    return found


# How records name a whole class of drugs, in the three languages (folded: no accents).
_CLASS_WORDS = {
    "local-anaesthetic": ("local anaesthetic", "local anesthetic", "anestetico locale",
                          "anestetici locali", "anestesico local", "anestesicos locales",
                          "anestetici", "anestesicos", "anaesthetics", "anesthetics"),
    "nsaid": ("nsaid", "nsaids", "fans", "aine", "aines", "antinfiammatori",
              "antiinflamatorios", "anti inflammatory", "antiinflammatory"),
    "corticosteroid": ("corticosteroid", "corticosteroids", "cortisone", "cortisonici",
                       "corticosteroidi", "corticoides", "corticosteroides"),
}


def _classes_named(text: str) -> set[str]:
    """The drug classes a record names ("allergia agli anestetici locali": local-anaesthetic)."""
    folded = " " + " ".join(re.findall(r"[a-z]+", drugs.fold(text))) + " "
    return {cls for cls, phrases in _CLASS_WORDS.items()
            if any(f" {p} " in folded for p in phrases)}


def _words(text: str) -> set[str]:
    """Accent-free, case-folded words (so "Lidocaína" in a record matches "lidocaine")."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(ch)).casefold()
    return {_stem(w) for w in re.findall(r"[a-z]+", plain)}


def _stem(word: str) -> str:
    """Drop the endings that differ between Italian, Spanish and English drug names
    (lidocaina, lidocaína, lidocaine -> lidocain)."""
    for ending in ("ina", "ine", "ino", "a", "e", "o"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)] + ("in" if ending.startswith("in") else "")
    return word
