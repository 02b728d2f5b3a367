"""Outcome linkage, outcome rates, time to outcome, peers and data quality.

A hand-made force (every number below worked out by hand) and a synthetic archive checked
against an independent reading of its CSV files.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import openpeel
from openpeel.calendar import Period
from openpeel.cli import main
from openpeel.exports import strip_notes
from openpeel.indicators.investigations import (
    CLASS_OF_GROUP,
    CLASSES,
    CLOSING_CLASSES,
    latest_outcomes,
    outcome_history,
    outcome_peers,
    outcome_quality,
    outcome_summary,
    outcomes_by_type,
    time_to_outcome,
)
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.vocabularies import vocabulary
from openpeel.stats.funnel import proportion_funnel
from openpeel.stats.intervals import wilson_interval
from openpeel.stats.survival import kaplan_meier, survival_at
from openpeel.synth import write_archive
from tests.conftest import write_police_csv

FORCE = "cumbria"
NAME = "Cumbria Constabulary"
ID = {k: f"{ord(k):064x}" for k in "ABCDEFGHIYZ"}  # 64-hex Crime IDs
QUARTER = Period.from_months("2022-01", "2022-04")


def street(key: str, month: str, crime_type: str, outcome: str, where: str = "") -> str:
    crime_id = ID[key] if key else ""
    if where == "No Location":
        return f"{crime_id},{month},{NAME},{NAME},,,No Location,,,{crime_type},{outcome},"
    return (
        f"{crime_id},{month},{NAME},{NAME},-3.38,54.86,On or near Station Road,E01019126,"
        f"Allerdale 001A,{crime_type},{outcome},"
    )


def outcome(key: str, month: str, outcome_type: str) -> str:
    return (
        f"{ID[key]},{month},{NAME},{NAME},-3.38,54.86,On or near Station Road,E01019126,"
        f"Allerdale 001A,{outcome_type}"
    )


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Street files 2022-01..03 (one download) and outcomes 2022-01..04 (a later one)."""
    streets = tmp_path_factory.mktemp("streets")
    outcomes = tmp_path_factory.mktemp("outcomes")
    data_dir = tmp_path_factory.mktemp("data")
    rows = {
        "2022-01": [
            street("A", "2022-01", "Burglary", "Awaiting court outcome"),
            street("B", "2022-01", "Burglary", "Investigation complete; no suspect identified"),
            street("D", "2022-01", "Drugs", "Local resolution"),
            street("I", "2022-01", "Robbery", "Unable to prosecute suspect"),
            street("", "2022-01", "Anti-social behaviour", ""),
        ],
        "2022-02": [
            street("C", "2022-02", "Violence and sexual offences", "Under investigation"),
            street("E", "2022-02", "Violence and sexual offences", "Status update unavailable",
                   "No Location"),
            street("F", "2022-02", "Drugs", "Unable to prosecute suspect"),
        ],
        "2022-03": [
            street("G", "2022-03", "Burglary", "Under investigation"),
            street("H", "2022-03", "Shoplifting", "Moonbeam outcome"),
        ],
    }  # fmt: skip
    for month, lines in rows.items():
        write_police_csv(streets, f"{month}-{FORCE}-street.csv", lines)
    outcome_rows = {
        "2022-01": [
            outcome("B", "2022-01", "Investigation complete; no suspect identified"),
            outcome("D", "2022-01", "Local resolution"),
            outcome("Z", "2022-01", "Unable to prosecute suspect"),
        ],
        "2022-02": [
            outcome("A", "2022-02", "Suspect charged"),
            outcome("A", "2022-02", "Suspect charged"),
            outcome("F", "2022-02", "Unable to prosecute suspect"),
        ],
        "2022-03": [],
        "2022-04": [
            outcome("A", "2022-04", "Offender fined"),
            outcome("C", "2022-04", "Investigation complete; no suspect identified"),
            outcome("G", "2022-04", "Offender given a caution"),
            outcome("Y", "2022-04", "Local resolution"),
            outcome("H", "2022-04", "Sent to the moon"),
        ],
    }
    for month, lines in outcome_rows.items():
        write_police_csv(outcomes, f"{month}-{FORCE}-outcomes.csv", lines)
    report = openpeel.ingest([streets, outcomes], data_dir)
    unknown = {(u.field, u.raw_value, u.rows) for u in report.unknown}
    assert any(raw == "Moonbeam outcome" and n == 1 for _, raw, n in unknown)
    assert any(raw == "Sent to the moon" and n == 1 for _, raw, n in unknown)
    return data_dir


