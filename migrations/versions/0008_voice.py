"""Views: young people's and parents' views

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 13:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "voice_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("asks", sa.String(length=20), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("voice_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voice_requests_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "voice_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("helper_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["helper_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["voice_requests.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["sent_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("voice_sets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voice_sets_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_voice_sets_plan_sent", ["plan_id", "sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_voice_sets_request_id"), ["request_id"], unique=False)

    op.create_table(
        "voice_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=40), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("cards", sa.String(length=500), nullable=False),
        sa.Column("scale", sa.Integer(), nullable=True),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["stored_files.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["set_id"], ["voice_sets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("set_id", "question", name="uq_voice_answers_set_question"),
    )
    with op.batch_alter_table("voice_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voice_answers_set_id"), ["set_id"], unique=False)


def downgrade():
    with op.batch_alter_table("voice_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voice_answers_set_id"))
    op.drop_table("voice_answers")
    with op.batch_alter_table("voice_sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voice_sets_request_id"))
        batch_op.drop_index("ix_voice_sets_plan_sent")
        batch_op.drop_index(batch_op.f("ix_voice_sets_author_id"))
    op.drop_table("voice_sets")
    with op.batch_alter_table("voice_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voice_requests_plan_id"))
    op.drop_table("voice_requests")
