"""Officers, police staff, PCSOs and special constables per 1,000 residents by headcount and by
full-time equivalent, from the Home Office police workforce tables (Building, supporting and
protecting the workforce).

A headcount counts people; a full-time equivalent (FTE) counts hours, so a force with many
part-time officers has more officers by headcount than by FTE. The Home Office publishes both,
in different tables of each edition:

- the 31 March bulletin tables: FTE in H1 (officers), H6 (staff), H7 (PCSOs); headcount in S2,
  S3 and S4 (officers, staff and PCSOs by full- or part-time working) and H9 (special
  constables, published as headcount only);
- the 30 September tables: FTE in tables 1, 2 and 5 and headcount in tables 7, 8, 11 and 12,
  each at the dates its columns name (31 March and 30 September);
- the long-format open data table: ``Total (Headcount)`` beside ``Total (FTE)`` on every row
  (summed here over ranks, sexes and ethnic groups; the extract at hand has officers only).

Residents are the ONS mid-year estimate printed in the loaded publications (the HMICFRS value
for money annual data return, the ONS police force area tables): the latest estimate at or
before the date, when it is at most :data:`MAX_POPULATION_LAG_YEARS` years older.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.official_figures import known_force
from openpeel.indicators.official_peers import compare_forces
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import forces
from openpeel.reference.peer_groups import PeerGroup
from openpeel.stats.rates import annual_rate_per_1000

BULLETIN = "home-office-workforce-bulletin"
QUARTERLY = "home-office-workforce-quarterly"
OPEN_DATA = "home-office-workforce-open-data"
PUBLICATIONS = (BULLETIN, QUARTERLY, OPEN_DATA)
WORKERS = ("officers", "police_staff", "pcsos", "special_constables")
WORKER_WORDS = {
    "officers": "Officers",
    "police_staff": "Police staff",
    "pcsos": "PCSOs",
    "special_constables": "Special constables",
}
MEASURES = ("fte", "headcount")
#: A mid-year population estimate older than this (years) is not used for a date.
MAX_POPULATION_LAG_YEARS = 2

#: (publication, table, worker, measure, how the table labels its figures): ``total`` = a
#: measure whose last part is ``Total`` (the force's total); ``dated`` = one figure per date,
#: the measure's last part an ISO date; ``label`` = this exact measure.
TABLES: tuple[tuple[str, str, str, str, str], ...] = (
    (BULLETIN, "H1", "officers", "fte", "All officers (full-time equivalent) | Total"),
    (BULLETIN, "Table_H6", "police_staff", "fte", "dated"),
    (BULLETIN, "Table_H7", "pcsos", "fte", "dated"),
    (BULLETIN, "Table_S2", "officers", "headcount", "total"),
    (BULLETIN, "Table_S3", "police_staff", "headcount", "total"),
    (BULLETIN, "Table_S4", "pcsos", "headcount", "total"),
    (BULLETIN, "Table_H9", "special_constables", "headcount", "dated"),
    (QUARTERLY, "Table_1", "officers", "fte", "dated"),
    (QUARTERLY, "Table_2", "police_staff", "fte", "dated"),
    (QUARTERLY, "Table_5", "pcsos", "fte", "dated"),
    (QUARTERLY, "Table_7", "officers", "headcount", "dated"),
    (QUARTERLY, "Table_8", "police_staff", "headcount", "dated"),
    (QUARTERLY, "Table_11", "pcsos", "headcount", "dated"),
    (QUARTERLY, "Table_12", "special_constables", "headcount", "dated"),
)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})$")
_MONTHS = ("March", "September")
#: Open data ``Worker type`` -> worker.
OPEN_DATA_WORKERS = {
    "police officer": "officers",
    "police staff": "police_staff",
    "pcso": "pcsos",
    "police community support officer": "pcsos",
    "special constable": "special_constables",
}
_ADR_POPULATION = re.compile(r"Population \(1000s\).*mid-(\d{4})", re.IGNORECASE)
_ONS_POPULATION = re.compile(r"Population figures \(mid-(\d{4})\)", re.IGNORECASE)


def worker_text(worker: str) -> str:
    """The worker in running text: 'officers', 'police staff', 'PCSOs'."""
    words = WORKER_WORDS[worker]
    return words if words.isupper() or words[1:].lower() != words[1:] else words.lower()


def as_at_words(day: date) -> str:
    """``date(2017, 3, 31)`` -> ``'31 March 2017'``."""
    return f"{day.day} {day:%B %Y}"


def _as_at(label: str) -> date | None:
    """The date a dated measure's last part names; a month given alone (the bulletin prints
    'Mar-17') is the Home Office's count at the end of it: 31 March or 30 September."""
    match = _ISO.search(label.split(" | ")[-1].strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if month not in (3, 9):
        return None
    return date(year, month, 31 if month == 3 else 30)


def _period_date(label: str) -> date | None:
    """'31 March 2017' or '30 September 2019' -> the date; '2017' (open data) -> 31 March."""
    text = label.strip()
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 3, 31)
    match = re.fullmatch(r"(\d{1,2}) (March|September) (\d{4})", text, re.IGNORECASE)
    if not match:
        return None
    month = 3 if match.group(2).lower() == "march" else 9
    return date(int(match.group(3)), month, int(match.group(1)))


