"""Synthetic data in the exact formats of the real sources (police.uk archives, call logs and
999 figures, force-internal search records), always labelled synthetic. May import every layer
below it (``assess``, ``scrutiny``, ``indicators``, ``store``, ``sources``, ...); only the faces
and tests import it.
"""

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
