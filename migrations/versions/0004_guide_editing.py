"""Guide editing: review, translation sources

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 13:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("content_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meta", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("restored_from_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_content_revisions_restored_from_id",
            "content_revisions",
            ["restored_from_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("content_revisions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_content_revisions_restored_from_id", type_="foreignkey")
        batch_op.drop_column("restored_from_id")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("submitted_at")
        batch_op.drop_column("meta")