@pytest.fixture(scope="module")
def results(hand: Path) -> dict[str, IndicatorResult]:
    """Each result on the hand-made force, computed once for the tests below."""
    con = openpeel.connect(hand)
    return {
        "latest": latest_outcomes(con, FORCE, QUARTER),
        "history": outcome_history(con, FORCE, QUARTER),
        "summary": outcome_summary(con, FORCE, QUARTER, complete_after=2),
        "by_type": outcomes_by_type(con, FORCE, QUARTER, complete_after=2),
        "time": time_to_outcome(con, FORCE, QUARTER),
        "quality": outcome_quality(con, FORCE, QUARTER),
        "peers": outcome_peers(con, QUARTER, force_id=FORCE),
    }


def test_every_group_has_a_class_and_rank() -> None:
    groups = {t.group for t in vocabulary("crime_outcome").values()}
    assert groups <= set(CLASS_OF_GROUP)
    assert set(CLASS_OF_GROUP.values()) <= set(CLASSES)


def test_latest_outcome_per_crime(results: dict[str, IndicatorResult]) -> None:
    t = results["latest"].table
    by_id = {row.crime_id: row for row in t.itertuples()}
    inv = {v: k for k, v in ID.items()}
    got = {
        inv[i]: (r.latest_outcome_code, r.outcome_class, r.latest_source) for i, r in by_id.items()
    }
    assert got == {
        # Newer than the street file's download (2022-03): the outcomes file wins.
        "A": ("fined", "charged_summonsed", "outcomes_file"),
        "C": ("no_suspect_identified", "no_suspect_identified", "outcomes_file"),
        "G": ("caution", "out_of_court", "outcomes_file"),
        "H": ("unknown", "unknown", "outcomes_file"),
        # Not newer: the street file's last outcome stands.
        "B": ("no_suspect_identified", "no_suspect_identified", "street_file"),
        "D": ("local_resolution", "out_of_court", "street_file"),
        "F": ("unable_to_prosecute", "evidential_difficulties", "street_file"),
        "I": ("unable_to_prosecute", "evidential_difficulties", "street_file"),
        "E": ("status_update_unavailable", "no_status", "street_file"),
    }
    a = by_id[ID["A"]]
    assert a.outcome_rows == 3 and a.first_outcome_month == date(2022, 2, 1)
    # As of 2022-04: the street download (2022-03) plus the run of outcomes files to 2022-04.
    assert set(t["as_of_month"]) == {date(2022, 4, 1)}
    observed = dict(zip(t["crime_month"], t["months_observed"], strict=False))
    assert observed == {date(2022, 1, 1): 3, date(2022, 2, 1): 2, date(2022, 3, 1): 1}


def test_history_links_by_crime_id(hand: Path, results: dict[str, IndicatorResult]) -> None:
    h = results["history"].table
    assert len(h) == 9  # 11 outcome rows, 2 orphans
    a = h[h["crime_id"] == ID["A"]]
    assert a["outcome_code"].tolist() == ["suspect_charged", "suspect_charged", "fined"]
    assert a["months_to_outcome"].tolist() == [1, 1, 3]
    one = outcome_history(openpeel.connect(hand), FORCE, QUARTER, crime_id=ID["C"]).table
    assert one["outcome_month"].tolist() == [date(2022, 4, 1)]


