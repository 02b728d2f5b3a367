"""assessment: evidence, grades, areas for improvement with actions and history

Revision ID: 0002_assessment
Revises: 0001
Create Date: 2026-11-26 05:20:00
"""

from __future__ import annotations

from openpeel.migrations.shapes import revision_steps

revision = "0002_assessment"
down_revision = "0001"

# The tables are declared in 0002_assessment.toml beside this file.
# No new role: assessors are administrators and analysts.
upgrade, downgrade = revision_steps(__file__)