def _frame(figures: pa.Table, publication: str) -> pd.DataFrame:
    rows = figures.filter(pc.equal(figures["publication"], publication))
    columns = ["period", "table_id", "force_id", "measure", "dimensions", "value"]
    df = rows.select(columns).to_pandas()
    return df[df["force_id"].notna()]


def _from_tables(figures: pa.Table) -> list[pd.DataFrame]:
    out = []
    frames = {p: _frame(figures, p) for p in (BULLETIN, QUARTERLY)}
    for publication, table, worker, measure, how in TABLES:
        df = frames[publication]
        df = df[df["table_id"] == table]
        if df.empty:
            continue
        if how == "dated":
            df = df.assign(as_at=df["measure"].map(_as_at))
        else:
            last = df["measure"].str.split(" | ", regex=False).str[-1].str.strip()
            keep = (last == "Total") if how == "total" else (df["measure"] == how)
            df = df[keep & (df["measure"].str.count(r"\|") <= 1)]
            df = df.assign(as_at=df["period"].map(_period_date))
        df = df[df["as_at"].notna()]
        out.append(
            df.assign(worker=worker, measure=measure, source=f"{publication} {table}")[
                ["force_id", "as_at", "worker", "measure", "value", "source"]
            ]
        )
    return out


def _from_open_data(figures: pa.Table) -> pd.DataFrame | None:
    df = _frame(figures, OPEN_DATA)
    if df.empty:
        return None
    # Each distinct text is read once (a year's open data repeats a few hundred of them over
    # two hundred thousand rows).
    workers = {
        d: OPEN_DATA_WORKERS.get(
            str((json.loads(d) if d else {}).get("worker_type", "")).strip().lower()
        )
        for d in df["dimensions"].unique()
    }
    dates = {p: _period_date(p) for p in df["period"].unique()}
    df = df.assign(worker=df["dimensions"].map(workers), as_at=df["period"].map(dates))
    df = df[df["worker"].notna() & df["as_at"].notna() & df["measure"].isin(MEASURES)]
    # ' - ' (nil or fewer than the disclosure threshold) has no value: the sum counts it as
    # nothing, so a total with suppressed cells is a slight undercount (a caveat).
    summed = (
        df.groupby(["force_id", "as_at", "worker", "measure"])["value"]
        .agg(lambda v: v.sum(min_count=1))
        .reset_index()
    )
    return summed.assign(source=f"{OPEN_DATA} (summed over rows)")


def workforce_counts(figures: pa.Table) -> pd.DataFrame:
    """Every force's workers by date, worker and measure: ``force_id``, ``as_at`` (a date),
    ``worker``, ``measure`` (``fte`` or ``headcount``), ``value``, ``source``.

    Where two publications give the same figure, the later-listed table in :data:`TABLES` (the
    30 September tables) wins over the bulletin and both over the open data sums.
    """
    parts = _from_tables(figures)
    open_data = _from_open_data(figures)
    if open_data is not None:
        parts.insert(0, open_data)
    if not parts:
        return pd.DataFrame(columns=["force_id", "as_at", "worker", "measure", "value", "source"])
    df = pd.concat(parts, ignore_index=True)
    return df.drop_duplicates(["force_id", "as_at", "worker", "measure"], keep="last")


@dataclass(frozen=True)
class Residents:
    """Residents by force from one ONS mid-year estimate, and where they were printed."""

    mid_year: int
    by_force: pd.Series
    source: str