def test_summary_by_month_of_crime(hand: Path, results: dict[str, IndicatorResult]) -> None:
    result = results["summary"]
    t = result.table
    jan = t[t["crime_month"] == date(2022, 1, 1)].set_index("measure")
    assert (jan["crimes"] == 4).all()
    assert jan.loc["charged_summonsed", "crimes_in_measure"] == 1
    assert jan.loc["out_of_court", "crimes_in_measure"] == 1
    assert jan.loc["no_suspect_identified", "crimes_in_measure"] == 1
    assert jan.loc["evidential_difficulties", "crimes_in_measure"] == 1
    assert jan.loc["awaiting_court", "crimes_in_measure"] == 0  # A has a court result now
    low, high = wilson_interval(1, 4)
    assert jan.loc["charged_summonsed", ["share", "share_low", "share_high"]].tolist() == (
        pytest.approx([0.25, low, high])
    )
    # The classes partition each month's crimes.
    classes = t[t["measure"].isin(CLASSES)]
    sums = classes.groupby("crime_month")["crimes_in_measure"].sum()
    assert sums.to_dict() == {date(2022, 1, 1): 4, date(2022, 2, 1): 3, date(2022, 3, 1): 2}
    flags = t.groupby("crime_month")["is_incomplete"].first().to_dict()
    assert flags == {date(2022, 1, 1): False, date(2022, 2, 1): False, date(2022, 3, 1): True}
    assert any("2022-03" in c and "incomplete" in c for c in result.caveats)
    mar = t[t["crime_month"] == date(2022, 3, 1)].set_index("measure")
    assert mar.loc["unknown", "crimes_in_measure"] == 1
    only = outcome_summary(openpeel.connect(hand), FORCE, QUARTER, measure="charged_summonsed")
    assert set(only.table["measure"]) == {"charged_summonsed"}


def test_by_type_has_an_all_crime_total(results: dict[str, IndicatorResult]) -> None:
    t = results["by_type"].table
    total = t[t["crime_type"] == "all_crime"].set_index("measure")
    assert total.loc["charged_summonsed", "crimes"] == 9
    assert total.loc["out_of_court", "crimes_in_measure"] == 2
    assert total.loc["evidential_difficulties", "crimes_in_measure"] == 2
    assert total.loc["no_status", "crimes_in_measure"] == 1
    assert total.loc["charged_summonsed", "crimes_incomplete"] == 2  # G and H of 2022-03
    burglary = t[t["crime_type"] == "burglary"].set_index("measure")
    assert burglary.loc["charged_summonsed", ["crimes", "crimes_in_measure"]].tolist() == [3, 1]
    assert t["crime_type"].iloc[0] == "all_crime"


def test_time_to_outcome_hand_computed(hand: Path, results: dict[str, IndicatorResult]) -> None:
    result = results["time"]
    t = result.table
    anyo = t[t["event"] == "any_outcome"].set_index("months_since_crime")
    # 9 crimes. First closing outcome: B, D, F at 0; A, G at 1; C at 2. Censored: H at 1
    # (its only outcome is an unknown category), E at 2, I at 3 (closed in the street file
    # but no outcome row). KM: 1-6/9 = 1/3; then x 4/6; then x 2/3; then unchanged.
    assert anyo["at_risk"].tolist() == [9, 6, 3, 1]
    assert anyo["events"].tolist() == [3, 2, 1, 0]
    assert anyo["censored"].tolist() == [0, 1, 1, 1]
    s = [6 / 9, 6 / 9 * 4 / 6, 6 / 9 * 4 / 6 * 2 / 3, 6 / 9 * 4 / 6 * 2 / 3]
    assert anyo["share_with_outcome"].tolist() == pytest.approx([1 - x for x in s])
    charged = t[t["event"] == "charged_summonsed"].set_index("months_since_crime")
    assert charged["events"].tolist() == [0, 1, 0, 0]
    assert charged["share_with_outcome"].tolist() == pytest.approx([0, 1 / 9, 1 / 9, 1 / 9])
    assert (t["share_with_outcome_low"] <= t["share_with_outcome"] + 1e-12).all()
    assert result.meta["events"]["any_outcome"]["median_months"] == 1.0
    assert set(t["event"]) == {"any_outcome", *CLOSING_CLASSES}
    burglary = time_to_outcome(openpeel.connect(hand), FORCE, QUARTER, crime_type="burglary")
    assert burglary.meta["crimes"] == 3


def test_data_quality(results: dict[str, IndicatorResult]) -> None:
    result = results["quality"]
    q = result.table.set_index("measure")
    expected = {
        "street_months_missing": (1, 4),
        "outcomes_months_missing": (0, 4),
        "crimes_without_location": (1, 9),
        "crimes_without_crime_id": (0, 9),
        "crimes_with_unknown_outcome": (1, 9),
        "outcome_rows": (11, None),
        "outcome_crime_ids": (9, 11),
        "outcome_crime_ids_with_several_rows": (1, 9),
        "linked_outcome_crime_ids": (7, 9),
        "linked_same_month_crime_ids": (3, 9),
        "orphan_outcome_crime_ids": (2, 9),
        "orphan_outcome_rows": (2, 11),
        "outcome_rows_unknown_category": (1, 11),
        "closed_crimes_without_outcome_row": (1, 5),
    }
    for measure, (count, denominator) in expected.items():
        row = q.loc[measure]
        assert row["count"] == count, measure
        assert (pd.isna(row["denominator"]) if denominator is None else
                row["denominator"] == denominator), measure  # fmt: skip
    assert q.loc["street_months_missing", "detail"] == "2022-04"
    assert "2 rows beyond the first" in q.loc["outcome_crime_ids_with_several_rows", "detail"]


