"""The roles a signed-in user may hold, in the order of the menu (an anonymous visitor is the
public and sees aggregates only). Plain data with no imports, so that the command line's
``--help`` can offer them without loading the database layer."""

from __future__ import annotations

ROLES = (
    "administrator",
    "panel_coordinator",
    "panel_member",
    "force_liaison",
    "analyst",
    "auditor",
)
