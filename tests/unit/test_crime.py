"""Crime volumes, rates and trends on tiny inline street files; the CLI's crime group."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import statsmodels.api as sm
from click.testing import CliRunner
from scipy import stats

import openpeel
from openpeel.calendar import Period
from openpeel.cli import main
from openpeel.exports import strip_notes
from openpeel.indicators.crime import crime_rates, crime_trend, crime_volumes, trend_estimate
from openpeel.sources.census import POPULATION_SCHEMA
from openpeel.store.lake import Lake
from openpeel.store.population import PopulationMissingError
from tests.conftest import write_police_csv

FORCE = "cumbria"
NAME = "Cumbria Constabulary"
POPULATION = 500_000


def street(
    crime_type: str,
    month: str,
    crime_id: str = "",
    outcome: str = "",
    location: str = "On or near Station Road",
) -> str:
    """One street-file row (12 columns)."""
    lon, lat = ("", "") if location == "No Location" else ("-3.38", "54.86")
    lsoa = "" if location == "No Location" else "E01019126,Allerdale 001A"
    lsoa = lsoa or ","
    return f"{crime_id},{month},{NAME},{NAME},{lon},{lat},{location},{lsoa},{crime_type},{outcome},"


def crime_row(crime_type: str, month: str, n: int, outcome: str = "Under investigation") -> str:
    return street(crime_type, month, f"{n:064x}", outcome)


def asb_row(month: str) -> str:
    return street("Anti-social behaviour", month)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cumbria 2022-01..2022-04 with 2022-03 missing; one unknown crime type."""
    src = tmp_path_factory.mktemp("src")
    data_dir = tmp_path_factory.mktemp("data")
    n = iter(range(1, 1000))
    jan = [crime_row("Burglary", "2022-01", next(n)) for _ in range(3)]
    jan += [crime_row("Drugs", "2022-01", next(n)) for _ in range(2)] + [asb_row("2022-01")]
    feb = [crime_row("Burglary", "2022-02", next(n)), asb_row("2022-02"), asb_row("2022-02")]
    feb.append(crime_row("Space piracy", "2022-02", next(n)))
    apr = [crime_row("Drugs", "2022-04", next(n)) for _ in range(2)]
    for month, rows in (("2022-01", jan), ("2022-02", feb), ("2022-04", apr)):
        write_police_csv(src, f"{month}-{FORCE}-street.csv", rows)
    report = openpeel.ingest([src], data_dir)
    assert report.totals()["rows_loaded"] == 12
    assert [(u.raw_value, u.rows) for u in report.unknown] == [("Space piracy", 1)]
    return data_dir


def add_population(data_dir: Path, force_id: str = FORCE, total: int = POPULATION) -> None:
    rows = [
        {
            "force_id": force_id,
            "pfa_code": "E23000002",
            "pfa_name": "Cumbria",
            "ethnic_group": group,
            "population": total if group == "total" else total // 5,
            "source": "test",
            "census_year": 2021,
        }
        for group in ("asian", "black", "mixed", "other", "white", "total")
    ]
    Lake(data_dir).write_reference("population", pa.Table.from_pylist(rows, POPULATION_SCHEMA))


def test_volumes_grid_zero_in_supplied_months_null_in_missing(small: Path) -> None:
    con = openpeel.connect(small)
    result = crime_volumes(con, FORCE, Period.from_months("2022-01", "2022-04"))
    t = result.table
    assert list(t.columns) == ["force_id", "month", "crime_type", "crimes"]
    types = ["burglary", "drugs", "anti_social_behaviour", "unknown"]
    assert list(t["crime_type"].iloc[:4]) == types
    assert len(t) == 4 * 4
    got = {
        (m.isoformat()[:7], ct): (None if pd.isna(c) else int(c))
        for m, ct, c in zip(t["month"], t["crime_type"], t["crimes"], strict=True)
    }
    assert got[("2022-01", "burglary")] == 3
    assert got[("2022-01", "drugs")] == 2
    assert got[("2022-01", "anti_social_behaviour")] == 1
    assert got[("2022-02", "drugs")] == 0  # file supplied, no such rows: a true zero
    assert got[("2022-02", "anti_social_behaviour")] == 2
    assert got[("2022-02", "unknown")] == 1
    assert all(got[("2022-03", ct)] is None for ct in types)  # no file: missing
    assert got[("2022-04", "drugs")] == 2
    assert result.meta["months_missing"] == ["2022-03"]
    assert any("2022-03" in c and "missing, not zero" in c for c in result.caveats)
    assert any("crime type no vocabulary knows" in c for c in result.caveats)
    assert not result.is_synthetic


