"""Where a point lies from a named anatomical landmark, as a clinician finds it with a ruler:
the distance from the landmark's centre split into the drawing's two anatomical axes, in whole
millimetres, each with the direction it goes (lateral or medial, proximal or distal on a limb;
the patient's right or left, above or below on the trunk, the face and the whole body). On a
limb drawn bent at its joint (the elbow's insets: ``Bend``) the axes are those of the bone the
point lies over: along the humerus or along the forearm, and across it.

Pure: the caller passes the landmarks as plain data (id, name, shapely geometry in mm) and what
the drawing's edges face (``axes_of``) or its bent parts' axes; nothing here reads the atlas.

>>> from shapely.geometry import box
>>> patella = Landmark("knee-anterior/patella", "Patella", box(60, 110, 100, 160))
>>> knee = axes_of(single_limb=True, side="right", patient_right="left",
...                edges={"top": "proximal", "bottom": "distal"})
>>> where = whereabouts(98.0, 141.4, patella, knee)
>>> (where.across.mm, where.across.direction, where.along.mm, where.along.direction)
(18, 'medial', 6, 'distal')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

__all__ = ["Axes", "Bend", "Landmark", "Offset", "Whereabouts", "axes_at", "axes_of", "nearest",
           "whereabouts", "whereabouts_of"]

# The opposite of each direction a drawing's edge can face (planner.bodymaps' data-edge-*).
OPPOSITE = {"proximal": "distal", "distal": "proximal", "lateral": "medial",
            "medial": "lateral", "anterior": "posterior", "posterior": "anterior",
            "right": "left", "left": "right", "cranial": "caudal", "caudal": "cranial"}
# The sole of an ankle's drawing: "distal" is what a clinician says of a point below the
# malleolus ("20 mm distal to the tip of the lateral malleolus").
SAME_AS = {"plantar": "distal"}
# A drawing that says nothing of its sides: directions as drawn.
AS_DRAWN = ("drawing-left", "drawing-right", "drawing-up", "drawing-down")


@dataclass(frozen=True)
class Landmark:
    """A named landmark of a view: its id, its name in the reader's language and its shape
    (mm, in the view's coordinates: x to the right, y down)."""

    id: str
    name: str
    geometry: BaseGeometry = field(compare=False)

    @cached_property
    def centre(self) -> tuple[float, float]:
        """The point distances are measured from: the shape's centroid, or the shape's point
        nearest to it when the centroid falls outside (a crescent)."""
        c = self.geometry.centroid
        if not self.geometry.covers(c):
            c = nearest_points(self.geometry, c)[0]
        return float(c.x), float(c.y)


Vector = tuple[float, float]


@dataclass(frozen=True)
class Axes:
    """What the drawing's four directions are on the patient, as direction codes: towards the
    drawing's left and right edges (x smaller, larger) and its top and bottom (y smaller,
    larger). On a bent limb's segment the two axes are turned with the bone: ``across`` is the
    unit vector (mm of the drawing) whose way is ``right`` (``left`` the other way), ``along``
    the one whose way is ``down`` (``up`` the other way)."""

    left: str
    right: str
    up: str
    down: str
    across: Vector = field(default=(1.0, 0.0), repr=False)
    along: Vector = field(default=(0.0, 1.0), repr=False)


@dataclass(frozen=True)
class Offset:
    """A distance along one axis, whole mm, and its direction (None when it rounds to 0)."""

    mm: int
    direction: str | None


@dataclass(frozen=True)
class Whereabouts:
    """A point's position from a landmark's centre: across (the drawing's horizontal) and along
    (its vertical)."""

    landmark: Landmark
    across: Offset
    along: Offset


def axes_of(*, single_limb: bool, side: str | None, patient_right: str,
            edges: Mapping[str, str]) -> Axes:
    """The direction codes of a view's drawing.

    Left and right: on a view of one limb that says where the patient's right is, the limb's
    lateral side is towards the patient's right for a right limb and towards the patient's
    left for a left limb (the words at the drawing's edges, planner.wording.limb_edges); on
    the trunk, the face and the whole body the patient's ``right`` and ``left``; else what the
    drawing's edges face (``edges``, already mirrored for a left limb); else as drawn. Up and
    down: what a limb's top and bottom face, else ``cranial`` and ``caudal`` on a front or
    back view (the patient upright), else as drawn.

    >>> axes_of(single_limb=True, side="left", patient_right="left", edges={})
    Axes(left='medial', right='lateral', up='cranial', down='caudal')
    >>> axes_of(single_limb=False, side=None, patient_right="right", edges={})
    Axes(left='left', right='right', up='cranial', down='caudal')
    """
    faces_patient = patient_right in ("left", "right")
    if single_limb and faces_patient and side in ("left", "right"):
        towards_right = "lateral" if side == "right" else "medial"
        left = towards_right if patient_right == "left" else OPPOSITE[towards_right]
        horizontal = (left, OPPOSITE[left])
    elif faces_patient:
        horizontal = ("right", "left") if patient_right == "left" else ("left", "right")
    elif _known(edges, "left", "right"):
        horizontal = (_code(edges["left"]), _code(edges["right"]))
    else:
        horizontal = AS_DRAWN[0], AS_DRAWN[1]
    if single_limb and _known(edges, "top", "bottom"):
        vertical = (_code(edges["top"]), _code(edges["bottom"]))
    elif faces_patient:
        vertical = ("cranial", "caudal")
    else:
        vertical = AS_DRAWN[2], AS_DRAWN[3]
    return Axes(*horizontal, *vertical)


def _code(edge: str) -> str:
    return SAME_AS.get(edge, edge)


def _known(edges: Mapping[str, str], a: str, b: str) -> bool:
    """Both edges said, and opposite each other (a drawing that says proximal at its top says
    distal, or plantar, at its bottom)."""
    if a not in edges or b not in edges:
        return False
    first, second = _code(edges[a]), _code(edges[b])
    return OPPOSITE.get(first) == second


@dataclass(frozen=True)
class Bend:
    """A limb drawn bent at its joint, seen from the side (each inset of the elbow, flexed 90
    degrees): its axis from the proximal segment's cut end (the humerus's, toward the shoulder)
    to the joint's centre, then to the distal segment's cut end (the forearm's, toward the
    wrist), in mm of the drawing; ``bend`` is the side the joint folds toward (the elbow
    flexes forward: anterior); ``area`` the part of the drawing it is drawn in.

    A point is measured along the segment it lies over, the one on its side of the line that
    halves the joint's angle: over the humerus proximal or distal along it and anterior
    (toward the crook of the elbow) or posterior across it; over the forearm proximal or
    distal along it and anterior (toward the crook) or posterior (along the ulna) across it.
    So the words hold whatever the elbow's flexion: 20 mm distal along the forearm is the
    same place on the skin at 60 or at 120 degrees.

    >>> lateral = Bend((59, 5), (59, 127), (152, 127))
    >>> lateral.axes_at(100, 120).down, lateral.axes_at(100, 120).along
    ('distal', (1.0, 0.0))
    >>> lateral.axes_at(50, 60).up, lateral.axes_at(50, 60).right
    ('proximal', 'anterior')
    """

    proximal_end: Vector
    joint: Vector
    distal_end: Vector
    bend: str = "anterior"
    area: BaseGeometry | None = field(default=None, compare=False)

    @cached_property
    def proximal(self) -> Vector:
        """The unit vector from the joint along the proximal segment (toward the shoulder)."""
        return _unit(self.joint, self.proximal_end)

    @cached_property
    def distal(self) -> Vector:
        """The unit vector from the joint along the distal segment (toward the wrist)."""
        return _unit(self.joint, self.distal_end)

    def over_proximal(self, x: float, y: float) -> bool:
        """Whether the point lies over the proximal segment (the humerus): nearer its axis's
        way than the distal segment's, seen from the joint."""
        dx, dy = x - self.joint[0], y - self.joint[1]
        (px, py), (qx, qy) = self.proximal, self.distal
        return dx * px + dy * py >= dx * qx + dy * qy

    def axes_at(self, x: float, y: float) -> Axes:
        """The axes a point is measured along: its segment's, proximal and distal along the
        bone, the crook's side (``bend``) and the other across it."""
        (px, py), (qx, qy) = self.proximal, self.distal
        if self.over_proximal(x, y):  # distal down the humerus, the crook where the forearm is
            along, across = (-px, -py), (qx, qy)
        else:  # distal along the forearm, the crook where the humerus is
            along, across = (qx, qy), (px, py)
        return Axes(OPPOSITE[self.bend], self.bend, "proximal", "distal", across, along)

    def edges(self) -> dict[str, str]:
        """What the drawing's edges face on this part, where one word holds for the whole of
        it: the edge the proximal segment runs to is proximal, the distal one's is distal
        (the elbow's humerus up: PROXIMAL at the top; its forearm to one side: DISTAL there)."""
        return {_edge_toward(self.proximal): "proximal", _edge_toward(self.distal): "distal"}


def _unit(origin: Vector, to: Vector) -> Vector:
    dx, dy = to[0] - origin[0], to[1] - origin[1]
    length = math.hypot(dx, dy)
    return (dx / length, dy / length) if length else (0.0, 0.0)


def _edge_toward(vector: Vector) -> str:
    """The drawing's edge a direction mostly runs to (y grows downward)."""
    x, y = vector
    if abs(x) > abs(y):
        return "right" if x > 0 else "left"
    return "bottom" if y > 0 else "top"


def bend_at(x: float, y: float, bends: Sequence[Bend]) -> Bend | None:
    """The bent part a point is on: the one whose area is nearest (the point's own inset, as
    ``in_its_part``); None on a drawing of none."""
    if not bends:
        return None
    here = Point(x, y)
    return min(bends, key=lambda b: here.distance(b.area) if b.area is not None
               else math.dist((x, y), b.joint))


def axes_at(x: float, y: float, axes: Axes, bends: Sequence[Bend] = ()) -> Axes:
    """The axes a point is measured along: on a drawing of bent limbs (the elbow's insets) its
    own part's segment's (``Bend.axes_at``), else the drawing's."""
    bend = bend_at(x, y, bends)
    return axes if bend is None else bend.axes_at(x, y)


def rounded_mm(distance: float) -> int:
    """A distance to the nearest whole millimetre, halves up (never banker's rounding).

    >>> [rounded_mm(d) for d in (0.49, 0.5, 2.5, 17.96)]
    [0, 1, 3, 18]
    """
    return math.floor(abs(distance) + 0.5)


def whereabouts(x: float, y: float, landmark: Landmark, axes: Axes) -> Whereabouts:
    """The position of the point (``x``, ``y``, mm) from ``landmark``'s centre: its two legs
    along ``axes`` (the drawing's horizontal and vertical unless they are turned)."""
    cx, cy = landmark.centre
    dx, dy = x - cx, y - cy
    (ax, ay), (bx, by) = axes.across, axes.along
    return Whereabouts(landmark, _offset(dx * ax + dy * ay, axes.left, axes.right),
                       _offset(dx * bx + dy * by, axes.up, axes.down))


def _offset(delta: float, negative: str, positive: str) -> Offset:
    mm = rounded_mm(delta)
    return Offset(mm, None if mm == 0 else (negative if delta < 0 else positive))


def nearest(xy: npt.ArrayLike, landmarks: Sequence[Landmark]) -> npt.NDArray[np.intp]:
    """For each point of ``xy`` (n x 2, mm) the index of the landmark whose centre is nearest
    (the first of equals); an empty array when there is no landmark."""
    points = np.asarray(xy, dtype=float).reshape(-1, 2)
    if not landmarks or not len(points):
        return np.zeros(0 if not landmarks else len(points), dtype=np.intp)
    centres = np.array([lm.centre for lm in landmarks], dtype=float)
    d2 = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    found: npt.NDArray[np.intp] = np.argmin(d2, axis=1)
    return found


def in_its_part(x: float, y: float, landmarks: Sequence[Landmark],
                outline: BaseGeometry | None) -> Sequence[Landmark]:
    """The landmarks a point may be measured from: on a drawing of several parts (the elbow's
    lateral and medial insets) those of the point's own part, the nearest to it (a point of
    the medial inset was measured from the lateral inset's radial head, 170 mm away on
    paper, nowhere on the body).

    >>> from shapely.geometry import MultiPolygon, box
    >>> two = MultiPolygon([box(0, 0, 10, 10), box(20, 0, 30, 10)])
    >>> marks = [Landmark("a", "A", box(4, 4, 6, 6)), Landmark("b", "B", box(24, 4, 26, 6))]
    >>> [lm.id for lm in in_its_part(12, 5, marks, two)]
    ['a']
    """
    parts = [] if outline is None else list(shapely.get_parts(outline))
    if len(parts) < 2:
        return landmarks
    here = Point(x, y)
    part = min(parts, key=here.distance)
    return [lm for lm in landmarks if part.covers(Point(lm.centre))] or landmarks


def ranked(x: float, y: float, landmarks: Sequence[Landmark], count: int) -> list[Landmark]:
    """The ``count`` landmarks whose centres are nearest the point, nearest first."""
    return sorted(landmarks, key=lambda lm: math.dist((x, y), lm.centre))[:count]


def whereabouts_of(xy: npt.ArrayLike, landmarks: Sequence[Landmark], axes: Axes,
                   bends: Sequence[Bend] = ()) -> list[Whereabouts | None]:
    """Each point's position from its nearest landmark, along its own axes (``axes_at``);
    None for every point when there is no landmark."""
    points = np.asarray(xy, dtype=float).reshape(-1, 2)
    if not landmarks:
        return [None] * len(points)
    return [whereabouts(float(x), float(y), landmarks[k], axes_at(float(x), float(y), axes,
                                                                   bends))
            for (x, y), k in zip(points, nearest(points, landmarks), strict=True)]


def within(landmarks: Sequence[Landmark], box: tuple[float, float, float, float]
           ) -> list[Landmark]:
    """The landmarks of which some part lies inside ``box`` (x0, y0, x1, y1 in mm)."""
    frame = shapely.box(*box)
    return [lm for lm in landmarks if lm.geometry.intersects(frame)]


def landmark_at(point: tuple[float, float], landmarks: Sequence[Landmark]) -> Landmark | None:
    """The landmark under a point, if any."""
    where = Point(point)
    return next((lm for lm in landmarks if lm.geometry.covers(where)), None)
