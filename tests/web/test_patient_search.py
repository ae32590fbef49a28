"""The patient search index (migration 0007): it follows every change to a patient, it is really
what the search consults on SQLite, and it never changes what a search finds."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
import sqlalchemy as sa

NAMES = [("Núñez", "Ángela"), ("Nunes", "Ana"), ("O'Brien", "Seán"), ('Di "Pippo"', "Lu"),
         ("50% Rossi", "Maria_Luisa"), ("Ferrari", "Giulia"), ("Ferraris", "Gian"),
         ("García López", "Lucía"), ("Li", "Bo"), ("Back\\slash", "Mario")]
QUERIES = ["nun", "Núñez", "NUNEZ ang", "an", "a", "o'b", "'", '"pip', '"', "50%", "%", "_",
           "maria_l", "ferrar", "ferrari gian", "garcia lopez lucia", "li", "li bo", "bo li",
           "\\", "k\\s", "MP-0000", "mp-000003", "1961-03-12", "1961-03-12 nunez",
           "1961-03-12 rossi", "zzz", "ez ez ez ez ez ez", "lucía 1970-01-01"]


def add_patients(app):
    from planner.extensions import db
    from planner.models import Patient

    with app.app_context():
        for k, (family, given) in enumerate(NAMES):
            db.session.add(Patient(record_number=f"MP-{k + 1:06d}", family_name=family,
                                   given_name=given, sex="female",
                                   birth_date=date(1961, 3, 12) if k % 3 else date(1970, 1, 1)))
        db.session.commit()


def expected(query: str) -> list[str]:
    """What the search must find, worked out without any database."""
    from planner.models import folded

    found = []
    for k, (family, given) in enumerate(NAMES):
        text = folded(f"{family} {given} MP-{k + 1:06d}")
        born = date(1961, 3, 12) if k % 3 else date(1970, 1, 1)
        if all(folded(word) in text or word == born.isoformat() for word in query.split()[:5]):
            found.append(f"{family}, {given}")
    return sorted(found)


def test_the_index_never_changes_what_a_search_finds(app):
    from planner.web.patients import search

    add_patients(app)
    with app.app_context():
        for query in QUERIES:
            found = sorted(p.display_name for p in search(query, archived=False))
            assert found == expected(query), query


def index_finds(app, word: str) -> list[int]:
    from planner.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the FTS table is SQLite's; PostgreSQL's index is checked below")
        return list(db.session.scalars(sa.text(
            "SELECT rowid FROM patient_search WHERE patient_search MATCH :word"),
            {"word": f'"{word}"'}))


def test_the_index_follows_a_new_patient_a_renamed_one_and_a_deleted_one(app):
    from planner.extensions import db
    from planner.models import Patient

    add_patients(app)
    with app.app_context():
        patient = db.session.scalar(sa.select(Patient).filter_by(family_name="Ferrari"))
        pid = patient.id
        assert index_finds(app, "ferrari giulia") == [pid]
        patient.family_name, patient.version = "Bianchi", patient.version + 1
        db.session.commit()
    assert index_finds(app, "ferrari giulia") == []
    assert index_finds(app, "bianchi giulia") == [pid]
    with app.app_context():
        db.session.delete(db.session.get(Patient, pid))
        db.session.commit()
    assert index_finds(app, "bianchi giulia") == []


def test_the_search_really_consults_the_index_on_sqlite(app):
    """Taking a patient out of the index (and only out of it) hides them from a search of three
    letters or more: proof that the index, not a scan, finds the rows."""
    from planner.extensions import db
    from planner.models import Patient
    from planner.web.patients import search

    add_patients(app)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's FTS table")
        patient = db.session.scalar(sa.select(Patient).filter_by(family_name="Ferrari"))
        db.session.execute(sa.text(
            "INSERT INTO patient_search (patient_search, rowid, search_text) "
            "VALUES ('delete', :id, :text)"), {"id": patient.id, "text": patient.search_text})
        db.session.commit()
        assert [p.display_name for p in search("ferrar", archived=False)] == \
            ["Ferraris, Gian"]
        # Words too short for trigrams, and birth dates, do not go through the index.
        assert "Ferrari, Giulia" in [p.display_name for p in search("gi", archived=False)]


def test_postgresql_has_the_trigram_index(app):
    from planner.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's pg_trgm index")
        definition = db.session.scalar(sa.text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_patients_search_trgm'"))
    assert "gin_trgm_ops" in definition


def test_every_query_pair_matches_the_reference(app):
    """Two words in either order, any of the names: the same rows as the reference."""
    from planner.web.patients import search

    add_patients(app)
    words = ["nun", "ang", "fer", "gi", "lu", "mp-00000", "1961-03-12", '"', "%"]
    with app.app_context():
        for first, second in itertools.permutations(words, 2):
            query = f"{first} {second}"
            assert sorted(p.display_name for p in search(query, archived=False)) == \
                expected(query), query
