"""Crime outcomes for every force from the Home Office crime outcomes open data (Investigating
crime): the share of crimes recorded in the year with each outcome group, with Wilson intervals,
the England and Wales share and the force's place among all forces.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.official_figures import OfficialQuery, known_force
from openpeel.indicators.official_peers import comparison
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import forces
from openpeel.stats.intervals import wilson_interval

PUBLICATION = "home-office-crime-outcomes"
#: Outcomes assigned so far to the offences recorded in the period.
MEASURE = "offences"


#: The columns the outcome queries read: a filter copies every column it keeps, and the
#: lineage columns (source file, sheet, raw value) made filtering a year's 450,000 published
#: rows take 2.6 s instead of a fraction of one.
READ_COLUMNS = (
    "publication",
    "measure",
    "period",
    "force_id",
    "dimensions",
    "value",
    "value_status",
)


def _outcome_rows(figures: pa.Table) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection whose view ``figures`` holds the outcome counts of ``figures``
    (every period), read straight from the Arrow table: DuckDB scans only the columns a query
    names and applies its filters while scanning, instead of copying every column of a
    million rows per filter."""
    con = duckdb.connect()
    con.register("published", figures.select(list(READ_COLUMNS)))
    con.execute(
        f"CREATE VIEW figures AS SELECT * FROM published "
        f"WHERE publication = '{PUBLICATION}' AND measure = '{MEASURE}'"
    )
    return con


def _periods(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The periods with outcome counts, in order."""
    found = con.execute("SELECT DISTINCT period FROM figures WHERE period IS NOT NULL").fetchall()
    return sorted(str(p) for (p,) in found)


def outcome_shares(query: OfficialQuery, offence_group: str | None = None) -> IndicatorResult:
    """Outcome groups of the crimes one force recorded in a financial year.

    Raises:
        UserInputError: unknown force or offence group.
        DataUnavailableError: the period is not loaded, or the force has no rows in it.
    """
    figures, force_id, period = query.figures, query.force_id, query.period
    confidence = query.confidence
    known_force(force_id)
    con = _outcome_rows(figures)
    periods = _periods(con)
    if period not in periods:
        raise DataUnavailableError(
            f"crime outcomes for {period!r} are not loaded; loaded: {', '.join(periods) or 'none'}"
        )
    if offence_group is not None:
        groups = [
            g
            for (g,) in con.execute(
                "SELECT DISTINCT json_extract_string(dimensions, '$.offence_group') "
                "FROM figures WHERE period = ?",
                [period],
            ).fetchall()
        ]
        if offence_group not in groups:
            raise UserInputError(
                f"unknown offence group {offence_group!r}; one of: "
                f"{', '.join(sorted(g for g in groups if g is not None))}"
            )
    by_force = con.execute(
        """
        SELECT force_id, json_extract_string(dimensions, '$.outcome_group') AS outcome_group,
               sum(value) AS crimes
        FROM figures
        WHERE period = ? AND force_id IS NOT NULL AND value_status = 'reported'
          AND (? IS NULL OR json_extract_string(dimensions, '$.offence_group') = ?)
        GROUP BY ALL
        """,
        [period, offence_group, offence_group],
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


CHARGED = "Charged/Summonsed"


def outcomes_by_force(
    figures: pa.Table, period: str, outcome_group: str = CHARGED, offence_group: str | None = None
) -> pd.DataFrame:
    """Crimes with ``outcome_group`` (``count``) of all crimes recorded (``denominator``), by force.

    Raises:
        DataUnavailableError: the period is not loaded.
        UserInputError: unknown outcome or offence group.
    """
    con = _outcome_rows(figures)
    if period not in _periods(con):
        raise DataUnavailableError(f"crime outcomes for {period!r} are not loaded")
    table = con.execute(
        """
        SELECT force_id,
               json_extract_string(dimensions, '$.outcome_group') AS outcome_group,
               json_extract_string(dimensions, '$.offence_group') AS offence_group,
               sum(value) AS crimes
        FROM figures
        WHERE period = ? AND force_id IS NOT NULL AND value_status = 'reported'
        GROUP BY ALL
        """,
        [period],
    ).fetchdf()
    outcomes = sorted(set(table["outcome_group"].dropna()))
    if outcome_group not in outcomes:
        raise UserInputError(
            f"unknown outcome group {outcome_group!r}; one of: {'; '.join(outcomes)}"
        )
    if offence_group is not None:
        offences = sorted(set(table["offence_group"].dropna()))
        if offence_group not in offences:
            raise UserInputError(
                f"unknown offence group {offence_group!r}; one of: {', '.join(offences)}"
            )
        table = table[table["offence_group"] == offence_group]
    total = table.groupby("force_id")["crimes"].sum()
    hits = table[table["outcome_group"] == outcome_group].groupby("force_id")["crimes"].sum()
    return pd.DataFrame(
        {
            "force_id": total.index,
            "count": hits.reindex(total.index).fillna(0.0).to_numpy(dtype=float),
            "denominator": total.to_numpy(dtype=float),
        }
    )


def outcome_peers(
    query: OfficialQuery, outcome_group: str = CHARGED, offence_group: str | None = None
) -> IndicatorResult:
    """The share of recorded crimes with ``outcome_group`` of every force against the query's
    force.

    Raises:
        UserInputError: unknown force, outcome or offence group.
        DataUnavailableError: the period is not loaded or the force has no crimes in it.
    """
    return comparison("crime-outcomes").of(
        outcomes_by_force(query.figures, query.period, outcome_group, offence_group),
        query,
        meta={"outcome_group": outcome_group, "offence_group": offence_group},
        outcome_group=outcome_group,
        what=f"{offence_group} offences" if offence_group else "all offences",
    )
