"""The core's exception and warning types: what a clinician reads when something is off.

Every text is a :class:`Message`: an English template (marked with :func:`N_` so that Babel
extracts it) and its parameters. ``str()`` gives the English text, the one the command line and
the plan output print; :meth:`Message.render` gives it in another language, with a translation
function and a number formatter that the caller brings (the core knows no Flask and no Babel).
A message that counts something (:func:`ngettext`: "1 point lies", "2 points lie") has its
singular and plural templates, said by the count, in each language by its own plural rule.

>>> spacing = PlanError("areas[0].spacing_mm", N_("must be between %(lo)s and %(hi)s mm (got "
...                     "%(got)s)"), lo=2, hi=100, got=0)
>>> str(spacing)
'areas[0].spacing_mm: must be between 2 and 100 mm (got 0)'
>>> italian = {spacing.text.template: "deve essere tra %(lo)s e %(hi)s mm (valore: %(got)s)"}
>>> spacing.text.render(lambda t: italian.get(t, t), lambda digits: digits.replace(".", ","),
...                     "it")
'deve essere tra 2 e 100 mm (valore: 0)'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol, TypeAlias, runtime_checkable

Severity = Literal["info", "medium", "high"]


def N_(template: str) -> str:
    """Mark a message template for extraction without translating it (gettext_noop)."""
    return template


def ngettext(singular: str, plural: str, n: int, /, **params: Param) -> Message:
    """A message said in the singular or the plural as ``n`` says, in each language by its own
    rule (Babel extracts the two templates as one entry with its plural: the ``ngettext``
    keyword); its parameters as :class:`Message`'s.

    >>> lie = lambda n: ngettext("%(n)s point lies there", "%(n)s points lie there", n, n=n)
    >>> str(lie(1)), str(lie(3))
    ('1 point lies there', '3 points lie there')
    >>> italian = {"%(n)s point lies there": ("%(n)s punto è lì", "%(n)s punti sono lì")}
    >>> lie(2).render(str, str, "it", lambda one, many, k: italian[one][k != 1])
    '2 punti sono lì'
    """
    return Message(singular, **params).counted(plural, n)


@dataclass(frozen=True)
class Number:
    """A number inside a message, with the format spec of its English text (``"g"``, ``",.0f"``).

    The value is kept as it is (a Decimal dose is never turned into a float); a reader in another
    language gets the same digits with its own separators.

    >>> str(Number(5000, ",")), str(Number(2.0, "g")), str(Number(-0.4, "+.0f"))
    ('5,000', '2', '-0')
    """

    value: Decimal | int | float
    spec: str = ""

    def __str__(self) -> str:
        return format(self.value, self.spec)

    def digits(self) -> str:
        """The English text without grouping commas: ``5000`` for ``5,000``."""
        return format(self.value, self.spec.replace(",", ""))


@dataclass(frozen=True)
class Label:
    """A name given in each language by the data (a body-map region); ``str()`` is the English.

    >>> Label("glabella", (("it", "glabella"), ("es", "entrecejo"))).text_in("es")
    'entrecejo'
    """

    text: str
    translations: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return self.text

    def text_in(self, language: str) -> str:
        """The name in ``language``, or the English one when the data has none."""
        return dict(self.translations).get(language, self.text)


@runtime_checkable
class Worded(Protocol):
    """A parameter that is said in words of its own: a field of the plan file
    (planner/core/field_words.py Field), whose ``str()`` is its path, as the command line and the
    API print it, and whose ``words()`` is what a reader of a page or a printout gets ("Area 3 ·
    spacing", never ``areas[2].spacing_mm``)."""

    def words(self) -> Message: ...


# A parameter of a message: text shown as it is (ids, names the clinician typed), a field of the
# plan file (Worded), a number (int and Decimal as they are, floats through Number with their
# format), a word or phrase that is itself translated (Message), or a name the data gives in each
# language (Label).
Param: TypeAlias = "str | int | Decimal | Number | Label | Worded | Message"

# Plain digits, as a number formatter receives them: optional sign, digits, optional decimals.
_PLAIN = re.compile(r"^([+-]?)(\d{1,20})(?:\.(\d{1,20}))?$")


@dataclass(frozen=True, init=False)
class Message:
    """An English template with ``%(name)s`` placeholders and the values that fill them.

    A template without parameters is used as it is (no ``%`` formatting, as with gettext), so
    ``%`` is written ``%%`` only in templates that have parameters.
    """

    template: str
    params: tuple[tuple[str, Param], ...]
    plural: str | None = None  # a counted message's plural template (ngettext)
    n: int = 1  # ... and its count

    def __init__(self, template: str, /, **params: Param) -> None:
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "params", tuple(params.items()))
        object.__setattr__(self, "plural", None)
        object.__setattr__(self, "n", 1)

    def counted(self, plural: str, n: int) -> Message:
        """The message said in the singular (``n`` 1) or in ``plural`` (:func:`ngettext`)."""
        out = Message(self.template, **dict(self.params))
        object.__setattr__(out, "plural", plural)
        object.__setattr__(out, "n", n)
        return out

    def english(self) -> str:
        """The English template said for the message's count."""
        return self.plural if self.plural is not None and self.n != 1 else self.template

    def __str__(self) -> str:
        values = {key: str(value) for key, value in self.params}
        text = self.english()
        return text % values if values else text

    def but(self, **params: Param) -> Message:
        """The same message with some parameters changed."""
        out = Message(self.template, **{**dict(self.params), **params})
        return out if self.plural is None else out.counted(self.plural, self.n)

    def render(self, translate: Callable[[str], str], number: Callable[[str], str],
               language: str, plural: Plural | None = None) -> str:
        """The message for a reader of ``language``.

        ``translate`` looks a template up in the reader's catalogue; ``number`` writes plain
        digits (``"-1234.50"``: a sign, digits, a point and decimals, kept exactly) the reader's
        way. Numbers that are not plain (``1E+3``, ``inf``, very long) stay as in English.
        ``plural`` (a catalogue's ngettext: singular, plural, count) says a counted message by
        the language's plural rule; without it, by English's, each template translated.
        """
        values = {key: _render(value, translate, number, language, plural)
                  for key, value in self.params}
        if self.plural is not None and plural is not None:
            text = plural(self.template, self.plural, self.n)
        else:
            text = translate(self.english())
        return text % values if values else text