# --------------------------------------------------------------------------- synthetic


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("synth")
    data_dir = tmp_path_factory.mktemp("synth-data")
    write_archive(
        root,
        forces=["cumbria", "dorset"],
        start="2022-01",
        end="2022-12",
        seed=11,
        scale=0.03,
        kinds=["street", "outcomes"],
        outcome_lead_in=6,
    )
    openpeel.ingest([root], data_dir)
    return root, data_dir


def _rows(root: Path, pattern: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for path in sorted(root.glob(f"*/{pattern}")):
        with path.open(newline="", encoding="utf-8") as fh:
            out.extend(csv.DictReader(fh))
    return out


def _class_of_raw() -> dict[str, str]:
    return {t.raw: CLASS_OF_GROUP[t.group] for t in vocabulary("crime_outcome").values()}


def _month_number(text: str) -> int:
    return int(text[:4]) * 12 + int(text[5:7])


def test_synthetic_time_to_outcome_matches_an_independent_count(
    synthetic: tuple[Path, Path],
) -> None:
    root, data_dir = synthetic
    classes = _class_of_raw()
    crimes = [
        r for r in _rows(root, "*-cumbria-street.csv")
        if r["Crime type"] != "Anti-social behaviour"
    ]  # fmt: skip
    first: dict[tuple[str, str], int] = {}
    for r in _rows(root, "*-cumbria-outcomes.csv"):
        cls = classes[r["Outcome type"]]
        if cls not in CLOSING_CLASSES:
            continue
        for event in (cls, "any_outcome"):
            key = (r["Crime ID"], event)
            first[key] = min(first.get(key, 10**9), _month_number(r["Month"]))
    end = _month_number("2022-12")
    result = time_to_outcome(
        openpeel.connect(data_dir), "cumbria", Period.from_months("2022-01", "2022-12")
    )
    assert result.is_synthetic
    for event in ("any_outcome", "charged_summonsed", "no_suspect_identified"):
        durations, observed = [], []
        for r in crimes:
            start = _month_number(r["Month"])
            if (r["Crime ID"], event) in first:
                durations.append(first[(r["Crime ID"], event)] - start)
                observed.append(True)
            else:
                durations.append(end - start)
                observed.append(False)
        km = kaplan_meier(durations, observed)
        ours = result.table[result.table["event"] == event]
        expected = 1 - survival_at(km, ours["months_since_crime"])["survival"]
        np.testing.assert_allclose(ours["share_with_outcome"], expected, atol=1e-12)
        assert int(ours["at_risk"].iloc[0]) == len(crimes)


def test_synthetic_latest_outcome_agrees_with_the_street_file(
    synthetic: tuple[Path, Path],
) -> None:
    _, data_dir = synthetic
    t = latest_outcomes(
        openpeel.connect(data_dir), "dorset", Period.from_months("2022-01", "2022-12")
    )
    # One download: street files and outcomes files agree, so the street file stands...
    assert set(t.table["latest_source"]) == {"street_file"}
    linked = t.table[t.table["outcome_rows"] > 0]
    assert len(linked) > 100
    # ... and the class of the latest linked outcome is the street file's class.
    raw_class = {t.code: CLASS_OF_GROUP[t.group] for t in vocabulary("crime_outcome").values()}
    linked_class = linked["linked_outcome_code"].map(raw_class)
    assert (linked_class == linked["outcome_class"]).all()


def test_synthetic_orphans_and_summary(synthetic: tuple[Path, Path]) -> None:
    root, data_dir = synthetic
    con = openpeel.connect(data_dir)
    year = Period.from_months("2022-01", "2022-12")
    street_ids = {r["Crime ID"] for r in _rows(root, "*-cumbria-street.csv") if r["Crime ID"]}
    outcome_ids = {r["Crime ID"] for r in _rows(root, "*-cumbria-outcomes.csv")}
    q = outcome_quality(con, "cumbria", year).table.set_index("measure")
    assert q.loc["orphan_outcome_crime_ids", "count"] == len(outcome_ids - street_ids) > 0
    assert q.loc["outcome_crime_ids", "count"] == len(outcome_ids)
    assert q.loc["closed_crimes_without_outcome_row", "count"] == 0
    summary = outcome_summary(con, "cumbria", year, complete_after=3)
    assert summary.is_synthetic
    t = summary.table
    shares = t[t["measure"].isin(CLASSES)].groupby("crime_month")["share"].sum()
    np.testing.assert_allclose(shares, 1.0)
    incomplete = sorted(set(t.loc[t["is_incomplete"], "crime_month"]))
    assert incomplete == [date(2022, 10, 1), date(2022, 11, 1), date(2022, 12, 1)]
    # Recent months have more crimes still under investigation.
    open_share = t[t["measure"] == "under_investigation"].set_index("crime_month")["share"]
    assert open_share[date(2022, 12, 1)] > open_share[date(2022, 1, 1)]


def test_synthetic_peers_funnel(synthetic: tuple[Path, Path]) -> None:
    _, data_dir = synthetic
    result = outcome_peers(
        openpeel.connect(data_dir),
        Period.from_months("2022-01", "2022-06"),
        force_id="dorset",
        measure="charged_summonsed",
    )
    t = result.table.set_index("force_id")
    assert set(t.index) == {"cumbria", "dorset"}
    assert t.loc["dorset", "is_selected"] and not t.loc["cumbria", "is_selected"]
    p0 = t["crimes_in_measure"].sum() / t["crimes"].sum()
    assert t["target"].tolist() == pytest.approx([p0, p0])
    funnel = proportion_funnel(p0, t["crimes"].to_numpy())
    np.testing.assert_allclose(t["upper_99_8"], funnel["upper_99_8"])
    assert set(t["funnel_position"]) <= {"within_95", "above_95", "below_95", "above_99_8",
                                         "below_99_8"}  # fmt: skip
    assert (t["months_supplied"] == 6).all()
    assert result.is_synthetic


def test_peers_keep_silent_forces_out_of_the_target(tmp_path: Path, data_dir: Path) -> None:
    write_police_csv(tmp_path, "2022-01-cumbria-street.csv", [
        street("A", "2022-01", "Burglary", "Offender given a caution"),
        street("B", "2022-01", "Burglary", "Investigation complete; no suspect identified"),
    ])  # fmt: skip
    write_police_csv(tmp_path, "2022-01-btp-street.csv", [
        ",2022-01,British Transport Police,British Transport Police,-0.1,51.5,On or near X,"
        "E01000001,Westminster 001A,Other theft,,"
    ] * 5)  # fmt: skip
    openpeel.ingest([tmp_path], data_dir)
    t = outcome_peers(openpeel.connect(data_dir), Period.from_months("2022-01", "2022-01")).table
    ooc = t[t["measure"] == "out_of_court"].set_index("force_id")
    assert ooc.loc["btp", "funnel_position"] == "no_outcomes_published"
    assert ooc.loc["cumbria", "target"] == pytest.approx(0.5)


def test_errors_are_value_errors(hand: Path, tmp_path: Path, data_dir: Path) -> None:
    con = openpeel.connect(hand)
    with pytest.raises(ValueError, match=r"no street files loaded for cumbria in 2019-01"):
        time_to_outcome(con, FORCE, Period.from_months("2019-01", "2019-02"))
    write_police_csv(tmp_path, f"2022-01-{FORCE}-street.csv", [street("A", "2022-01", "Drugs", "")])
    openpeel.ingest([tmp_path], data_dir)
    with pytest.raises(ValueError, match="no outcomes files loaded for cumbria"):
        time_to_outcome(openpeel.connect(data_dir), FORCE, QUARTER)
    with pytest.raises(ValueError, match="unknown measure"):
        outcome_summary(con, FORCE, QUARTER, measure="hanged")
    with pytest.raises(ValueError, match="unknown force"):
        outcome_peers(con, QUARTER, force_id="gotham")
    with pytest.raises(ValueError, match="no street or outcomes files"):
        outcome_quality(con, "kent", QUARTER)


# --------------------------------------------------------------------------- CLI


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("command", "fmt"),
    [
        ("summary", "table"),
        ("summary", "json"),
        ("by-type", "csv"),
        ("time-to-outcome", "json"),
        ("peers", "csv"),
        ("history", "json"),
        ("quality", "table"),
    ],
)
def test_cli_outcomes_commands(hand: Path, command: str, fmt: str) -> None:
    base = ["--data-dir", str(hand), "outcomes", command, "--force", FORCE]
    code, out, err = run(*base, "--from", "2022-01", "--to", "2022-04", "--format", fmt)
    assert code == 0, err
    if fmt == "json":
        data = json.loads(out)
        assert data["rows"] and data["definition"] and data["synthetic_data"] is False
    elif fmt == "csv":
        header = strip_notes(out).splitlines()[0].split(",")
        assert header[0] == "force_id" and "measure" in header
    else:
        assert FORCE in out and "Definition" in err


