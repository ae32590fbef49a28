"""One compilation of each URL rule's builder for the whole test run.

Every test makes its own app, and Werkzeug compiles, for each of its URL rules, two small
Python functions that build the rule's URLs (an AST made and compiled): about 90% of
``create_app``'s time, some 35 s of a whole run (its workers' times added up). The test apps
share those functions instead, and each rule's parsed parts (its pieces, the regular
expressions that match them and their converters: what Werkzeug's ``Rule.compile`` makes from
the rule's text, another 9 ms an app). A builder depends on its rule only through its ``self``
argument, the rule's text, parts and default names, which key the cache; a rule with a default
for one of its variables (the default's URL text is written into the code) is compiled as
usual. Production is untouched: it makes one app. tests/test_shared_compilation.py checks that
a shared builder is the one Werkzeug would compile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing.rules import Rule

COMPILE_BUILDER = Rule._compile_builder  # Werkzeug's own
COMPILE_RULE = Rule.compile  # Werkzeug's own
_BUILDERS: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}
_PARSED: dict[tuple[Any, ...], tuple[list[Any], list[Any], dict[str, Any], set[str]]] = {}


def builder_key(rule: Rule, append_unknown: bool) -> tuple[Any, ...] | None:
    """What a rule's builder is made of, or None when it may not be shared."""
    defaults = rule.defaults or {}
    if any(dynamic and name in defaults for dynamic, name in rule._trace):
        return None
    return rule.rule, tuple(rule._trace), tuple(sorted(map(str, defaults))), append_unknown


def _shared_builder(self: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
    key = builder_key(self, append_unknown)
    if key is None:
        return COMPILE_BUILDER(self, append_unknown)
    builder = _BUILDERS.get(key)
    if builder is None:
        builder = _BUILDERS[key] = COMPILE_BUILDER(self, append_unknown)
    return builder


def rule_key(rule: Rule) -> tuple[Any, ...] | None:
    """What a rule's parsed parts are made of, or None when they may not be shared."""
    built = builder_key(rule, False)
    if built is None or rule.map is None:
        return None
    converters = tuple(sorted(rule.map.converters.items()))
    return (*built, rule.subdomain, rule.host, rule.map.host_matching, rule.merge_slashes,
            converters)


def _shared_compile(self: Rule) -> None:
    """``Rule.compile``, its parse made once per rule text for the whole test process."""
    key = rule_key(self)
    parsed = _PARSED.get(key) if key is not None else None
    if parsed is None:
        before = set(self.arguments)
        COMPILE_RULE(self)
        if key is not None:
            _PARSED[key] = (list(self._parts), list(self._trace), dict(self._converters),
                            self.arguments - before)
        return
    parts, trace, converters, arguments = parsed
    self._parts, self._trace, self._converters = list(parts), list(trace), dict(converters)
    self.arguments |= arguments
    self._build = self._compile_builder(False).__get__(self, None)
    self._build_unknown = self._compile_builder(True).__get__(self, None)


def share_compiled_rules() -> None:
    """Every app of this test process shares its rules' compiled URL builders and parts."""
    Rule._compile_builder = _shared_builder  # type: ignore[method-assign]
    Rule.compile = _shared_compile  # type: ignore[method-assign]
