"""货代拼单 · 公共海外仓: shipment requests and their cartons, forwarders' capacity offers, public overseas warehouses,
their receipts (inbound, linked to EPCIS events) and orders (outbound).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"

MONEY = sa.Numeric(20, 2, asdecimal=False)


def upgrade() -> None:
    op.create_table(
        "consol_request",
        sa.Column("request_id", sa.String(40), primary_key=True, comment="the shipment's code"),
        sa.Column("exporter_uscc", sa.String(18), nullable=False, index=True, comment="the exporter"),
        sa.Column("mode", sa.String(8), nullable=False, comment="air, sea or rail"),
        sa.Column("origin", sa.String(8), nullable=False, comment="IATA airport or UN/LOCODE"),
        sa.Column("destination", sa.String(8), nullable=False, comment="IATA airport or UN/LOCODE"),
        sa.Column("ready_date", sa.Date, nullable=False, comment="the goods are ready for the forwarder"),
        sa.Column("latest_arrival", sa.Date, nullable=False, comment="must arrive by this date"),
        sa.Column("dg_class", sa.String(4), nullable=True, comment="UN dangerous-goods class or division"),
        sa.Column("temperature_min_c", sa.Float, nullable=True),
        sa.Column("temperature_max_c", sa.Float, nullable=True),
        sa.Column("declared_value_yuan", MONEY, nullable=True),
        sa.Column("goods", sa.String(200), nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
    )
    op.create_table(
        "consol_carton",
        sa.Column("request_id", sa.String(40), primary_key=True, comment="the shipment request"),
        sa.Column("line", sa.Integer, primary_key=True, comment="size line within the shipment"),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("length_cm", sa.Float, nullable=False),
        sa.Column("width_cm", sa.Float, nullable=False),
        sa.Column("height_cm", sa.Float, nullable=False),
        sa.Column("gross_kg", sa.Float, nullable=False, comment="per carton"),
        sa.Column("stackable", sa.Boolean, nullable=True),
        sa.Column("this_way_up", sa.Boolean, nullable=True),
        sa.Column("fragile", sa.Boolean, nullable=True),
        sa.Column("sku", sa.String(64), nullable=True, comment="the exporter's SKU"),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
    )
    op.create_table(
        "consol_offer",
        sa.Column("offer_id", sa.String(40), primary_key=True),
        sa.Column("forwarder_uscc", sa.String(32), nullable=False, index=True, comment="USCC or foreign key"),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("origin", sa.String(8), nullable=False),
        sa.Column("destination", sa.String(8), nullable=False),
        sa.Column("departure", sa.Date, nullable=False, index=True),
        sa.Column("cutoff", sa.Date, nullable=True),
        sa.Column("arrival", sa.Date, nullable=True),
        sa.Column("equipment", sa.String(8), nullable=False, comment="20GP, 40GP, 40HQ, 20RF, 40RH, LD3, LD7, PMC"),
        sa.Column("units", sa.Integer, nullable=True, comment="identical units offered (default 1)"),
        sa.Column("price_yuan", MONEY, nullable=False, comment="per unit"),
        sa.Column("min_fill", sa.Float, nullable=True, comment="least share of the unit's volume booked for it to run"),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
    )
    op.create_table(
        "overseas_warehouse",
        sa.Column("warehouse_id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country_code", sa.String(2), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("place", sa.String(8), nullable=True, comment="nearest port, rail terminal or airport"),
        sa.Column("operator", sa.String(32), nullable=False, comment="USCC or foreign key"),
        sa.Column("capacity_m3", sa.Float, nullable=False),
        sa.Column("capacity_pallets", sa.Integer, nullable=True),
        sa.Column("rate_yuan_m3_day", MONEY, nullable=False, comment="storage fee per m³ per day"),
        sa.Column("alert_occupancy", sa.Float, nullable=True, comment="occupancy by volume that raises an alert (default 0.85)"),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
    )
    op.create_table(
        "warehouse_receipt",
        sa.Column("receipt_id", sa.String(40), primary_key=True),
        sa.Column("warehouse_id", sa.String(40), nullable=False, index=True),
        sa.Column("exporter_uscc", sa.String(18), nullable=False, index=True),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("volume_m3", sa.Float, nullable=False, comment="total volume of the pieces received"),
        sa.Column("pallets", sa.Integer, nullable=True),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("request_id", sa.String(40), nullable=True, comment="the shipment request it came with"),
        sa.Column("consignment_ref", sa.String(200), nullable=True, comment="the consignment's EPCIS business transaction"),
        sa.Column("event_id", sa.String(200), nullable=True, comment="the EPCIS receiving event captured for it"),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
    )
    op.create_table(
        "warehouse_order",
        sa.Column("order_id", sa.String(40), primary_key=True),
        sa.Column("warehouse_id", sa.String(40), nullable=False, index=True),
        sa.Column("exporter_uscc", sa.String(18), nullable=False, index=True),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("shipped_on", sa.Date, nullable=False),
        sa.Column("destination_country", sa.String(2), nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("warehouse_order")
    op.drop_table("warehouse_receipt")
    op.drop_table("overseas_warehouse")
    op.drop_table("consol_offer")
    op.drop_table("consol_carton")
    op.drop_table("consol_request")
