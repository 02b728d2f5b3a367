"""Offender management indicators: every count equals an independent pandas count on the
synthetic files; the survival curves and exact intervals agree with statsmodels; the forecast
follows its stated arithmetic."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.stats.proportion import proportion_confint

import openpeel
from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators import offenders as ind
from openpeel.indicators.offender_forecast import DAYS_PER_MONTH, backlog_forecast
from openpeel.stats.intervals import clopper_pearson_interval
from openpeel.store.lake import Lake
from openpeel.store.offenders import load_offender_extract
from openpeel.synth.offenders import ITEMS_PER_FTE_MONTH, write_offender_extract
from openpeel.synth.population import demo_population

FORCE = "west-midlands"
AS_AT = date(2024, 3, 31)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, pd.DataFrame]]:
    root = tmp_path_factory.mktemp("offenders")
    write_offender_extract(root / "extract", FORCE, "2022-04", "2024-03", seed=3, offenders=400)
    load_offender_extract(root / "extract", FORCE, root / "data")
    Lake(root / "data").write_reference("population", demo_population())
    files = {
        "offenders": "offenders.csv",
        "assessments": "risk_assessments.csv",
        "visits": "home_visits.csv",
        "managers": "offender_managers.csv",
        "orders": "civil_orders.csv",
        "events": "offence_events.csv",
        "checks": "device_checks.csv",
    }
    frames = {}
    for name, file in files.items():
        df = pd.read_csv(root / "extract" / file, dtype=str, keep_default_na=False)
        for c in df.columns:
            if c.endswith("_on") or c == "status_since":
                df[c] = pd.to_datetime(df[c].replace("", None))
        frames[name] = df
    frames["managers"]["fte"] = frames["managers"]["fte"].astype(float)
    return openpeel.connect(root / "data"), frames


def _registered(offenders: pd.DataFrame, day: date) -> pd.DataFrame:
    d = pd.Timestamp(day)
    ends = offenders["registration_ends_on"]
    return offenders[(offenders["registered_on"] <= d) & (ends.isna() | (ends > d))]


def test_caseload_counts_match_pandas(loaded: tuple[Any, dict[str, pd.DataFrame]]) -> None:
    con, f = loaded
    result = ind.caseload(con, FORCE)
    assert result.is_synthetic and result.meta["as_at"] == AS_AT.isoformat()
    table = result.table
    assert table["day"].iloc[-1] == AS_AT and len(table) == 24
    for row in table.itertuples():
        d = pd.Timestamp(row.day)
        m = f["managers"]
        in_post = m[(m["started_on"] <= d) & (m["ended_on"].isna() | (m["ended_on"] > d))]
        assert row.offenders_registered == len(_registered(f["offenders"], row.day))
        assert row.manager_fte == pytest.approx(in_post["fte"].sum(), abs=0.006)
        assert row.offenders_per_fte == pytest.approx(
            row.offenders_registered / row.manager_fte, abs=0.06
        )


def _overdue_oracle(f: dict[str, pd.DataFrame], day: date) -> pd.DataFrame:
    """Per registered offender on ``day``: ARMS overdue? overdue visits; by plain pandas."""
    d = pd.Timestamp(day)
    reg = _registered(f["offenders"], day)[["offender_id", "risk_level", "registered_on"]]
    a = f["assessments"][f["assessments"]["completed_on"] <= d]
    last = a.sort_values(["completed_on", "next_due_on"]).groupby("offender_id").tail(1)
    out = reg.merge(last[["offender_id", "next_due_on"]], on="offender_id", how="left")
    due = out["next_due_on"].fillna(out["registered_on"] + pd.Timedelta(days=ind.FIRST_ARMS_DAYS))
    out["arms"] = due < d
    v = f["visits"]
    late = v[(v["planned_on"] < d) & (v["done_on"].isna() | (v["done_on"] > d))]
    counts = late.groupby("offender_id").size().rename("visits")
    out = out.merge(counts, on="offender_id", how="left").fillna({"visits": 0})
    return out


def test_overdue_counts_match_pandas(loaded: tuple[Any, dict[str, pd.DataFrame]]) -> None:
    con, f = loaded
    table = ind.overdue(con, FORCE).table
    checked = 0
    for day in (date(2022, 4, 30), date(2023, 1, 31), date(2023, 9, 30), AS_AT):
        oracle = _overdue_oracle(f, day)
        for level in ("all", "very_high", "high", "medium", "low"):
            o = oracle if level == "all" else oracle[oracle["risk_level"] == level]
            row = table[(table["day"] == day) & (table["risk_level"] == level)]
            if o.empty:
                assert row.empty or row["offenders_registered"].iloc[0] == 0
                continue
            row = row.iloc[0]
            assert row["offenders_registered"] == len(o)
            assert row["arms_overdue"] == int(o["arms"].sum())
            assert row["visits_overdue"] == int(o["visits"].sum())
            assert row["offenders_any_overdue"] == int((o["arms"] | (o["visits"] > 0)).sum())
            low, high = proportion_confint(
                row["offenders_any_overdue"], len(o), alpha=0.05, method="wilson"
            )
            assert row["share_any_overdue_low"] == pytest.approx(low, abs=1e-4)
            assert row["share_any_overdue_high"] == pytest.approx(high, abs=1e-4)
            checked += 1
    assert checked >= 16


def test_the_synthetic_backlog_grows_then_falls(
    loaded: tuple[Any, dict[str, pd.DataFrame]],
) -> None:
    con, _ = loaded
    table = ind.overdue(con, FORCE).table
    curve = table[table["risk_level"] == "all"]["backlog_items"].to_numpy()
    peak = int(np.argmax(curve))
    assert 0 < peak < len(curve) - 1
    assert curve[peak] > 1.5 * curve[0] and curve[-1] < 0.6 * curve[peak]


def test_time_to_first_matches_statsmodels(loaded: tuple[Any, dict[str, pd.DataFrame]]) -> None:
    con, f = loaded
    result = ind.time_to_first(con, FORCE)
    start = pd.Timestamp(result.meta["registered_from"])
    off = f["offenders"]
    cohort = off[(off["registered_on"] >= start) & (off["registered_on"] <= pd.Timestamp(AS_AT))]
    for measure, table, column in (
        ("first_arms", "assessments", "completed_on"),
        ("first_visit", "visits", "done_on"),
    ):
        ev = f[table][["offender_id", column]].dropna()
        j = cohort.merge(ev, on="offender_id", how="left")
        end = j["registration_ends_on"].fillna(pd.Timestamp(AS_AT)).clip(upper=pd.Timestamp(AS_AT))
        inside = (j[column] >= j["registered_on"]) & (j[column] <= end)
        first = j[inside].groupby("offender_id")[column].min()
        c = cohort.set_index("offender_id")
        c_end = (
            c["registration_ends_on"].fillna(pd.Timestamp(AS_AT)).clip(upper=pd.Timestamp(AS_AT))
        )
        stop = first.reindex(c.index).fillna(c_end)
        days = (stop - c["registered_on"]).dt.days.to_numpy(dtype=float)
        observed = first.reindex(c.index).notna().to_numpy()
        row = result.table.set_index("measure").loc[measure]
        assert row["offenders"] == len(c) and row["done"] == observed.sum()
        sm = SurvfuncRight(days, observed.astype(int))
        for t in ind.FIRST_ITEM_CHECKPOINTS:
            idx = np.searchsorted(sm.surv_times, t, side="right") - 1
            s = sm.surv_prob[idx] if idx >= 0 else 1.0
            assert row[f"share_within_{t}_days"] == pytest.approx(1 - s, abs=1e-4)
        # The median is the first time S <= 1/2 (statsmodels' quantile() takes S < 1/2).
        median = sm.surv_times[np.argmax(sm.surv_prob <= 0.5 + 1e-12)]
        assert row["median_days"] == pytest.approx(median)


def test_wanted_and_missing_match_pandas(loaded: tuple[Any, dict[str, pd.DataFrame]]) -> None:
    con, f = loaded
    table = ind.wanted_missing(con, FORCE).table
    reg = _registered(f["offenders"], AS_AT)
    expected = reg[reg["status"].isin(["wanted", "missing"])]
    assert sorted(table["offender_id"]) == sorted(expected["offender_id"])
    days = (pd.Timestamp(AS_AT) - expected.set_index("offender_id")["status_since"]).dt.days
    assert table.set_index("offender_id")["days_since"].to_dict() == days.to_dict()


def test_orders_and_breaches_match_pandas(loaded: tuple[Any, dict[str, pd.DataFrame]]) -> None:
    con, f = loaded
    table = ind.orders_and_breaches(con, FORCE).table.set_index("measure")
    d = pd.Timestamp(AS_AT)
    start = pd.Timestamp("2023-04-01")
    o, e, c = f["orders"], f["events"], f["checks"]
    in_force = o[(o["granted_on"] <= d) & (o["ends_on"].isna() | (o["ends_on"] > d))]
    period = e[(e["occurred_on"] >= start) & (e["occurred_on"] <= d)]
    checks = c[(c["checked_on"] >= start) & (c["checked_on"] <= d)]
    expected = {
        "shpo_in_force": (in_force["order_type"] == "shpo").sum(),
        "sro_in_force": (in_force["order_type"] == "sro").sum(),
        "orders_granted": ((o["granted_on"] >= start) & (o["granted_on"] <= d)).sum(),
        "breaches_of_order": (period["event_type"] == "breach_of_order").sum(),
        "breaches_of_notification": (period["event_type"] == "breach_of_notification").sum(),
        "device_checks": len(checks),
        "device_checks_with_concern": (checks["outcome"] == "concern").sum(),
    }
    registered = len(_registered(f["offenders"], AS_AT))
    for measure, count in expected.items():
        assert table.loc[measure, "count"] == count, measure
        assert table.loc[measure, "per_100_offenders"] == pytest.approx(
            100 * count / registered, abs=0.006
        )
    assert (table["offenders_registered"] == registered).all()


def test_further_offending_matches_pandas_and_exact_intervals(
    loaded: tuple[Any, dict[str, pd.DataFrame]],
) -> None:
    con, f = loaded
    row = ind.further_offending(con, FORCE).table.iloc[0]
    start, d = pd.Timestamp("2023-04-01"), pd.Timestamp(AS_AT)
    off = f["offenders"]
    managed = off[
        (off["registered_on"] <= d)
        & (off["registration_ends_on"].isna() | (off["registration_ends_on"] > start))
    ]
    e = f["events"]
    e = e[
        (e["event_type"] == "further_sexual_offence")
        & (e["occurred_on"] >= start)
        & (e["occurred_on"] <= d)
        & e["offender_id"].isin(managed["offender_id"])
    ]
    assert row["offenders_managed"] == len(managed)
    assert row["further_sexual_offences"] == len(e)
    assert row["offenders_with_further_sexual_offence"] == e["offender_id"].nunique()
    low, high = proportion_confint(e["offender_id"].nunique(), len(managed), method="beta")
    assert row["share_low"] == pytest.approx(low, abs=1e-4)
    assert row["share_high"] == pytest.approx(high, abs=1e-4)


@pytest.mark.parametrize(("x", "n"), [(0, 10), (1, 10), (10, 10), (3, 1000), (57, 1600)])
def test_clopper_pearson_matches_statsmodels(x: int, n: int) -> None:
    low, high = clopper_pearson_interval(x, n, 0.9)
    expected = proportion_confint(x, n, alpha=0.1, method="beta")
    assert (low, high) == pytest.approx(expected, abs=1e-10)
    assert np.isnan(clopper_pearson_interval(0, 0)[0])


def test_per_100k_uses_the_population(loaded: tuple[Any, dict[str, pd.DataFrame]]) -> None:
    con, f = loaded
    result = ind.per_100k_residents(con, FORCE)
    row = result.table.iloc[0]
    pop = demo_population().to_pandas()
    residents = pop[(pop["force_id"] == FORCE) & (pop["ethnic_group"] == "total")]["population"]
    assert row["residents"] == int(residents.iloc[0])
    assert row["offenders_registered"] == len(_registered(f["offenders"], AS_AT))
    assert row["national_per_100k"] == 122
    assert any("SYNTHETIC" in c for c in result.caveats)


def test_the_forecast_follows_its_arithmetic(loaded: tuple[Any, dict[str, pd.DataFrame]]) -> None:
    con, _ = loaded
    result = backlog_forecast(con, FORCE, target=date(2024, 9, 30))
    row = result.table.iloc[0]
    # The generator's managers complete ITEMS_PER_FTE_MONTH items a month: measured back.
    assert row["items_per_fte_month"] == pytest.approx(ITEMS_PER_FTE_MONTH, rel=0.15)
    clearance = float(row["net_clearance_per_month"])
    assert clearance > 0
    expected = AS_AT + timedelta(days=round(row["backlog_items"] / clearance * DAYS_PER_MONTH))
    assert abs((row["clears_on"] - expected).days) <= 2
    months = (date(2024, 9, 30) - AS_AT).days / DAYS_PER_MONTH
    extra = max(0.0, (row["backlog_items"] / months - clearance) / row["items_per_fte_month"])
    assert row["extra_fte_to_clear_by_target"] == pytest.approx(extra, abs=0.06)
    assert len(result.meta["assumptions"]) >= 4
    with pytest.raises(UserInputError, match="must be after"):
        backlog_forecast(con, FORCE, target=date(2024, 1, 1))


def test_no_extract_is_reported_as_unavailable(tmp_path: Path) -> None:
    with pytest.raises(DataUnavailableError, match="no offender management extract"):
        ind.caseload(openpeel.connect(tmp_path), FORCE)


def test_month_ends_end_at_the_extract_date() -> None:
    assert ind.month_ends(date(2023, 11, 15), date(2024, 2, 10)) == [
        date(2023, 11, 30),
        date(2023, 12, 31),
        date(2024, 1, 31),
        date(2024, 2, 10),
    ]


def test_report_panels_are_aggregate_with_small_cells_suppressed(
    loaded: tuple[Any, dict[str, pd.DataFrame]],
) -> None:
    from openpeel.calendar import Period
    from openpeel.report.offender_panels import count_text, offender_panels, suppressed

    con, _ = loaded
    panels = offender_panels(con, FORCE, Period.financial_year("2023/24"))
    assert [p.unavailable for p in panels] == [""] * len(panels)
    shown = " ".join(
        [p.table.to_csv() for p in panels]
        + [f"{h.label} {h.value} {h.definition}" for p in panels for h in p.headlines]
    )
    assert "rso-" not in shown and "om-" not in shown
    assert [count_text(n) for n in (0, 1, 4, 5, 1234)] == [
        "0",
        "fewer than 5",
        "fewer than 5",
        "5",
        "1,234",
    ]
    table = suppressed(pd.DataFrame({"n": [3, 12]}), ["n"])
    assert list(table["n"]) == ["fewer than 5", "12"]
    backlog = next(p for p in panels if p.panel_id == "offenders-backlog")
    assert backlog.headlines[0].value.endswith("%") and "interval" in backlog.headlines[0].interval
