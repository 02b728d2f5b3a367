"""999 performance, call-log answer times and staffing, checked against direct counts."""

from __future__ import annotations

from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import openpeel
from openpeel.calendar import Period
from openpeel.indicators import calls as ic
from openpeel.stats import erlang
from openpeel.store import calls as store
from openpeel.synth.calls import write_calls_demo

PERIOD = Period.from_months("2022-04", "2022-06")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small synthetic force (three months spanning the start of the 2022-like surge)."""
    root = tmp_path_factory.mktemp("calls")
    files = root / "files"
    data = root / "data"
    write_calls_demo(
        files, "west-midlands", "2022-04", "2022-06", seed=5, scale=0.02,
        force_ids=["west-midlands", "kent", "essex"],
    )  # fmt: skip
    store.load_calls_999(files / "calls-999-monthly.csv", data)
    store.load_call_log(files / "call-log-west-midlands.csv", "west-midlands", data)
    store.load_incidents(files / "incidents-west-midlands.csv", "west-midlands", data)
    return files, data


def test_published_trend_has_wilson_intervals_and_flags(lake: tuple[Path, Path]) -> None:
    files, data = lake
    con = openpeel.connect(data)
    period = Period.from_months("2022-03", "2022-06")  # March is not in the file
    r = ic.published_999_trend(con, ["west-midlands"], period)
    t = r.table
    assert r.is_synthetic
    assert len(t) == 4 and pd.isna(t.loc[0, "calls"]) and t.loc[0, "is_below_standard"] is None
    raw = pd.read_csv(files / "calls-999-monthly.csv")
    wm = raw[raw["Force Name"] == "West Midlands Police"].reset_index(drop=True)
    x = wm["Number answered in under 10 seconds"].to_numpy()
    n = wm["Number of 999 calls"].to_numpy()
    low, high = proportion_confint(x, n, alpha=0.05, method="wilson")
    np.testing.assert_allclose(t["share_under_10s_low"][1:], low, atol=6e-5)
    np.testing.assert_allclose(t["share_under_10s_high"][1:], high, atol=6e-5)
    assert list(t["is_below_standard"][1:]) == list(x / n < 0.9)
    national = raw.groupby("Month")[["Number answered in under 10 seconds"]].sum()
    calls = raw.groupby("Month")["Number of 999 calls"].sum()
    expect = (national.iloc[:, 0] / calls).to_numpy()
    np.testing.assert_allclose(t["national_share"][1:], expect, atol=6e-5)
    assert any("1 force-months" in c for c in r.caveats)


def test_all_forces_side_by_side(lake: tuple[Path, Path]) -> None:
    files, data = lake
    r = ic.published_999_forces(openpeel.connect(data), PERIOD)
    t = r.table
    assert list(t["force_id"][:3].sort_values()) == ["essex", "kent", "west-midlands"]
    assert t["force_id"].iloc[-1] == "all forces loaded"
    raw = pd.read_csv(files / "calls-999-monthly.csv")
    assert t["calls"].iloc[-1] == raw["Number of 999 calls"].sum()
    shares = t["share_under_10s"][:3].to_numpy()
    assert np.all(np.diff(shares) <= 0) and list(t["rank"][:3]) == [1, 2, 3]


@pytest.mark.parametrize("by", ["month", "weekday", "hour"])
def test_answer_performance_equals_a_direct_count(lake: tuple[Path, Path], by: str) -> None:
    files, data = lake
    r = ic.answer_performance(openpeel.connect(data), "west-midlands", PERIOD, by=by)
    log = pd.read_csv(files / "call-log-west-midlands.csv", dtype=str, keep_default_na=False)
    offered = pd.to_datetime(log["offered_at"], utc=True).dt.tz_convert("Europe/London")
    answered = pd.to_datetime(log["answered_at"].replace("", None), utc=True)
    wait = (answered - pd.to_datetime(log["offered_at"], utc=True)).dt.total_seconds()
    threshold = log["line"].map({"999": 10, "101": 180, "chat": 180})
    key = {
        "month": offered.dt.tz_localize(None).dt.to_period("M").dt.to_timestamp().dt.date,
        "weekday": offered.dt.day_of_week,
        "hour": offered.dt.hour,
    }[by]
    direct = (
        pd.DataFrame(
            {
                "line_code": log["line"],
                by: key,
                "within": wait <= threshold,
                "abandoned": log["abandoned_at"] != "",
            }
        )
        .groupby(["line_code", by])
        .agg(offered=("within", "size"), within=("within", "sum"), abandoned=("abandoned", "sum"))
    )
    got = r.table.set_index(["line_code", by])
    assert len(got) == len(direct)
    joined = got.join(direct.add_suffix("_direct"))
    assert (joined["offered"] == joined["offered_direct"]).all()
    assert (joined["answered_within"] == joined["within_direct"]).all()
    assert (joined["abandoned"] == joined["abandoned_direct"]).all()
    np.testing.assert_allclose(
        joined["share_within"], joined["within_direct"] / joined["offered"], atol=6e-5
    )


def test_staffing_by_hour_of_week_from_a_tiny_log(tmp_path: Path) -> None:
    # Two Mondays, 10:00-10:59: 6 and 4 calls of 300 s; nothing else.
    rows = ["call_id,line,offered_at,answered_at,abandoned_at,handling_seconds"]
    k = 0
    for day, count in (("2022-05-02", 6), ("2022-05-09", 4)):
        for i in range(count):
            k += 1
            t = f"{day}T10:{i:02d}:00"
            rows.append(f"{k},999,{t},{t[:-2]}05,,300")
    rows.append(f"{k + 1},999,2022-05-09T11:00:00,,2022-05-09T11:00:30,")
    path = tmp_path / "log.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    read = store.read_export(path, "call_log", allow_no_force=True)
    roster = pd.DataFrame({"weekday": [0, 0], "hour": [10, 11], "staff": [2, 5]})
    r = ic.staffing_by_hour_of_week(ibis.memtable(read.data), shrinkage=0.3, roster=roster)
    t = r.table.set_index(["weekday", "hour"])
    assert len(t) == 168
    mon10 = t.loc[(0, 10)]
    assert mon10["days_observed"] == 2
    assert mon10["calls_per_hour"] == 5.0 and mon10["aht_seconds"] == 300
    want = erlang.required_agents(5.0, 300, 0.9, 10)
    assert mon10["agents_needed"] == want
    assert mon10["rostered_needed"] == erlang.rostered_staff(want, 0.3)
    assert mon10["gap"] == 2 - mon10["rostered_needed"]
    assert mon10["effective_agents"] == 1
    assert t.loc[(0, 11), "is_aht_from_whole_log"]
    assert not mon10["is_aht_from_whole_log"]
    assert pd.isna(t.loc[(1, 10), "gap"])
    assert t.loc[(1, 10), "agents_needed"] == 0  # no Tuesday calls in the log
    assert any("patience of about" in c for c in r.caveats)


def test_roster_reader(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("weekday,hour,staff\nMon,0,3\nsunday,23,4\n6,22,1\n", encoding="utf-8")
    assert ic.read_roster(path).values.tolist() == [[0, 0, 3], [6, 23, 4], [6, 22, 1]]
    for bad, message in (
        ("weekday,hour\n0,0\n", "missing staff"),
        ("weekday,hour,staff\nFunday,0,1\n", "unreadable weekday"),
        ("weekday,hour,staff\n0,24,1\n", "unreadable hour"),
        ("weekday,hour,staff\n0,1,1.5\n", "whole number"),
        ("weekday,hour,staff\n0,1,1\nMonday,1,2\n", "again"),
    ):
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            ic.read_roster(path)


def test_staffing_single_record() -> None:
    rec = ic.staffing_single(4500, 120, 0.9, 600, 1800, 0.3)
    assert rec["service_level"] >= 0.9 and rec["abandonment"] > 0
    assert rec["rostered_staff"] == erlang.rostered_staff(rec["agents"], 0.3)
    with pytest.raises(ValueError):
        ic.staffing_single(-1, 120)


def test_every_output_column_is_documented(lake: tuple[Path, Path], tmp_path: Path) -> None:
    from openpeel.indicators.charter import charter_compliance

    files, data = lake
    con = openpeel.connect(data)
    read = store.read_export(files / "call-log-west-midlands.csv", "call_log", "west-midlands")
    results = [
        ic.published_999_trend(con, ["west-midlands"], PERIOD),
        ic.published_999_forces(con, PERIOD),
        ic.staffing_by_hour_of_week(
            ibis.memtable(read.data),
            patience_seconds=300,
            roster=ic.read_roster(files / "roster-west-midlands-999.csv"),
        ),
        charter_compliance(con, "west-midlands", PERIOD),
        *(ic.answer_performance(con, "west-midlands", PERIOD, by=by) for by in ic.BY_COLUMNS),
    ]
    columns = {c for r in results for c in r.records()[0]}
    columns |= set(ic.staffing_single(100, 200, patience_seconds=60))
    docs = (Path(__file__).resolve().parents[2] / "docs" / "calls.md").read_text("utf-8")
    missing = sorted(c for c in columns if f"`{c}`" not in docs)
    assert not missing, f"not in docs/calls.md: {missing}"


def test_staffing_from_a_log_file_equals_staffing_from_its_rows(lake: tuple[Path, Path]) -> None:
    files, _ = lake
    log = files / "call-log-west-midlands.csv"
    roster = files / "roster-west-midlands-999.csv"
    result, report = ic.staffing_from_log(log, "101", patience_seconds=300, roster=roster)
    read = store.read_export(log, "call_log", None, allow_no_force=True)
    expected = ic.staffing_by_hour_of_week(
        ibis.memtable(read.data), within_seconds=180, patience_seconds=300,
        roster=ic.read_roster(roster), line="101",
    )  # fmt: skip
    pd.testing.assert_frame_equal(result.table, expected.table)
    assert report.rows_read == read.report.rows_read and ic.default_within("101") == 180
    one = ic.staffing_interval(4500, 120, patience_seconds=180)
    assert one.record == ic.staffing_single(4500, 120, patience_seconds=180)
    assert one.definition.startswith("Erlang A") and one.caveats
