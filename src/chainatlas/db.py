"""The transactional store: SQLAlchemy Core tables that run identically on SQLite and PostgreSQL.

The schema is created and changed only through the Alembic migrations in ``chainatlas/migrations``
(``chainatlas init`` applies them). Keys that identify a row naturally (USCC, segment code, period …)
are the primary or unique keys, so that re-importing the same file is an upsert that changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Connection

from chainatlas.settings import get_settings

if TYPE_CHECKING:
    import polars as pl

metadata = MetaData()

Money = Numeric(20, 2, asdecimal=False)

region = Table(
    "region",
    metadata,
    Column("code", String(6), primary_key=True, comment="行政区划代码 (GB/T 2260)"),
    Column("name", String(64), nullable=False),
    Column("parent_code", String(6), nullable=True),
    Column("level", String(12), nullable=False, comment="province / prefecture / county"),
)

country = Table(
    "country",
    metadata,
    Column("alpha2", String(2), primary_key=True, comment="ISO 3166-1 alpha-2"),
    Column("alpha3", String(3), nullable=False),
    Column("numeric", String(3), nullable=False),
    Column("name_en", String(128), nullable=False),
    Column("name_zh", String(128), nullable=True),
)

industry = Table(
    "industry",
    metadata,
    Column("code", String(5), primary_key=True, comment="GB/T 4754-2017, e.g. C3612"),
    Column("name_zh", String(64), nullable=False),
    Column("level", String(10), nullable=False, comment="section / division / group / class"),
    Column("parent_code", String(5), nullable=True),
)

enterprise = Table(
    "enterprise",
    metadata,
    Column("uscc", String(24), primary_key=True, comment="统一社会信用代码, or a synthetic key for foreign firms"),
    Column("name", String(200), nullable=False),
    Column("country_code", String(2), nullable=False, server_default="CN"),
    Column("region_code", String(6), nullable=True, index=True),
    Column("address", String(300), nullable=True),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("industry_code", String(5), nullable=True, index=True),
    Column("founded_on", Date, nullable=True),
    Column("registered_capital_yuan", Money, nullable=True),
    Column("employees", Integer, nullable=True),
    Column("revenue_yuan", Money, nullable=True),
    Column("rd_spend_yuan", Money, nullable=True),
    Column("invention_patents", Integer, nullable=True),
    Column("is_above_scale", Boolean, nullable=True),
    Column("is_high_tech", Boolean, nullable=True),
    Column("is_srdi", Boolean, nullable=True),
    Column("is_little_giant", Boolean, nullable=True),
    Column("is_chain_leader", Boolean, nullable=True),
    Column("is_listed", Boolean, nullable=True),
    Column("source", String(200), nullable=False),
    Column("as_of", Date, nullable=False),
)

enterprise_attribute = Table(
    "enterprise_attribute",
    metadata,
    Column("uscc", String(24), primary_key=True),
    Column("attribute", String(40), primary_key=True),
    Column("as_of", Date, primary_key=True),
    Column("source", String(200), primary_key=True),
    Column("value", Text, nullable=True),
)

chain = Table(
    "chain",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name_zh", String(64), nullable=False),
    Column("name_en", String(128), nullable=False),
    Column("description", Text, nullable=True),
    Column("sources", Text, nullable=True, comment="JSON list of references"),
)

segment = Table(
    "segment",
    metadata,
    Column("code", String(64), primary_key=True, comment="chain id + '.' + segment, e.g. nev.cathode"),
    Column("chain_id", String(32), nullable=False, index=True),
    Column("name_zh", String(64), nullable=False),
    Column("name_en", String(128), nullable=False),
    Column("stage", String(12), nullable=False),
    Column("is_key", Boolean, nullable=False),
    Column("feeds_into", Text, nullable=False, comment="JSON list of segment codes"),
    Column("industry_codes", Text, nullable=False, comment="JSON list"),
    Column("keywords", Text, nullable=False, comment="JSON list"),
    Column("tax_code_prefixes", Text, nullable=False, comment="JSON list"),
)

placement = Table(
    "placement",
    metadata,
    Column("uscc", String(24), primary_key=True),
    Column("segment_code", String(64), primary_key=True, index=True),
    Column("evidence", String(20), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("source", String(200), nullable=False),
    Column("as_of", Date, nullable=False),
)

placement_override = Table(
    "placement_override",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uscc", String(24), nullable=False, index=True),
    Column("segment_code", String(64), nullable=False, comment="the placement acted on"),
    Column("action", String(10), nullable=False, comment="confirm / move / remove"),
    Column("to_segment", String(64), nullable=True, comment="target segment of a move"),
    Column("actor", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("note", Text, nullable=True),
)

supply_link = Table(
    "supply_link",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("supplier_uscc", String(24), nullable=False),
    Column("buyer_uscc", String(24), nullable=False),
    Column("period", String(6), nullable=False),
    Column("value_yuan", Money, nullable=False),
    Column("segment_code", String(64), nullable=False, server_default=""),
    Column("product", String(200), nullable=False, server_default=""),
    Column("quantity", Float, nullable=True),
    Column("unit", String(20), nullable=True),
    Column("source", String(200), nullable=False),
    UniqueConstraint("supplier_uscc", "buyer_uscc", "period", "segment_code", "product", "source", name="uq_link"),
    Index("ix_link_buyer", "buyer_uscc", "period"),
    Index("ix_link_supplier", "supplier_uscc", "period"),
)

transaction_line = Table(
    "transaction_line",
    metadata,
    Column("line_id", String(40), primary_key=True, comment="SHA-1 of the line's fields"),
    Column("seller_uscc", String(24), nullable=False, index=True),
    Column("buyer_uscc", String(24), nullable=False, index=True),
    Column("invoice_no", String(40), nullable=True),
    Column("invoice_date", Date, nullable=False),
    Column("amount_yuan", Money, nullable=False),
    Column("tax_yuan", Money, nullable=True),
    Column("goods_name", String(200), nullable=False),
    Column("goods_tax_code", String(19), nullable=True),
    Column("source", String(200), nullable=False),
)

import_job = Table(
    "import_job",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime, nullable=False),
    Column("files", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("summary", Text, nullable=False, comment="JSON: rows per table, problems"),
)


principal = Table(
    "principal",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False, comment="admin / analyst / department / enterprise"),
    Column("enterprise_uscc", String(24), nullable=True),
    Column("department", String(40), nullable=True),
    Column("password_hash", String(200), nullable=True, comment="argon2id; null = token-only machine account"),
    Column("failed_logins", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime, nullable=True),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", DateTime, nullable=False),
)

api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("principal_id", Integer, nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True, comment="SHA-256 of the token; the token is shown once"),
    Column("label", String(100), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
)

web_session = Table(
    "web_session",
    metadata,
    Column("id_hash", String(64), primary_key=True, comment="SHA-256 of the session cookie value"),
    Column("principal_id", Integer, nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)

data_grant = Table(
    "data_grant",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("grantee", String(100), nullable=False, index=True),
    Column("dataset", String(40), nullable=False),
    Column("fields", Text, nullable=False, comment='JSON list; ["*"] = all fields'),
    Column("row_filter", Text, nullable=False, comment='JSON, e.g. {"region_prefix": "4101"}'),
    Column("purpose", String(40), nullable=False),
    Column("purpose_note", Text, nullable=True),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),
    Column("status", String(12), nullable=False, comment="requested / approved / rejected / revoked"),
    Column("requested_at", DateTime, nullable=False),
    Column("decided_by", String(100), nullable=True),
    Column("decided_at", DateTime, nullable=True),
)

db_instance = Table(
    "db_instance",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", DateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("action", String(200), nullable=False, comment="route or command"),
    Column("purpose", String(200), nullable=True),
    Column("grant_id", Integer, nullable=True),
    Column("dataset", String(40), nullable=True),
    Column("params", Text, nullable=False, comment="JSON"),
    Column("rows", Integer, nullable=True),
    Column("outcome", String(20), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)


job = Table(
    "job",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False, comment="e.g. risk.rei, risk.scenario"),
    Column("status", String(12), nullable=False, comment="queued / running / done / failed"),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=True),
    Column("message", Text, nullable=True),
    Column("params", Text, nullable=False, comment="JSON"),
    Column("result", Text, nullable=True, comment="JSON"),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
)

risk_scenario = Table(
    "risk_scenario",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("spec", Text, nullable=False, comment="JSON ScenarioSpec"),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("result", Text, nullable=True, comment="JSON of the last run"),
    Column("ran_at", DateTime, nullable=True),
    Column("data_version", String(300), nullable=True),
)

epcis_capture = Table(
    "epcis_capture",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("success", Boolean, nullable=False),
    Column("running", Boolean, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    Column("events", Integer, nullable=False),
    Column("stored", Integer, nullable=False, comment="new events (the rest were already stored)"),
    Column("errors", Text, nullable=True, comment="JSON list of problems"),
    Column("owner", String(24), nullable=True, comment="USCC of the enterprise account that captured (null: an official)"),
    Column("behaviour", String(10), nullable=True, comment="capture error behaviour: rollback (default) or proceed"),
    Column("context", Text, nullable=True, comment="JSON @context of the captured document"),
)

epcis_vocab = Table(
    "epcis_vocab",
    metadata,
    Column("vtype", String(200), primary_key=True, comment="vocabulary type, e.g. urn:epcglobal:epcis:vtype:BusinessLocation"),
    Column("element", String(300), primary_key=True, comment="element ID (canonical Digital Link where one exists)"),
    Column("attributes", Text, nullable=True, comment="JSON list of {id, attribute} as last captured"),
)

epcis_vocab_child = Table(
    "epcis_vocab_child",
    metadata,
    Column("vtype", String(200), primary_key=True),
    Column("parent", String(300), primary_key=True),
    Column("child", String(300), primary_key=True, comment="a direct child (e.g. a dock door of a warehouse)"),
)

epcis_event_owner = Table(
    "epcis_event_owner",
    metadata,
    Column("event_pk", Integer, primary_key=True),
    Column("owner", String(24), primary_key=True, index=True, comment="an enterprise that captured the event"),
)

epcis_event = Table(
    "epcis_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(100), nullable=False, comment="CBV 2.0 §8.9 event hash ID"),
    Column("declaration", Boolean, nullable=False, comment="an error declaration of the event (same hash ID)"),
    Column("declared_id", String(300), nullable=True, comment="eventID given by the capturing client"),
    Column("event_type", String(30), nullable=False, index=True),
    Column("event_time", DateTime, nullable=False, index=True, comment="UTC"),
    Column("tz_offset", String(6), nullable=False),
    Column("record_time", DateTime, nullable=False, index=True, comment="UTC"),
    Column("action", String(10), nullable=True),
    Column("biz_step", String(300), nullable=True, comment="CBV bare word or URI"),  # indexed with event_time (0007)
    Column("disposition", String(300), nullable=True, index=True),
    Column("read_point", String(300), nullable=True, index=True, comment="canonical Digital Link where one exists"),
    Column("biz_location", String(300), nullable=True, index=True),
    Column("capture_id", Integer, nullable=False),
    Column("body", Text, nullable=False, comment="the event as captured (JSON)"),  # its @context: its capture's
    UniqueConstraint("event_id", "declaration", name="uq_epcis_event_id"),
    # with id, the index gives a business step's events in the queries' order (time, then id): no sort (0020)
    Index("ix_epcis_event_step_time_id", "biz_step", "event_time", "id"),
)

epcis_epc = Table(
    "epcis_epc",
    metadata,
    Column("event_pk", Integer, nullable=False, index=True),
    Column("role", String(20), nullable=False, comment="epc, parent, child, input, output, quantity (class)"),
    Column("epc", String(300), nullable=False, comment="as captured"),
    Column("canon", String(300), nullable=False, comment="canonical Digital Link (or as captured)"),
    Column("event_time", DateTime, nullable=False, comment="the event's time (UTC), as on epcis_event (0021)"),
    # covering: a query by EPC reads the index only, not this table's rows (0020), in event-time order (0021)
    Index("ix_epcis_epc_lookup", "canon", "role", "event_time", "event_pk"),
)

epcis_attr = Table(
    "epcis_attr",
    metadata,
    Column("event_pk", Integer, nullable=False, index=True),
    Column("kind", String(20), nullable=False, comment="bizTransaction, source, destination"),
    Column("type", String(300), nullable=True),
    Column("value", String(300), nullable=False),
    Column("event_time", DateTime, nullable=False, comment="the event's time (UTC), as on epcis_event (0021)"),
    Index("ix_epcis_attr_lookup", "value", "kind", "type", "event_time", "event_pk"),  # covering, as for EPCs
)

epcis_field = Table(
    "epcis_field",
    metadata,
    Column("event_pk", Integer, nullable=False, index=True),
    Column("scope", String(20), nullable=False, comment="top, inner, ilmd, inner_ilmd, error, inner_error, declaration"),
    Column("name", String(300), nullable=False, comment="member name as written (ex:lot) or expanded (https://…/lot)"),
    Column("value", String(500), nullable=True, comment="scalar value as text (null: a nested element)"),
    Column("number", Float, nullable=True, comment="the value as a number where it is one (GT_/GE_/LT_/LE_)"),
    Index("ix_epcis_field_name_value", "name", "value"),
)

epcis_sensor = Table(
    "epcis_sensor",
    metadata,
    Column("event_pk", Integer, nullable=False, index=True),
    Column("element", Integer, nullable=False),
    Column("report", Integer, nullable=False),
    *[Column(c, String(300), nullable=True) for c in (
        "type", "device_id", "meta_device_id", "device_metadata", "raw_data", "data_processing_method", "biz_rules",
        "microorganism", "chemical_substance", "exception", "string_value", "hex_binary_value", "uri_value", "uom")],
    Column("boolean_value", Boolean, nullable=True),
    *[Column(c, Float, nullable=True) for c in (
        "value", "min_value", "max_value", "mean_value", "s_dev", "perc_rank", "perc_value")],
    Column("time", DateTime, nullable=True),
    Column("meta_time", DateTime, nullable=True),
    Column("start_time", DateTime, nullable=True),
    Column("end_time", DateTime, nullable=True),
)

policy_screening = Table(
    "policy_screening",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("policy_id", String(64), nullable=False, index=True),
    Column("on_date", Date, nullable=False, comment="evaluation date of the rules and inputs"),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("candidates", Integer, nullable=False),
    Column("fast_track", Integer, nullable=False),
    Column("amount_yuan", Money, nullable=False, comment="Σ proposed amounts of the candidates"),
)

policy_candidate = Table(
    "policy_candidate",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("screening_id", Integer, nullable=False, index=True),
    Column("policy_id", String(64), nullable=False, index=True),
    Column("uscc", String(24), nullable=False, index=True),
    Column("name", String(200), nullable=True),
    Column("list", String(12), nullable=False, comment="candidate (免申即享) or fast_track (快申快享)"),
    Column("amount_yuan", Money, nullable=True, comment="proposed benefit; null while an input is missing"),
    Column("missing", Text, nullable=False, comment="JSON list of inputs the firm must provide"),
    Column("explanation", Text, nullable=False, comment="JSON criteria tree at screening time"),
    Column("decision", String(10), nullable=False, comment="pending / approved / rejected"),
    Column("note", Text, nullable=True),
    Column("decided_by", String(100), nullable=True),
    Column("decided_at", DateTime, nullable=True),
    UniqueConstraint("screening_id", "uscc", name="uq_policy_candidate"),
)

policy_grant = Table(
    "policy_grant",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("policy_id", String(64), nullable=False, index=True),
    Column("uscc", String(24), nullable=False, index=True),
    Column("year", Integer, nullable=False, comment="budget year the amount is charged to"),
    Column("amount_yuan", Money, nullable=False),
    Column("candidate_id", Integer, nullable=False, unique=True),
    Column("granted_by", String(100), nullable=False),
    Column("granted_at", DateTime, nullable=False),
)

trade_alert = Table(
    "trade_alert",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("consignment", String(300), nullable=False, index=True),
    Column("kind", String(20), nullable=False, comment="excursion, dwell, late"),
    Column("detail", Text, nullable=False, comment="JSON: what, where, threshold, value"),
    Column("occurred_at", DateTime, nullable=False, comment="UTC time of the event or deadline that raised it"),
    Column("status", String(12), nullable=False, comment="open / acknowledged / resolved"),
    Column("note", Text, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_by", String(100), nullable=True),
    Column("updated_at", DateTime, nullable=True),
    UniqueConstraint("consignment", "kind", name="uq_trade_alert"),
)

webhook = Table(
    "webhook",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(500), nullable=False),
    Column("kinds", String(100), nullable=False, comment="comma-separated alert kinds, or *"),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("active", Boolean, nullable=False),
)

epcis_query = Table(
    "epcis_query",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("query", Text, nullable=False, comment="JSON: SimpleEventQuery parameters (EPCIS 2.0 REST binding)"),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

epcis_subscription = Table(
    "epcis_subscription",
    metadata,
    Column("id", String(36), primary_key=True, comment="subscriptionID (UUID)"),
    Column("query_name", String(100), nullable=False, index=True),
    Column("dest", String(500), nullable=False, comment="webhook URL the results are POSTed to"),
    Column("secret", String(200), nullable=True, comment="signatureToken: HMAC-SHA256 key of the GS1-Signature header"),
    Column("stream", Boolean, nullable=False),
    Column("schedule", Text, nullable=True, comment="JSON: second, minute, hour, dayOfMonth, month, dayOfWeek"),
    Column("report_if_empty", Boolean, nullable=False),
    Column("min_record_time", DateTime, nullable=True, comment="events recorded from here on are still to report"),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_notified_at", DateTime, nullable=True),
)


attraction_project = Table(
    "attraction_project",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chain_id", String(32), nullable=False, index=True),
    Column("segment_code", String(64), nullable=True, comment="the segment the target would fill or strengthen"),
    Column("target_uscc", String(18), nullable=True, index=True, comment="null: a lead not (yet) in the register"),
    Column("target_name", String(200), nullable=False),
    Column("officer", String(100), nullable=False, index=True, comment="the investment-attraction officer assigned"),
    Column("stage", String(12), nullable=False, comment="lead, contact, visit, negotiate, signed, landed, dropped"),
    Column("expected_investment_yuan", Money, nullable=True),
    Column("expected_jobs", Integer, nullable=True),
    Column("landing_region", String(6), nullable=True, comment="county (GB/T 2260) where the project would land"),
    Column("next_action_on", Date, nullable=True, comment="the follow-up due date; past it the project is overdue"),
    Column("source", Text, nullable=True, comment="JSON: the target list entry it was opened from (rank, score, period)"),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

attraction_event = Table(
    "attraction_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("project_id", Integer, nullable=False, index=True),
    Column("on_date", Date, nullable=False, comment="when it happened (the officer's date, not the recording time)"),
    Column("stage_from", String(12), nullable=True),
    Column("stage_to", String(12), nullable=True, comment="null: a note without a stage change"),
    Column("note", Text, nullable=True),
    Column("attachments", Text, nullable=True, comment="JSON list of document names (the files stay where they are)"),
    Column("actor", String(100), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
)


collab_demand = Table(
    "collab_demand",
    metadata,
    Column("demand_id", String(40), primary_key=True, comment="the posting's code, e.g. XQ-2026-0001"),
    Column("uscc", String(18), nullable=False, index=True, comment="the posting enterprise"),
    Column("title", String(200), nullable=False),
    Column("text", Text, nullable=False, comment="the problem in the enterprise's words"),
    Column("chain_id", String(32), nullable=True, index=True),
    Column("segment_code", String(64), nullable=True, comment="the chain segment it concerns (declared or placed)"),
    Column("budget_min_yuan", Money, nullable=True),
    Column("budget_max_yuan", Money, nullable=True),
    Column("deadline", Date, nullable=True, comment="bids close at the end of this day"),
    Column("visibility", String(12), nullable=False, comment="public, selected (invited institutes) or bureau"),
    Column("invited", Text, nullable=True, comment="JSON list of the USCCs invited when visibility is selected"),
    Column("state", String(16), nullable=False, index=True, comment="draft, review, published, selection, contracted, implementing, accepted, paid, closed"),
    Column("fund_award_yuan", Money, nullable=True, comment="the guiding fund's award set at contracting"),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

collab_capability = Table(
    "collab_capability",
    metadata,
    Column("capability_id", String(40), primary_key=True, comment="the posting's code, e.g. CG-2026-0001"),
    Column("uscc", String(18), nullable=False, index=True, comment="the institute, university or firm (USCC, 事业单位 12…)"),
    Column("org_name", String(200), nullable=False),
    Column("team", String(200), nullable=True),
    Column("title", String(200), nullable=False),
    Column("text", Text, nullable=False, comment="the technique in the institute's words"),
    Column("keywords", String(500), nullable=True, comment="separated by 、"),
    Column("patents", String(500), nullable=True, comment="patent numbers held, separated by 、"),
    Column("trl", Integer, nullable=True, comment="technology readiness level 1–9 (GB/T 22900-2022)"),
    Column("contact", String(200), nullable=True),
    Column("chain_id", String(32), nullable=True, index=True),
    Column("segment_code", String(64), nullable=True),
    Column("state", String(12), nullable=False, comment="active or withdrawn"),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

collab_bid = Table(
    "collab_bid",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("demand_id", String(40), nullable=False, index=True),
    Column("uscc", String(18), nullable=False, index=True, comment="the bidding institute"),
    Column("capability_id", String(40), nullable=True),
    Column("approach", Text, nullable=False),
    Column("team", String(200), nullable=False),
    Column("budget_yuan", Money, nullable=False),
    Column("milestones", Text, nullable=False, comment="JSON list of {title, due_on, amount_yuan}"),
    Column("state", String(12), nullable=False, comment="submitted, shortlisted, chosen, declined, withdrawn"),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

collab_event = Table(
    "collab_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("demand_id", String(40), nullable=False, index=True),
    Column("kind", String(16), nullable=False, comment="state, bid, milestone, payment, note"),
    Column("state_from", String(16), nullable=True),
    Column("state_to", String(16), nullable=True),
    Column("note", Text, nullable=True),
    Column("actor", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("at", DateTime, nullable=False),
)

collab_milestone = Table(
    "collab_milestone",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("demand_id", String(40), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("title", String(200), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("amount_yuan", Money, nullable=False, comment="the fund's payment due when the milestone is accepted"),
    Column("reported_on", Date, nullable=True),
    Column("report", Text, nullable=True),
    Column("accepted_on", Date, nullable=True),
)

collab_payment = Table(
    "collab_payment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("demand_id", String(40), nullable=False, index=True),
    Column("milestone_id", Integer, nullable=True, unique=True),
    Column("uscc", String(18), nullable=False, comment="the payee (the chosen institute)"),
    Column("year", Integer, nullable=False, comment="budget year of the guiding fund charged"),
    Column("amount_yuan", Money, nullable=False),
    Column("paid_by", String(100), nullable=False),
    Column("paid_at", DateTime, nullable=False),
)

collab_notice = Table(
    "collab_notice",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("recipient_uscc", String(18), nullable=False, index=True),
    Column("demand_id", String(40), nullable=False),
    Column("kind", String(16), nullable=False, comment="published (a matched institute is told), chosen, …"),
    Column("message", Text, nullable=False),
    Column("score", Float, nullable=True, comment="the match score that selected the recipient"),
    Column("created_at", DateTime, nullable=False),
    Column("read_at", DateTime, nullable=True),
)

internship = Table(
    "internship",
    metadata,
    Column("internship_id", String(40), primary_key=True),
    Column("school", String(200), nullable=False, index=True),
    Column("student_ref", String(64), nullable=False, index=True, comment="pseudonymous student id: no name, no ID number"),
    Column("major", String(100), nullable=False),
    Column("host_uscc", String(18), nullable=False, index=True),
    Column("mentor", String(100), nullable=True, comment="the industry mentor (产业导师), an engineer of the host"),
    Column("start_on", Date, nullable=False),
    Column("end_on", Date, nullable=False),
    Column("hours", Integer, nullable=True),
    Column("evaluation", String(12), nullable=True, comment="excellent, good, pass, fail"),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
)


collab_embedding = Table(
    "collab_embedding",
    metadata,
    Column("text_sha", String(40), primary_key=True, comment="SHA-1 of the embedded text"),
    Column("kind", String(8), primary_key=True, comment="query or passage (e5 prefixes them differently)"),
    Column("model", String(80), nullable=False),
    Column("vector", LargeBinary, nullable=False, comment="float32 unit vector"),
)


official_statistic = Table(
    "official_statistic",
    metadata,
    Column("indicator_id", String(64), primary_key=True, comment="an official indicator of the registry"),
    Column("period", String(7), primary_key=True, comment="2025 or 2025Q3"),
    Column("value", Float, nullable=False, comment="in the registry's unit of the indicator"),
    Column("publisher", String(200), nullable=False),
    Column("published_on", Date, nullable=True),
    Column("source", String(500), nullable=True, comment="document or address it was taken from"),
)

indicator_target = Table(
    "indicator_target",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("indicator_id", String(64), nullable=False, index=True),
    Column("chain_id", String(32), nullable=True, comment="for an indicator per chain; null: every chain"),
    Column("value", Float, nullable=False),
    Column("year", Integer, nullable=False),
    Column("source", String(500), nullable=False, comment="the document that sets the target"),
    Column("note", Text, nullable=True),
    Column("set_by", String(100), nullable=False),
    Column("set_at", DateTime, nullable=False),
)


_default_url: str | None = None


def use(url: str | None) -> None:
    """Make ``url`` this process's database (the command line's ``--db``), for :func:`get_engine` without an argument;
    None returns to the settings' database."""
    global _default_url
    _default_url = url
    get_engine.cache_clear()


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: the database chosen with :func:`use`, else the settings')."""
    url = url or _default_url or get_settings().resolved_database_url()
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL lets the web server read while an import writes.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

    return engine


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: the process's database), made once per URL."""
    return make_engine(url)


