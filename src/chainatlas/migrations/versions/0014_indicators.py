"""City indicators: official statistics imported per period, and targets a city sets beyond the declared ones.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    op.create_table(
        "official_statistic",
        sa.Column("indicator_id", sa.String(64), primary_key=True, comment="an official indicator of the registry"),
        sa.Column("period", sa.String(7), primary_key=True, comment="2025 or 2025Q3"),
        sa.Column("value", sa.Float, nullable=False, comment="in the registry's unit of the indicator"),
        sa.Column("publisher", sa.String(200), nullable=False),
        sa.Column("published_on", sa.Date, nullable=True),
        sa.Column("source", sa.String(500), nullable=True, comment="document or address it was taken from"),
    )
    op.create_table(
        "indicator_target",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("indicator_id", sa.String(64), nullable=False, index=True),
        sa.Column("chain_id", sa.String(32), nullable=True, comment="for an indicator per chain; null: every chain"),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("source", sa.String(500), nullable=False, comment="the document that sets the target"),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("indicator_target")
    op.drop_table("official_statistic")
