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

from openpeel.sources.internal_extract import ExtractColumn, ExtractFile, RowRule

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


def _offender_id(
    definition: str = "pseudonymous offender id (as in offenders.csv)",
) -> ExtractColumn:
    return ExtractColumn("offender_id", "pseudonym", definition)


def _reference(name: str, what: str) -> ExtractColumn:
    """A row's own opaque reference (``visit_id``: "visit reference")."""
    return ExtractColumn(name, "pseudonym", f"{what} reference")


def _not_before(later: str, earlier: str) -> RowRule:
    """``later`` is empty or on or after ``earlier``."""
    return RowRule(
        f"{later} is before {earlier}", lambda f: f[later].isna() | (f[later] >= f[earlier])
    )


def _file(
    file_name: str,
    table: str,
    description: str,
    columns: tuple[ExtractColumn, ...],
    rules: tuple[RowRule, ...] = (),
    required_file: bool = True,
) -> ExtractFile:
    """A file of the extract, keyed by its first column."""
    return ExtractFile(
        file_name, table, description, columns, (columns[0].name,), rules, required_file
    )


OFFENDERS = _file(
    "offenders.csv",
    "offenders",
    "One row per registered sex offender managed by the force, as at the extract date.",
    (
        _offender_id("pseudonymous offender id (a keyed hash or reference, never a PNC number)"),
        ExtractColumn("registered_on", "date", "start of the notification requirements"),
        ExtractColumn(
            "registration_ends_on",
            "date",
            "end of the notification requirements (empty: indefinite or not yet ended)",
            required=False,
        ),
        ExtractColumn(
            "notification_years",
            "number",
            "length of the notification period in years (empty: indefinite)",
            required=False,
            minimum=0,
            maximum=99,
        ),
        ExtractColumn("risk_level", "code", "current ARMS/RM2000 risk level", codes=RISK_LEVELS),
        ExtractColumn("mappa_category", "code", "MAPPA category", codes=("1", "2", "3")),
        ExtractColumn("mappa_level", "code", "MAPPA management level", codes=("1", "2", "3")),
        ExtractColumn(
            "management_type",
            "code",
            "active (visits to a plan) or reactive (low risk, managed on intelligence)",
            codes=MANAGEMENT_TYPES,
        ),
        ExtractColumn(
            "offender_manager_id",
            "pseudonym",
            "pseudonymous id of the responsible offender manager (empty: unallocated)",
            required=False,
        ),
        ExtractColumn("status", "code", "where the offender is now", codes=STATUSES),
        ExtractColumn(
            "status_since",
            "date",
            "date the current status began (required when wanted or missing)",
            required=False,
        ),
    ),
    (
        _not_before("registration_ends_on", "registered_on"),
        RowRule(
            "status_since is needed when the status is wanted or missing",
            lambda f: ~f.status.isin(["wanted", "missing"]) | f.status_since.notna(),
        ),
    ),
)

RISK_ASSESSMENTS = _file(
    "risk_assessments.csv",
    "offender_assessments",
    "One row per ARMS assessment completed.",
    (
        _reference("assessment_id", "assessment"),
        _offender_id(),
        ExtractColumn("completed_on", "date", "date the assessment was completed"),
        ExtractColumn("next_due_on", "date", "date the next assessment is due"),
        ExtractColumn(
            "risk_level",
            "code",
            "risk level the assessment set (empty: not recorded)",
            required=False,
            codes=RISK_LEVELS,
        ),
    ),
    (_not_before("next_due_on", "completed_on"),),
)

HOME_VISITS = _file(
    "home_visits.csv",
    "offender_visits",
    "One row per home visit planned (and done, when it was).",
    (
        _reference("visit_id", "visit"),
        _offender_id(),
        ExtractColumn("planned_on", "date", "date the visit was due under the management plan"),
        ExtractColumn("done_on", "date", "date the visit took place (empty: not yet)", False),
        ExtractColumn("visit_type", "code", "announced or unannounced", codes=VISIT_TYPES),
        ExtractColumn(
            "offender_manager_id",
            "pseudonym",
            "pseudonymous id of the manager who visited (empty: not recorded)",
            required=False,
        ),
    ),
)

DEVICE_CHECKS = _file(
    "device_checks.csv",
    "offender_device_checks",
    "One row per examination of an offender's internet-enabled devices.",
    (
        _reference("check_id", "check"),
        _offender_id(),
        ExtractColumn("checked_on", "date", "date of the examination"),
        ExtractColumn("outcome", "code", "what it found", codes=DEVICE_OUTCOMES),
    ),
    required_file=False,
)

CIVIL_ORDERS = _file(
    "civil_orders.csv",
    "offender_orders",
    "One row per civil order: sexual harm prevention order (shpo) or sexual risk order (sro).",
    (
        _reference("order_id", "order"),
        _offender_id(),
        ExtractColumn("order_type", "code", "shpo or sro", codes=ORDER_TYPES),
        ExtractColumn("granted_on", "date", "date the court granted the order"),
        ExtractColumn("ends_on", "date", "date the order ends (empty: indefinite)", False),
    ),
    (_not_before("ends_on", "granted_on"),),
    required_file=False,
)

OFFENCE_EVENTS = _file(
    "offence_events.csv",
    "offender_events",
    "One row per breach (of an order or of the notification requirements) or further offence.",
    (
        _reference("event_id", "event"),
        _offender_id(),
        ExtractColumn("event_type", "code", "what happened", codes=EVENT_TYPES),
        ExtractColumn("occurred_on", "date", "date it happened (or was first recorded)"),
        ExtractColumn(
            "order_id",
            "pseudonym",
            "the order breached (breach_of_order only; empty otherwise)",
            required=False,
        ),
    ),
    required_file=False,
)

OFFENDER_MANAGERS = _file(
    "offender_managers.csv",
    "offender_managers",
    "One row per offender manager (police officer or staff in the sex offender unit).",
    (
        ExtractColumn("manager_id", "pseudonym", "pseudonymous manager id"),
        ExtractColumn(
            "fte", "number", "full-time equivalent on offender management", minimum=0.01, maximum=1
        ),
        ExtractColumn("started_on", "date", "date the manager started in the unit"),
        ExtractColumn("ended_on", "date", "date the manager left (empty: in post)", False),
    ),
    (_not_before("ended_on", "started_on"),),
)

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
