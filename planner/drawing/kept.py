"""Markup kept for the objects it was drawn from: a body-map view (body.view_markup) or an
area's outline (plan.py), which never change once made, drawn once and then reused.

An entry is known by its object's ``id()`` and holds on to the object, so that the id cannot
be given to another object while the entry lives, and it is used for that very object only.
The table keeps the most recently used entries, at most so many and so many characters in all
(a whole body's drawing is about 0.9 million), each process its own; threads share it.

>>> kept = Kept(entries=2, characters=100)
>>> shape = object()
>>> kept.draw(shape, (), lambda: "drawn"), kept.draw(shape, (), lambda: "again")
('drawn', 'drawn')
>>> kept.draw(object(), (), lambda: "another")
'another'
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from planner.core.memo import Recent


class Kept(Recent[str]):
    """A bounded, thread-safe table of markup by the object drawn (and the options that
    change its drawing): the core's table of recent values (memo.Recent), weighed by its
    characters."""

    def __init__(self, entries: int, characters: int) -> None:
        super().__init__(entries, weight=len, budget=characters)

    def draw(self, drawn: object, options: Hashable, draw: Callable[[], str]) -> str:
        """The markup kept for ``drawn`` with ``options``, else ``draw()``'s, kept."""
        return self.get((id(drawn), options), (drawn,), draw)
