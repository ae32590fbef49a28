"""photo marks: numbered points a clinician places on a photo, with words (issue 20)

A photo without a calibration card has no scale: it can still be annotated. ``marks_json``
holds the marks: a list of {"x", "y" (fractions of the photo's width and height), "text"}, in
their numbering order (planner/models/photos.py). Empty: no marks. Nothing else changes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 20:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('photos') as batch:
        batch.add_column(sa.Column('marks_json', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('photos') as batch:
        batch.drop_column('marks_json')
