"""Markup kept for the objects it was drawn from: a body-map view (body.view_markup) or an
area's outline (plan.py), which never change once made, drawn once and then reused.

An entry is known by its object's ``id()`` and holds on to the object, so that the id cannot
be given to another object while the entry lives, and it is used for that very object only.
The table keeps the most recently used entries, at most so many and so many characters in all
(a whole body's drawing is about 0.9 million), each process its own; threads share it.

>>> kept = Kept(entries=2, characters=100)
>>> shape = object()
>>> kept.get(shape, (), lambda: "drawn"), kept.get(shape, (), lambda: "again")
('drawn', 'drawn')
>>> kept.get(object(), (), lambda: "another")
'another'
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class Kept:
    """A bounded, thread-safe table of markup by the object drawn (and the options that
    change its drawing)."""

    def __init__(self, entries: int, characters: int) -> None:
        self.entries, self.characters = entries, characters
        self._table: OrderedDict[tuple[int, Hashable], tuple[object, str]] = OrderedDict()
        self._size = 0  # characters kept
        self._lock = threading.Lock()

    def get(self, drawn: object, options: Hashable, draw: Callable[[], str]) -> str:
        """The markup kept for ``drawn`` with ``options``, else ``draw()``'s, kept."""
        key = (id(drawn), options)
        with self._lock:
            found = self._table.get(key)
            if found is not None and found[0] is drawn:
                self._table.move_to_end(key)
                return found[1]
        markup = draw()  # outside the lock: another thread may draw the same meanwhile
        with self._lock:
            old = self._table.pop(key, None)
            self._size += len(markup) - (len(old[1]) if old is not None else 0)
            self._table[key] = (drawn, markup)
            while len(self._table) > 1 and (len(self._table) > self.entries or
                                            self._size > self.characters):
                self._size -= len(self._table.popitem(last=False)[1][1])
        return markup

    def __len__(self) -> int:
        return len(self._table)
