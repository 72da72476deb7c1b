"""Access control: principals, API tokens, web sessions, hash-chained audit log.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "principal",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False, comment="admin / analyst / department / enterprise"),
        sa.Column("enterprise_uscc", sa.String(24), nullable=True),
        sa.Column("department", sa.String(40), nullable=True),
        sa.Column("password_hash", sa.String(200), nullable=True, comment="argon2id; null = token-only machine account"),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("principal_id", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True, comment="SHA-256 of the token; the token is shown once"),
        sa.Column("label", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_api_token_principal_id", "api_token", ["principal_id"])
    op.create_table(
        "web_session",
        sa.Column("id_hash", sa.String(64), primary_key=True, comment="SHA-256 of the session cookie value"),
        sa.Column("principal_id", sa.Integer, nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ts", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(200), nullable=False, comment="route or command"),
        sa.Column("purpose", sa.String(200), nullable=True),
        sa.Column("grant_id", sa.Integer, nullable=True),
        sa.Column("dataset", sa.String(40), nullable=True),
        sa.Column("params", sa.Text, nullable=False, comment="JSON"),
        sa.Column("rows", sa.Integer, nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    for t in ("audit_log", "web_session", "api_token", "principal"):
        op.drop_table(t)
