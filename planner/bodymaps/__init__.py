"""Body-map atlas: anatomical views drawn in millimetres, read into shapely regions.

``atlas`` finds and caches the views, ``view`` holds their types, ``svg_reading`` and
``svg_flatten`` read one SVG file, ``catalogue`` lists the views for people. The package's root
imports nothing, so that a module of it loads only what it needs.
"""
