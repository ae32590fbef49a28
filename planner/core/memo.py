"""What the engine keeps between calls: the shapes it made last, by what they were made from.

The editor computes a plan again at every move of a slider, from the same outlines. Checking
and repairing an outline, clipping it, cutting its exclusions out and preparing it for fast
point tests cost more than filling it with a thousand points, so the results are kept in small
tables of the most recent (the least recently used is dropped first), keyed by the exact
coordinates they came from, or by the identity of a geometry that the table holds on to (so
that its id cannot be given to another object while the entry lives).

A geometry goes into a table prepared and already queried (``ready``): GEOS builds a prepared
geometry's indexes on their first query, which two threads must not do at once, and a kept
geometry is shared by every thread of a server. A point test (``shapely.contains_xy``,
``intersects_xy``) on a geometry not yet prepared prepares it in place: so the body-map atlas
readies every geometry of a view before it hands the view out (``ready_for_all``: a view's
geometries are tested every way, by the drawings too), and the engine whatever it keeps,
never leaving a shared geometry to the first test.

>>> calls = []
>>> kept = Recent[int](2)
>>> kept.get(("a",), (), lambda: calls.append("a") or 1), kept.get(("a",), (), lambda: 2)
(1, 1)
>>> calls
['a']
"""

from __future__ import annotations

import operator
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import shapely
from shapely.geometry.base import BaseGeometry

V = TypeVar("V")
G = TypeVar("G", bound=BaseGeometry)


class Recent(Generic[V]):
    """A bounded, thread-safe table of the ``size`` most recently used values."""

    def __init__(self, size: int, weight: Callable[[V], int] | None = None,
                 budget: int | None = None) -> None:
        """``weight`` and ``budget``: besides ``size`` entries, at most ``budget`` in all of
        their weights (the most recent entry is always kept)."""
        self._size = size
        self._weight, self._budget = weight, budget
        self._weighed = 0
        self._items: OrderedDict[Hashable, tuple[tuple[object, ...], V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, held: tuple[object, ...], make: Callable[[], V]) -> V:
        """The value kept for ``key``, else ``make()``'s, kept (an exception keeps nothing).

        ``held``: the objects whose ``id()`` is part of the key; the entry holds on to them,
        and is used only for these very objects.
        """
        with self._lock:
            found = self._items.get(key)
            if found is not None and len(found[0]) == len(held) and all(
                    map(operator.is_, found[0], held)):
                self._items.move_to_end(key)
                return found[1]
        value = make()  # outside the lock: another thread may make the same value meanwhile
        with self._lock:
            old = self._items.pop(key, None)
            self._items[key] = (held, value)
            self._weighed += self._weigh(value) - (self._weigh(old[1]) if old else 0)
            while len(self._items) > 1 and (len(self._items) > self._size or (
                    self._budget is not None and self._weighed > self._budget)):
                self._weighed -= self._weigh(self._items.popitem(last=False)[1][1])
        return value

    def _weigh(self, value: V) -> int:
        return self._weight(value) if self._weight is not None else 0

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._items.clear()
            self._weighed = 0


def ready(geom: G) -> G:
    """A geometry prepared for fast point tests, the indexes they use built now by one query
    each: the point locator (a point in it) and the distance index (the distance to a point
    just off its corner). Enough for the core's own shapes, which it only tests with points.

    >>> square = ready(shapely.box(0, 0, 10, 10))
    >>> bool(shapely.is_prepared(square))
    True
    """
    if geom.is_empty:
        return geom
    shapely.prepare(geom)
    minx, miny, maxx, maxy = geom.bounds
    shapely.contains_xy(geom, (minx + maxx) / 2.0, (miny + maxy) / 2.0)
    shapely.dwithin(geom, shapely.points(maxx + 1.0, maxy + 1.0), 2.0)
    return geom


def ready_for_all(geom: G) -> G:
    """A geometry ready (``ready``) and, besides, with the indexes that GEOS builds for tests
    against lines and areas built too, by a line across it: its edge index (intersects, covers,
    contains) and its relate graph (touches, within, overlaps, disjoint...). For a geometry
    handed to code that may test it any way: a body-map view's, drawn and printed as well as
    planned on.

    >>> bool(shapely.is_prepared(ready_for_all(shapely.box(0, 0, 10, 10))))
    True
    """
    if geom.is_empty:
        return geom
    ready(geom)
    minx, miny, maxx, maxy = geom.bounds
    across = shapely.linestrings([(minx - 1.0, miny - 1.0), (maxx + 1.0, maxy + 1.0)])
    shapely.intersects(geom, across)
    shapely.touches(geom, across)
    return geom


__all__ = ["Recent", "ready", "ready_for_all"]
