"""session records: recorded and signed sessions, their products (lot, expiry) and addenda

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 13:11:45

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('session_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('plan_version', sa.Integer(), nullable=False),
    sa.Column('plan_json', sa.Text(), nullable=False),
    sa.Column('scheduled_id', sa.Integer(), nullable=True),
    sa.Column('performed_at', sa.DateTime(), nullable=False),
    sa.Column('performer_id', sa.Integer(), nullable=False),
    sa.Column('adjustments_json', sa.Text(), nullable=False),
    sa.Column('points_done', sa.Integer(), nullable=False),
    sa.Column('total_ml', sa.String(length=20), nullable=False),
    sa.Column('pain_scale', sa.String(length=3), nullable=False),
    sa.Column('pain_before', sa.Integer(), nullable=True),
    sa.Column('pain_after', sa.Integer(), nullable=True),
    sa.Column('adverse_json', sa.Text(), nullable=False),
    sa.Column('adverse_details', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('checklist_json', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('signed_weight_kg', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('override_findings', sa.Text(), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['performer_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], ),
    sa.ForeignKeyConstraint(['scheduled_id'], ['sessions.id'], ),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('scheduled_id')
    )
    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_records_patient_id'), ['patient_id'])
        batch_op.create_index(batch_op.f('ix_session_records_plan_id'), ['plan_id'])

    op.create_table('session_addenda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['record_id'], ['session_records.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('session_addenda', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_addenda_record_id'), ['record_id'])

    op.create_table('session_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('product', sa.String(length=120), nullable=False),
    sa.Column('lot', sa.String(length=60), nullable=False),
    sa.Column('expiry', sa.Date(), nullable=True),
    sa.Column('product_key', sa.String(length=120), nullable=False),
    sa.Column('lot_key', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['session_records.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('session_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_products_lot_key'), ['lot_key'])
        batch_op.create_index(batch_op.f('ix_session_products_product_key'), ['product_key'])
        batch_op.create_index(batch_op.f('ix_session_products_record_id'), ['record_id'])



def downgrade():
    with op.batch_alter_table('session_products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_products_record_id'))
        batch_op.drop_index(batch_op.f('ix_session_products_product_key'))
        batch_op.drop_index(batch_op.f('ix_session_products_lot_key'))

    op.drop_table('session_products')
    with op.batch_alter_table('session_addenda', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_addenda_record_id'))

    op.drop_table('session_addenda')
    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_records_plan_id'))
        batch_op.drop_index(batch_op.f('ix_session_records_patient_id'))

    op.drop_table('session_records')
