"""mixture versions: an edit of a clinic mixture adds a version and keeps the one before

Each row of ``mixtures`` becomes one version: ``family_id`` (the first version's id, NULL on the
first version itself), ``version`` (1, 2, ...) and ``superseded`` (an older version). The
mixtures already saved become version 1 of themselves. A name is unique among the versions not
superseded (a partial unique index), no longer among all rows.

Downgrading deletes the superseded versions (the schema before had no place for them; the plans
that used them keep their own copy of the recipe) and makes names unique again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# SQLite reflects 0001's unnamed UNIQUE (name) without a name: batch mode names it by this
# convention so that it can be dropped. PostgreSQL named it itself (mixtures_name_key).
NAMING = {'uq': 'uq_%(table_name)s_%(column_0_name)s'}


def name_constraint():
    """The name of the UNIQUE (name) constraint of 0001, as this database calls it."""
    for found in sa.inspect(op.get_bind()).get_unique_constraints('mixtures'):
        if found['column_names'] == ['name']:
            return found['name'] or 'uq_mixtures_name'
    return None


def upgrade():
    unique_name = name_constraint()
    with op.batch_alter_table('mixtures', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.add_column(sa.Column('family_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('superseded', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        if unique_name is not None:
            batch_op.drop_constraint(unique_name, type_='unique')
        batch_op.create_foreign_key('fk_mixtures_family_id_mixtures', 'mixtures',
                                    ['family_id'], ['id'])
        batch_op.create_unique_constraint('uq_mixtures_family_version',
                                          ['family_id', 'version'])
        batch_op.create_index(batch_op.f('ix_mixtures_family_id'), ['family_id'], unique=False)
        batch_op.create_index('ix_mixtures_current_name', ['name'], unique=True,
                              sqlite_where=sa.text('NOT superseded'),
                              postgresql_where=sa.text('NOT superseded'))


def downgrade():
    op.execute(sa.text('UPDATE mixtures SET family_id = NULL'))
    op.execute(sa.text('DELETE FROM mixtures WHERE superseded'))
    with op.batch_alter_table('mixtures', schema=None) as batch_op:
        batch_op.drop_index('ix_mixtures_current_name')
        batch_op.drop_index(batch_op.f('ix_mixtures_family_id'))
        batch_op.drop_constraint('uq_mixtures_family_version', type_='unique')
        batch_op.drop_constraint('fk_mixtures_family_id_mixtures', type_='foreignkey')
        batch_op.drop_column('superseded')
        batch_op.drop_column('version')
        batch_op.drop_column('family_id')
        batch_op.create_unique_constraint('mixtures_name_key', ['name'])
