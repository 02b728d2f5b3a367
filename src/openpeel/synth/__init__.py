"""Synthetic data in the exact formats of the real sources, always labelled synthetic."""

from openpeel.synth.policeuk import (
    KINDS,
    MARKER_FILE,
    OUTCOMES_COLUMNS,
    STOP_AND_SEARCH_COLUMNS,
    STREET_COLUMNS,
    SynthSummary,
    national_force_ids,
    write_archive,
)

__all__ = [
    "KINDS",
    "MARKER_FILE",
    "OUTCOMES_COLUMNS",
    "STOP_AND_SEARCH_COLUMNS",
    "STREET_COLUMNS",
    "SynthSummary",
    "national_force_ids",
    "write_archive",
]
