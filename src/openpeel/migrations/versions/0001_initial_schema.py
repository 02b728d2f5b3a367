"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 04:12:10.288835
"""

from __future__ import annotations

from openpeel.migrations.shapes import revision_steps

revision = "0001"
down_revision = None

# The tables are declared in 0001_initial_schema.toml beside this file.
upgrade, downgrade = revision_steps(__file__)
