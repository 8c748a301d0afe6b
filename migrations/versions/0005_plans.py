"""EHC plans: plans, versions, sections, access

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 13:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_children",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("preferred_name", sa.String(length=100), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["young_person_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_children", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_children_young_person_id"), ["young_person_id"], unique=False
        )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("next_review_due", sa.Date(), nullable=True),
        sa.Column("assessment_requested_on", sa.Date(), nullable=True),
        sa.Column("assessment_decided_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["child_id"], ["plan_children.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_child_id"), ["child_id"], unique=False)
    op.create_table(
        "plan_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["granted_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_access", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_access_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index("ix_plan_access_user_plan", ["user_id", "plan_id"], unique=False)
    op.create_table(
        "plan_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=True),
        sa.Column("access_expires_at", sa.DateTime(), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["invited_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["used_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    with op.batch_alter_table("plan_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_invitations_plan_id"), ["plan_id"], unique=False)
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("placement_name", sa.String(length=200), nullable=True),
        sa.Column("placement_type", sa.String(length=200), nullable=True),
        sa.Column("placement_notes", sa.Text(), nullable=False),
        sa.Column("budget_summary", sa.Text(), nullable=False),
        sa.Column("budget_amount_pence", sa.Integer(), nullable=True),
        sa.Column("direct_payments", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["published_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "number", name="uq_plan_versions_plan_number"),
    )
    with op.batch_alter_table("plan_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_versions_plan_id"), ["plan_id"], unique=False)
    op.create_table(
        "plan_advice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("dated", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["version_id"], ["plan_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_advice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_advice_version_id"), ["version_id"], unique=False)
    op.create_table(
        "plan_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("section", sa.String(length=2), nullable=False),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["plan_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_needs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_needs_version_id"), ["version_id"], unique=False)
    op.create_table(
        "plan_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by_when", sa.String(length=120), nullable=False),
        sa.Column("steps", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["plan_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_outcomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_outcomes_version_id"), ["version_id"], unique=False)
    op.create_table(
        "plan_provision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("how_often", sa.String(length=200), nullable=False),
        sa.Column("how_long", sa.String(length=200), nullable=False),
        sa.Column("funded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["plan_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_provision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_provision_version_id"), ["version_id"], unique=False)
    op.create_table(
        "plan_section_a",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["version_id"], ["plan_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan_section_a", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_section_a_version_id"), ["version_id"], unique=False)
    op.create_table(
        "plan_outcome_needs",
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["need_id"], ["plan_needs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outcome_id"], ["plan_outcomes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("outcome_id", "need_id"),
    )
    op.create_table(
        "plan_provision_outcomes",
        sa.Column("provision_id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["outcome_id"], ["plan_outcomes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["provision_id"], ["plan_provision.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("provision_id", "outcome_id"),
    )


def downgrade():
    op.drop_table("plan_provision_outcomes")
    op.drop_table("plan_outcome_needs")
    with op.batch_alter_table("plan_section_a", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_section_a_version_id"))
    op.drop_table("plan_section_a")
    with op.batch_alter_table("plan_provision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_provision_version_id"))
    op.drop_table("plan_provision")
    with op.batch_alter_table("plan_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_outcomes_version_id"))
    op.drop_table("plan_outcomes")
    with op.batch_alter_table("plan_needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_needs_version_id"))
    op.drop_table("plan_needs")
    with op.batch_alter_table("plan_advice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_advice_version_id"))
    op.drop_table("plan_advice")
    with op.batch_alter_table("plan_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_versions_plan_id"))
    op.drop_table("plan_versions")
    with op.batch_alter_table("plan_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_invitations_plan_id"))
    op.drop_table("plan_invitations")
    with op.batch_alter_table("plan_access", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_access_user_plan")
        batch_op.drop_index(batch_op.f("ix_plan_access_plan_id"))
    op.drop_table("plan_access")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_child_id"))
    op.drop_table("plans")
    with op.batch_alter_table("plan_children", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_children_young_person_id"))
    op.drop_table("plan_children")