Plural: TypeAlias = Callable[[str, str, int], str]  # a catalogue's ngettext


def message_to_data(message: Message) -> dict[str, object]:
    """A message as JSON-ready data, so that a record can keep it and show it later in the
    reader's language. Each parameter keeps its kind: a Decimal stays exact, a Label keeps its
    names, a nested Message its own template.

    >>> message_to_data(Message(N_("%(mg)s mg of %(drug)s"), mg=Decimal("2.50"), drug="lido"))
    ... # doctest: +NORMALIZE_WHITESPACE
    {'template': '%(mg)s mg of %(drug)s',
     'params': {'mg': {'decimal': '2.50'}, 'drug': {'text': 'lido'}}}
    """
    data: dict[str, object] = {
        "template": message.template,
        "params": {key: _param_to_data(value) for key, value in message.params}}
    if message.plural is not None:
        data.update(plural=message.plural, n=message.n)
    return data


def message_from_data(data: object) -> Message:
    """The message :func:`message_to_data` wrote; ValueError for anything else.

    >>> m = Message(N_("%(v)s at %(n)s"), v=Label("knee", (("it", "ginocchio"),)),
    ...             n=Number(1.5, "g"))
    >>> message_from_data(message_to_data(m)) == m
    True
    """
    if not isinstance(data, dict) or not isinstance(data.get("template"), str) \
            or not isinstance(data.get("params"), dict):
        raise ValueError("not a stored message")
    params = {str(key): _param_from_data(value) for key, value in data["params"].items()}
    message = Message(data["template"], **params)
    if "plural" in data:
        plural, n = data.get("plural"), data.get("n")
        if not isinstance(plural, str) or not isinstance(n, int) or isinstance(n, bool):
            raise ValueError("not a stored message")
        message = message.counted(plural, n)
    return message


