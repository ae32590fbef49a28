"""The patient search index (migration 0007): which rows can match, found without reading them all.

On SQLite an FTS5 table with the trigram tokenizer holds every patient's folded search text; a
word of three characters or more is looked up there first, and the usual LIKE then decides, so the
index only narrows the rows and never changes what is found. On PostgreSQL the pg_trgm GIN index
serves LIKE '%word%' by itself, and nothing here is needed.
"""

from __future__ import annotations

import weakref

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Engine,
    bindparam,
    column,
    inspect,
    select,
    table,
    text,
)
from sqlalchemy.orm import InstrumentedAttribute

FTS_TABLE = "patient_search"
TRIGRAM_INDEX = "ix_patients_search_trgm"
# The trigram tokenizer cannot look up fewer than three characters (SQLite's FTS5 documentation,
# "The Trigram Tokenizer"); shorter words are left to the LIKE alone.
SHORTEST_WORD = 3

_has_table: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def maintained_elsewhere(name: str | None, type_: str) -> bool:
    """Whether a schema object is the search index's, which the models do not describe (Alembic
    must neither drop it nor report it missing)."""
    name = name or ""
    return (type_ == "table" and name.startswith(FTS_TABLE)) or \
        (type_ == "index" and name == TRIGRAM_INDEX)


def include_object(_object: object, name: str | None, type_: str, _reflected: bool,
                   _compare_to: object) -> bool:
    """Alembic's include_object hook (migrations/env.py and the schema test)."""
    return not maintained_elsewhere(name, type_)


def _fts_available(engine: Engine) -> bool:
    if engine.dialect.name != "sqlite":
        return False
    if engine not in _has_table:
        _has_table[engine] = inspect(engine).has_table(FTS_TABLE)
    return _has_table[engine]


def in_index(engine: Engine, id_column: ColumnElement[int] | InstrumentedAttribute[int],
             word: str) -> ColumnElement[bool] | None:
    """A condition narrowing the patients to those whose search text may hold the folded word, or
    None where the index cannot help (not SQLite, no index, a word too short)."""
    if len(word) < SHORTEST_WORD or not _fts_available(engine):
        return None
    # An FTS5 string in double quotes is a phrase, any character allowed; a double quote inside
    # is doubled (FTS5 documentation, "FTS5 Strings").
    quoted = '"' + word.replace('"', '""') + '"'
    phrase: BindParameter[str] = bindparam("phrase", quoted, unique=True)
    fts = table(FTS_TABLE, column("rowid"))
    return id_column.in_(
        select(fts.c.rowid).where(text(f"{FTS_TABLE} MATCH :phrase").bindparams(phrase)))
