"""EPCIS storage: a document's JSON-LD ``@context`` kept once per capture instead of repeated on each of its events
(66 bytes per event in the benchmark's documents, whose context is the one EPCIS URL; in the 140 conformance
documents of tests/data/epcis, a median of 105 bytes and at most 356), and indexes that answer the queries without extra reads
(docs/benchmarks.md, "EPCIS at 5M events"):

- the business-step index dropped, and the (business step, event time) index of 0007 extended with the id: it then
  gives a step's events in the order queries ask for (time, then id), so a page is read from the index in order
  instead of being sorted;
- EPCs and business transactions, sources and destinations looked up by covering indexes (value, role or kind and
  type, event): a query by EPC or by bill of lading reads the index only, not the side table's rows.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"


def upgrade() -> None:
    op.add_column("epcis_capture", sa.Column("context", sa.Text, nullable=True,
                                             comment="JSON @context of the captured document"))
    op.execute("UPDATE epcis_capture SET context = (SELECT e.context FROM epcis_event e "
               "WHERE e.capture_id = epcis_capture.id LIMIT 1)")
    op.drop_index("ix_epcis_event_biz_step", "epcis_event")
    op.drop_index("ix_epcis_event_step_time", "epcis_event")
    op.create_index("ix_epcis_event_step_time_id", "epcis_event", ["biz_step", "event_time", "id"])
    op.drop_index("ix_epcis_epc_canon", "epcis_epc")
    op.create_index("ix_epcis_epc_lookup", "epcis_epc", ["canon", "role", "event_pk"])
    op.drop_index("ix_epcis_attr_value", "epcis_attr")
    op.create_index("ix_epcis_attr_lookup", "epcis_attr", ["value", "kind", "type", "event_pk"])
    with op.batch_alter_table("epcis_event") as batch:
        batch.drop_column("context")


def downgrade() -> None:
    with op.batch_alter_table("epcis_event") as batch:
        batch.add_column(sa.Column("context", sa.Text, nullable=False, server_default="[]"))
    op.execute("UPDATE epcis_event SET context = coalesce((SELECT c.context FROM epcis_capture c "
               "WHERE c.id = epcis_event.capture_id), '[]')")
    op.drop_index("ix_epcis_attr_lookup", "epcis_attr")
    op.create_index("ix_epcis_attr_value", "epcis_attr", ["value"])
    op.drop_index("ix_epcis_epc_lookup", "epcis_epc")
    op.create_index("ix_epcis_epc_canon", "epcis_epc", ["canon"])
    op.drop_index("ix_epcis_event_step_time_id", "epcis_event")
    op.create_index("ix_epcis_event_step_time", "epcis_event", ["biz_step", "event_time"])
    op.create_index("ix_epcis_event_biz_step", "epcis_event", ["biz_step"])
    op.drop_column("epcis_capture", "context")