def test_cli_outcomes_bad_input(hand: Path) -> None:
    d = ["--data-dir", str(hand), "outcomes"]
    cases = [
        (["summary", "--from", "2022-01", "--to", "2022-04"], "give a force"),
        (["time-to-outcome", "--force", FORCE, "--fy", "2019/20"], "no street files"),
        (["peers", "--force", "gotham", "--fy", "2021/22"], "unknown force"),
        (["by-type", "--force", FORCE, "--from", "2022-04", "--to", "2022-01"], "ends"),
    ]
    for args, message in cases:
        code, _, err = run(*d, *args)
        assert code == 1, args
        assert message in err and "Traceback" not in err


def test_cli_marks_synthetic_data(synthetic: tuple[Path, Path]) -> None:
    _, data_dir = synthetic
    code, out, _ = run(
        "--data-dir", str(data_dir), "outcomes", "summary", "--force", "dorset",
        "--from", "2022-01", "--to", "2022-02", "--format", "csv",
    )  # fmt: skip
    assert code == 0
    header = strip_notes(out).splitlines()[0].split(",")
    assert header[0] == "synthetic_data"
    assert all(line.startswith("True,") for line in strip_notes(out).strip().splitlines()[1:])


def test_same_month_outcome_is_time_zero(tmp_path: Path, data_dir: Path) -> None:
    write_police_csv(
        tmp_path,
        f"2022-02-{FORCE}-street.csv",
        [street("A", "2022-02", "Burglary", "Local resolution")],
    )
    write_police_csv(
        tmp_path, f"2022-02-{FORCE}-outcomes.csv", [outcome("A", "2022-02", "Local resolution")]
    )
    openpeel.ingest([tmp_path], data_dir)
    result = time_to_outcome(
        openpeel.connect(data_dir), FORCE, Period.from_months("2022-02", "2022-02")
    )
    anyo = result.table[result.table["event"] == "any_outcome"]
    assert anyo["events"].tolist() == [1]
    assert anyo["share_with_outcome"].tolist() == [1.0]


