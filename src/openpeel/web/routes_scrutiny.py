"""Scrutiny pages under /scrutiny (panels, meetings, samples, reviews, reports), the record
import and user administration for administrators, and the public panel summaries.

One router for the four areas (``scrutiny_access.router``), each area in its own module adding
its routes to it: ``routes_panels`` (panels, meetings, samples), ``routes_reviews`` (a record's
reviews and response), ``routes_panel_reports`` (reports, audit, public summaries) and
``routes_admin`` (record imports, users); importing them here puts every route on the router.
Every route names the roles it admits and is CSRF-checked; routes about a panel, meeting or
record also check that the user belongs to that panel, and answer 404 otherwise so ids cannot
be probed (``scrutiny_access``). What the pages show is read through
``openpeel.scrutiny.queries``. No two areas' paths overlap, so the order they are added in does
not matter.
"""

from __future__ import annotations

from openpeel.web import routes_admin, routes_panel_reports, routes_panels, routes_reviews
from openpeel.web.scrutiny_access import router

#: The areas whose routes are on ``router`` once this module is imported.
AREAS = (routes_panels, routes_reviews, routes_panel_reports, routes_admin)

__all__ = ["AREAS", "router"]
