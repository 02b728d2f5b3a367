"""What happens to reported crime: outcomes linked to crimes, outcome rates, time to outcome.

police.uk publishes each crime once, in the street file of the month it was recorded, with its
``Last outcome category`` as known when the file was made; and every outcome again in the
outcomes file of the month the outcome happened, under the same Crime ID. The package links the
two by ``(force_id, crime_id)`` and measures what follows:

- ``classes``: outcome classes of the Home Office outcome groups, and the vocabulary lookups;
- ``linkage``: every outcome row with its crime, and per crime its latest known outcome;
- ``rates``: rates of each outcome class by month of the crime, by crime type and across forces
  (Wilson intervals and funnel limits);
- ``time_to_outcome``: Kaplan-Meier time to each outcome class (open crimes censored);
- ``history``: the outcome history of crimes and the latest outcomes;
- ``quality``: how well the two files link (orphans, unlinked crimes, snapshots).

Outcome categories map to Home Office outcome groups in
``reference/vocabularies/crime_outcome.csv``; the groups map to the classes reported here in
:data:`CLASS_OF_GROUP`. Outcomes arrive months after the crime, so rates are by month of the
crime and recent months are flagged incomplete. Every public name is importable from
``openpeel.indicators.investigations``.
"""

from openpeel.indicators.investigations.classes import (
    ALL_MONTHS,
    ANY_OUTCOME,
    AWAITING_COURT_CODES,
    CLASS_OF_GROUP,
    CLOSING_CLASSES,
    month_index,
    months_between,
    outcome_class,
    outcome_code,
    outcome_group,
)
from openpeel.indicators.investigations.history import (
    latest_outcomes,
    outcome_history,
)
from openpeel.indicators.investigations.linkage import (
    crime_keys,
    crime_outcome_rows,
    crime_outcomes,
    latest_linked_outcome,
    link_outcomes,
    outcome_counts,
    outcomes_runs,
    street_as_of,
)
from openpeel.indicators.investigations.quality import (
    QUALITY_DEFINITION,
    outcome_quality,
)
from openpeel.indicators.investigations.rates import (
    PEERS_DEFINITION,
    RATES_DEFINITION,
    outcome_peers,
    outcome_summary,
    outcomes_by_type,
    rate_table,
)
from openpeel.indicators.investigations.time_to_outcome import (
    TIME_DEFINITION,
    first_outcomes,
    last_run,
    time_to_outcome,
    time_to_outcome_counts,
)
from openpeel.reference.outcome_classes import (
    AWAITING_COURT,
    CLASSES,
    COMPLETE_AFTER_MONTHS,
    MEASURES,
    OPEN_OR_AWAITING_COURT,
)

__all__ = [
    "ALL_MONTHS",
    "ANY_OUTCOME",
    "AWAITING_COURT",
    "AWAITING_COURT_CODES",
    "CLASSES",
    "CLASS_OF_GROUP",
    "CLOSING_CLASSES",
    "COMPLETE_AFTER_MONTHS",
    "MEASURES",
    "OPEN_OR_AWAITING_COURT",
    "PEERS_DEFINITION",
    "QUALITY_DEFINITION",
    "RATES_DEFINITION",
    "TIME_DEFINITION",
    "crime_keys",
    "crime_outcome_rows",
    "crime_outcomes",
    "first_outcomes",
    "last_run",
    "latest_linked_outcome",
    "latest_outcomes",
    "link_outcomes",
    "month_index",
    "months_between",
    "outcome_class",
    "outcome_code",
    "outcome_counts",
    "outcome_group",
    "outcome_history",
    "outcome_peers",
    "outcome_quality",
    "outcome_summary",
    "outcomes_by_type",
    "outcomes_runs",
    "rate_table",
    "street_as_of",
    "time_to_outcome",
    "time_to_outcome_counts",
]