def _param_to_data(value: Param) -> dict[str, object]:
    if isinstance(value, Message):
        return {"message": message_to_data(value)}
    if isinstance(value, Label):
        return {"label": value.text, "translations": [list(pair) for pair in value.translations]}
    if isinstance(value, Number):
        kind = next(name for name, kind_type in _NUMBER_TYPES if isinstance(value.value, kind_type))
        return {"number": str(value.value), "kind": kind, "spec": value.spec}
    if isinstance(value, str):
        return {"text": value}
    if isinstance(value, Worded):  # kept as the reader reads it
        return {"message": message_to_data(value.words())}
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError(f"cannot store a parameter of type {type(value).__name__}")
    return {"decimal": str(value)} if isinstance(value, Decimal) else {"int": value}


# A Number's kind as stored, and the type that reads it back ("float" first: a float is no int).
_NUMBER_TYPES: tuple[tuple[str, type[float] | type[Decimal] | type[int]], ...] = (
    ("float", float), ("decimal", Decimal), ("int", int))
_NUMBER_KINDS = dict(_NUMBER_TYPES)


def _param_from_data(data: object) -> Param:
    if not isinstance(data, dict):
        raise ValueError("not a stored parameter")
    if "message" in data:
        return message_from_data(data["message"])
    if "label" in data:
        pairs = tuple((str(lang), str(text)) for lang, text in data.get("translations", []))
        return Label(str(data["label"]), pairs)
    if "number" in data:
        convert = _NUMBER_KINDS.get(str(data.get("kind")))
        if convert is None:
            raise ValueError("unknown kind of number")
        return Number(convert(str(data["number"])), str(data.get("spec", "")))
    if "text" in data:
        return str(data["text"])
    if "decimal" in data:
        return Decimal(str(data["decimal"]))
    if "int" in data and isinstance(data["int"], int) and not isinstance(data["int"], bool):
        return data["int"]
    raise ValueError("not a stored parameter")


def _render(value: Param, translate: Callable[[str], str], number: Callable[[str], str],
            language: str, plural: Plural | None) -> str:
    if isinstance(value, Message):
        return value.render(translate, number, language, plural)
    if isinstance(value, Label):
        return value.text_in(language)
    if isinstance(value, Worded):
        return value.words().render(translate, number, language, plural)
    if isinstance(value, str):
        return value
    digits = value.digits() if isinstance(value, Number) else str(value)
    return number(digits) if _PLAIN.match(digits) else str(value)


class PlanError(ValueError):
    """Invalid input, named by its field (``areas[0].spacing_mm``) with a readable reason.

    The reason is ``text``, a :class:`Message`; ``message`` is its English text.

    >>> str(PlanError("areas[0].spacing_mm", "must be between 2 and 100 mm (got 0)"))
    'areas[0].spacing_mm: must be between 2 and 100 mm (got 0)'
    """

    def __init__(self, field: str, template: str, /, **params: Param) -> None:
        self.field = field
        self.text = Message(template, **params)
        self.message = str(self.text)
        super().__init__(f"{field}: {self.message}")


@dataclass(frozen=True)
class PlanWarning:
    """Something the clinician must see; it never changes or refuses the plan.

    ``text`` says what, as a :class:`Message`; ``message`` is its English text. ``area`` is the
    index of the area it concerns, or None for the whole plan; ``points`` the numbers of the
    points it names (a point in a no-go zone), so that a session that skipped them can tell.
    """

    code: str
    severity: Severity
    text: Message
    area: int | None = None
    points: tuple[int, ...] = ()

    @property
    def message(self) -> str:
        """The warning's English text (the plan output and the command line print it)."""
        return str(self.text)

    def as_dict(self) -> dict[str, object]:
        """The warning as it appears in the plan output."""
        out: dict[str, object] = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }
        if self.area is not None:
            out["area"] = self.area
        return out


_SEVERITY_RANK = {"high": 0, "medium": 1, "info": 2}


def by_severity(warnings: Iterable[PlanWarning]) -> tuple[PlanWarning, ...]:
    """Warnings with the most serious first (high, medium, info), each kind in its order.

    >>> [w.code for w in by_severity([PlanWarning("no-mixture", "info", Message("x")),
    ...                               PlanWarning("danger-zone", "high", Message("y"))])]
    ['danger-zone', 'no-mixture']
    """
    return tuple(sorted(warnings, key=lambda w: _SEVERITY_RANK[w.severity]))
