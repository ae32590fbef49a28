"""Text as the searches compare it: the patient search (names) and the recall (products, lots)."""

from __future__ import annotations

import unicodedata


def folded(text: str) -> str:
    """Text for searching: accents removed and case folded, so "alvarez" finds "Álvarez".

    >>> folded("Álvarez Núñez, ÀNGELO")
    'alvarez nunez, angelo'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_key(text: str) -> str:
    """A lot number or product name as the recall compares them: folded, no spaces or dashes.

    >>> search_key(" AB-12 34 ") == search_key("ab1234")
    True
    """
    return "".join(ch for ch in folded(text) if ch.isalnum())