def test_rates_per_1000_residents(small: Path) -> None:
    con = openpeel.connect(small)
    period = Period.from_months("2022-01", "2022-04")
    with pytest.raises(PopulationMissingError):
        crime_rates(con, FORCE, period)
    add_population(small)
    con = openpeel.connect(small)
    result = crime_rates(con, FORCE, period)
    t = result.table.set_index("crime_type")
    # all_crime excludes anti-social behaviour: 3 + 2 + 1 + 1 + 2 = 9 over 3 supplied months.
    assert t.loc["all_crime", "crimes"] == 9
    assert t.loc["anti_social_behaviour", "crimes"] == 3
    assert (t["months_supplied"] == 3).all()
    exposure = POPULATION * 3 / 12 / 1000
    assert t.loc["all_crime", "rate_per_1000_per_year"] == pytest.approx(9 / exposure)
    low = stats.chi2.ppf(0.025, 18) / 2 / exposure
    high = stats.chi2.ppf(0.975, 20) / 2 / exposure
    assert t.loc["all_crime", "rate_per_1000_per_year_low"] == pytest.approx(low)
    assert t.loc["all_crime", "rate_per_1000_per_year_high"] == pytest.approx(high)
    monthly = crime_rates(con, FORCE, period, by="month").table
    jan = monthly[
        (monthly["crime_type"] == "all_crime") & (monthly["month"].astype(str) == "2022-01-01")
    ]
    assert jan["crimes"].item() == 5
    assert jan["rate_per_1000_per_year"].item() == pytest.approx(5 / (POPULATION / 12 / 1000))
    assert "2022-03-01" not in set(monthly["month"].astype(str))


def test_rates_without_resident_population_are_empty(tmp_path: Path, data_dir: Path) -> None:
    write_police_csv(
        tmp_path,
        "2022-01-btp-street.csv",
        [
            ",2022-01,British Transport Police,British Transport Police,-0.1,51.5,"
            "On or near Fishersgate (Station),E01000001,Westminster 001A,Other theft,,"
        ],
    )
    openpeel.ingest([tmp_path], data_dir)
    add_population(data_dir)
    result = crime_rates(
        openpeel.connect(data_dir), "btp", Period.from_months("2022-01", "2022-01")
    )
    assert result.table["rate_per_1000_per_year"].isna().all()
    assert any("no resident population" in c for c in result.caveats)


