"""One compilation of each URL rule's builder for the whole test run.

Every test makes its own app, and Werkzeug compiles, for each of its URL rules, two small
Python functions that build the rule's URLs (an AST made and compiled): about 90% of
``create_app``'s time, some 35 s of a whole run (its workers' times added up). The test apps
share those functions instead. A builder depends on its rule only through its ``self``
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
_BUILDERS: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}


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


def share_compiled_rules() -> None:
    """Every app of this test process shares its rules' compiled URL builders."""
    Rule._compile_builder = _shared_builder  # type: ignore[method-assign]
