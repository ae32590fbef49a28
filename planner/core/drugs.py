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
_UNIT = r"(?:%|mg\s*/\s*ml|mg/cc|mg\s*ml|mcg|µg|ug|mg|ml|cc|g|ui|iu|mmol|u)"
_STRENGTH = re.compile(rf"\d+(?:[.,]\d+)*\s*{_UNIT}(?![a-z])|\d+\s*:\s*\d+(?:[.,]\d+)*")
_LETTERS_DIGIT = re.compile(r"([a-z]{2,})(\d)")


@dataclass(frozen=True)
class Identity:
    """What the catalogue made of a component.

    ``drug`` is the drug found (None when none, or when the words name several drugs); ``via``
    says where it was found ("code", "drug" or "name"); ``others`` the drugs named besides it
    (a label naming two drugs, or a label naming another drug than the drug field);
    ``looks_anaesthetic`` is True for an unknown name ending like a local anaesthetic.
    """

    drug: Drug | None
    via: str | None = None
    others: tuple[Drug, ...] = ()
    looks_anaesthetic: bool = False


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
    """Every catalogue drug named in a text, longest names first, each once, in text order.

    >>> [d.id for d in drugs_named("Ketoprofene sale di lisina + lidocaina")]
    ['ketoprofen', 'lidocaine']
    """
    tokens = words(text)
    found: list[Drug] = []
    start = 0
    while start < len(tokens):
        for size in range(min(_LONGEST, len(tokens) - start), 0, -1):
            drug = _BY_WORDS.get(tokens[start:start + size])
            if drug is not None:
                if drug not in found:
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


def _looks_anaesthetic(text: str) -> bool:
    return any(_ANAESTHETIC_ENDING.search(w) for w in re.findall(r"[a-z]+", fold(text)))


@lru_cache(maxsize=4096)
def identify(drug: str | None, name: str) -> Identity:
    """The drug of a component, from its ``drug`` field (code, then name), failing that its
    label. A label that names another drug than the ``drug`` field is reported in ``others``.

    >>> identify("lidocaine", "Mepivacaina 2%").others[0].id
    'mepivacaine'
    >>> identify(None, "Lidocaina + ketoprofene").drug is None
    True
    """
    field = (drug or "").strip()
    in_label = _one_drug(drugs_named(name))
    if field:
        coded = by_code(field) if _ATC.match(re.sub(r"\s+", "", field).upper()) else None
        if coded is not None:
            return _with_label(Identity(coded, "code"), in_label)
        main, others = _one_drug(drugs_named(field))
        if main is not None and not others:
            return _with_label(Identity(main, "drug"), in_label)
        if main is not None:
            return Identity(None, "drug", (main, *others))
    label_code = next((by_code(t) for t in name.split() if _ATC.match(t.upper())
                       and by_code(t) is not None), None)
    if label_code is not None:
        return Identity(label_code, "code")
    main, others = in_label
    if main is not None and not others:
        return Identity(main, "name")
    if main is not None:
        return Identity(None, "name", (main, *others))
    return Identity(None, looks_anaesthetic=_looks_anaesthetic(f"{field} {name}"))


def _with_label(found: Identity, in_label: tuple[Drug | None, tuple[Drug, ...]]) -> Identity:
    """The drug field's drug, with the drugs its label names besides it."""
    main, others = in_label
    assert found.drug is not None
    extra = tuple(d for d in (main, *others)
                  if d is not None and d is not found.drug and not _same(d, found.drug))
    return Identity(found.drug, found.via, extra)


def _same(a: Drug, b: Drug) -> bool:
    """Lidocaine and lidocaine with adrenaline name the same active substance."""
    return a.with_adrenaline == b.id or b.with_adrenaline == a.id


_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
_MG_PER_ML = re.compile(r"(\d+(?:[.,]\d+)?)\s*mg\s*/\s*(\d+(?:[.,]\d+)?)?\s*(?:ml|cc)(?![a-z])")


def strength_in(name: str) -> Decimal | None:
    """The concentration a label states, in mg/mL ("2%" is 20 mg/mL; "100 mg/2 mL" is 50), or
    None when it states none or several different ones.

    >>> strength_in("lidocaina 2%"), strength_in("Ketoprofene 160 mg/2 ml"), strength_in("x")
    (Decimal('20'), Decimal('80'), None)
    """
    text = fold(name)
    found: set[Decimal] = set()
    try:
        for match in _PERCENT.finditer(text):
            found.add(Decimal(match.group(1).replace(",", ".")) * 10)
        for match in _MG_PER_ML.finditer(text):
            mg = Decimal(match.group(1).replace(",", "."))
            ml = Decimal((match.group(2) or "1").replace(",", "."))
            if ml > 0:
                found.add(mg / ml)
    except InvalidOperation:
        return None
    values = {Decimal(format(v.normalize(), "f")) for v in found if v > 0}
    return next(iter(values)) if len(values) == 1 else None


__all__ = ["Identity", "by_code", "by_id", "drugs_named", "fold", "identify", "strength_in",
           "words"]
