"""Analysts' placement overrides (confirm / move / remove), recorded with who and when.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "placement_override",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("uscc", sa.String(24), nullable=False),
        sa.Column("segment_code", sa.String(64), nullable=False, comment="the placement acted on"),
        sa.Column("action", sa.String(10), nullable=False, comment="confirm / move / remove"),
        sa.Column("to_segment", sa.String(64), nullable=True, comment="target segment of a move"),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_index("ix_placement_override_uscc", "placement_override", ["uscc"])


def downgrade() -> None:
    op.drop_index("ix_placement_override_uscc", "placement_override")
    op.drop_table("placement_override")
