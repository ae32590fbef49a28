"""The test apps share what they compile (tests/helpers/routing.py, tests/helpers/statements.py):
the URL builders and the SQL are the ones an app of its own would compile. The speed-up of the
suite changes no URL the app builds and no SQL it runs."""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from datetime import date

from sqlalchemy import event, select
from sqlalchemy.util import LRUCache

from tests.helpers.routing import COMPILE_BUILDER, COMPILE_RULE, builder_key
from tests.helpers.statements import SHARED, share_compiled_statements
from tests.helpers.users import make_user


def test_every_rule_gets_the_builder_werkzeug_would_compile(app):
    from planner.app import create_app

    other = create_app({"DATA_DIR": app.config["DATA_DIR"], "TESTING": True,
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 50
    for rule, again in zip(rules, other.url_map.iter_rules(), strict=True):
        assert rule.rule == again.rule
        for shared, append_unknown in ((rule._build, False), (rule._build_unknown, True)):
            assert shared.__self__ is rule
            assert shared.__code__ == COMPILE_BUILDER(rule, append_unknown).__code__, rule.rule
        if builder_key(rule, False) is not None:  # made once for both apps
            assert again._build.__func__ is rule._build.__func__, rule.rule
    with app.test_request_context():
        from flask import url_for

        assert url_for("patients.show", patient_id=7, q="a b") == "/patients/7?q=a+b"


def test_every_rule_gets_the_parts_werkzeug_would_parse(app):
    """The shared parse of each rule (pieces, matching expressions, converters, arguments) is
    what Werkzeug's own Rule.compile makes of it for this app."""
    from copy import copy

    rules = list(app.url_map.iter_rules())
    assert len(rules) > 50
    for rule in rules:
        own = copy(rule)
        own.arguments = set(map(str, rule.defaults or {}))
        COMPILE_RULE(own)
        assert rule._parts == own._parts, rule.rule
        assert rule._trace == own._trace, rule.rule
        assert rule.arguments == own.arguments, rule.rule
        assert {k: (type(v), v.regex) for k, v in rule._converters.items()} == \
            {k: (type(v), v.regex) for k, v in own._converters.items()}, rule.rule
    with app.test_request_context():
        from flask import url_for

        assert url_for("plans.edit", plan_id=3) == "/plans/3"
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/plans/3") == ("plans.edit", {"plan_id": 3})


def work(app, n: int) -> None:
    """Queries, INSERTs and an UPDATE, through the ORM and the core (``n``: whose)."""
    from planner.extensions import db
    from planner.models import Patient, User

    make_user(app, f"doctor{n}")
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == f"doctor{n}")).one()
        user.full_name = "Dr Changed"
        db.session.add(Patient(record_number=f"S-{n}", family_name="Shared", given_name="Sql",
                               birth_date=date(1970, 1, 2), sex="female"))
        db.session.commit()
        assert db.session.scalar(select(Patient.family_name)
                                 .where(Patient.record_number == f"S-{n}")) == "Shared"


def ran(app, n: int, *, shared: bool) -> list[str]:
    """The SQL that ``work`` runs on ``app``'s database, with the shared cache or without."""
    from planner.extensions import db

    seen: list[str] = []
    with app.app_context():
        engine = db.engine
        if shared:
            share_compiled_statements(engine, db.Model.registry.mappers)
        event.listen(engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_: seen.append(statement))
        with nullcontext() if shared else alone(db.Model.registry.mappers):
            work(app, n)
    return seen


@contextmanager
def alone(mappers):
    """The mappers with caches of their own, as outside the tests, then shared again."""
    mappers = list(mappers)
    before = [m.__dict__.get("_compiled_cache") for m in mappers]
    for m in mappers:
        m.__dict__["_compiled_cache"] = LRUCache(100)
    try:
        yield
    finally:
        for m, cache in zip(mappers, before, strict=True):
            if cache is None:
                m.__dict__.pop("_compiled_cache", None)
            else:
                m.__dict__["_compiled_cache"] = cache


def test_a_shared_statement_is_the_sql_the_engine_would_compile(app, tmp_path):
    """Three apps on the test's database: two share the cache, one compiles on its own."""
    from planner.app import create_app
    from planner.extensions import db

    first, second, own = (create_app({
        "DATA_DIR": str(tmp_path / name), "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
        for name in ("first", "second", "own"))
    try:
        ran(first, 1, shared=True)
        size = len(SHARED)
        reused = ran(second, 2, shared=True)
        assert len(SHARED) == size, "the second app compiled again"
        assert reused == ran(own, 3, shared=False)
        assert any(s.startswith("INSERT INTO patients") for s in reused)
        assert any(s.startswith("UPDATE users") for s in reused)
    finally:
        for each in (first, second, own):
            with each.app_context():
                db.engine.dispose()
