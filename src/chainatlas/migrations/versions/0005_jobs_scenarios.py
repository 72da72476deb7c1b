"""Background jobs (with progress) and saved disruption scenarios.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False, comment="e.g. risk.rei, risk.scenario"),
        sa.Column("status", sa.String(12), nullable=False, comment="queued / running / done / failed"),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=True),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("params", sa.Text, nullable=False, comment="JSON"),
        sa.Column("result", sa.Text, nullable=True, comment="JSON"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "risk_scenario",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("spec", sa.Text, nullable=False, comment="JSON ScenarioSpec"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("result", sa.Text, nullable=True, comment="JSON of the last run"),
        sa.Column("ran_at", sa.DateTime, nullable=True),
        sa.Column("data_version", sa.String(300), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("risk_scenario")
    op.drop_table("job")
