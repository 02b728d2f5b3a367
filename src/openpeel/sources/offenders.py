"""The registered sex offender management extract: its files and columns, declared as data.

A force exports from ViSOR and its own systems one folder of CSV files, pseudonymised before
export (ids are opaque keyed hashes or references, never names, dates of birth or PNC
numbers). ``docs/offenders.md`` documents every column; a test checks that the documentation and
this module agree.

Files (the key of each row is given with it; reloading a row with the same key replaces it):

- ``offenders.csv`` (``offender_id``): one row per registered sex offender, with the current
  risk level, MAPPA category and level, management type, offender manager and status.
- ``risk_assessments.csv`` (``assessment_id``): ARMS assessments completed, each with the date
  the next one is due.
- ``home_visits.csv`` (``visit_id``): home visits planned, and done when they were.
- ``device_checks.csv`` (``check_id``): examinations of offenders' internet-enabled devices.
- ``civil_orders.csv`` (``order_id``): sexual harm prevention orders and sexual risk orders.
- ``offence_events.csv`` (``event_id``): breaches of orders or of the notification
  requirements, and further offences (sexual or other).
- ``offender_managers.csv`` (``manager_id``): offender managers with their full-time
  equivalent and their time in post.
"""

from __future__ import annotations

from openpeel.sources.internal_extract import ExtractFile, RowRule, declared_file

RISK_LEVELS: tuple[str, ...] = ("very_high", "high", "medium", "low")
STATUSES: tuple[str, ...] = ("community", "custody", "wanted", "missing")
MANAGEMENT_TYPES: tuple[str, ...] = ("active", "reactive")
VISIT_TYPES: tuple[str, ...] = ("announced", "unannounced")
ORDER_TYPES: tuple[str, ...] = ("shpo", "sro")
EVENT_TYPES: tuple[str, ...] = (
    "breach_of_order",
    "breach_of_notification",
    "further_sexual_offence",
    "further_other_offence",
)
DEVICE_OUTCOMES: tuple[str, ...] = ("no_concern", "concern", "not_examined")


#: The vocabularies the catalogue's ``codes`` name.
_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "RISK_LEVELS": RISK_LEVELS,
    "STATUSES": STATUSES,
    "MANAGEMENT_TYPES": MANAGEMENT_TYPES,
    "VISIT_TYPES": VISIT_TYPES,
    "ORDER_TYPES": ORDER_TYPES,
    "EVENT_TYPES": EVENT_TYPES,
    "DEVICE_OUTCOMES": DEVICE_OUTCOMES,
}


def _not_before(later: str, earlier: str) -> RowRule:
    """``later`` is empty or on or after ``earlier``."""
    return RowRule(
        f"{later} is before {earlier}", lambda f: f[later].isna() | (f[later] >= f[earlier])
    )


def _file(table: str, *rules: RowRule) -> ExtractFile:
    """The catalogued file of ``table`` (``reference/extract_files.csv``) with its rules."""
    return declared_file(table, _VOCABULARIES, rules)


OFFENDERS = _file(
    "offenders",
    _not_before("registration_ends_on", "registered_on"),
    RowRule(
        "status_since is needed when the status is wanted or missing",
        lambda f: ~f.status.isin(["wanted", "missing"]) | f.status_since.notna(),
    ),
)
RISK_ASSESSMENTS = _file("offender_assessments", _not_before("next_due_on", "completed_on"))
HOME_VISITS = _file("offender_visits")
DEVICE_CHECKS = _file("offender_device_checks")
CIVIL_ORDERS = _file("offender_orders", _not_before("ends_on", "granted_on"))
OFFENCE_EVENTS = _file("offender_events")
OFFENDER_MANAGERS = _file("offender_managers", _not_before("ended_on", "started_on"))

#: Every file of the extract, in load order (offenders first: the others refer to them).
EXTRACT_FILES: tuple[ExtractFile, ...] = (
    OFFENDERS,
    OFFENDER_MANAGERS,
    RISK_ASSESSMENTS,
    HOME_VISITS,
    DEVICE_CHECKS,
    CIVIL_ORDERS,
    OFFENCE_EVENTS,
)

#: Tables whose rows must name an offender in offenders.csv (loaded now or before).
REFERS_TO_OFFENDERS: tuple[str, ...] = tuple(
    f.table
    for f in EXTRACT_FILES
    if f is not OFFENDERS and "offender_id" in {c.name for c in f.columns}
)


def extract_file(table: str) -> ExtractFile:
    """The declared file that loads into ``table``."""
    for f in EXTRACT_FILES:
        if f.table == table:
            return f
    raise KeyError(f"no offender extract file loads into {table!r}")
