"""patient search text: names and record number folded (accents, case) for the search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:00:00

"""
import sqlalchemy as sa
from alembic import op

from planner.models import folded

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('patients') as batch:
        batch.add_column(sa.Column('search_text', sa.String(length=300), nullable=False,
                                   server_default=''))
    patients = sa.table('patients', sa.column('id', sa.Integer), sa.column('family_name'),
                        sa.column('given_name'), sa.column('record_number'),
                        sa.column('search_text'))
    bind = op.get_bind()
    rows = bind.execute(sa.select(patients.c.id, patients.c.family_name, patients.c.given_name,
                                  patients.c.record_number)).all()
    for row in rows:
        bind.execute(patients.update().where(patients.c.id == row.id).values(
            search_text=folded(f"{row.family_name} {row.given_name} {row.record_number}")))


def downgrade():
    with op.batch_alter_table('patients') as batch:
        batch.drop_column('search_text')