def mid_year_residents(figures: pa.Table) -> list[Residents]:
    """The ONS mid-year population estimates printed in the loaded publications: the HMICFRS
    annual data return (thousands) and the ONS police force area tables (table P3)."""
    out: dict[int, Residents] = {}
    for publication, pattern, scale, words in (
        ("ons-recorded-crime", _ONS_POPULATION, 1.0, "ONS police force area tables, table P3"),
        ("hmicfrs-vfm-adr", _ADR_POPULATION, 1000.0, "HMICFRS value for money annual data return"),
    ):
        df = _frame(figures, publication)
        for label, rows in df.groupby("measure"):
            match = pattern.search(str(label))
            if not match:
                continue
            year = int(match.group(1))
            if year in out:
                continue
            values = rows.groupby("force_id")["value"].first().dropna() * scale
            if not values.empty:
                out[year] = Residents(
                    year, values, f"ONS mid-{year} population estimate (printed in the {words})"
                )
    return [out[y] for y in sorted(out)]


def residents_at(figures: pa.Table, day: date) -> Residents | None:
    """The latest mid-year estimate at or before ``day`` (30 June of its year), at most
    :data:`MAX_POPULATION_LAG_YEARS` older; None when there is none."""
    usable = [
        r
        for r in mid_year_residents(figures)
        if date(r.mid_year, 6, 30) <= day and day.year - r.mid_year <= MAX_POPULATION_LAG_YEARS
    ]
    return usable[-1] if usable else None


def headcount_dates(figures: pa.Table) -> list[date]:
    """Every date with a headcount loaded, earliest first."""
    counts = workforce_counts(figures)
    mine = counts[(counts["measure"] == "headcount") & counts["value"].notna()]
    return sorted(set(mine["as_at"]))


def coverage(figures: pa.Table) -> pd.DataFrame:
    """Which dates, workers and how many forces have a headcount (and an FTE) loaded:
    ``as_at``, ``worker``, ``measure``, ``forces``."""
    counts = workforce_counts(figures)
    counts = counts[counts["value"].notna()]
    return (
        counts.groupby(["as_at", "worker", "measure"])["force_id"]
        .nunique()
        .rename("forces")
        .reset_index()
        .sort_values(["as_at", "worker", "measure"])
    )


def coverage_words(figures: pa.Table) -> str:
    """'Headcount is published in the tables loaded for 31 March 2003 (officers, 43 forces);
    …' (one clause per date)."""
    table = coverage(figures)
    heads = table[table["measure"] == "headcount"]
    if heads.empty:
        return "No headcount is in the police workforce tables loaded."
    clauses = []
    for day, rows in heads.groupby("as_at"):
        who = ", ".join(worker_text(w) for w in WORKERS if w in set(rows["worker"]))
        n = int(rows["forces"].max())
        clauses.append(f"{as_at_words(day)} ({who}; {n} forces)")  # type: ignore[arg-type]
    return "Headcount is in the police workforce tables loaded for " + "; ".join(clauses) + "."


def choose_date(figures: pa.Table, wanted: str | None) -> date:
    """The date asked for ('31 March 2017', '30 September 2019', '2017' = the latest date in
    that year), or the latest with a headcount.

    Raises:
        UserInputError: the text is not a date openpeel reads.
        DataUnavailableError: no headcount loaded, or none at that date (the message lists
            the dates loaded).
    """
    dates = headcount_dates(figures)
    if not dates:
        raise DataUnavailableError(
            "no police workforce headcount is loaded (load the Home Office police workforce "
            "tables with 'openpeel official load FILE')"
        )
    if wanted is None:
        return dates[-1]
    text = wanted.strip()
    if re.fullmatch(r"\d{4}", text):
        in_year = [d for d in dates if d.year == int(text)]
        found = in_year[-1] if in_year else None
    else:
        day = _period_date(text)
        if day is None:
            raise UserInputError(
                f"{wanted!r} is not a date: give e.g. '31 March 2017', '30 September 2019' or 2017"
            )
        found = day if day in dates else None
    if found is None:
        raise DataUnavailableError(
            f"no police workforce headcount at {wanted}; loaded: "
            + ", ".join(as_at_words(d) for d in dates)
        )
    return found


def _rank(values: pd.Series, force_id: str) -> int | None:
    own = values.get(force_id)
    if own is None or pd.isna(own):
        return None
    return int((values.dropna() > own).sum()) + 1


