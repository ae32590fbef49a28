"""Body-map atlas: anatomical views drawn in millimetres, read into shapely regions."""

from planner.bodymaps.atlas import (
    BodyMapError,
    Guide,
    Region,
    View,
    get_region,
    get_view,
    view_of,
    views,
)

__all__ = ["BodyMapError", "Guide", "Region", "View", "get_region", "get_view", "view_of", "views"]
