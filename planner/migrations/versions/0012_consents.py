"""consents: the clinic's consent texts (versioned) and the consents patients signed; a record
keeps the consent it was signed on and the values it carried over; the clinic's default mixtures

``consent_texts`` holds the clinic's edits of a treatment's consent text, one row per version
and language (version 1 is the built-in text, not stored). ``consents`` holds what a patient
signed on the screen: the text as read, its version and language, the photo answers and the
signature's strokes. ``session_records.consent_id`` is the consent the doctor signed the record
on; ``session_records.carried_json`` lists the fields a new record of a cycle took from the
previous session and nobody has confirmed yet. ``clinic_settings.default_mixtures_json`` maps a
treatment to the clinic mixture a new plan of it starts with.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 14:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consent_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('treatment', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('treatment', 'language', 'version', name='uq_consent_texts_version')
    )
    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('treatment', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('text_version', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('photos_record', sa.Boolean(), nullable=False),
    sa.Column('photos_teaching', sa.Boolean(), nullable=False),
    sa.Column('signer_name', sa.String(length=120), nullable=False),
    sa.Column('strokes_json', sa.Text(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=False),
    sa.Column('taken_by_name', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['taken_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_patient_id'), ['patient_id'], unique=False)
    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('carried_json', sa.Text(), nullable=False,
                                      server_default='[]'))
        batch_op.create_foreign_key('fk_session_records_consent_id_consents', 'consents',
                                    ['consent_id'], ['id'])
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_mixtures_json', sa.Text(), nullable=False,
                                      server_default='{}'))


def downgrade():
    with op.batch_alter_table('clinic_settings', schema=None) as batch_op:
        batch_op.drop_column('default_mixtures_json')
    with op.batch_alter_table('session_records', schema=None) as batch_op:
        batch_op.drop_constraint('fk_session_records_consent_id_consents', type_='foreignkey')
        batch_op.drop_column('carried_json')
        batch_op.drop_column('consent_id')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_patient_id'))
    op.drop_table('consents')
    op.drop_table('consent_texts')
