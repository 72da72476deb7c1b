"""EPCIS named queries and their webhook subscriptions (stream and scheduled); the enterprises that captured each
event (an enterprise account queries its own events); master data (vocabulary elements and their children, for
``WD_`` queries).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.add_column("epcis_capture", sa.Column("owner", sa.String(24), nullable=True,
                                             comment="USCC of the enterprise account that captured (null: an official)"))
    op.add_column("epcis_capture", sa.Column("behaviour", sa.String(10), nullable=True,
                                             comment="capture error behaviour: rollback (default) or proceed"))
    op.create_table(
        "epcis_vocab",
        sa.Column("vtype", sa.String(200), primary_key=True, comment="vocabulary type, e.g. urn:epcglobal:epcis:vtype:BusinessLocation"),
        sa.Column("element", sa.String(300), primary_key=True, comment="element ID (canonical Digital Link where one exists)"),
        sa.Column("attributes", sa.Text, nullable=True, comment="JSON list of {id, attribute} as last captured"),
    )
    op.create_table(
        "epcis_vocab_child",
        sa.Column("vtype", sa.String(200), primary_key=True),
        sa.Column("parent", sa.String(300), primary_key=True),
        sa.Column("child", sa.String(300), primary_key=True, comment="a direct child (e.g. a dock door of a warehouse)"),
    )
    op.create_table(
        "epcis_event_owner",
        sa.Column("event_pk", sa.Integer, primary_key=True),
        sa.Column("owner", sa.String(24), primary_key=True, index=True, comment="an enterprise that captured the event"),
    )
    op.create_table(
        "epcis_query",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("query", sa.Text, nullable=False, comment="JSON: SimpleEventQuery parameters (EPCIS 2.0 REST binding)"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "epcis_subscription",
        sa.Column("id", sa.String(36), primary_key=True, comment="subscriptionID (UUID)"),
        sa.Column("query_name", sa.String(100), nullable=False, index=True),
        sa.Column("dest", sa.String(500), nullable=False, comment="webhook URL the results are POSTed to"),
        sa.Column("secret", sa.String(200), nullable=True, comment="signatureToken: HMAC-SHA256 key of the GS1-Signature header"),
        sa.Column("stream", sa.Boolean, nullable=False),
        sa.Column("schedule", sa.Text, nullable=True, comment="JSON: second, minute, hour, dayOfMonth, month, dayOfWeek"),
        sa.Column("report_if_empty", sa.Boolean, nullable=False),
        sa.Column("min_record_time", sa.DateTime, nullable=True, comment="events recorded from here on are still to report"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_notified_at", sa.DateTime, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("epcis_event_owner")
    op.drop_table("epcis_vocab_child")
    op.drop_table("epcis_vocab")
    with op.batch_alter_table("epcis_capture") as batch:
        batch.drop_column("owner")
        batch.drop_column("behaviour")
    op.drop_table("epcis_subscription")
    op.drop_table("epcis_query")
