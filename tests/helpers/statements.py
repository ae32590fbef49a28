"""One compilation of each SQL statement for the whole test run.

Every test makes its own app and so its own database engine, and SQLAlchemy keeps the SQL it
compiled from a statement in a cache keyed by the engine's dialect (the engine's cache for
queries, each mapper's for the INSERTs and UPDATEs of a flush): every test compiled again each
statement it ran, about a third of a web test's time. The test apps share one cache instead, in
which a dialect is known by what its SQL depends on (its kind, parameter style, name lengths,
the database's version and schema), not by which engine it belongs to: every test engine of a
kind is configured alike and compiles a statement to the same SQL. Production is untouched: it
has one engine. tests/test_shared_compilation.py checks that the SQL is the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.orm import configure_mappers
from sqlalchemy.util import LRUCache


def alike(dialect: Dialect) -> tuple[Any, ...]:
    """What the SQL a dialect compiles depends on."""
    return (type(dialect), dialect.paramstyle, dialect.positional, dialect.label_length,
            dialect.max_identifier_length, dialect.server_version_info,
            dialect.default_schema_name)


def _key(key: Any) -> Any:
    """SQLAlchemy's cache key (dialect, statement, ...) with the dialect made ``alike``."""
    if isinstance(key, tuple) and key and isinstance(key[0], Dialect):
        return (alike(key[0]), *key[1:])
    return key


class SharedStatements(LRUCache):  # type: ignore[type-arg]
    """SQLAlchemy's compiled-statement cache, shared by alike dialects."""

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(_key(key), default)

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(_key(key))

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(_key(key), value)

    def __contains__(self, key: Any) -> bool:
        return _key(key) in self._data


SHARED = SharedStatements(capacity=5000)


def share_compiled_statements(engine: Any, mappers: Iterable[Any]) -> None:
    """The engine's and the mappers' statements compiled once per test process (SHARED)."""
    engine.update_execution_options(compiled_cache=SHARED)
    configure_mappers()  # configuring them later would drop their caches, SHARED with them
    for mapper in mappers:
        if mapper._compiled_cache is not SHARED:  # made when first used
            mapper.__dict__["_compiled_cache"] = SHARED