def workforce_per_1000(
    figures: pa.Table,
    force_id: str,
    as_at: str | None = None,
    measure: str = "headcount",
    confidence: float = 0.95,
) -> IndicatorResult:
    """Officers, staff, PCSOs and special constables of one force per 1,000 residents by
    headcount and by FTE at one date, against every force, with the change in the chosen
    measure since the earliest date loaded.

    Args:
        figures: the loaded official figures (every publication: the workforce tables give
            the counts, the others the residents).
        force_id: the force.
        as_at: the date ('31 March 2017', '30 September 2019', '2017'); default: the latest
            with a headcount.
        measure: ``headcount`` or ``fte``: the measure of ``value``, the rank and the change.

    Raises:
        UserInputError: unknown force, measure or date text.
        DataUnavailableError: no headcount loaded, none at the date, or the force has none.
    """
    known_force(force_id)
    if measure not in MEASURES:
        raise UserInputError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    day = choose_date(figures, as_at)
    counts = workforce_counts(figures)
    now = counts[counts["as_at"] == day]
    if now[now["force_id"] == force_id]["value"].dropna().empty:
        raise DataUnavailableError(
            f"{force_id} has no police workforce figures at {as_at_words(day)}"
        )
    residents = residents_at(figures, day)
    population = residents.by_force if residents is not None else pd.Series(dtype=float)
    people = float(population.get(force_id, np.nan))
    rows = []
    for worker in WORKERS:
        mine = now[now["worker"] == worker]
        if mine.empty:
            continue
        wide = mine.pivot_table(
            index="force_id", columns="measure", values="value", aggfunc="first"
        )
        fte = wide["fte"] if "fte" in wide else pd.Series(np.nan, index=wide.index)
        heads = wide["headcount"] if "headcount" in wide else pd.Series(np.nan, index=wide.index)
        chosen = heads if measure == "headcount" else fte
        if pd.isna(chosen.get(force_id, np.nan)):
            continue
        per = (chosen / population.reindex(chosen.index) * 1000).dropna()
        both = chosen.dropna().index.intersection(population.dropna().index)
        national = 1000 * chosen[both].sum() / population[both].sum() if len(both) else np.nan
        own_heads = float(heads.get(force_id, np.nan))
        own_fte = float(fte.get(force_id, np.nan))
        rate = annual_rate_per_1000(own_heads, people, confidence)
        value = 1000 * float(chosen[force_id]) / people if people > 0 else np.nan
        history = counts[
            (counts["force_id"] == force_id)
            & (counts["worker"] == worker)
            & (counts["measure"] == measure)
            & counts["value"].notna()
            & (counts["as_at"] <= day)
        ].sort_values("as_at")
        base = history.iloc[0] if len(history) and history.iloc[0]["as_at"] < day else None
        base_value = float(base["value"]) if base is not None else np.nan
        change = float(chosen[force_id]) - base_value
        rows.append(
            {
                "worker": worker,
                "as_at": as_at_words(day),
                "measure": measure,
                "workforce_fte": own_fte,
                "workforce_headcount": own_heads,
                "population": people,
                "fte_per_1000": 1000 * own_fte / people if people > 0 else np.nan,
                "headcount_per_1000": rate.rate,
                "headcount_per_1000_low": rate.low,
                "headcount_per_1000_high": rate.high,
                "fte_per_headcount": own_fte / own_heads if own_heads else np.nan,
                "value": value,
                "value_low": rate.low if measure == "headcount" else np.nan,
                "value_high": rate.high if measure == "headcount" else np.nan,
                "england_and_wales_value": national,
                "rank": _rank(per, force_id) if pd.notna(value) else None,
                "forces_compared": int(per.size),
                "base_as_at": as_at_words(base["as_at"]) if base is not None else None,
                "base_count": base_value,
                "change_count": change,
                "change_percent": 100 * change / base_value if base_value else np.nan,
            }
        )
    table = pd.DataFrame(rows).astype({"rank": "Int64"})
    caveats = [
        "A headcount counts every worker once, whatever their hours; a full-time equivalent "
        "counts hours (a part-time officer is less than one). fte_per_headcount below 1 "
        "shows part-time working.",
        "A count of the whole workforce, not a sample: the headcount interval is the exact "
        "Poisson interval of a count of that size, the chance variation to allow for before "
        "calling two forces different, as for recorded crime; FTE is not a count of people "
        "and has no interval.",
        "Special constables (volunteers) are published as headcount only.",
        coverage_words(figures),
    ]
    if residents is None:
        caveats.insert(
            0,
            f"No ONS mid-year population estimate within {MAX_POPULATION_LAG_YEARS} years before "
            f"{as_at_words(day)} is loaded: counts are shown without rates per 1,000 (load the "
            "ONS police force area tables or the HMICFRS value for money annual data return "
            "of the year).",
        )
    else:
        caveats.append(f"Residents: {residents.source}.")
    if (table["base_as_at"].notna()).any() if len(table) else False:
        caveats.append(
            "Change: since the earliest date the loaded tables give the worker; tables of "
            "different editions count the same way (the Home Office's annual data return)."
        )
    if str(counts[counts["as_at"] == day]["source"].iloc[0]).startswith(OPEN_DATA):
        caveats.append(
            "Open data totals are summed over ranks, sexes and ethnic groups; cells printed "
            "' - ' (nil or fewer than the disclosure threshold) count as nothing."
        )
    return IndicatorResult(
        name="official.workforce_per_1000",
        title=(
            f"Workforce per 1,000 residents by {'headcount' if measure == 'headcount' else 'FTE'}"
            f", {forces()[force_id].name}, {as_at_words(day)}"
        ),
        definition=(
            "From the Home Office police workforce tables. headcount_per_1000 = people employed "
            "(headcount) / residents x 1,000 with an exact Poisson "
            f"{confidence:.0%} interval; fte_per_1000 = full-time equivalents / residents x "
            f"1,000. value, rank and change are of the {measure}: value = the force's "
            f"{measure} per 1,000 residents; england_and_wales_value = every force's {measure} "
            "/ their residents x 1,000 (forces with both); rank 1 = the most per resident among "
            "forces_compared; change_count and change_percent = since base_as_at (base_count)."
        ),
        table=table,
        caveats=caveats,
        meta={
            "force_id": force_id,
            "as_at": as_at_words(day),
            "measure": measure,
            "confidence": confidence,
            "residents": residents.source if residents is not None else None,
        },
    )


