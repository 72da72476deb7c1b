"""EPCIS query indexes inside events: user-extension fields (top level, nested, ILMD, error declaration) and the
error declaration's own fields (``epcis_field``), one row per sensor report (``epcis_sensor``) — for the
SimpleEventQuery parameters EQ_/EXISTS_/GT_… on extensions, EQ_errorReason …, EQ_type, GE_value_{uom} ….
Events already stored are indexed here from their bodies.

Revision ID: 0012
Revises: 0011
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"

TEXT = ("type", "device_id", "meta_device_id", "device_metadata", "raw_data", "data_processing_method", "biz_rules",
        "microorganism", "chemical_substance", "exception", "string_value", "hex_binary_value", "uri_value", "uom")
NUMBERS = ("value", "min_value", "max_value", "mean_value", "s_dev", "perc_rank", "perc_value")


def upgrade() -> None:
    field = op.create_table(
        "epcis_field",
        sa.Column("event_pk", sa.Integer, nullable=False, index=True),
        sa.Column("scope", sa.String(20), nullable=False, comment="top, inner, ilmd, inner_ilmd, error, inner_error, declaration"),
        sa.Column("name", sa.String(300), nullable=False, comment="member name as written (ex:lot) or expanded (https://…/lot)"),
        sa.Column("value", sa.String(500), nullable=True, comment="scalar value as text (null: a nested element)"),
        sa.Column("number", sa.Float, nullable=True, comment="the value as a number where it is one (GT_/GE_/LT_/LE_)"),
    )
    op.create_index("ix_epcis_field_name_value", "epcis_field", ["name", "value"])
    sensor = op.create_table(
        "epcis_sensor",
        sa.Column("event_pk", sa.Integer, nullable=False, index=True),
        sa.Column("element", sa.Integer, nullable=False),
        sa.Column("report", sa.Integer, nullable=False),
        *[sa.Column(c, sa.String(300), nullable=True) for c in TEXT],
        sa.Column("boolean_value", sa.Boolean, nullable=True),
        *[sa.Column(c, sa.Float, nullable=True) for c in NUMBERS],
        sa.Column("time", sa.DateTime, nullable=True),
        sa.Column("meta_time", sa.DateTime, nullable=True),
        sa.Column("start_time", sa.DateTime, nullable=True),
        sa.Column("end_time", sa.DateTime, nullable=True),
    )
    from chainatlas.trade.hashid import namespaces
    from chainatlas.trade.index import field_rows, sensor_rows

    conn = op.get_bind()
    events = sa.table("epcis_event", sa.column("id"), sa.column("body"), sa.column("context"))
    last = 0
    while True:  # in batches: a repository may hold millions of events
        batch = conn.execute(sa.select(events.c.id, events.c.body, events.c.context).where(events.c.id > last)
                             .order_by(events.c.id).limit(5000)).all()
        if not batch:
            break
        fields, sensors = [], []
        for pk, body, context in batch:
            ev = json.loads(body)
            ns = namespaces(json.loads(context) if context else [])
            fields += [{"event_pk": pk, "scope": s, "name": n[:300], "value": v[:500] if v else v, "number": x}
                       for s, n, v, x in field_rows(ev, ns)]
            sensors += [{"event_pk": pk, **row} for row in sensor_rows(ev)]
        if fields:
            conn.execute(field.insert(), fields)
        if sensors:
            conn.execute(sensor.insert(), sensors)
        last = batch[-1][0]


def downgrade() -> None:
    op.drop_table("epcis_sensor")
    op.drop_index("ix_epcis_field_name_value", "epcis_field")
    op.drop_table("epcis_field")