# a shipment request for consolidation (拼单需求)
consol_request = Table(
    "consol_request",
    metadata,
    Column("request_id", String(40), primary_key=True, comment="the shipment's code"),
    Column("exporter_uscc", String(18), nullable=False, index=True, comment="the exporter"),
    Column("mode", String(8), nullable=False, comment="air, sea or rail"),
    Column("origin", String(8), nullable=False, comment="IATA airport or UN/LOCODE"),
    Column("destination", String(8), nullable=False, comment="IATA airport or UN/LOCODE"),
    Column("ready_date", Date, nullable=False, comment="the goods are ready for the forwarder"),
    Column("latest_arrival", Date, nullable=False, comment="must arrive by this date"),
    Column("dg_class", String(4), nullable=True, comment="UN dangerous-goods class or division"),
    Column("temperature_min_c", Float, nullable=True),
    Column("temperature_max_c", Float, nullable=True),
    Column("declared_value_yuan", Money, nullable=True),
    Column("goods", String(200), nullable=True),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
)


# a shipment's cartons of one size (装箱明细)
consol_carton = Table(
    "consol_carton",
    metadata,
    Column("request_id", String(40), primary_key=True, comment="the shipment request"),
    Column("line", Integer, primary_key=True, comment="size line within the shipment"),
    Column("count", Integer, nullable=False),
    Column("length_cm", Float, nullable=False),
    Column("width_cm", Float, nullable=False),
    Column("height_cm", Float, nullable=False),
    Column("gross_kg", Float, nullable=False, comment="per carton"),
    Column("stackable", Boolean, nullable=True),
    Column("this_way_up", Boolean, nullable=True),
    Column("fragile", Boolean, nullable=True),
    Column("sku", String(64), nullable=True, comment="the exporter's SKU"),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
)