def test_every_output_column_measure_and_category_is_documented(
    results: dict[str, IndicatorResult],
) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "crime.md").read_text(encoding="utf-8")
    for result in results.values():
        for column in result.table.columns:
            assert f"`{column}`" in docs, (result.name, column)
    measures = [*results["summary"].table["measure"], *results["quality"].table["measure"]]
    for measure in set(measures):
        assert f"`{measure}`" in docs, measure
    for term in vocabulary("crime_outcome").values():
        assert term.raw in docs, term.raw
        assert term.group in docs, term.group


def test_synthetic_lead_in_adds_orphans_and_nothing_else(tmp_path: Path) -> None:
    kwargs = {"force_id": "cumbria", "start": "2022-01", "end": "2022-03", "seed": 5}
    plain = write_archive(tmp_path / "plain", scale=0.02, **kwargs)
    lead = write_archive(tmp_path / "lead", scale=0.02, outcome_lead_in=4, **kwargs)
    for path in plain.files:
        relative = path.relative_to(tmp_path / "plain")
        other = (tmp_path / "lead" / relative).read_bytes()
        if path.name.endswith("-outcomes.csv"):
            old = path.read_bytes().splitlines()
            new = other.splitlines()
            assert old[0] == new[0] and set(old) < set(new)  # the same rows and more
        else:
            assert path.read_bytes() == other, relative
    assert lead.rows["outcomes"] > plain.rows["outcomes"]
    with pytest.raises(ValueError, match="outcome_lead_in"):
        write_archive(tmp_path / "bad", outcome_lead_in=-1, **kwargs)
