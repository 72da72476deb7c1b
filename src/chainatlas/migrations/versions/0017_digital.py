"""智改数转: solution providers, their lightweight offers (hardware lease + software subscription), reference cases,
SMEs' subscriptions, and digital-maturity self-assessments.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"

MONEY = sa.Numeric(20, 2, asdecimal=False)


def upgrade() -> None:
    op.create_table(
        "solution_provider",
        sa.Column("uscc", sa.String(18), primary_key=True),
        sa.Column("qualifications", sa.Text, nullable=True),
        sa.Column("shared_om", sa.Boolean, nullable=True, comment="offers shared O&M (共享运维)"),
        sa.Column("service_area", sa.String(200), nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
    )
    op.create_table(
        "solution_offer",
        sa.Column("offer_id", sa.String(40), primary_key=True),
        sa.Column("provider_uscc", sa.String(18), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scenario", sa.String(32), nullable=False, index=True),
        sa.Column("segment_code", sa.String(64), nullable=True),
        sa.Column("hardware_monthly_yuan", MONEY, nullable=True),
        sa.Column("deposit_yuan", MONEY, nullable=True),
        sa.Column("lease_months", sa.Integer, nullable=True),
        sa.Column("software_unit", sa.String(8), nullable=True),
        sa.Column("software_monthly_yuan", MONEY, nullable=True),
        sa.Column("implementation_days", sa.Integer, nullable=True),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
    )
    op.create_table(
        "solution_case",
        sa.Column("case_id", sa.String(40), primary_key=True),
        sa.Column("offer_id", sa.String(40), nullable=False, index=True),
        sa.Column("customer_uscc", sa.String(18), nullable=False),
        sa.Column("metric", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(20), nullable=True),
        sa.Column("before", sa.Float, nullable=False),
        sa.Column("after", sa.Float, nullable=False),
        sa.Column("higher_is_better", sa.Boolean, nullable=True),
        sa.Column("period", sa.String(8), nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
    )
    op.create_table(
        "solution_subscription",
        sa.Column("subscription_id", sa.String(40), primary_key=True),
        sa.Column("customer_uscc", sa.String(18), nullable=False, index=True),
        sa.Column("offer_id", sa.String(40), nullable=False, index=True),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.Column("units", sa.Integer, nullable=True),
        sa.Column("monthly_yuan", MONEY, nullable=False),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
    )
    op.create_table(
        "digital_assessment",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("uscc", sa.String(18), nullable=False, index=True),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("rule_set", sa.String(64), nullable=False, comment="questionnaire id (dated rule set)"),
        sa.Column("answers", sa.Text, nullable=False, comment="JSON: item id → choice"),
        sa.Column("score_low", sa.Float, nullable=False),
        sa.Column("score_high", sa.Float, nullable=False),
        sa.Column("level", sa.Integer, nullable=True, comment="null while unanswered items leave the level open"),
        sa.Column("submitted_by", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("digital_assessment")
    op.drop_table("solution_subscription")
    op.drop_table("solution_case")
    op.drop_table("solution_offer")
    op.drop_table("solution_provider")
