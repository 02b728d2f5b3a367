"""police.uk street-level outcomes reconciled with the Home Office crime outcomes for the same
force and financial year: the crimes and the share with each outcome group from both sources,
their difference, and the known reasons the two can differ, row by row.

The two count the same crimes (crimes the force recorded in the year) but not in the same way:
police.uk leaves out crimes it cannot place on a map and anti-social behaviour is not a crime in
either; its outcome categories are coarser (one "Unable to prosecute suspect" for two Home
Office evidential-difficulty outcomes); and each shows the latest outcome as of its own
extraction date. A difference is reported, with its likely cause, never hidden.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.calendar import Period
from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.crime import frame, require_force, require_months
from openpeel.indicators.investigations.common import snapshots_read
from openpeel.indicators.investigations.linkage import crime_outcome_rows
from openpeel.indicators.official_outcomes import MEASURE, PUBLICATION
from openpeel.indicators.result import IndicatorResult
from openpeel.provenance import any_synthetic
from openpeel.reference.forces import forces
from openpeel.stats.intervals import wilson_interval

#: Comparison group -> (police.uk outcome groups of the crime outcome vocabulary, Home Office
#: outcome groups, the known cause of a difference in that row).
GROUPS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = (
    (
        "charged_summonsed",
        ("charged_summonsed",),
        ("Charged/Summonsed",),
        "police.uk shows court results (sent to prison, fined, not guilty…) and 'Awaiting court "
        "outcome' in place of the charge: all are counted here as charged.",
    ),
    (
        "out_of_court",
        ("out_of_court_formal", "out_of_court_informal"),
        ("Out-of-court (formal)", "Out-of-court (informal)"),
        "Cautions, penalty notices, drugs warnings and community resolutions ('Local "
        "resolution' on police.uk).",
    ),
    (
        "taken_into_consideration",
        ("taken_into_consideration",),
        ("Taken into consideration",),
        "police.uk 'Suspect charged as part of another case' is taken to be Home Office outcome "
        "4 (the mapping is not documented).",
    ),
    (
        "evidential_difficulties",
        ("evidential_difficulties",),
        (
            "Evidential difficulties (suspect identified; victim supports action)",
            "Evidential difficulties (victim does not support action)",
        ),
        "police.uk has one category ('Unable to prosecute suspect') where the Home Office has "
        "outcomes 14, 15 and 16; outcome 14 (no suspect named, victim does not support action) "
        "may appear on police.uk as no suspect identified.",
    ),
    (
        "not_in_public_interest",
        (
            "prosecution_prevented_or_not_in_public_interest",
            "further_investigation_not_in_public_interest",
        ),
        (
            "Prosecution prevented or not in the public interest",
            "Further investigation to support formal action not in the public interest – "
            "police decision",
        ),
        "Several police.uk labels (formal action / further action / further investigation not "
        "in the public interest) map to these two Home Office groups by an undocumented rule.",
    ),
    (
        "transferred",
        ("responsibility_transferred",),
        ("Responsibility for further investigation transferred to another body",),
        "'Action to be taken by another organisation' on police.uk.",
    ),
    (
        "no_suspect_identified",
        ("no_suspect_identified",),
        ("Investigation complete – no suspect identified",),
        "Investigation complete with no suspect identified (Home Office outcome 18).",
    ),
    (
        "not_yet_assigned",
        ("under_investigation", "status_unavailable"),
        ("Not yet assigned an outcome",),
        "Crimes still under investigation when each source was extracted: the later extract has "
        "fewer; police.uk 'Status update unavailable' is counted here too.",
    ),
)
TOTAL = "all_crimes"

DEFINITION = (
    "For one force and financial year: policeuk_crimes = crimes (not anti-social behaviour) in "
    "the force's police.uk street files for the months of the year, by the group of their "
    "latest outcome (street file or outcomes file, whichever is newer); home_office_crimes = "
    "the Home Office crime outcomes open data for the same force and year (offences recorded "
    "in the year by the outcome assigned so far). Shares are of each source's own total with "
    "Wilson {confidence:.0%} intervals; difference_share = policeuk_share - home_office_share "
    "(percentage points / 100); difference_crimes = policeuk_crimes - home_office_crimes; "
    "known_cause says why the row may differ."
)


def _year(period: str) -> Period:
    try:
        return Period.financial_year(period)
    except (ValueError, UserInputError) as err:
        raise UserInputError(f"{period!r} is not a financial year like 2017/18 ({err})") from None


def home_office_outcome_counts(figures: pa.Table, force_id: str, period: str) -> pd.Series:
    """Crimes by Home Office outcome group for one force and year (empty when not loaded)."""
    df = figures.to_pandas()
    df = df[
        (df["publication"] == PUBLICATION)
        & (df["measure"] == MEASURE)
        & (df["period"] == period)
        & (df["force_id"] == force_id)
        & (df["value_status"] == "reported")
    ]
    groups = df["dimensions"].map(lambda d: json.loads(d).get("outcome_group"))
    return df.groupby(groups)["value"].sum()


def reconcile_outcomes(
    con: Any,
    figures: pa.Table,
    force_id: str,
    period: str,
    confidence: float = 0.95,
) -> IndicatorResult:
    """police.uk outcomes against the Home Office's for ``force_id`` in financial year ``period``.

    Raises:
        UserInputError: unknown force or a period that is not a financial year.
        DataUnavailableError: either source has nothing for the force and year (the message
            says which years the other has).
    """
    force_id = require_force(force_id)
    year = _year(period)
    home_office = home_office_outcome_counts(figures, force_id, period)
    if home_office.empty:
        loaded = sorted(
            set(figures.filter(pc.equal(figures["publication"], PUBLICATION))["period"].to_pylist())
        )
        raise DataUnavailableError(
            f"no Home Office crime outcomes for {force_id} in {period} (loaded years: "
            f"{', '.join(loaded) or 'none'})"
        )
    coverage = require_months(con, "crimes", force_id, year)
    rows = crime_outcome_rows(con, [force_id], year)
    counts = frame(rows.group_by("latest_outcome_group").agg(crimes=rows.count()))
    police = dict(
        zip(counts["latest_outcome_group"].fillna("unknown"), counts["crimes"], strict=True)
    )
    police_total = float(sum(police.values()))
    home_total = float(home_office.sum())
    out = []
    mapped_police: set[str] = set()
    mapped_home: set[str] = set()
    for key, police_groups, home_groups, cause in GROUPS:
        p = float(sum(police.get(g, 0) for g in police_groups))
        h = float(sum(home_office.get(g, 0.0) for g in home_groups))
        mapped_police.update(police_groups)
        mapped_home.update(home_groups)
        out.append(_row(key, p, police_total, h, home_total, cause, confidence))
    unmapped_p = sum(v for g, v in police.items() if g not in mapped_police)
    unmapped_h = sum(v for g, v in home_office.items() if g not in mapped_home)
    if unmapped_p or unmapped_h:
        out.append(
            _row(
                "other_or_unknown",
                float(unmapped_p),
                police_total,
                float(unmapped_h),
                home_total,
                "Outcome categories that map to no group here (a label neither vocabulary knows).",
                confidence,
            )
        )
    out.append(
        _row(
            TOTAL,
            police_total,
            police_total,
            home_total,
            home_total,
            "police.uk leaves out crimes it cannot place on a map (and, for some forces, "
            "crimes recorded late or reclassified after its monthly extract); the Home Office "
            "figures count every notifiable offence the force recorded, as extracted later.",
            confidence,
        )
    )
    months = int(coverage["month"].nunique())
    caveats = [
        "The two sources are extracted at different dates: outcomes move on (most crimes "
        "'not yet assigned' later get an outcome), so differences in recent months are "
        "expected.",
        "police.uk shows each crime's latest outcome; the Home Office data count the outcome "
        "assigned by its extraction date: both are 'so far', at different 'so fars'.",
    ]
    if months < year.n_months:
        caveats.append(
            f"Only {months} of the year's {year.n_months} months of police.uk street files are "
            "loaded: the police.uk crimes are missing the other months, and the totals cannot "
            "match."
        )
    table = pd.DataFrame(out)
    return IndicatorResult(
        name="official.outcome_reconciliation",
        title=f"police.uk and Home Office crime outcomes, {forces()[force_id].name}, {period}",
        definition=DEFINITION.format(confidence=confidence),
        table=table,
        caveats=caveats,
        is_synthetic=any_synthetic(snapshots_read(con, [force_id], year)),
        meta={
            "force_id": force_id,
            "period": period,
            "policeuk_months": months,
            "confidence": confidence,
        },
    )


def _row(
    key: str,
    police: float,
    police_total: float,
    home: float,
    home_total: float,
    cause: str,
    confidence: float,
) -> dict[str, Any]:
    p_low, p_high = (
        wilson_interval(police, police_total, confidence) if police_total else (None,) * 2
    )
    h_low, h_high = wilson_interval(home, home_total, confidence) if home_total else (None,) * 2
    p_share = police / police_total if police_total else np.nan
    h_share = home / home_total if home_total else np.nan
    return {
        "outcome_group": key,
        "policeuk_crimes": police,
        "policeuk_share": p_share,
        "policeuk_share_low": p_low,
        "policeuk_share_high": p_high,
        "home_office_crimes": home,
        "home_office_share": h_share,
        "home_office_share_low": h_low,
        "home_office_share_high": h_high,
        "difference_crimes": police - home,
        "difference_share": p_share - h_share,
        "known_cause": cause,
    }
