"""The database instance's identity (a random id made once), so that the audit head is bound to the database, not to
its URL: a copied file or a restored backup keeps its id and is recognised as such.

Revision ID: 0011
Revises: 0010
"""

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    table = op.create_table(
        "db_instance",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.bulk_insert(table, [{"key": "instance_id", "value": str(uuid.uuid4())},
                           {"key": "created_at", "value": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}])


def downgrade() -> None:
    op.drop_table("db_instance")
