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
        sa.Column("on_date", sa.Date, nullable=False, comment="evaluation date of the rules and inputs"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("candidates", sa.Integer, nullable=False),
        sa.Column("fast_track", sa.Integer, nullable=False),
        sa.Column("amount_yuan", MONEY, nullable=False, comment="Σ proposed amounts of the candidates"),
    )
    op.create_table(
        "policy_candidate",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("screening_id", sa.Integer, nullable=False, index=True),
        sa.Column("policy_id", sa.String(64), nullable=False, index=True),
        sa.Column("uscc", sa.String(24), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("list", sa.String(12), nullable=False, comment="candidate (免申即享) or fast_track (快申快享)"),
        sa.Column("amount_yuan", MONEY, nullable=True, comment="proposed benefit; null while an input is missing"),
        sa.Column("missing", sa.Text, nullable=False, comment="JSON list of inputs the firm must provide"),
        sa.Column("explanation", sa.Text, nullable=False, comment="JSON criteria tree at screening time"),
        sa.Column("decision", sa.String(10), nullable=False, comment="pending / approved / rejected"),
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
        sa.Column("year", sa.Integer, nullable=False, comment="budget year the amount is charged to"),
        sa.Column("amount_yuan", MONEY, nullable=False),
        sa.Column("candidate_id", sa.Integer, nullable=False, unique=True),
        sa.Column("granted_by", sa.String(100), nullable=False),
        sa.Column("granted_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for t in ("policy_grant", "policy_candidate", "policy_screening"):
        op.drop_table(t)