# a forwarder's capacity offer (运力报价)
consol_offer = Table(
    "consol_offer",
    metadata,
    Column("offer_id", String(40), primary_key=True),
    Column("forwarder_uscc", String(32), nullable=False, index=True, comment="USCC or foreign key"),
    Column("mode", String(8), nullable=False),
    Column("origin", String(8), nullable=False),
    Column("destination", String(8), nullable=False),
    Column("departure", Date, nullable=False, index=True),
    Column("cutoff", Date, nullable=True),
    Column("arrival", Date, nullable=True),
    Column("equipment", String(8), nullable=False, comment="20GP, 40GP, 40HQ, 20RF, 40RH, LD3, LD7, PMC"),
    Column("units", Integer, nullable=True, comment="identical units offered (default 1)"),
    Column("price_yuan", Money, nullable=False, comment="per unit"),
    Column("min_fill", Float, nullable=True, comment="least share of the unit's volume booked for it to run"),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
)


# a public overseas warehouse (公共海外仓)
overseas_warehouse = Table(
    "overseas_warehouse",
    metadata,
    Column("warehouse_id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("country_code", String(2), nullable=False),
    Column("city", String(100), nullable=False),
    Column("place", String(8), nullable=True, comment="nearest port, rail terminal or airport"),
    Column("operator", String(32), nullable=False, comment="USCC or foreign key"),
    Column("capacity_m3", Float, nullable=False),
    Column("capacity_pallets", Integer, nullable=True),
    Column("rate_yuan_m3_day", Money, nullable=False, comment="storage fee per m³ per day"),
    Column("alert_occupancy", Float, nullable=True, comment="occupancy by volume that raises an alert (default 0.85)"),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
)


# goods received at an overseas warehouse (入库)
warehouse_receipt = Table(
    "warehouse_receipt",
    metadata,
    Column("receipt_id", String(40), primary_key=True),
    Column("warehouse_id", String(40), nullable=False, index=True),
    Column("exporter_uscc", String(18), nullable=False, index=True),
    Column("sku", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("volume_m3", Float, nullable=False, comment="total volume of the pieces received"),
    Column("pallets", Integer, nullable=True),
    Column("received_on", Date, nullable=False),
    Column("request_id", String(40), nullable=True, comment="the shipment request it came with"),
    Column("consignment_ref", String(200), nullable=True, comment="the consignment's EPCIS business transaction"),
    Column("event_id", String(200), nullable=True, comment="the EPCIS receiving event captured for it"),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
)


# goods shipped out of an overseas warehouse (出库)
warehouse_order = Table(
    "warehouse_order",
    metadata,
    Column("order_id", String(40), primary_key=True),
    Column("warehouse_id", String(40), nullable=False, index=True),
    Column("exporter_uscc", String(18), nullable=False, index=True),
    Column("sku", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("shipped_on", Date, nullable=False),
    Column("destination_country", String(2), nullable=True),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
)


# 智改数转 (issue #20): providers, their lightweight offers, reference cases and SMEs' subscriptions
solution_provider = Table(
    "solution_provider",
    metadata,
    Column("uscc", String(18), primary_key=True),
    Column("qualifications", Text, nullable=True),
    Column("shared_om", Boolean, nullable=True, comment="offers shared O&M (共享运维)"),
    Column("service_area", String(200), nullable=True),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
)

solution_offer = Table(
    "solution_offer",
    metadata,
    Column("offer_id", String(40), primary_key=True),
    Column("provider_uscc", String(18), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("scenario", String(32), nullable=False, index=True),
    Column("segment_code", String(64), nullable=True),
    Column("hardware_monthly_yuan", Money, nullable=True),
    Column("deposit_yuan", Money, nullable=True),
    Column("lease_months", Integer, nullable=True),
    Column("software_unit", String(8), nullable=True),
    Column("software_monthly_yuan", Money, nullable=True),
    Column("implementation_days", Integer, nullable=True),
    Column("description", Text, nullable=True),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
)

solution_case = Table(
    "solution_case",
    metadata,
    Column("case_id", String(40), primary_key=True),
    Column("offer_id", String(40), nullable=False, index=True),
    Column("customer_uscc", String(18), nullable=False),
    Column("metric", String(100), nullable=False),
    Column("unit", String(20), nullable=True),
    Column("before", Float, nullable=False),
    Column("after", Float, nullable=False),
    Column("higher_is_better", Boolean, nullable=True),
    Column("period", String(8), nullable=True),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
)

solution_subscription = Table(
    "solution_subscription",
    metadata,
    Column("subscription_id", String(40), primary_key=True),
    Column("customer_uscc", String(18), nullable=False, index=True),
    Column("offer_id", String(40), nullable=False, index=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=True),
    Column("units", Integer, nullable=True),
    Column("monthly_yuan", Money, nullable=False),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
)

# a digital-maturity self-assessment (数字化水平自评): the answers and the score's bounds and level they give
digital_assessment = Table(
    "digital_assessment",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("assessed_on", Date, nullable=False),
    Column("rule_set", String(64), nullable=False, comment="questionnaire id (dated rule set)"),
    Column("answers", Text, nullable=False, comment="JSON: item id → choice"),
    Column("score_low", Float, nullable=False),
    Column("score_high", Float, nullable=False),
    Column("level", Integer, nullable=True, comment="null while unanswered items leave the level open"),
    Column("submitted_by", String(100), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


# 共享运维: the equipment register (exchange table "equipment"), service tickets with every state change, per-device
# telemetry tokens (SHA-256 only) and the readings devices send
equipment = Table(
    "equipment",
    metadata,
    Column("equipment_id", String(40), primary_key=True),
    Column("owner_uscc", String(18), nullable=False, index=True),
    Column("equipment_type", String(16), nullable=False),
    Column("model", String(100), nullable=True),
    Column("serial_no", String(64), nullable=True),
    Column("location", String(200), nullable=True),
    Column("tenure", String(8), nullable=False, comment="owned or leased"),
    Column("subscription_id", String(40), nullable=True),
    Column("provider_uscc", String(18), nullable=True, index=True, comment="the shared O&M provider"),
    Column("installed_on", Date, nullable=True),
    Column("source", String(200), nullable=True),
    Column("as_of", Date, nullable=True),
)

om_ticket = Table(
    "om_ticket",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("equipment_id", String(40), nullable=False, index=True),
    Column("owner_uscc", String(18), nullable=False, index=True),
    Column("provider_uscc", String(18), nullable=False, index=True, comment="the provider when the ticket was opened"),
    Column("priority", String(2), nullable=False),
    Column("fault", Text, nullable=False),
    Column("state", String(12), nullable=False),
    Column("technician", String(100), nullable=True),
    Column("origin", String(80), nullable=False, comment="manual, or alarm:<rule id> when telemetry raised it"),
    Column("opened_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

om_ticket_event = Table(
    "om_ticket_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, nullable=False, index=True),
    Column("action", String(12), nullable=False),
    Column("state_from", String(12), nullable=True),
    Column("state_to", String(12), nullable=False),
    Column("note", Text, nullable=True),
    Column("actor", String(100), nullable=False),
    Column("at", DateTime, nullable=False),
)

om_photo = Table(
    "om_photo",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, nullable=False, index=True),
    Column("content_type", String(20), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("uploaded_by", String(100), nullable=False),
    Column("at", DateTime, nullable=False),
)

om_device_token = Table(
    "om_device_token",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("equipment_id", String(40), nullable=False, index=True),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("issued_by", String(100), nullable=False),
    Column("issued_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
)

om_reading = Table(
    "om_reading",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("equipment_id", String(40), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("metric", String(40), nullable=False),
    Column("value", Float, nullable=True),
    Column("alarm", String(40), nullable=True, comment="an alarm code the device reports"),
)


# 数据即服务: each data product's measured quality over time, the product-scoped tokens granted consumers, and every
# call made with them (metering)
product_quality = Table(
    "product_quality",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("product_id", String(40), nullable=False, index=True),
    Column("measured_at", DateTime, nullable=False),
    Column("import_job_id", Integer, nullable=True, comment="the import that prompted the measurement"),
    Column("rows", Integer, nullable=False),
    Column("metrics", Text, nullable=False, comment="JSON: completeness per field, validity, freshness, provenance"),
)

product_token = Table(
    "product_token",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("product_id", String(40), nullable=False, index=True),
    Column("grant_id", Integer, nullable=True, comment="the grant it rests on (null: the owner's own)"),
    Column("grantee", String(100), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("issued_at", DateTime, nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
)

product_usage = Table(
    "product_usage",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_id", Integer, nullable=True, index=True),
    Column("product_id", String(40), nullable=False, index=True, comment="the product asked for"),
    Column("grantee", String(100), nullable=True),
    Column("at", DateTime, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("status", Integer, nullable=False, comment="HTTP status answered"),
)


def upsert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], keys: Iterable[str]) -> None:
    """Insert ``rows`` into ``table``, updating the non-key columns where the ``keys`` already exist."""
    if not rows:
        return
    keys = list(keys)
    dialect = conn.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(table)
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table)  # type: ignore[assignment]
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database {dialect}")
    update_cols = [c for c in rows[0] if c not in keys]
    if update_cols:
        stmt = stmt.on_conflict_do_update(
            index_elements=keys, set_={c: getattr(stmt.excluded, c) for c in update_cols}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    conn.execute(stmt, list(rows))


def polars_schema(table: Table) -> dict[str, Any]:
    """Polars types for ``table``'s columns (integers, numbers, dates, flags, timestamps; the rest as text), so that an
    empty result still has typed columns."""
    import polars as pl

    def kind(c: Column[Any]) -> Any:
        t = c.type
        if isinstance(t, Boolean):
            return pl.Boolean
        if isinstance(t, DateTime):
            return pl.Datetime
        if isinstance(t, Date):
            return pl.Date
        if isinstance(t, Integer):
            return pl.Int64
        if isinstance(t, Float | Numeric):
            return pl.Float64
        return pl.String

    return {c.name: kind(c) for c in table.columns}


def read_frame(conn: Connection, table: Table, *where: Any) -> pl.DataFrame:
    """The rows of ``table`` matching ``where`` as a Polars frame with the table's column types."""
    import polars as pl

    rows = [tuple(r) for r in conn.execute(select(table).where(*where))]
    return pl.DataFrame(rows, schema=polars_schema(table), orient="row")
