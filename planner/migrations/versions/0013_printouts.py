"""printouts: the PDFs the print worker makes, kept by the digest of their HTML (issue 19)

``printouts`` holds one row per distinct printout: its job's state (queued, making, done,
failed), the HTML to lay out until it is made, then the PDF itself (planner/models/printouts.py).
Nothing else changes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('printouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('inputs_key', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('html_bytes', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('digest')
    )
    with op.batch_alter_table('printouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_printouts_inputs_key'), ['inputs_key'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_printouts_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('printouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_printouts_status'))
        batch_op.drop_index(batch_op.f('ix_printouts_inputs_key'))
    op.drop_table('printouts')
