"""The Citizens' Charter: standards as data, working days, and compliance equal to a direct
count on synthetic call logs and incidents."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.indicators import charter
from openpeel.store import calls as store
from openpeel.synth.calls import write_calls_demo

PERIOD = Period.from_months("2022-05", "2022-06")

# England and Wales bank holidays as published on gov.uk.
GOV_UK = {
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2022: ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26",
           "12-27"],
    2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
}  # fmt: skip


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("charter")
    files, data = root / "files", root / "data"
    write_calls_demo(files, "west-midlands", "2022-05", "2022-06", seed=9, scale=0.03,
                     force_ids=["west-midlands"])  # fmt: skip
    store.load_call_log(files / "call-log-west-midlands.csv", "west-midlands", data)
    store.load_incidents(files / "incidents-west-midlands.csv", "west-midlands", data)
    return files, data


def test_the_standards_are_data() -> None:
    ids = [s.standard_id for s in charter.standards()]
    assert ids == [
        "999_answer",
        "101_chat_answer",
        "emergency_attendance",
        "appointment",
        "written_reply",
    ]
    first = charter.standards()[0]
    assert (first.threshold_seconds, first.target_share) == (10.0, 0.9)
    assert charter.standards()[3].threshold_seconds == 3 * 86400


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_bank_holidays_match_gov_uk(year: int) -> None:
    want = [date.fromisoformat(f"{year}-{d}") for d in GOV_UK[year]]
    assert list(charter.bank_holidays(year)) == want


def test_working_days() -> None:
    received = pd.Series(pd.to_datetime(["2022-05-06 16:00", "2022-05-06 09:00",
                                         "2022-05-27 10:00", "2022-05-09 10:00"]))  # fmt: skip
    replied = pd.Series(pd.to_datetime(["2022-05-09 09:00", "2022-05-06 17:00",
                                        "2022-06-06 10:00", None]))  # fmt: skip
    # Fri -> Mon: 1. Same day: 0. Fri 27 May -> Mon 6 Jun over the Jubilee (2 and 3 June): 4.
    got = charter.working_days_between(received, replied)
    assert list(got[:3]) == [1, 0, 4] and np.isnan(got[3])


def _slow_working_days(start: pd.Timestamp, end: pd.Timestamp) -> int:
    holidays = {date.fromisoformat(f"{y}-{d}") for y, ds in GOV_UK.items() for d in ds}
    day, count = start.date(), 0
    while day < end.date():
        day += timedelta(days=1)
        count += day.weekday() < 5 and day not in holidays
    return count


def test_compliance_equals_a_direct_count(lake: tuple[Path, Path]) -> None:
    files, data = lake
    result = charter.charter_compliance(openpeel.connect(data), "west-midlands", PERIOD)
    assert result.is_synthetic
    got = result.table.set_index(["standard_id", "scope", "month"])

    log = pd.read_csv(files / "call-log-west-midlands.csv", dtype=str, keep_default_na=False)
    offered = pd.to_datetime(log["offered_at"], utc=True)
    wait = pd.to_datetime(log["answered_at"].replace("", None), utc=True) - offered
    month = offered.dt.tz_convert("Europe/London").dt.strftime("%Y-%m-01")
    inc = pd.read_csv(files / "incidents-west-midlands.csv", dtype=str, keep_default_na=False)
    created = pd.to_datetime(inc["created_at"], utc=True)
    arrived = pd.to_datetime(inc["arrived_at"].replace("", None), utc=True)
    inc_month = created.dt.tz_convert("Europe/London").dt.strftime("%Y-%m-01")
    local = lambda s: s.dt.tz_convert("Europe/London").dt.tz_localize(None)  # noqa: E731

    for m in ("2022-05-01", "2022-06-01"):
        key = date.fromisoformat(m)
        expected = {}
        for sid, lines, seconds in (("999_answer", {"999"}, 10),
                                    ("101_chat_answer", {"101", "chat"}, 180)):  # fmt: skip
            rows = (month == m) & log["line"].isin(lines)
            met = rows & (wait.dt.total_seconds() <= seconds)
            expected[sid] = (int(rows.sum()), int(met.sum()), 0)
        for sid, kinds, seconds in (("emergency_attendance", {"Emergency"}, 900),
                                    ("appointment", {"Appointment"}, 3 * 86400)):  # fmt: skip
            rows = (inc_month == m) & inc["priority"].isin(kinds)
            has = rows & arrived.notna()
            met = has & ((arrived - created).dt.total_seconds() <= seconds)
            expected[sid] = (int(has.sum()), int(met.sum()), int((rows & arrived.isna()).sum()))
        rows = (inc_month == m) & inc["priority"].isin({"Email", "Letter"})
        has = rows & arrived.notna()
        days = [
            _slow_working_days(a, b)
            for a, b in zip(local(created[has]), local(arrived[has]), strict=True)
        ]
        expected["written_reply"] = (
            int(has.sum()),
            int(sum(d <= 5 for d in days)),
            int((rows & arrived.isna()).sum()),
        )
        for sid, (measured, met, missing) in expected.items():
            row = got.loc[(sid, "month", key)]
            assert (row["measured"], row["met"], row["not_measured"]) == (measured, met, missing)
            assert measured > 0
            assert row["compliance_share"] == pytest.approx(met / measured, abs=6e-5)
            assert row["compliance_low"] <= row["compliance_share"] <= row["compliance_high"]
    totals = result.table[result.table.scope == "period"].set_index("standard_id")
    monthly = result.table[result.table.scope == "month"].groupby("standard_id")["met"].sum()
    assert (totals["met"] == monthly.reindex(totals.index)).all()
    assert totals.loc["999_answer", "is_below_target"] in (True, False)
    assert totals.loc["appointment", "is_below_target"] is None


def test_unmeasured_standards_say_so(tmp_path: Path) -> None:
    result = charter.charter_compliance(openpeel.connect(tmp_path), "kent", PERIOD)
    assert (result.table["measured"] == 0).all()
    assert sum("not measured" in c for c in result.caveats) == 5


def test_the_999_standard_is_reference_data_read_once() -> None:
    from openpeel.reference.standards import national_999_standard, standard
    from openpeel.sources import calls_999

    row = standard("999_answer")
    assert (row.target_share, row.threshold_seconds) == (0.9, 10.0)
    assert national_999_standard() == (0.9, 10.0)
    assert (calls_999.STANDARD_SHARE, calls_999.STANDARD_SECONDS) == (0.9, 10.0)
    with pytest.raises(KeyError, match="known"):
        standard("no-such-standard")
