"""Drawings in millimetres as SVG: the plan, the true-scale stencil and the pain chart.

No request objects: the pages, the printouts and the command line all draw through here.
"""
