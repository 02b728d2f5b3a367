"""Crime outcomes for every force from the Home Office crime outcomes open data (Investigating
crime): the share of crimes recorded in the year with each outcome group, with Wilson intervals,
the England and Wales share and the force's place among all forces.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import forces, unknown_force_message
from openpeel.stats.intervals import wilson_interval

PUBLICATION = "home-office-crime-outcomes"
#: Outcomes assigned so far to the offences recorded in the period.
MEASURE = "offences"


def outcome_shares(
    figures: pa.Table,
    force_id: str,
    period: str,
    offence_group: str | None = None,
    confidence: float = 0.95,
) -> IndicatorResult:
    """Outcome groups of the crimes one force recorded in a financial year.

    Raises:
        UserInputError: unknown force or offence group.
        DataUnavailableError: the period is not loaded, or the force has no rows in it.
    """
    if force_id not in forces():
        raise UserInputError(unknown_force_message(force_id))
    rows = figures.filter(
        pc.and_(
            pc.equal(figures["publication"], PUBLICATION), pc.equal(figures["measure"], MEASURE)
        )
    )
    periods = sorted(set(rows["period"].to_pylist()))
    if period not in periods:
        raise DataUnavailableError(
            f"crime outcomes for {period!r} are not loaded; loaded: {', '.join(periods) or 'none'}"
        )
    con = duckdb.connect()
    con.register("figures", rows.filter(pc.equal(rows["period"], period)))
    groups = [
        g
        for (g,) in con.execute(
            "SELECT DISTINCT json_extract_string(dimensions, '$.offence_group') FROM figures"
        ).fetchall()
    ]
    if offence_group is not None and offence_group not in groups:
        raise UserInputError(
            f"unknown offence group {offence_group!r}; one of: {', '.join(sorted(groups))}"
        )
    by_force = con.execute(
        """
        SELECT force_id, json_extract_string(dimensions, '$.outcome_group') AS outcome_group,
               sum(value) AS crimes
        FROM figures
        WHERE force_id IS NOT NULL AND value_status = 'reported'
          AND (? IS NULL OR json_extract_string(dimensions, '$.offence_group') = ?)
        GROUP BY ALL
        """,
        [offence_group, offence_group],
    ).fetchdf()
    if by_force[by_force["force_id"] == force_id].empty:
        raise DataUnavailableError(f"{force_id} has no crime outcomes for {period}")
    totals = by_force.groupby("force_id")["crimes"].sum()
    by_force["share"] = by_force["crimes"] / by_force["force_id"].map(totals)
    national = by_force.groupby("outcome_group")["crimes"].sum()
    national_total = national.sum()
    mine = by_force[by_force["force_id"] == force_id].sort_values("crimes", ascending=False)
    total = float(totals[force_id])
    out = []
    for _, r in mine.iterrows():
        low, high = wilson_interval(r["crimes"], total, confidence)
        peers = by_force[by_force["outcome_group"] == r["outcome_group"]]
        out.append(
            {
                "outcome_group": r["outcome_group"],
                "crimes": r["crimes"],
                "share": r["share"],
                "share_low": low,
                "share_high": high,
                "england_and_wales_share": national[r["outcome_group"]] / national_total,
                "rank_among_forces": int((peers["share"] > r["share"]).sum()) + 1,
                "forces_compared": int(totals.size),
            }
        )
    what = f"{offence_group} offences" if offence_group else "all offences"
    return IndicatorResult(
        name="official.crime_outcomes",
        title=f"Crime outcomes, {forces()[force_id].name}, {period} ({what})",
        definition=(
            "Share of the crimes the force recorded in the financial year whose outcome (so far) "
            "falls in each outcome group, from the Home Office crime outcomes open data: crimes "
            "with that outcome / all crimes recorded, Wilson "
            f"{confidence:.0%} interval. England and Wales: the same share over every force "
            "listed. Rank 1 = the highest share among the forces compared."
        ),
        table=pd.DataFrame(out),
        caveats=[
            "Outcomes are as assigned when the data were extracted: recent crimes are more often "
            "'not yet assigned an outcome', and later extracts move them on.",
            "British Transport Police is among the forces compared; its crimes are not tied to "
            "a force area.",
            "Outcome groups are the Home Office's; a crime's outcome is its latest, not its first.",
        ],
        meta={"force_id": force_id, "period": period, "offence_group": offence_group},
    )