def workers_by_force(figures: pa.Table, day: date, worker: str, measure: str) -> pd.DataFrame:
    """``count`` (the worker's headcount or FTE) and residents (``denominator``) by force at one
    date, as :func:`openpeel.indicators.official_peers.compare_forces` takes them.

    Raises:
        UserInputError: unknown worker or measure.
        DataUnavailableError: no residents near the date.
    """
    if worker not in WORKERS:
        raise UserInputError(f"worker must be one of {', '.join(WORKERS)}, not {worker!r}")
    if measure not in MEASURES:
        raise UserInputError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    residents = residents_at(figures, day)
    if residents is None:
        raise DataUnavailableError(
            f"no ONS mid-year population estimate near {as_at_words(day)} is loaded, so no rate "
            "per 1,000 residents can be compared"
        )
    counts = workforce_counts(figures)
    mine = counts[
        (counts["as_at"] == day) & (counts["worker"] == worker) & (counts["measure"] == measure)
    ]
    values = mine.groupby("force_id")["value"].first()
    return pd.DataFrame(
        {
            "force_id": values.index,
            "count": values.to_numpy(dtype=float),
            "denominator": residents.by_force.reindex(values.index).to_numpy(dtype=float),
        }
    )


def workforce_peers(
    figures: pa.Table,
    force_id: str,
    as_at: str | None = None,
    worker: str = "officers",
    measure: str = "headcount",
    peers: PeerGroup | None = None,
    confidence: float = 0.95,
) -> IndicatorResult:
    """One worker per 1,000 residents of every force against ``force_id``: by headcount a count
    of people with exact Poisson intervals and a funnel; by FTE an amount, ranked only."""
    day = choose_date(figures, as_at)
    values = workers_by_force(figures, day, worker, measure)
    residents = residents_at(figures, day)
    words = worker_text(worker)
    return compare_forces(
        values,
        force_id,
        kind="rate" if measure == "headcount" else "amount",
        name="official.workforce_peers",
        title=f"{WORKER_WORDS[worker]} per 1,000 residents by {measure}, all forces, "
        f"{as_at_words(day)}",
        value_words=f"{words} ({measure}, Home Office police workforce tables) per 1,000 "
        f"residents ({residents.source if residents else 'ONS mid-year estimate'})",
        caveats=[
            "Staffing is a force's choice, not a chance event: a force outside the funnel "
            "limits staffs differently, which is a question for its plans, not a sign of error."
            if measure == "headcount"
            else "FTE is not a count of people: no interval and no funnel.",
            "Forces buy services from others or share them (collaboration), which moves staff "
            "between forces' books.",
        ],
        peers=peers,
        confidence=confidence,
        meta={"as_at": as_at_words(day), "worker": worker, "measure": measure},
    )
