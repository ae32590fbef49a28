"""print: the clinic's settings (name, telephone, aftercare text) and the patient's language

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'clinic_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('handout_it', sa.Text(), nullable=False),
        sa.Column('handout_es', sa.Text(), nullable=False),
        sa.Column('handout_en', sa.Text(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('patients') as batch:
        batch.add_column(sa.Column('language', sa.String(length=5), nullable=False,
                                   server_default='it'))


def downgrade():
    with op.batch_alter_table('patients') as batch:
        batch.drop_column('language')
    op.drop_table('clinic_settings')
