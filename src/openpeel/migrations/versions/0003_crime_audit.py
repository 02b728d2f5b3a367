"""crime data integrity audits: audits, sampled incidents, auditors' decisions

Revision ID: 0003_crime_audit
Revises: 0002_assessment
Create Date: 2026-12-03 08:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_crime_audit"
down_revision = "0002_assessment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision (the auditor role needs no schema: roles are plain strings)."""
    op.create_table(
        "crime_audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recorded_crimes_year", sa.Float(), nullable=True),
        sa.Column("snapshot", sa.String(length=200), nullable=False),
        sa.Column("is_synthetic", sa.Boolean(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("spec_json", sa.Text(), nullable=False),
        sa.Column("frame_size", sa.Integer(), nullable=False),
        sa.Column("frame_json", sa.Text(), nullable=False),
        sa.Column("frame_sha256", sa.String(length=64), nullable=False),
        sa.Column("second_seed", sa.Integer(), nullable=True),
        sa.Column("drawn_by", sa.Integer(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["drawn_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_crime_audits_force", "crime_audits", ["force_id", "period_to"])
    op.create_table(
        "crime_audit_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("stratum", sa.String(length=32), nullable=False),
        sa.Column("stratum_size", sa.Integer(), nullable=False),
        sa.Column("inclusion_probability", sa.Float(), nullable=False),
        sa.Column("design_weight", sa.Float(), nullable=False),
        sa.Column("incident_json", sa.Text(), nullable=False),
        sa.Column("is_second_check", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["crime_audits.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("audit_id", "incident_id", name="uq_audit_incident"),
    )
    op.create_table(
        "crime_audit_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("auditor_id", sa.Integer(), nullable=False),
        sa.Column("should_record", sa.String(length=8), nullable=False),
        sa.Column("offence_group", sa.String(length=64), nullable=True),
        sa.Column("is_recorded", sa.String(length=8), nullable=True),
        sa.Column("is_within_24h", sa.String(length=8), nullable=True),
        sa.Column("is_correctly_classified", sa.String(length=8), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["auditor_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["record_id"], ["crime_audit_records.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_id", "role", name="uq_decision_record_role"),
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_table("crime_audit_decisions")
    op.drop_table("crime_audit_records")
    op.drop_index("ix_crime_audits_force", table_name="crime_audits")
    op.drop_table("crime_audits")
