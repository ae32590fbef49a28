"""Calibrated photos: the printed calibration card (four ArUco markers of known size and a
millimetre ruler) and, from a photo with the card in it, the scale and perspective of the skin's
plane around the card.

Pure: numpy and OpenCV, no Flask, no database. The modules are imported one by one, so that
drawing the card (layout.py, card.py) does not load OpenCV:

- ``layout``: the card's numbers (size, markers, ruler), origin at its centre, in mm;
- ``card``: the card as SVG, exact at 1:1;
- ``plane``: ``calibrate(image)`` -> ``Calibration`` (pixels <-> mm on the card's plane, its
  confidence), or ``CalibrationError`` (``errors``) saying why not;
- ``detect`` and ``edges``: the markers found and their corners refined;
- ``reach``: how the error grows with the distance from the card (an estimate).
"""
