"""The roles a scrutiny user may hold, in the order of the menu.

Kept apart from the models so that the command line can offer them as choices without loading
SQLAlchemy (``openpeel --help`` stays light); an anonymous visitor is the public and sees
aggregates only.
"""

from __future__ import annotations

ROLES = (
    "administrator",
    "panel_coordinator",
    "panel_member",
    "force_liaison",
    "analyst",
    "auditor",
)
