"""共享运维: the equipment register, service tickets and their state changes, photos, per-device telemetry tokens and
readings.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"


def upgrade() -> None:
    op.create_table(
        "equipment",
        sa.Column("equipment_id", sa.String(40), primary_key=True),
        sa.Column("owner_uscc", sa.String(18), nullable=False, index=True),
        sa.Column("equipment_type", sa.String(16), nullable=False),
        sa.Column("model", sa.String(100), nullable=True),
        sa.Column("serial_no", sa.String(64), nullable=True),
        sa.Column("location", sa.String(200), nullable=True),
        sa.Column("tenure", sa.String(8), nullable=False, comment="owned or leased"),
        sa.Column("subscription_id", sa.String(40), nullable=True),
        sa.Column("provider_uscc", sa.String(18), nullable=True, index=True, comment="the shared O&M provider"),
        sa.Column("installed_on", sa.Date, nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
    )
    op.create_table(
        "om_ticket",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("equipment_id", sa.String(40), nullable=False, index=True),
        sa.Column("owner_uscc", sa.String(18), nullable=False, index=True),
        sa.Column("provider_uscc", sa.String(18), nullable=False, index=True, comment="the provider when the ticket was opened"),
        sa.Column("priority", sa.String(2), nullable=False),
        sa.Column("fault", sa.Text, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("technician", sa.String(100), nullable=True),
        sa.Column("origin", sa.String(80), nullable=False, comment="manual, or alarm:<rule id> when telemetry raised it"),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "om_ticket_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.Integer, nullable=False, index=True),
        sa.Column("action", sa.String(12), nullable=False),
        sa.Column("state_from", sa.String(12), nullable=True),
        sa.Column("state_to", sa.String(12), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "om_photo",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.Integer, nullable=False, index=True),
        sa.Column("content_type", sa.String(20), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "om_device_token",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("equipment_id", sa.String(40), nullable=False, index=True),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("issued_by", sa.String(100), nullable=False),
        sa.Column("issued_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "om_reading",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("equipment_id", sa.String(40), nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("alarm", sa.String(40), nullable=True, comment="an alarm code the device reports"),
    )


def downgrade() -> None:
    op.drop_table("om_reading")
    op.drop_table("om_device_token")
    op.drop_table("om_photo")
    op.drop_table("om_ticket_event")
    op.drop_table("om_ticket")
    op.drop_table("equipment")
