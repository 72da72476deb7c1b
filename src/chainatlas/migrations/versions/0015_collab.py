"""企业出题、院所解题 · 揭榜挂帅 · 产教融合: technology demands, capabilities, bids, the open-call workflow's events,
milestones and guiding-fund payments, notices to matched institutes, and internships.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"

MONEY = sa.Numeric(20, 2, asdecimal=False)


def upgrade() -> None:
    op.create_table(
        "collab_demand",
        sa.Column("demand_id", sa.String(40), primary_key=True, comment="the posting's code, e.g. XQ-2026-0001"),
        sa.Column("uscc", sa.String(18), nullable=False, index=True, comment="the posting enterprise"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False, comment="the problem in the enterprise's words"),
        sa.Column("chain_id", sa.String(32), nullable=True, index=True),
        sa.Column("segment_code", sa.String(64), nullable=True, comment="the chain segment it concerns (declared or placed)"),
        sa.Column("budget_min_yuan", MONEY, nullable=True),
        sa.Column("budget_max_yuan", MONEY, nullable=True),
        sa.Column("deadline", sa.Date, nullable=True, comment="bids close at the end of this day"),
        sa.Column("visibility", sa.String(12), nullable=False, comment="public, selected (invited institutes) or bureau"),
        sa.Column("invited", sa.Text, nullable=True, comment="JSON list of the USCCs invited when visibility is selected"),
        sa.Column("state", sa.String(16), nullable=False, index=True, comment="draft, review, published, selection, contracted, implementing, accepted, paid, closed"),
        sa.Column("fund_award_yuan", MONEY, nullable=True, comment="the guiding fund's award set at contracting"),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "collab_capability",
        sa.Column("capability_id", sa.String(40), primary_key=True, comment="the posting's code, e.g. CG-2026-0001"),
        sa.Column("uscc", sa.String(18), nullable=False, index=True, comment="the institute, university or firm (USCC, 事业单位 12…)"),
        sa.Column("org_name", sa.String(200), nullable=False),
        sa.Column("team", sa.String(200), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False, comment="the technique in the institute's words"),
        sa.Column("keywords", sa.String(500), nullable=True, comment="separated by 、"),
        sa.Column("patents", sa.String(500), nullable=True, comment="patent numbers held, separated by 、"),
        sa.Column("trl", sa.Integer, nullable=True, comment="technology readiness level 1–9 (GB/T 22900-2022)"),
        sa.Column("contact", sa.String(200), nullable=True),
        sa.Column("chain_id", sa.String(32), nullable=True, index=True),
        sa.Column("segment_code", sa.String(64), nullable=True),
        sa.Column("state", sa.String(12), nullable=False, comment="active or withdrawn"),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "collab_bid",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("demand_id", sa.String(40), nullable=False, index=True),
        sa.Column("uscc", sa.String(18), nullable=False, index=True, comment="the bidding institute"),
        sa.Column("capability_id", sa.String(40), nullable=True),
        sa.Column("approach", sa.Text, nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("budget_yuan", MONEY, nullable=False),
        sa.Column("milestones", sa.Text, nullable=False, comment="JSON list of {title, due_on, amount_yuan}"),
        sa.Column("state", sa.String(12), nullable=False, comment="submitted, shortlisted, chosen, declined, withdrawn"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "collab_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("demand_id", sa.String(40), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False, comment="state, bid, milestone, payment, note"),
        sa.Column("state_from", sa.String(16), nullable=True),
        sa.Column("state_to", sa.String(16), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "collab_milestone",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("demand_id", sa.String(40), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("amount_yuan", MONEY, nullable=False, comment="the fund's payment due when the milestone is accepted"),
        sa.Column("reported_on", sa.Date, nullable=True),
        sa.Column("report", sa.Text, nullable=True),
        sa.Column("accepted_on", sa.Date, nullable=True),
    )
    op.create_table(
        "collab_payment",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("demand_id", sa.String(40), nullable=False, index=True),
        sa.Column("milestone_id", sa.Integer, nullable=True, unique=True),
        sa.Column("uscc", sa.String(18), nullable=False, comment="the payee (the chosen institute)"),
        sa.Column("year", sa.Integer, nullable=False, comment="budget year of the guiding fund charged"),
        sa.Column("amount_yuan", MONEY, nullable=False),
        sa.Column("paid_by", sa.String(100), nullable=False),
        sa.Column("paid_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "collab_notice",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("recipient_uscc", sa.String(18), nullable=False, index=True),
        sa.Column("demand_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False, comment="published (a matched institute is told), chosen, …"),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=True, comment="the match score that selected the recipient"),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("read_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "internship",
        sa.Column("internship_id", sa.String(40), primary_key=True),
        sa.Column("school", sa.String(200), nullable=False, index=True),
        sa.Column("student_ref", sa.String(64), nullable=False, index=True, comment="pseudonymous student id: no name, no ID number"),
        sa.Column("major", sa.String(100), nullable=False),
        sa.Column("host_uscc", sa.String(18), nullable=False, index=True),
        sa.Column("mentor", sa.String(100), nullable=True, comment="the industry mentor (产业导师), an engineer of the host"),
        sa.Column("start_on", sa.Date, nullable=False),
        sa.Column("end_on", sa.Date, nullable=False),
        sa.Column("hours", sa.Integer, nullable=True),
        sa.Column("evaluation", sa.String(12), nullable=True, comment="excellent, good, pass, fail"),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("as_of", sa.Date, nullable=True),
    )
    op.create_table(
        "collab_embedding",
        sa.Column("text_sha", sa.String(40), primary_key=True, comment="SHA-1 of the embedded text"),
        sa.Column("kind", sa.String(8), primary_key=True, comment="query or passage (e5 prefixes them differently)"),
        sa.Column("model", sa.String(80), nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False, comment="float32 unit vector"),
    )


def downgrade() -> None:
    op.drop_table("collab_embedding")
    op.drop_table("internship")
    op.drop_table("collab_notice")
    op.drop_table("collab_payment")
    op.drop_table("collab_milestone")
    op.drop_table("collab_event")
    op.drop_table("collab_bid")
    op.drop_table("collab_capability")
    op.drop_table("collab_demand")
