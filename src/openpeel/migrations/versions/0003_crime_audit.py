"""crime data integrity audits: audits, sampled incidents, auditors' decisions

Revision ID: 0003_crime_audit
Revises: 0002_assessment
Create Date: 2026-12-03 08:40:00
"""

from __future__ import annotations

from openpeel.migrations.shapes import revision_steps

revision = "0003_crime_audit"
down_revision = "0002_assessment"

# The tables are declared in 0003_crime_audit.toml beside this file.
# The auditor role needs no schema: roles are plain strings.
upgrade, downgrade = revision_steps(__file__)
