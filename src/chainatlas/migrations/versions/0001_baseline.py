"""Baseline schema v1 (registry, chains, exchange tables).

Revision ID: 0001
Revises:
"""

from alembic import op

from chainatlas.db import metadata

revision = "0001"
down_revision = None

# The baseline creates the v1 tables from the metadata as it stood at v1. Every later change must be an
# explicit op.* migration: tests/test_migrations.py fails when the metadata and the migrated schema differ.
V1_TABLES = [
    "region", "country", "industry", "enterprise", "enterprise_attribute", "chain", "segment",
    "placement", "supply_link", "transaction_line", "import_job",
]


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind, tables=[metadata.tables[name] for name in V1_TABLES])


def downgrade() -> None:
    bind = op.get_bind()
    metadata.drop_all(bind, tables=[metadata.tables[name] for name in reversed(V1_TABLES)])
