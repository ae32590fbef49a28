"""patient search index: a trigram index on the folded names and record number, an index on the
birth date and one on the names (the list in alphabetical order), so that finding a patient among
100,000 stays well under 50 ms (issue 7, bench/bench_search.py)

On SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 or later), kept in step with the
patients table by triggers. On PostgreSQL: the pg_trgm extension and a GIN index, which LIKE
'%word%' uses by itself. Where neither can be made, the search still works, scanning the table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 16:40:00

"""
import logging

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')

SQLITE_TRIGGERS = (
    "CREATE TRIGGER patient_search_insert AFTER INSERT ON patients BEGIN "
    "INSERT INTO patient_search (rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER patient_search_delete AFTER DELETE ON patients BEGIN "
    "INSERT INTO patient_search (patient_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER patient_search_update AFTER UPDATE OF search_text ON patients BEGIN "
    "INSERT INTO patient_search (patient_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO patient_search (rowid, search_text) VALUES (new.id, new.search_text); END",
)


def upgrade():
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patients_birth_date'), ['birth_date'])
        batch_op.create_index('ix_patients_name', ['family_name', 'given_name'])
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        if bind.dialect.dbapi.sqlite_version_info < (3, 34):
            log.warning('SQLite %s has no trigram tokenizer (3.34 or later): the patient search '
                        'will scan the table', bind.dialect.dbapi.sqlite_version)
            return
        op.execute("CREATE VIRTUAL TABLE patient_search USING fts5(search_text, "
                   "content='patients', content_rowid='id', tokenize='trigram')")
        op.execute("INSERT INTO patient_search (patient_search) VALUES ('rebuild')")
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
    elif bind.dialect.name == 'postgresql':
        savepoint = bind.begin_nested()
        try:
            bind.execute(sa.text('CREATE EXTENSION IF NOT EXISTS pg_trgm'))
        except sa.exc.DBAPIError as error:
            savepoint.rollback()
            log.warning('The pg_trgm extension could not be created (%s): the patient search '
                        'will scan the table. A superuser can run CREATE EXTENSION pg_trgm and '
                        'then CREATE INDEX ix_patients_search_trgm ON patients USING gin '
                        '(search_text gin_trgm_ops).', error.orig)
            return
        savepoint.commit()
        op.execute('CREATE INDEX ix_patients_search_trgm ON patients '
                   'USING gin (search_text gin_trgm_ops)')


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS patient_search_{trigger}')
        op.execute('DROP TABLE IF EXISTS patient_search')
    elif bind.dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_patients_search_trgm')
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index('ix_patients_name')
        batch_op.drop_index(batch_op.f('ix_patients_birth_date'))
