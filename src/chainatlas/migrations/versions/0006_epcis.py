"""EPCIS 2.0 event repository: capture jobs, events (indexed columns + the captured JSON), EPCs and
business transactions / sources / destinations for queries.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "epcis_capture",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("success", sa.Boolean, nullable=False),
        sa.Column("running", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("stored", sa.Integer, nullable=False, comment="new events (the rest were already stored)"),
        sa.Column("errors", sa.Text, nullable=True, comment="JSON list of problems"),
    )
    op.create_table(
        "epcis_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(100), nullable=False, comment="CBV 2.0 §8.9 event hash ID"),
        sa.Column("declaration", sa.Boolean, nullable=False, comment="an error declaration of the event (same hash ID)"),
        sa.Column("declared_id", sa.String(300), nullable=True, comment="eventID given by the capturing client"),
        sa.Column("event_type", sa.String(30), nullable=False, index=True),
        sa.Column("event_time", sa.DateTime, nullable=False, index=True, comment="UTC"),
        sa.Column("tz_offset", sa.String(6), nullable=False),
        sa.Column("record_time", sa.DateTime, nullable=False, index=True, comment="UTC"),
        sa.Column("action", sa.String(10), nullable=True),
        sa.Column("biz_step", sa.String(300), nullable=True, index=True, comment="CBV bare word or URI"),
        sa.Column("disposition", sa.String(300), nullable=True, index=True),
        sa.Column("read_point", sa.String(300), nullable=True, index=True, comment="canonical Digital Link where one exists"),
        sa.Column("biz_location", sa.String(300), nullable=True, index=True),
        sa.Column("capture_id", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False, comment="the event as captured (JSON)"),
        sa.Column("context", sa.Text, nullable=False, comment="JSON @context of its document"),
        sa.UniqueConstraint("event_id", "declaration", name="uq_epcis_event_id"),
    )
    op.create_table(
        "epcis_epc",
        sa.Column("event_pk", sa.Integer, nullable=False, index=True),
        sa.Column("role", sa.String(20), nullable=False, comment="epc, parent, child, input, output, quantity (class)"),
        sa.Column("epc", sa.String(300), nullable=False, comment="as captured"),
        sa.Column("canon", sa.String(300), nullable=False, index=True, comment="canonical Digital Link (or as captured)"),
    )
    op.create_table(
        "epcis_attr",
        sa.Column("event_pk", sa.Integer, nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False, comment="bizTransaction, source, destination"),
        sa.Column("type", sa.String(300), nullable=True),
        sa.Column("value", sa.String(300), nullable=False, index=True),
    )


def downgrade() -> None:
    for name in ("epcis_attr", "epcis_epc", "epcis_event", "epcis_capture"):
        op.drop_table(name)
