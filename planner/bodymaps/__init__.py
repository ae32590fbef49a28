"""Body-map atlas: anatomical views drawn in millimetres, read into shapely regions."""

from planner.bodymaps.atlas import get_region, get_view, views
from planner.bodymaps.view import BodyMapError, Guide, Region, View, view_of

__all__ = ["BodyMapError", "Guide", "Region", "View", "get_region", "get_view", "view_of", "views"]
