"""数据即服务: data products' quality history, product-scoped tokens and their metered use.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"


def upgrade() -> None:
    op.create_table(
        "product_quality",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("product_id", sa.String(40), nullable=False, index=True),
        sa.Column("measured_at", sa.DateTime, nullable=False),
        sa.Column("import_job_id", sa.Integer, nullable=True, comment="the import that prompted the measurement"),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("metrics", sa.Text, nullable=False, comment="JSON: completeness per field, validity, freshness, provenance"),
    )
    op.create_table(
        "product_token",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("product_id", sa.String(40), nullable=False, index=True),
        sa.Column("grant_id", sa.Integer, nullable=True, comment="the grant it rests on (null: the owner's own)"),
        sa.Column("grantee", sa.String(100), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "product_usage",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_id", sa.Integer, nullable=True, index=True),
        sa.Column("product_id", sa.String(40), nullable=False, index=True, comment="the product asked for"),
        sa.Column("grantee", sa.String(100), nullable=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("status", sa.Integer, nullable=False, comment="HTTP status answered"),
    )


def downgrade() -> None:
    op.drop_table("product_usage")
    op.drop_table("product_token")
    op.drop_table("product_quality")
