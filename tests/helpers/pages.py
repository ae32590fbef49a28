"""Checks of a served page: security headers, inline scripts and styles."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup


def csp_directives(value: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def check_headers(response, *, page: bool = True) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, "no Content-Security-Policy"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "*" not in csp
    directives = csp_directives(csp)
    assert directives.get("default-src") == ["'self'"]
    assert directives.get("script-src") == ["'self'"]
    assert directives.get("style-src") == ["'self'"]
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("frame-ancestors") == ["'none'"]
    assert directives.get("base-uri") == ["'none'"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("X-Frame-Options") == "DENY"
    if page:
        assert "no-store" in response.headers.get("Cache-Control", "")


INLINE_PATTERNS = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "style attribute": re.compile(r"""[\s"']style\s*=""", re.I),
    "style element": re.compile(r"<style[\s>]", re.I),
    "event handler attribute": re.compile(r"""[\s"']on[a-z]+\s*=""", re.I),
    "htmx hx-on handler": re.compile(r"""[\s"'](?:data-)?hx-on""", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def inline_problems(text: str) -> list[str]:
    return [f"{name}: {m.group(0)!r}" for name, rx in INLINE_PATTERNS.items()
            for m in rx.finditer(text)]


def soup_problems(html: str) -> list[str]:
    problems = []
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        if script.get_text(strip=True) or not script.get("src"):
            problems.append(f"inline script: {str(script)[:80]}")
    for tag in soup.find_all(True):
        for attr in tag.attrs:
            if attr.lower() == "style" or attr.lower().startswith(("on", "hx-on", "data-hx-on")):
                problems.append(f"<{tag.name} {attr}=...>")
            value = tag.attrs[attr]
            if isinstance(value, str) and value.strip().lower().startswith("javascript:"):
                problems.append(f"<{tag.name} {attr}={value[:40]}>")
    if soup.find("style"):
        problems.append("<style> element")
    return problems
