"""EPCIS lookups in the query's order: the EPC and business-transaction side tables keep each row's event time,
and their covering lookup indexes hold it before the event: (canon, role, event time, event) and (value, kind, type,
event time, event). A query for one EPC or one bill of lading then picks its page of events inside the index and
reads only those events, instead of reading every event of the identifier to sort them (docs/benchmarks.md, "EPCIS
query path at 5M events").

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"

_COMMENT = "the event's time (UTC), as on epcis_event (0021)"
_LOOKUPS = {"epcis_epc": ("ix_epcis_epc_lookup", ["canon", "role"]),
            "epcis_attr": ("ix_epcis_attr_lookup", ["value", "kind", "type"])}


def upgrade() -> None:
    for table, (index, keys) in _LOOKUPS.items():
        op.drop_index(index, table)
        op.add_column(table, sa.Column("event_time", sa.DateTime, nullable=True, comment=_COMMENT))
        op.execute(f"UPDATE {table} SET event_time = (SELECT e.event_time FROM epcis_event e WHERE e.id = {table}.event_pk)")
        # a side row of no stored event answers no query (the capture writes both in one transaction)
        op.execute(f"DELETE FROM {table} WHERE event_time IS NULL")
        with op.batch_alter_table(table) as batch:
            batch.alter_column("event_time", existing_type=sa.DateTime, nullable=False, existing_comment=_COMMENT)
        op.create_index(index, table, [*keys, "event_time", "event_pk"])


def downgrade() -> None:
    for table, (index, keys) in _LOOKUPS.items():
        op.drop_index(index, table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("event_time")
        op.create_index(index, table, [*keys, "event_pk"])
