"""One compilation of each page template for the whole test run.

Every test makes its own app, and so its own Jinja environment, which compiled again each
template the test renders (about a third of a small web test's time). The test apps share this
in-memory bytecode cache instead; Jinja still checks each template's source checksum, so an
edited template is compiled afresh. Production is untouched: it keeps one app and its cache.
"""

from __future__ import annotations

from typing import Any

from jinja2.bccache import Bucket, BytecodeCache


class MemoryBytecodeCache(BytecodeCache):
    """Jinja's compiled templates kept in this process's memory."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


SHARED = MemoryBytecodeCache()


def share_compiled_templates(app: Any) -> Any:
    """The app, its templates compiled once per test run (SHARED) rather than once per app."""
    app.jinja_env.bytecode_cache = SHARED
    return app
