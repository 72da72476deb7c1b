"""招商跟踪: investment-attraction projects opened from the target list, and their timeline of stage changes and notes.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"

MONEY = sa.Numeric(20, 2, asdecimal=False)


def upgrade() -> None:
    op.create_table(
        "attraction_project",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("chain_id", sa.String(32), nullable=False, index=True),
        sa.Column("segment_code", sa.String(64), nullable=True, comment="the segment the target would fill or strengthen"),
        sa.Column("target_uscc", sa.String(18), nullable=True, index=True, comment="null: a lead not (yet) in the register"),
        sa.Column("target_name", sa.String(200), nullable=False),
        sa.Column("officer", sa.String(100), nullable=False, index=True, comment="the investment-attraction officer assigned"),
        sa.Column("stage", sa.String(12), nullable=False, comment="lead, contact, visit, negotiate, signed, landed, dropped"),
        sa.Column("expected_investment_yuan", MONEY, nullable=True),
        sa.Column("expected_jobs", sa.Integer, nullable=True),
        sa.Column("landing_region", sa.String(6), nullable=True, comment="county (GB/T 2260) where the project would land"),
        sa.Column("next_action_on", sa.Date, nullable=True, comment="the follow-up due date; past it the project is overdue"),
        sa.Column("source", sa.Text, nullable=True, comment="JSON: the target list entry it was opened from (rank, score, period)"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "attraction_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.Integer, nullable=False, index=True),
        sa.Column("on_date", sa.Date, nullable=False, comment="when it happened (the officer's date, not the recording time)"),
        sa.Column("stage_from", sa.String(12), nullable=True),
        sa.Column("stage_to", sa.String(12), nullable=True, comment="null: a note without a stage change"),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("attachments", sa.Text, nullable=True, comment="JSON list of document names (the files stay where they are)"),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("attraction_event")
    op.drop_table("attraction_project")
