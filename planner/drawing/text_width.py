"""How wide a text prints, in mm, without a font at hand: the advance widths of DejaVu Sans
(regular and bold), the font our printouts are set in (print.css; fontconfig gives it for
Helvetica and Arial on our machines). It is wider than Helvetica and Arial, so a text measured
here also fits where a browser draws it with either.

The drawings place words by these widths (the legend below a plan's drawing): an estimate per
letter put long names on each other. A character outside the table counts one em (the widest).
"""

from __future__ import annotations

# The characters measured: ASCII, Latin-1 (Italian, Spanish accents) and some punctuation.
CHARS = tuple(chr(c) for c in (*range(32, 127), *range(160, 256), 0xB7, 0x2014, 0x2013, 0x2019,
                               0x2018, 0x201C, 0x201D, 0x2026, 0x20AC))
# Their advance widths in thousandths of an em (DejaVu Sans 2.37, from the font's hmtx table).
REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684,
    686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695,
    635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550,
    635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392,
    634, 592, 818, 592, 592, 525, 636, 337, 636, 838, 318, 401, 636, 636, 636, 636, 337,
    500, 500, 1000, 471, 612, 838, 361, 1000, 500, 500, 838, 401, 401, 500, 636, 636, 318,
    500, 401, 471, 612, 969, 969, 969, 531, 684, 684, 684, 684, 684, 684, 974, 698, 632,
    632, 632, 632, 295, 295, 295, 295, 775, 748, 787, 787, 787, 787, 787, 838, 787, 732,
    732, 732, 732, 611, 605, 630, 613, 613, 613, 613, 613, 613, 982, 550, 615, 615, 615,
    615, 278, 278, 278, 278, 612, 634, 612, 612, 612, 612, 612, 838, 612, 634, 634, 634,
    634, 592, 635, 592, 318, 1000, 500, 318, 318, 518, 518, 1000, 636,
)
BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696,
    696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774,
    762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770,
    720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593,
    716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478,
    712, 652, 924, 645, 652, 582, 712, 365, 712, 838, 348, 456, 696, 696, 636, 696, 365,
    500, 500, 1000, 564, 646, 838, 415, 1000, 500, 500, 838, 438, 438, 500, 736, 636, 380,
    500, 438, 564, 646, 1035, 1035, 1035, 580, 774, 774, 774, 774, 774, 774, 1085, 734, 683,
    683, 683, 683, 372, 372, 372, 372, 838, 837, 850, 850, 850, 850, 850, 838, 850, 812,
    812, 812, 812, 724, 738, 719, 675, 675, 675, 675, 675, 675, 1048, 593, 678, 678, 678,
    678, 343, 343, 343, 343, 687, 712, 687, 687, 687, 687, 687, 838, 687, 712, 712, 712,
    712, 652, 716, 652, 380, 1000, 500, 380, 380, 657, 657, 1000, 696,
)
WIDTHS = {False: dict(zip(CHARS, REGULAR, strict=True)), True: dict(zip(CHARS, BOLD, strict=True))}
UNKNOWN = 1000  # one em: no Latin letter is wider


def text_width(text: str, size_mm: float, bold: bool = False) -> float:
    """The width in mm of ``text`` set in DejaVu Sans ``size_mm`` high (its em).

    >>> round(text_width("0123456789", 10.0), 2)
    63.6
    >>> text_width("mL", 3.2) < text_width("mL", 3.2, bold=True)
    True
    """
    widths = WIDTHS[bold]
    return sum(widths.get(ch, UNKNOWN) for ch in text) * size_mm / 1000