def test_trend_control_limits_partial_month_and_slope(tmp_path: Path, data_dir: Path) -> None:
    counts = [40, 44, 38, 41, 47, 39, 45, 42, 50, 43, 46, 48, 5, 52]
    months = [f"{2021 + (i // 12)}-{i % 12 + 1:02d}" for i in range(len(counts))]
    n = iter(range(1, 10_000))
    for month, count in zip(months, counts, strict=True):
        rows = [crime_row("Burglary", month, next(n)) for _ in range(count)]
        rows.append(asb_row(month))
        write_police_csv(tmp_path, f"{month}-{FORCE}-street.csv", rows)
    openpeel.ingest([tmp_path], data_dir)
    con = openpeel.connect(data_dir)
    period = Period.from_months("2021-01", "2022-03")  # 2022-03 has no file
    result = crime_trend(con, FORCE, period)
    t = result.table
    crime = t[t["series"] == "all_crime"].reset_index(drop=True)
    assert list(crime["crimes"].iloc[:14]) == counts
    assert pd.isna(crime["crimes"].iloc[14]) and not crime["is_supplied"].iloc[14]
    partial = crime["is_suspected_partial"].fillna(False).to_numpy()
    assert partial.tolist() == [False] * 12 + [True, False, False]
    kept = [c for c, p in zip(counts, partial[:14], strict=True) if not p]
    centre = float(np.mean(kept))
    assert crime["centre"].iloc[0] == pytest.approx(centre, abs=0.005)
    assert crime["lower_limit"].iloc[0] == stats.poisson.ppf(0.00135, centre)
    assert crime["upper_limit"].iloc[0] == stats.poisson.isf(0.00135, centre)
    assert bool(crime["is_outside_limits"].iloc[12])  # the partial month is far below
    asb = t[t["series"] == "anti_social_behaviour"]
    assert asb["crimes"].iloc[:14].tolist() == [1] * 14
    # Trend: quasi-Poisson slope on the kept months, checked against statsmodels directly.
    x = np.array([i for i, p in enumerate(partial[:14]) if not p], dtype=float)
    fit = sm.GLM(np.array(kept, float), sm.add_constant(x), family=sm.families.Poisson()).fit(
        scale="X2"
    )
    trend = result.meta["trend"]["all_crime"]
    assert trend["percent_change_per_year"] == pytest.approx(100 * (np.exp(12 * fit.params[1]) - 1))
    se = fit.bse[1] if fit.scale > 1 else fit.bse[1] / np.sqrt(fit.scale)
    high = 100 * (np.exp(12 * (fit.params[1] + 1.959963984540054 * se)) - 1)
    assert trend["percent_change_per_year_high"] == pytest.approx(high)
    assert trend["dispersion"] == pytest.approx(fit.scale)
    # A perfectly flat series (anti-social behaviour, 1 a month) has no dispersion to scale by.
    assert result.meta["trend"]["anti_social_behaviour"]["percent_change_per_year"] == (
        pytest.approx(0, abs=1e-6)
    )
    assert trend["months_used"] == 13
    assert trend["percent_change_per_year_low"] < trend["percent_change_per_year"]
    one = crime_trend(con, FORCE, period, crime_type="burglary").table
    assert set(one["series"]) == {"burglary"}


def test_trend_estimate_needs_months() -> None:
    from datetime import date

    assert trend_estimate([date(2022, m, 1) for m in range(1, 4)], [1, 2, 3]) is None


def test_bad_input_raises_value_error(small: Path) -> None:
    con = openpeel.connect(small)
    period = Period.from_months("2022-01", "2022-02")
    with pytest.raises(ValueError, match="unknown force"):
        crime_volumes(con, "atlantis", period)
    with pytest.raises(ValueError, match=r"no street files loaded for kent .*loaded: none"):
        crime_volumes(con, "kent", period)
    with pytest.raises(ValueError, match=r"loaded: 2022-01\.\.2022-02, 2022-04"):
        crime_volumes(con, FORCE, Period.from_months("2019-01", "2019-12"))
    with pytest.raises(ValueError, match="unknown crime type"):
        crime_trend(con, FORCE, period, crime_type="piracy")
    with pytest.raises(ValueError, match="by must be"):
        crime_rates(con, FORCE, period, by="week")


def test_nothing_loaded(data_dir: Path) -> None:
    with pytest.raises(ValueError, match="nothing is loaded"):
        crime_volumes(openpeel.connect(data_dir), FORCE, Period.from_months("2022-01", "2022-01"))


