"""Policy screening (免申即享): screenings, candidates with their decisions, and the grant ledger.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"

MONEY = sa.Numeric(20, 2, asdecimal=False)


def upgrade() -> None:
    op.create_table(
        "policy_screening",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("policy_id", sa.String(64), nullable=False, index=True),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("candidates", sa.Integer, nullable=False),
        sa.Column("fast_track", sa.Integer, nullable=False),
        sa.Column("amount_yuan", MONEY, nullable=False),
    )
    op.create_table(
        "policy_candidate",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("screening_id", sa.Integer, nullable=False, index=True),
        sa.Column("policy_id", sa.String(64), nullable=False, index=True),
        sa.Column("uscc", sa.String(24), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("list", sa.String(12), nullable=False),
        sa.Column("amount_yuan", MONEY, nullable=True),
        sa.Column("missing", sa.Text, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("screening_id", "uscc", name="uq_policy_candidate"),
    )
    op.create_table(
        "policy_grant",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("policy_id", sa.String(64), nullable=False, index=True),
        sa.Column("uscc", sa.String(24), nullable=False, index=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("amount_yuan", MONEY, nullable=False),
        sa.Column("candidate_id", sa.Integer, nullable=False, unique=True),
        sa.Column("granted_by", sa.String(100), nullable=False),
        sa.Column("granted_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for t in ("policy_grant", "policy_candidate", "policy_screening"):
        op.drop_table(t)
