"""Benchmark: finding the calibration card in a 12 MP phone photo, against decoding the photo.

A synthetic 4000 x 3000 photo (tests/helpers/calibration_photos.py: the card on skin, tilted
35 degrees, 12 px per mm, blur, noise, JPEG quality 90 as a phone writes it), and a busier one
(strong sensor noise: many more dark blobs for ArUco to look at). Side by side, turn about,
``repeat`` times each (medians), in the same process:

- ``decode``: ``cv2.imdecode`` of the JPEG (the baseline: a photo must be decoded anyway);
- ``markers``: the grey image and ``detect.find_markers`` (ArUco with sub-pixel corners, then the
  corners measured again from the markers' edges);
- ``calibrate``: all of ``plane.calibrate`` (the markers, the fit, the checks and the error
  estimate).

    python bench/bench_calibration.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.calibration.detect import find_markers, grey  # noqa: E402
from planner.calibration.plane import calibrate  # noqa: E402
from tests.helpers.calibration_photos import Look, View, on_plane, photo, ring  # noqa: E402

SIZE = (4000, 3000)
VIEW = View(tilt_deg=35, tilt_axis_deg=30, roll_deg=15, px_per_mm=12, size=SIZE)


def jpeg_of(look: Look) -> bytes:
    """The synthetic photo as a phone's JPEG (quality 90)."""
    image = photo(VIEW, look, seed=1)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return data.tobytes()


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"OpenCV {cv2.__version__}, {cv2.getNumThreads()} threads; photo {SIZE[0]} x {SIZE[1]}")
    for name, look in (("plain", Look(blur_px=1.2, noise=3)),
                       ("busy", Look(blur_px=0.8, noise=14, light=(0.6, 1.1)))):
        data = jpeg_of(look)
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        found = calibrate(image)  # once first: caches warm; and the truth checked
        truth = ring(100, 16)
        error = float(np.hypot(*(found.to_mm(on_plane(VIEW, truth)) - truth).T).max())
        runs: dict[str, Callable[[], object]] = {
            "decode": lambda d=data: cv2.imdecode(np.frombuffer(d, np.uint8), cv2.IMREAD_COLOR),
            "markers": lambda i=image: find_markers(grey(i)),
            "calibrate": lambda i=image: calibrate(i)}
        times: dict[str, list[float]] = {key: [] for key in runs}
        for _ in range(args.repeat):  # turn about: a busy moment of the machine hits all
            for key, run in runs.items():
                times[key] += timed(run, 1)
        base = statistics.median(times["decode"])
        print(f"\n{name} photo ({len(data) / 1e6:.1f} MB JPEG; {found.markers_found} markers, "
              f"{found.px_per_mm:.1f} px/mm, error at 100 mm {error:.3f} mm):")
        for key, values in times.items():
            median = statistics.median(values)
            print(f"  {key:<10} {median * 1000:7.1f} ms  {median / base:5.2f}x decode")


if __name__ == "__main__":
    main()
