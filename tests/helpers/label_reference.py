"""The points' labels placed the plain way, one place at a time against every box and point (as
planner/drawing/labels.py placed them before issue 19 checked many places at once): what the
fast placing must give, label for label, to the last bit."""

from __future__ import annotations

import math

from planner.drawing.labels import OWN_MARGIN_EM, Placed, point_places, text_box


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def gap(box, x: float, y: float) -> float:
    return math.hypot(max(box[0] - x, 0.0, x - box[2]), max(box[1] - y, 0.0, y - box[3]))


def reads_as_own(box, x: float, y: float, xy, margin: float) -> bool:
    mine = gap(box, x, y) + margin
    probe = (box[0] - mine, box[1] - mine, box[2] + mine, box[3] + mine)
    return all(gap(box, cx, cy) >= mine for cx, cy in xy
               if probe[0] <= cx <= probe[2] and probe[1] <= cy <= probe[3]
               and (cx, cy) != (x, y))


def place_labels(xy, r, texts, size, frame, taken=(), order=None) -> list[Placed | None]:
    xy = [(float(x), float(y)) for x, y in xy]
    circles = [(x - r, y - r, x + r, y + r) for x, y in xy]
    labels: list[tuple[float, float, float, float]] = []
    placed: list[Placed | None] = [None] * len(xy)
    for k in order if order is not None else range(len(xy)):
        if not texts[k]:
            continue
        x, y = xy[k]
        for tx, ty in point_places(x, y, r, texts[k], size):
            box = text_box(tx, ty, texts[k], size)
            inside = box[0] >= frame[0] and box[1] >= frame[1] and box[2] <= frame[2] \
                and box[3] <= frame[3]
            if inside and not any(overlap(box, c) for j, c in enumerate(circles) if j != k) \
                    and not any(overlap(box, t) for t in (*taken, *labels)) \
                    and reads_as_own(box, x, y, xy, OWN_MARGIN_EM * size):
                labels.append(box)
                placed[k] = Placed(tx, ty, box)
                break
    return placed
