"""``openpeel stop-search``: columns, formats and one-line errors; the official-table readers."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from openpeel.cli import main
from openpeel.exports import strip_notes
from openpeel.sources.official_stop_search import (
    OfficialFileError,
    force_id_for_area_name,
    population_2011,
    read_ethnicity_facts_figures,
    read_home_office_by_force,
    read_official,
)
from tests.conftest import write_police_csv

WHITE = (
    "Person search,2020-01-01T10:00:00+00:00,,,52.4,-1.9,Male,18-24,White - Irish,White,"
    "Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,,"
)
BLACK = WHITE.replace(
    "White - Irish,White", "Black/African/Caribbean/Black British - African,Black"
)
POPULATION = "force_id,ethnic_group,population\n" + "\n".join(
    f"essex,{g},{n}"
    for g, n in (("asian", 1000), ("black", 500), ("mixed", 200), ("white", 5000), ("other", 300))
)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    src = tmp_path_factory.mktemp("src")
    write_police_csv(src, "2020-01-essex-stop-and-search.csv", [WHITE] * 6 + [BLACK] * 4)
    write_police_csv(src, "2020-02-essex-stop-and-search.csv", [WHITE.replace("01-01", "02-01")])
    data = tmp_path_factory.mktemp("data")
    assert CliRunner().invoke(main, ["--data-dir", str(data), "ingest", str(src)]).exit_code == 0
    pop = data / "population.csv"
    pop.write_text(POPULATION)
    return str(data), pop


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_rates_csv_has_exactly_the_documented_columns(loaded: tuple[str, Path]) -> None:
    data, pop = loaded
    code, out, err = _run(
        "--data-dir",
        data,
        "stop-search",
        "rates",
        "--force",
        "essex",
        "--from",
        "2020-01",
        "--to",
        "2020-02",
        "--population",
        str(pop),
        "--format",
        "csv",
    )
    assert code == 0, err
    lines = strip_notes(out).strip().splitlines()
    assert lines[0] == (
        "basis,group,searches,population,months,rate_per_1000,rate_low,rate_high,reason"
    )
    white = next(line for line in lines if line.startswith("self_defined,white,"))
    assert white.startswith("self_defined,white,7,5000.0,2,8.4")  # 1000 x 7 / (5000 x 2/12) = 8.4


def test_ratios_columns_and_json(loaded: tuple[str, Path]) -> None:
    data, pop = loaded
    code, out, _ = _run(
        "--data-dir",
        data,
        "stop-search",
        "ratios",
        "--force",
        "essex",
        "--from",
        "2020-01",
        "--to",
        "2020-02",
        "--population",
        str(pop),
        "--format",
        "csv",
        "--method",
        "score",
    )
    assert code == 0
    header = strip_notes(out).splitlines()[0].split(",")
    assert header[:5] == ["basis", "reference", "group", "ratio", "ratio_low"]
    assert {"ratio_bound_low", "ratio_bound_high", "q_star"} <= set(header)
    code, out, _ = _run(
        "--data-dir",
        data,
        "stop-search",
        "ratios",
        "--force",
        "essex",
        "--from",
        "2020-01",
        "--to",
        "2020-02",
        "--population",
        str(pop),
        "--format",
        "json",
    )
    doc = json.loads(out)
    assert doc["indicator"] == "stop_search.ratios" and doc["definition"]
    black = next(r for r in doc["rows"] if r["group"] == "black" and r["reference"] == "white")
    assert black["ratio"] == pytest.approx((4 / 500) / (7 / 5000))


@pytest.mark.parametrize(
    "command",
    [
        "quality",
        "rates",
        "ratios",
        "outcomes",
        "s60",
        "age-sex",
        "trend",
        "hit-rate",
        "darkness",
        "peers",
    ],
)
def test_every_command_prints_a_table(loaded: tuple[str, Path], command: str) -> None:
    data, pop = loaded
    extra = ["--population", str(pop)] if command in ("rates", "ratios", "s60", "peers") else []
    code, out, err = _run(
        "--data-dir",
        data,
        "stop-search",
        command,
        "--force",
        "essex",
        "--from",
        "2020-01",
        "--to",
        "2020-02",
        *extra,
    )
    assert code == 0, err
    assert out.strip() and "Traceback" not in err


def test_user_errors_are_one_line(loaded: tuple[str, Path], tmp_path: Path) -> None:
    data, pop = loaded
    base = ("--data-dir", data, "stop-search", "rates", "--force", "essex")
    cases = [
        ((*base, "--fy", "2019-20"), "not a financial year"),
        ((*base, "--fy", "2018/19", "--population", str(pop)), "no stop-and-search data"),
        ((*base, "--from", "2020-01", "--to", "2020-02"), "population load"),
        (
            (*base, "--from", "2020-01", "--to", "2020-02", "--population", "nope.csv"),
            "neither 'census2021' nor a readable CSV",
        ),
        (
            ("--data-dir", data, "stop-search", "rates", "--force", "atlantis", "--fy", "2019/20"),
            "unknown force 'atlantis'",
        ),
        ((*base, "--from", "2020-01"), "give a period"),
        (
            ("--data-dir", str(tmp_path / "empty"), "stop-search", "trend", "--fy", "2019/20"),
            "no data loaded",
        ),
    ]
    for args, message in cases:
        code, _, err = _run(*args)
        assert code == 1, (args, err)
        assert message in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1


def test_reconcile_against_an_official_table(loaded: tuple[str, Path], tmp_path: Path) -> None:
    data, pop = loaded
    official = tmp_path / "ho.csv"
    official.write_text(
        "financial_year,police_force_area,asian,black,mixed,other,white,not_stated,"
        "total_person_searches\n2019/20,Essex,0,4,0,0,8,0,12\n"
    )
    code, out, err = _run(
        "--data-dir",
        data,
        "stop-search",
        "reconcile",
        str(official),
        "--force",
        "essex",
        "--fy",
        "2019/20",
        "--population",
        str(pop),
        "--format",
        "csv",
    )
    assert code == 0, err
    rows = {r.split(",")[0]: r.split(",") for r in strip_notes(out).strip().splitlines()[1:]}
    # 7 White searches in January-February 2020 against 8 published: -12.5%.
    assert rows["white"][1:4] == ["7", "8.0", "-12.5"]
    assert rows["total"][1:3] == ["11", "12.0"]
    assert float(rows["total"][3]) == pytest.approx(-100 / 12)
    code, _, err = _run(
        "--data-dir",
        data,
        "stop-search",
        "reconcile",
        str(tmp_path / "x.csv"),
        "--force",
        "essex",
        "--fy",
        "2019/20",
    )
    assert code == 1 and "no such file" in err


EFF = (
    "Measure,Time,Time_type,Ethnicity,Ethnicity_type,Geography,Geography_type, Number of stop "
    "and searches , Total number of stop and search carried out in this year in this area "
    "(excluding cases where the ethnicity was unreported) ,Population by ethnicity,"
    '"Rate per 1,000 population by ethnicity",Proportion of total stop and searches of this '
    "ethnicity in the financial year (excludes unreported),Notes\n"
    'M,2016/17,Financial year,All,All,Avon & Somerset,Police Force Area,"15,018","9,050",'
    '"1,599,555",9.39,N/A,\n'
    'M,2016/17,Financial year,White,ONS 2001 5+1,Avon & Somerset,Police Force Area,"8,000",'
    '"9,050","1,500,000",5.33,88%,\n'
    "M,2016/17,Financial year,Chinese,ONS 2001 16+1,Avon & Somerset,Police Force Area, -   ,"
    '"9,050","3,000", -   ,0%,\n'
    'M,2016/17,Financial year,Unreported,ONS 2001 5+1,"London, City of",Police Force Area,'
    "231, N/A , N/A , N/A , N/A ,\n"
    'M,2016/17,Financial year,All,All,All - including BTP,Police Force Area,"300,000",'
    '"290,000","56,000,000",5.4,N/A,\n'
)


def test_ethnicity_facts_and_figures_quirks(tmp_path: Path) -> None:
    path = tmp_path / "eff.csv"
    path.write_text(EFF)
    df = read_ethnicity_facts_figures(path)
    assert len(df) == 4  # the 16+1 row is not read
    avon = df[df["force_id"] == "avon-and-somerset"].set_index("ethnic_group")
    assert avon.loc["total", "searches"] == 15018
    assert avon.loc["total", "population"] == 1_599_555
    assert avon.loc["white", "rate_per_1000"] == pytest.approx(5.33)
    city = df[df["force_id"] == "city-of-london"].iloc[0]
    assert city["ethnic_group"] == "not_stated" and city["searches"] == 231
    assert pd.isna(city["population"])
    assert df[df["area_name"] == "All - including BTP"]["force_id"].isna().all()
    assert read_official(path).equals(df)
    pop = population_2011(path)
    assert list(pop.columns[:3]) == ["force_id", "ethnic_group", "population"]
    assert set(pop["ethnic_group"]) == {"total", "white"}
    code, out, _ = _run("stop-search", "population-2011", str(path))
    assert code == 0
    assert out.splitlines()[0] == "force_id,ethnic_group,population"
    assert "avon-and-somerset,total,1599555" in out
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n")
    with pytest.raises(OfficialFileError, match="missing columns"):
        read_ethnicity_facts_figures(wrong)


def test_home_office_table_and_area_names(tmp_path: Path) -> None:
    path = tmp_path / "ho.csv"
    path.write_text(
        "financial_year,police_force_area,asian,black,mixed,other,white,not_stated,"
        'total_person_searches\n2020/21,"London, City of",294,289,78,47,829,1157,2694\n'
        "2020/21,Metropolitan Police,1,2,3,4,5,6,21\n"
    )
    df = read_home_office_by_force(path)
    city = df[df["force_id"] == "city-of-london"].set_index("ethnic_group")["searches"]
    assert city["total"] == 2694 and city["not_stated"] == 1157
    assert set(df["force_id"]) == {"city-of-london", "metropolitan"}
    assert force_id_for_area_name("Devon & Cornwall") == "devon-and-cornwall"
    assert force_id_for_area_name("British Transport Police") == "btp"
    assert force_id_for_area_name("Atlantis") is None


def test_without_a_period_the_default_period_is_used_and_said(loaded: tuple[str, Path]) -> None:
    data, pop = loaded
    code, out, err = _run(
        "--data-dir", data, "stop-search", "rates", "--force", "essex",
        "--population", str(pop), "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    assert err.strip() == (
        "No period given: 2019-03 to 2020-02, the 12 months to the latest month loaded for "
        "essex (choose with --fy or --from/--to)."
    )
    assert '"period": "2019-03 to 2020-02"' in out
