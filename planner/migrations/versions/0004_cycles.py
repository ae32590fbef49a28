"""cycles: treatment cycles of a saved plan and their scheduled sessions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cycles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('template', sa.String(length=30), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_cycles_patient_id', 'cycles', ['patient_id'])
    op.create_table(
        'sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('planned_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_sessions_cycle_id', 'sessions', ['cycle_id'])
    op.create_index('ix_sessions_planned_on', 'sessions', ['planned_on'])


def downgrade():
    op.drop_index('ix_sessions_planned_on', 'sessions')
    op.drop_index('ix_sessions_cycle_id', 'sessions')
    op.drop_table('sessions')
    op.drop_index('ix_cycles_patient_id', 'cycles')
    op.drop_table('cycles')
