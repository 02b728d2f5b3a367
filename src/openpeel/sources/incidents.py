"""A force's incidents export: one row per incident (or piece of correspondence) with when it
was created and when the police arrived, for the Citizens' Charter standards.

Schema (ours, documented in ``docs/calls.md``): ``incident_id, priority, created_at,
arrived_at``. ``arrived_at`` is blank when nobody attended (yet). Letters and e-mails go in the
same export with priority ``letter`` or ``email``: ``created_at`` is when the force received
them and ``arrived_at`` when the reply was sent. Timestamps follow the call-log rules
(``openpeel.sources.calls_log``).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpeel.reference.lake_columns import Column, columns
from openpeel.sources.calls_log import (
    InputField,
    event_select_sql,
    local_sql,
    timestamp_sql,
    vocabulary_sql,
)

INCIDENT_FIELDS: tuple[InputField, ...] = (
    InputField(
        "incident_id",
        "the command-and-control system's incident number, unique within the force",
        aliases=("incident", "incident_number", "incident_ref", "id"),
    ),
    InputField(
        "priority",
        "the grade given: emergency, priority, appointment, routine, letter or email (grade "
        "codes such as P1, Grade 2 or Scheduled are also read; see docs/calls.md)",
        aliases=("grade", "response_grade", "priority_grade"),
    ),
    InputField(
        "created_at",
        "when the incident was created (for letters and e-mails: when the force received them)",
        aliases=("created", "opened_at", "logged_at"),
    ),
    InputField(
        "arrived_at",
        "when the first officer arrived (for letters and e-mails: when the reply was sent); "
        "blank when nobody attended",
        aliases=("arrived", "attended_at", "on_scene_at", "replied_at"),
    ),
)

#: Raw priorities (normalised: lower case, runs of other characters as one space) -> code.
#: Forces grade differently; ``Grade 3``/``P3`` is read as an appointment (a scheduled,
#: non-emergency attendance), which matches the Charter's "appointment within 3 days" only
#: where the force books its grade 3 incidents as appointments.
PRIORITY_CODES: dict[str, str] = {
    **dict.fromkeys(
        ("emergency", "immediate", "grade 1", "g1", "p1", "priority 1", "1", "i"), "emergency"
    ),
    **dict.fromkeys(("priority", "prompt", "grade 2", "g2", "p2", "priority 2", "2"), "priority"),
    **dict.fromkeys(
        ("appointment", "scheduled", "grade 3", "g3", "p3", "priority 3", "3"), "appointment"
    ),
    **dict.fromkeys(
        (
            "routine",
            "grade 4",
            "g4",
            "p4",
            "priority 4",
            "4",
            "resolution without deployment",
            "telephone resolution",
        ),
        "routine",
    ),
    **dict.fromkeys(
        ("letter", "email", "e mail", "correspondence", "written", "written correspondence"),
        "correspondence",
    ),
}

#: The stored columns (``reference/lake_columns.csv``, table ``incidents``), in the order of
#: :func:`~openpeel.sources.calls_log.event_select_sql`.
INCIDENT_COLUMNS: tuple[Column, ...] = columns("incidents")


def incidents_select_sql(source: str, names: Sequence[str]) -> str:
    """SQL from raw incident text to canonical columns plus ``reject_reason`` and ``raw_row``
    (:func:`~openpeel.sources.calls_log.event_select_sql`, keyed by ``incident_id``)."""
    return event_select_sql(
        source,
        names,
        key="incident_id",
        when="v_created",
        parsed=(
            f"{timestamp_sql('r.created_at')} AS v_created",
            f"{timestamp_sql('r.arrived_at')} AS v_arrived",
            f"{vocabulary_sql('r.priority', PRIORITY_CODES)} AS v_priority",
        ),
        checks=(
            "WHEN v_priority IS NULL THEN 'missing priority'",
            "WHEN nullif(trim(created_at), '') IS NULL THEN 'missing created_at'",
            "WHEN v_created IS NULL THEN 'unreadable created_at: ' || created_at",
            "WHEN nullif(trim(arrived_at), '') IS NOT NULL AND v_arrived IS NULL "
            "THEN 'unreadable arrived_at: ' || arrived_at",
            "WHEN v_arrived < v_created THEN 'arrived_at before created_at'",
        ),
        columns=(
            "priority AS priority_raw",
            "v_priority AS priority_code",
            f"{local_sql('v_created')} AS created_at",
            f"{local_sql('v_arrived')} AS arrived_at",
            "v_arrived IS NOT NULL AS has_arrival",
            "epoch(v_arrived) - epoch(v_created) AS attend_seconds",
        ),
    )