# --------------------------------------------------------------------------- CLI


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_volumes_csv_is_exactly_the_four_columns(small: Path) -> None:
    code, out, _ = run(
        "--data-dir", str(small), "crime", "volumes", "--force", FORCE,
        "--from", "2022-01", "--to", "2022-04", "--format", "csv",
    )  # fmt: skip
    assert code == 0
    lines = strip_notes(out).strip().splitlines()
    assert lines[0] == "force_id,month,crime_type,crimes"
    assert "cumbria,2022-01,burglary,3" in lines
    assert "cumbria,2022-02,drugs,0" in lines
    assert "cumbria,2022-03,drugs," in lines
    assert len(lines) == 1 + 16


def test_cli_every_format_and_command(small: Path) -> None:
    base = ["--data-dir", str(small)]
    period = ["--force", FORCE, "--from", "2022-01", "--to", "2022-04"]
    add_population(small)
    for command, fmt in (
        (["crime", "volumes"], "table"),
        (["crime", "trend"], "table"),
        (["crime", "trend", "--crime-type", "drugs"], "csv"),
        (["crime", "rates", "--by", "month"], "json"),
    ):
        code, out, err = run(*base, *command, *period, "--format", fmt)
        assert code == 0, (command, fmt, err)
        if fmt == "json":
            data = json.loads(out)
            assert data["rows"] and data["definition"] and "caveats" in data
        elif fmt == "table":
            assert "Definition" in err and FORCE in out
    code, _, err = run(*base, "crime", "trend", *period, "--fy", "2021/22")
    assert code == 1 and "either --fy or --from/--to" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crime", "volumes", "--from", "2022-01", "--to", "2022-02"], "give a force"),
        (["crime", "volumes", "--force", "atlantis", "--fy", "2021/22"], "unknown force"),
        (["crime", "volumes", "--force", FORCE, "--from", "2022-13", "--to", "2022-02"], "not a"),
        (["crime", "volumes", "--force", FORCE, "--from", "2022-01"], "give a period"),
        (["crime", "rates", "--force", "kent", "--fy", "2021/22"], "no street files"),
        (["crime", "trend", "--force", FORCE, "--from", "2022-02", "--to", "2022-01"], "ends"),
    ],
)
def test_cli_bad_input_exits_1_with_one_line(small: Path, args: list[str], message: str) -> None:
    code, _, err = run("--data-dir", str(small), *args)
    assert code == 1
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_without_a_period_the_cli_uses_the_default_period_and_says_so(
    small: Path, tmp_path: Path
) -> None:
    """The web's rule: the twelve months to the latest month loaded (here 2021-05 to 2022-04;
    the months before January 2022 are missing)."""
    code, out, err = run(
        "--data-dir", str(small), "crime", "volumes", "--force", FORCE, "--format", "csv"
    )  # fmt: skip
    assert code == 0, err
    assert err.strip() == (
        "No period given: 2021-05 to 2022-04, the 12 months to the latest month loaded for "
        f"{FORCE} (choose with --fy or --from/--to)."
    )
    months = {line.split(",")[1] for line in strip_notes(out).strip().splitlines()[1:]}
    assert min(months) == "2021-05" and max(months) == "2022-04"
    code, _, err = run("--data-dir", str(tmp_path / "empty"), "crime", "volumes", "--force", FORCE)
    assert code == 1 and "no police.uk data is loaded for" in err
    assert len(err.strip().splitlines()) == 1


def test_every_output_column_is_documented(small: Path) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "crime.md").read_text(encoding="utf-8")
    add_population(small)
    con = openpeel.connect(small)
    period = Period.from_months("2022-01", "2022-04")
    results = [
        crime_volumes(con, FORCE, period),
        crime_rates(con, FORCE, period),
        crime_rates(con, FORCE, period, by="month"),
        crime_trend(con, FORCE, period),
    ]
    for result in results:
        for column in ["synthetic_data", *result.table.columns]:
            assert f"`{column}`" in docs, (result.name, column)
    for key in ("percent_change_per_year", "dispersion", "months_used"):
        assert f"`{key}`" in docs
