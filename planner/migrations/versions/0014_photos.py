"""photos: before and after photos of the treated site (issue 20)

``photos`` holds one row per photo: whose (patient, and the session record and cycle it was
taken at), when (before, after, other), of which site, who took it, and where its bytes are
kept (a random key of the photo store) with their size and SHA-256; the calibration columns
stay empty until the calibration card is found in it (planner/models/photos.py). Nothing else
changes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-09 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('cycle_id', sa.Integer(), nullable=True),
    sa.Column('moment', sa.String(length=10), nullable=False),
    sa.Column('site_view', sa.String(length=60), nullable=False),
    sa.Column('site_side', sa.String(length=10), nullable=False),
    sa.Column('site_region', sa.String(length=100), nullable=False),
    sa.Column('site_text', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('teaching', sa.Boolean(), nullable=False),
    sa.Column('storage_key', sa.String(length=80), nullable=False),
    sa.Column('preview_key', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_by_name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('calibration_json', sa.Text(), nullable=True),
    sa.Column('calibration_residual_mm', sa.Float(), nullable=True),
    sa.Column('calibrated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['record_id'], ['session_records.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('storage_key')
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_record_id'), ['record_id'], unique=False)


def downgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_record_id'))
        batch_op.drop_index(batch_op.f('ix_photos_patient_id'))
        batch_op.drop_index(batch_op.f('ix_photos_cycle_id'))
    op.drop_table('photos')
