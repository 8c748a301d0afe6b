"""Mediation: requests, slots, bookings, certificates

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 13:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # A booking holds its slot through active_slot_id (unique, NULL once cancelled or changed): the
    # database refuses a second active booking of one slot.
    op.create_table(
        "mediation_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("idempotency_token", sa.String(length=64), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=24), nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=False),
        sa.Column("areas", sa.String(length=60), nullable=False),
        sa.Column("access_needs", sa.Text(), nullable=False),
        sa.Column("interpreter", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=60), nullable=False),
        sa.Column("wants_mediation", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("told_on", sa.Date(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_recorded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["family_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["mediator_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_token"),
        sa.UniqueConstraint("reference"),
    )
    with op.batch_alter_table("mediation_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediation_requests_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_requests_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_requests_held_on"), ["held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_requests_mediator_id"), ["mediator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_requests_told_on"), ["told_on"], unique=False)

    op.create_table(
        "mediation_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mediator_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=12), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("series", sa.String(length=32), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["mediator_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mediator_id", "day", "starts", name="uq_mediation_slots_mediator_time"),
    )
    with op.batch_alter_table("mediation_slots", schema=None) as batch_op:
        batch_op.create_index("ix_mediation_slots_day", ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_slots_mediator_id"), ["mediator_id"], unique=False)

    op.create_table(
        "mediation_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("active_slot_id", sa.Integer(), nullable=True),
        sa.Column("active_request_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("booked_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["active_request_id"], ["mediation_requests.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["active_slot_id"], ["mediation_slots.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["booked_by"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["request_id"], ["mediation_requests.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["slot_id"], ["mediation_slots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("active_request_id"),
        sa.UniqueConstraint("active_slot_id"),
    )
    with op.batch_alter_table("mediation_bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediation_bookings_request_id"), ["request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mediation_bookings_slot_id"), ["slot_id"], unique=False)

    op.create_table(
        "mediation_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("after_mediation", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["issued_by"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["request_id"], ["mediation_requests.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("request_id"),
    )
    with op.batch_alter_table("mediation_certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mediation_certificates_issued_on"), ["issued_on"], unique=False)


def downgrade():
    with op.batch_alter_table("mediation_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_certificates_issued_on"))

    op.drop_table("mediation_certificates")
    with op.batch_alter_table("mediation_bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_bookings_slot_id"))
        batch_op.drop_index(batch_op.f("ix_mediation_bookings_request_id"))

    op.drop_table("mediation_bookings")
    with op.batch_alter_table("mediation_slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_slots_mediator_id"))
        batch_op.drop_index("ix_mediation_slots_day")

    op.drop_table("mediation_slots")
    with op.batch_alter_table("mediation_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_requests_told_on"))
        batch_op.drop_index(batch_op.f("ix_mediation_requests_mediator_id"))
        batch_op.drop_index(batch_op.f("ix_mediation_requests_held_on"))
        batch_op.drop_index(batch_op.f("ix_mediation_requests_family_id"))
        batch_op.drop_index(batch_op.f("ix_mediation_requests_created_at"))

    op.drop_table("mediation_requests")
