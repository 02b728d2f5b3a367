"""How an audit's sample is designed: the strata an incident falls in and the sizes to draw.

An incident falls in the first of these strata that it matches (so the strata do not overlap and
together cover every incident):

1. ``sexual_offences``: opened as a sexual offence;
2. ``violence``: opened as violence;
3. ``domestic_abuse``: flagged as domestic abuse (of any other type);
4. ``closed_no_crime``: closed as no crime, advice given or no further action;
5. ``other``: everything else.

Sexual offences and violence are reported on their own, and closures that say no crime are where
unrecorded crimes hide, so each gets its own stratum and so its own share of the sample. The
total size is chosen for a target interval width (:func:`openpeel.stats.stratified.
sample_size_for_half_width`) and shared in proportion to the strata's sizes, at least
:data:`MIN_PER_STRATUM` each.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from openpeel.errors import UserInputError
from openpeel.sources.crime_recording import NO_CRIME_CLOSURES
from openpeel.stats.stratified import allocate_proportional, sample_size_for_half_width

STRATA: tuple[str, ...] = (
    "sexual_offences",
    "violence",
    "domestic_abuse",
    "closed_no_crime",
    "other",
)
STRATUM_TITLES: dict[str, str] = {
    "sexual_offences": "Sexual offences",
    "violence": "Violence",
    "domestic_abuse": "Domestic abuse",
    "closed_no_crime": "Closed as no crime, advice or no further action",
    "other": "Other incidents",
}
#: Fewest records drawn from a non-empty stratum (two give a variance estimate).
MIN_PER_STRATUM = 10
#: Defaults of the design: ± 2 points at 95%, a rate of about 90%, about 60% of incidents crimes.
DEFAULT_HALF_WIDTH = 0.02
DEFAULT_EXPECTED_RATE = 0.9
DEFAULT_CRIME_SHARE = 0.6


def stratum_labels(incidents: pd.DataFrame) -> pd.Series:
    """The stratum of each incident (columns ``incident_type``, ``closing_code``,
    ``is_domestic_abuse``)."""
    label = pd.Series("other", index=incidents.index, dtype=object)
    rules = [
        ("closed_no_crime", incidents["closing_code"].isin(NO_CRIME_CLOSURES)),
        ("domestic_abuse", incidents["is_domestic_abuse"] == "yes"),
        ("violence", incidents["incident_type"] == "violence"),
        ("sexual_offences", incidents["incident_type"] == "sexual_offence"),
    ]
    for name, matches in rules:  # last wins: applied from the bottom of the order up
        label = label.mask(matches.fillna(False).astype(bool), name)
    return label


def parse_allocation(text: str) -> dict[str, int]:
    """``"violence=200,sexual_offences=100,..."`` -> sizes by stratum (every stratum named)."""
    out: dict[str, int] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, size = part.partition("=")
        name = name.strip()
        if name not in STRATA:
            raise UserInputError(f"unknown stratum {name!r}: use {', '.join(STRATA)}")
        try:
            out[name] = int(size)
        except ValueError:
            raise UserInputError(f"stratum {part!r} needs a size: name=N") from None
        if out[name] < 0:
            raise UserInputError(f"stratum {name}: a size cannot be negative")
    if not out:
        raise UserInputError("no strata given")
    return out


def design_sizes(
    stratum_sizes: Mapping[str, int],
    half_width: float = DEFAULT_HALF_WIDTH,
    expected_rate: float = DEFAULT_EXPECTED_RATE,
    crime_share: float = DEFAULT_CRIME_SHARE,
    confidence: float = 0.95,
) -> dict[str, int]:
    """Sizes to draw from each stratum for a target interval half-width of the overall rate."""
    frame = sum(stratum_sizes.values())
    total = sample_size_for_half_width(
        half_width, expected_rate, confidence, crime_share, population=frame
    )
    return allocate_proportional(total, stratum_sizes, MIN_PER_STRATUM)
