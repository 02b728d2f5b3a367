"""Synthetic data.police.uk bulk archives: street, outcomes and stop-and-search CSV files.

The files have the exact layout of the published archive (method.md §1):
``out_dir/YYYY-MM/YYYY-MM-<force>-street.csv``, ``-outcomes.csv`` and ``-stop-and-search.csv``,
with the published headers, raw vocabulary strings taken from ``openpeel.reference`` and the
quirks of real files (blank fields, "No Location" rows, midnight times, fractional seconds,
anti-social behaviour rows without a Crime ID, outcomes arriving in later months).

A ``SYNTHETIC.json`` marker beside the month folders labels the archive as synthetic so the
ingest can carry that label into every table and report made from it.

Every random draw comes from a NumPy generator seeded by ``(seed, force, stream, month)``, so the
output is byte-for-byte reproducible, and adding a force, a kind or a missing month does not
change the rows of the other force-months. Columns are built with NumPy and pyarrow compute and
written as one buffer per file (no per-row Python).

Modules: ``draws`` (seeded generators, months, vocabulary choices), ``geography`` (LSOAs and
points), ``street`` (crimes and their outcomes), ``searches`` (stop and search) and
``archive`` (the files and the marker). Every public name is importable from this package.
"""

from openpeel.provenance import MARKER_FILE
from openpeel.synth.policeuk.archive import (
    SynthSummary,
    national_force_ids,
    write_archive,
)
from openpeel.synth.policeuk.draws import (
    COLUMNS_BY_KIND,
    KINDS,
    NO_CRIME_ID_FORCES,
    NO_LSOA_FORCES,
    NO_OUTCOMES_FORCES,
    NO_STOP_AND_SEARCH_FORCES,
    OUTCOMES_COLUMNS,
    STOP_AND_SEARCH_COLUMNS,
    STREET_COLUMNS,
)

__all__ = [
    "COLUMNS_BY_KIND",
    "KINDS",
    "MARKER_FILE",
    "NO_CRIME_ID_FORCES",
    "NO_LSOA_FORCES",
    "NO_OUTCOMES_FORCES",
    "NO_STOP_AND_SEARCH_FORCES",
    "OUTCOMES_COLUMNS",
    "STOP_AND_SEARCH_COLUMNS",
    "STREET_COLUMNS",
    "SynthSummary",
    "national_force_ids",
    "write_archive",
]
