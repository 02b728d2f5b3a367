"""assessment: evidence, grades, areas for improvement with actions and history

Revision ID: 0002_assessment
Revises: 0001
Create Date: 2026-11-26 05:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_assessment"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision (no new role: assessors are administrators and analysts)."""
    op.create_table(
        "assess_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("framework_id", sa.String(length=32), nullable=False),
        sa.Column("characteristic_id", sa.String(length=32), nullable=False),
        sa.Column("finding", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("evidence_date", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_by_name", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assess_evidence_force", "assess_evidence", ["force_id", "framework_id"])
    op.create_table(
        "assess_grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("framework_id", sa.String(length=32), nullable=False),
        sa.Column("area_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("grade", sa.String(length=32), nullable=False),
        sa.Column("suggested_grade", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_by_name", sa.String(length=200), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["set_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_assess_grades_force", "assess_grades", ["force_id", "framework_id", "area_id"]
    )
    op.create_table(
        "improvements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("framework_id", sa.String(length=32), nullable=False),
        sa.Column("area_id", sa.String(length=64), nullable=False),
        sa.Column("characteristic_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("monitoring_phase", sa.String(length=16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("linked_indicators", sa.String(length=500), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("closure_evidence", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["improvements.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_improvements_force", "improvements", ["force_id", "status"])
    op.create_table(
        "improvement_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("improvement_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["improvement_id"], ["improvements.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_improvement_actions_improvement_id", "improvement_actions", ["improvement_id"]
    )
    op.create_table(
        "improvement_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("improvement_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["improvement_id"], ["improvements.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_improvement_history_improvement_id", "improvement_history", ["improvement_id"]
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_improvement_history_improvement_id", table_name="improvement_history")
    op.drop_table("improvement_history")
    op.drop_index("ix_improvement_actions_improvement_id", table_name="improvement_actions")
    op.drop_table("improvement_actions")
    op.drop_index("ix_improvements_force", table_name="improvements")
    op.drop_table("improvements")
    op.drop_index("ix_assess_grades_force", table_name="assess_grades")
    op.drop_table("assess_grades")
    op.drop_index("ix_assess_evidence_force", table_name="assess_evidence")
    op.drop_table("assess_evidence")
