"""Trade alerts (预警) with their inbox states, and webhook subscriptions.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.create_table(
        "trade_alert",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("consignment", sa.String(300), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False, comment="excursion, dwell, late"),
        sa.Column("detail", sa.Text, nullable=False, comment="JSON: what, where, threshold, value"),
        sa.Column("occurred_at", sa.DateTime, nullable=False, comment="UTC time of the event or deadline that raised it"),
        sa.Column("status", sa.String(12), nullable=False, comment="open / acknowledged / resolved"),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("consignment", "kind", name="uq_trade_alert"),
    )
    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("kinds", sa.String(100), nullable=False, comment="comma-separated alert kinds, or *"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("webhook")
    op.drop_table("trade_alert")
