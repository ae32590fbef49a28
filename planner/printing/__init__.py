"""The printouts: the treatment-room sheet, the true-scale stencil, the aftercare handout and
the cycle report, as HTML and then PDF.

Flask-free, so that ``mesoplanner grid --format pdf`` and the web app print the same pages.
"""
