"""Owner-approved data grants (授权).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "data_grant",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("grantee", sa.String(100), nullable=False),
        sa.Column("dataset", sa.String(40), nullable=False),
        sa.Column("fields", sa.Text, nullable=False, comment='JSON list; ["*"] = all fields'),
        sa.Column("row_filter", sa.Text, nullable=False, comment='JSON, e.g. {"region_prefix": "4101"}'),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("purpose_note", sa.Text, nullable=True),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=False),
        sa.Column("status", sa.String(12), nullable=False, comment="requested / approved / rejected / revoked"),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_data_grant_grantee", "data_grant", ["grantee"])


def downgrade() -> None:
    op.drop_index("ix_data_grant_grantee", "data_grant")
    op.drop_table("data_grant")
