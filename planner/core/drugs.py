"""Which drug a mixture's component is: by ATC code first, then by name, whatever the spelling.

A dose limit must follow the drug, never its spelling (CLINICAL.md, "Drug identity"). The drug
is looked for in the component's ``drug`` field, then, failing that, in its label (``name``):

- an ATC code (``N01BB02``) names the drug exactly;
- a name is compared once normalised: case and accents folded, strengths ("2%", "20 mg/mL",
  "1:100.000") and salt words ("hydrochloride", "cloridrato", "clorhidrato") dropped, so that
  "Lidocaína clorhidrato 2%", "LIDOCAINA CLORIDRATO 20 mg/ml" and "Xylocaine" are all lidocaine.

>>> identify(None, "Lidocaína clorhidrato 2%").drug.id
'lidocaine'
>>> identify("N01BB03", "anaesthetic").drug.id, identify(None, "Carbocaina 2%").drug.id
('mepivacaine', 'mepivacaine')
>>> identify(None, "Lidocaina 2% con adrenalina 1:100.000").drug.id
'lidocaine-adrenaline'
>>> found = identify(None, "Oxybuprocaina 0,4%")
>>> found.drug is None, found.looks_anaesthetic
(True, True)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from planner.core.drug_catalogue import DRUGS, Drug

# Words that name a salt, an ester or a form of the same drug, not another drug: dropped before
# names are compared (on both sides, so "sodium bicarbonate" still matches "bicarbonato sodico").
SALT_WORDS = frozenset({
    "hydrochloride", "hydrochlorid", "hcl", "chlorhydrate", "cloridrato", "clorhidrato",
    "cloroidrato", "monohydrate", "monoidrato", "monohidrato", "dihydrate", "anhydrous",
    "sodium", "sodio", "sodico", "sodica", "disodium", "disodico", "potassium", "potassio",
    "potasico", "potassico", "lysine", "lisina", "lysinate", "sale", "salt", "sal",
    "phosphate", "fosfato", "acetate", "acetato", "succinate", "succinato", "hemisuccinate",
    "emisuccinato", "hemisuccinato", "acetonide", "acetonido", "dipropionate", "dipropionato",
    "trometamol", "trometamina", "tromethamine", "base", "mesilate", "mesylate",
})
# Small words of the three languages that join the words of a name.
JOIN_WORDS = frozenset({"di", "de", "del", "della", "of", "the", "la", "el", "e", "y", "and"})
# Endings of local anaesthetics' names (-caine, -caina, -caína, -cain, -kain): a component
# named so that the catalogue does not know still gets a warning that no limit was checked.
_ANAESTHETIC_ENDING = re.compile(r"(?:cain|kain)(?:e|a|um)?$")
_ATC = re.compile(r"^[A-Z]\d\d[A-Z]{1,2}(?:\d\d)?$")
_UNIT = (r"(?:%|per\s*cento|por\s*ciento|percent|pct|(?:mg|g|mcg|ug)\s*(?:/|per)\s*(?:\d+\s*)?"
         r"(?:ml|cc)|mg\s*ml|mcg|µg|ug|mg|ml|cc|g|ui|iu|mmol|u)")
_STRENGTH = re.compile(rf"\d+(?:[.,]\d+)*\s*{_UNIT}(?![a-z])|\d+\s*:\s*\d+(?:[.,]\d+)*")
_LETTERS_DIGIT = re.compile(r"([a-z]{2,})(\d)")


@dataclass(frozen=True)
class Identity:
    """What the catalogue made of a component.

    ``drug`` is the drug its dose is checked as (None when none, or when the words name several
    drugs); ``via`` says where it was found ("code", "drug" or "name"); ``others`` the drugs
    named besides it (a label naming two drugs, or another drug than the drug field);
    ``unknown`` the words that look like a local anaesthetic the catalogue does not know (an
    unknown -caine, a misspelt or cut anaesthetic's name, "anestetico locale"), whatever else
    was found; ``adrenaline_unconfirmed`` is True when the drug field says "with adrenaline" and
    the label names the plain drug: the plain drug's limit, the lower, is the one checked.
    """

    drug: Drug | None
    via: str | None = None
    others: tuple[Drug, ...] = ()
    unknown: tuple[str, ...] = ()
    adrenaline_unconfirmed: bool = False

    @property
    def looks_anaesthetic(self) -> bool:
        """Whether some word of the component looks like an unknown local anaesthetic."""
        return bool(self.unknown)


def fold(text: str) -> str:
    """Case and accents folded, "µ" kept as "u".

    >>> fold("Lidocaína CLORHIDRATO")
    'lidocaina clorhidrato'
    """
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text.replace("µ", "u"))
                    if not unicodedata.combining(ch))
    return plain.casefold()


def words(text: str) -> tuple[str, ...]:
    """The words that identify a drug in a name: folded, strengths, salts and numbers dropped.

    >>> words("Lidocaina cloridrato 2% 20 mg/mL (fiala da 5 ml)")
    ('lidocaina', 'fiala', 'da')
    >>> words("Vitamina B12 1000 mcg")
    ('vitamina', 'b12')
    """
    folded = _LETTERS_DIGIT.sub(r"\1 \2", fold(text))
    folded = _STRENGTH.sub(" ", folded)
    tokens = re.findall(r"[a-z0-9]+", folded)
    return tuple(t for t in tokens
                 if not t.isdigit() and t not in SALT_WORDS and t not in JOIN_WORDS)


def _build_index() -> tuple[dict[tuple[str, ...], Drug], dict[str, Drug]]:
    by_words: dict[tuple[str, ...], Drug] = {}
    for drug in DRUGS:
        for name in (drug.id.replace("-", " "), *drug.names):
            key = words(name)
            if not key:
                continue
            other = by_words.get(key)
            if other is not None and other is not drug:
                raise ValueError(f"catalogue: {name!r} names both {other.id} and {drug.id}")
            by_words[key] = drug
    by_code = {code: drug for drug in DRUGS for code in drug.atc}
    return by_words, by_code


_BY_WORDS, _BY_CODE = _build_index()
_LONGEST = max(len(key) for key in _BY_WORDS)
_BY_ID = {drug.id: drug for drug in DRUGS}
# Every word of every catalogue name, and those of the local anaesthetics' names and brands.
_CATALOGUE_WORDS = frozenset(w for key in _BY_WORDS for w in key)
_ANAESTHETIC_WORDS = frozenset(w for key, drug in _BY_WORDS.items()
                               if drug.drug_class == "local-anaesthetic" for w in key
                               if len(w) >= 5)
# A name after these words is not in the component ("Traumeel senza lidocaina").
NEGATIONS = frozenset({"senza", "sin", "without", "free", "no"})
# The class of local anaesthetics named in words, folded: a component so named is one.
ANAESTHETIC_CLASS_WORDS = frozenset({"anestetico", "anestetici", "anestesico", "anestesicos",
                                     "anaesthetic", "anaesthetics", "anesthetic",
                                     "anesthetics", "anestesia", "anaesthesia", "anesthesia"})


def by_id(drug_id: str) -> Drug | None:
    """The catalogue's drug with this id, or None."""
    return _BY_ID.get(drug_id)


def by_code(code: str) -> Drug | None:
    """The drug with this ATC code (any case, spaces ignored), or None.

    >>> by_code("n01bb02").id
    'lidocaine'
    """
    return _BY_CODE.get(re.sub(r"\s+", "", code).upper())


def drugs_named(text: str) -> tuple[Drug, ...]:
    """Every catalogue drug named in a text (by name or ATC code), longest names first, each
    once, in text order; a name after "senza", "sin" or "without" does not count.

    >>> [d.id for d in drugs_named("Ketoprofene sale di lisina + lidocaina")]
    ['ketoprofen', 'lidocaine']
    >>> [[d.id for d in drugs_named(text)] for text in ("Traumeel senza lidocaina", "N01BB03")]
    [['traumeel'], ['mepivacaine']]
    """
    found: list[Drug] = []
    whole = re.sub(r"\s+", "", text).upper()  # a code written with spaces: "N01 BB02"
    for token in ([whole] if _ATC.match(whole) else text.split()):
        coded = by_code(token) if _ATC.match(token.strip("()[],;.").upper()) else None
        if coded is not None and coded not in found:
            found.append(coded)
    tokens = words(text)
    start = 0
    while start < len(tokens):
        for size in range(min(_LONGEST, len(tokens) - start), 0, -1):
            drug = _BY_WORDS.get(tokens[start:start + size])
            if drug is not None:
                negated = start > 0 and tokens[start - 1] in NEGATIONS
                if drug not in found and not negated:
                    found.append(drug)
                start += size
                break
        else:
            start += 1
    return tuple(found)


def _one_drug(named: tuple[Drug, ...]) -> tuple[Drug | None, tuple[Drug, ...]]:
    """The drug a list of named drugs stands for, and the others (a name may say "with
    adrenaline": lidocaine with adrenaline has its own entry; other anaesthetics keep their
    plain limit, the lower one)."""
    adrenaline = _BY_ID["adrenaline"]
    rest = tuple(d for d in named if d is not adrenaline)
    if not rest:
        return (adrenaline, ()) if named else (None, ())
    main, others = rest[0], rest[1:]
    if adrenaline in named and main.with_adrenaline is not None:
        main = _BY_ID[main.with_adrenaline]
    return main, others


@lru_cache(maxsize=4096)
def identify(drug: str | None, name: str) -> Identity:
    """The drug of a component, from its ``drug`` field (an ATC code or a name), failing that
    its label; every other drug either names, and every word that looks like a local
    anaesthetic the catalogue does not know.

    >>> identify("lidocaine", "Mepivacaina 2%").others[0].id
    'mepivacaine'
    >>> identify(None, "Lidocaina + ketoprofene").drug is None
    True
    >>> identify("ketoprofene", "Ketoprofene + fomocaina 1%").unknown
    ('fomocaina',)
    """
    field = (drug or "").strip()
    field_main, field_others = _one_drug(drugs_named(field))
    label_named = drugs_named(name)
    label_main, label_others = _one_drug(label_named)
    found: Identity
    if field_main is not None and field_others:
        found = Identity(None, "drug", (field_main, *field_others))
    elif field_main is not None:
        via = "code" if by_code(field) is not None else "drug"  # where the drug was found
        others = tuple(d for d in (label_main, *label_others)
                       if d is not None and d is not field_main and not _same(d, field_main))
        plain = next((d for d in DRUGS if d.with_adrenaline == field_main.id), None)
        if plain is not None and label_main is plain:
            # The field says "with adrenaline", the label the plain drug: the lower limit.
            found = Identity(plain, via, others, adrenaline_unconfirmed=True)
        else:
            found = Identity(field_main, via, others)
    elif label_main is not None and label_others:
        found = Identity(None, "name", (label_main, *label_others))
    elif label_main is not None:
        found = Identity(label_main, "name")
    else:
        found = Identity(None)
    named = (found.drug, *found.others)
    anaesthetic = any(d is not None and d.drug_class == "local-anaesthetic" for d in named)
    unknown = _unknown_anaesthetics(f"{field} {name}", anaesthetic)
    return Identity(found.drug, found.via, found.others, unknown, found.adrenaline_unconfirmed)


def _same(a: Drug, b: Drug) -> bool:
    """Lidocaine and lidocaine with adrenaline name the same active substance."""
    return a.with_adrenaline == b.id or b.with_adrenaline == a.id


def _unknown_anaesthetics(text: str, anaesthetic_found: bool) -> tuple[str, ...]:
    """The words of a text that look like a local anaesthetic the catalogue does not know: a
    -caine it has no entry for, always; and, when no catalogue anaesthetic was found in the
    text, a misspelt one (two letters off: "lidocaiana"), a cut one ("lido", "mepi") or the
    class named in words ("anestetico locale")."""
    out: list[str] = []
    for word in dict.fromkeys(words(text)):
        if word in _CATALOGUE_WORDS or word.isdigit():
            continue
        near = not anaesthetic_found and (word in ANAESTHETIC_CLASS_WORDS
                                          or _near_anaesthetic(word))
        if near or _ANAESTHETIC_ENDING.search(word):
            out.append(word)
    return tuple(out)


def _near_anaesthetic(word: str) -> bool:
    """A cut anaesthetic's name ("lido", "mepi": four letters or more of its start), or a
    misspelt one: one edit off for a word of 6 to 8 letters, two from 9 ("lidocaiana"), so that
    amino acids and vitamins of aesthetic mixtures ("prolina") are not taken for one."""
    if len(word) >= 4 and any(name.startswith(word) for name in _ANAESTHETIC_WORDS):
        return True
    edits = 1 if len(word) < 9 else 2
    return len(word) >= 6 and any(_within(word, name, edits) for name in _ANAESTHETIC_WORDS)


def _within(a: str, b: str, edits: int) -> bool:
    """Whether two words are at most ``edits`` apart (insert, delete, replace a letter).

    >>> _within("lidociana", "lidocaina", 2), _within("prolina", "procaina", 1)
    (True, False)
    """
    if abs(len(a) - len(b)) > edits:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        if min(current) > edits:
            return False
        previous = current
    return previous[-1] <= edits


_NUMBER = r"(\d+(?:[.,]\d+)?)"
_PERCENT = re.compile(_NUMBER + r"\s*(?:%|per\s*cento|por\s*ciento|per\s*cent|percent|pct)"
                      r"(?![a-z])")
_PER_VOLUME = re.compile(_NUMBER + r"\s*(mg|g|mcg|ug)\s*(?:/|per|in|en)\s*" + _NUMBER
                         + r"?\s*(ml|cc)(?![a-z])")
_MG_IN = {"mg": Decimal(1), "g": Decimal(1000), "mcg": Decimal("0.001"), "ug": Decimal("0.001")}


@lru_cache(maxsize=4096)
def strength_in(name: str) -> Decimal | None:
    """The concentration a label states, in mg/mL ("2%", "2 per cento": 20 mg/mL; "100 mg/2
    mL": 50; "0,02 g/ml": 20), or None when it states none or several different ones.

    >>> strength_in("lidocaina 2%"), strength_in("Ketoprofene 160 mg/2 ml"), strength_in("x")
    (Decimal('20'), Decimal('80'), None)
    >>> strength_in("Lidocaína 1 g/50 ml"), strength_in("lidocaina 2 per cento")
    (Decimal('20'), Decimal('20'))
    """
    text = fold(name)
    found: set[Decimal] = set()
    try:
        for match in _PERCENT.finditer(text):
            found.add(Decimal(match.group(1).replace(",", ".")) * 10)
        for match in _PER_VOLUME.finditer(text):
            mass = Decimal(match.group(1).replace(",", ".")) * _MG_IN[match.group(2)]
            ml = Decimal((match.group(3) or "1").replace(",", "."))
            if ml > 0:
                found.add(mass / ml)
    except InvalidOperation:
        return None
    values = {Decimal(format(v.normalize(), "f")) for v in found if v > 0}
    return next(iter(values)) if len(values) == 1 else None


__all__ = ["Identity", "by_code", "by_id", "drugs_named", "fold", "identify", "strength_in",
           "words"]
