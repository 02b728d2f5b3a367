"""Scrutiny pages under /scrutiny (panels, meetings, samples, reviews, reports), the record
import and user administration for administrators, and the public panel summaries.

One router gathering the four areas, each in its own module: ``routes_panels`` (panels,
meetings, samples), ``routes_reviews`` (a record's reviews and response),
``routes_panel_reports`` (reports, audit, public summaries) and ``routes_admin`` (record
imports, users). Every route names the roles it admits and is CSRF-checked; routes about a
panel, meeting or record also check that the user belongs to that panel, and answer 404
otherwise so ids cannot be probed (``scrutiny_access``). What the pages show is read through
``openpeel.scrutiny.queries``.
"""

from __future__ import annotations

from fastapi import APIRouter

from openpeel.web import routes_admin, routes_panel_reports, routes_panels, routes_reviews

router = APIRouter()
for _area in (routes_panels, routes_reviews, routes_panel_reports, routes_admin):
    router.include_router(_area.router)
