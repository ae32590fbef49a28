"""trust: server-side login sessions, an append-only hash-chained audit trail, signatures that
keep who signed, and the reason a session was cancelled (issue 15)

- ``login_sessions``: one row per logged-in browser (web/sessions.py).
- ``audit_events`` gains ``seq``, ``prev_hash`` and ``row_hash`` (planner/audit_chain.py); the
  events already kept are chained in the order of their ids; ``audit_head`` holds the chain's
  end. Triggers refuse any UPDATE or DELETE of an audit event (and TRUNCATE on PostgreSQL).
- ``session_records`` keeps the signer's and performer's name and role as at the signing (the
  records signed before this migration take the accounts' names of the day it runs: the best
  that is known); ``session_addenda`` its author's.
- ``sessions`` keeps who cancelled a session (their name as it was), when, and why.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 01:00:00

"""
from datetime import UTC

import sqlalchemy as sa
from alembic import op

from planner.audit_chain import GENESIS, event_hash

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

REFUSAL = 'audit events are append-only: they cannot be changed or deleted'
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
]


def upgrade():
    op.create_table(
        'login_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('seen_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('end_reason', sa.String(length=20), server_default='', nullable=False),
        sa.Column('client', sa.String(length=60), server_default='', nullable=False),
        sa.Column('address', sa.String(length=64), server_default='', nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_login_sessions_user_id', 'login_sessions', ['user_id'])
    op.create_table(
        'audit_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('last_hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('audit_events') as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_audit_events_seq', ['seq'])
    chain_existing_events()
    with op.batch_alter_table('session_records') as batch_op:
        batch_op.add_column(sa.Column('signer_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('signer_role', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('performer_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('performer_role', sa.String(length=20), nullable=True))
    with op.batch_alter_table('session_addenda') as batch_op:
        batch_op.add_column(sa.Column('author_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('author_role', sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE session_records SET "
        "signer_name = (SELECT full_name FROM users WHERE users.id = signed_by_id), "
        "signer_role = (SELECT role FROM users WHERE users.id = signed_by_id), "
        "performer_name = (SELECT full_name FROM users WHERE users.id = performer_id), "
        "performer_role = (SELECT role FROM users WHERE users.id = performer_id) "
        "WHERE status = 'signed'")
    op.execute(
        "UPDATE session_addenda SET "
        "author_name = (SELECT full_name FROM users WHERE users.id = created_by_id), "
        "author_role = (SELECT role FROM users WHERE users.id = created_by_id)")
    with op.batch_alter_table('sessions') as batch_op:
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('cancelled_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by_name', sa.String(length=120),
                                      nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_sessions_cancelled_by_id_users', 'users',
                                    ['cancelled_by_id'], ['id'])
    triggers = POSTGRES_TRIGGERS if op.get_bind().dialect.name == 'postgresql' \
        else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def chain_existing_events():
    """Chain the events kept so far, in the order of their ids (before the triggers exist)."""
    events = sa.table('audit_events', sa.column('id', sa.Integer), sa.column('at', sa.DateTime),
                      sa.column('user_id', sa.Integer), sa.column('action', sa.String),
                      sa.column('entity', sa.String), sa.column('entity_id', sa.Integer),
                      sa.column('detail', sa.String), sa.column('seq', sa.Integer),
                      sa.column('prev_hash', sa.String), sa.column('row_hash', sa.String))
    bind = op.get_bind()
    previous, seq = GENESIS, 0
    for row in bind.execute(sa.select(events).order_by(events.c.id)).all():
        seq += 1
        at = row.at.replace(tzinfo=UTC)  # the table keeps UTC without its zone
        digest = event_hash(previous, seq, at, row.user_id, row.action, row.entity,
                            row.entity_id, row.detail or '')
        bind.execute(events.update().where(events.c.id == row.id).values(
            seq=seq, prev_hash=previous, row_hash=digest))
        previous = digest
    head = sa.table('audit_head', sa.column('id', sa.Integer), sa.column('seq', sa.Integer),
                    sa.column('last_hash', sa.String))
    bind.execute(head.insert().values(id=1, seq=seq, last_hash=previous))


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")
    with op.batch_alter_table('sessions') as batch_op:
        batch_op.drop_constraint('fk_sessions_cancelled_by_id_users', type_='foreignkey')
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('cancelled_by_name')
        batch_op.drop_column('cancelled_by_id')
        batch_op.drop_column('cancel_reason')
    with op.batch_alter_table('session_addenda') as batch_op:
        batch_op.drop_column('author_role')
        batch_op.drop_column('author_name')
    with op.batch_alter_table('session_records') as batch_op:
        batch_op.drop_column('performer_role')
        batch_op.drop_column('performer_name')
        batch_op.drop_column('signer_role')
        batch_op.drop_column('signer_name')
    with op.batch_alter_table('audit_events') as batch_op:
        batch_op.drop_constraint('uq_audit_events_seq', type_='unique')
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
    op.drop_table('audit_head')
    op.drop_index('ix_login_sessions_user_id', table_name='login_sessions')
    op.drop_table('login_sessions')
