"""Taser (CED) use, injuries in use of force, and workforce representation against residents:
the statistics checked against independent oracles (statsmodels, closed forms)."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from click.testing import CliRunner
from statsmodels.stats.proportion import proportion_confint

from openpeel.cli import main
from openpeel.errors import DataUnavailableError
from openpeel.exports import strip_notes
from openpeel.indicators.official_figures import OfficialQuery
from openpeel.indicators.official_injuries import use_of_force_injuries
from openpeel.indicators.official_strength import officer_strength
from openpeel.indicators.official_taser import taser_by_ethnicity, taser_peers, taser_use
from openpeel.indicators.official_workforce import (
    representation_by_group,
    representation_outlook,
)
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.columns import output_columns
from openpeel.stats.rate_ratio import rate_ratio
from openpeel.store.official import load_official, official_figures
from tests.unit.official_fixtures import workforce_bulletin_workbook

UOF = "home-office-use-of-force"
WORKFORCE = "home-office-workforce-bulletin"
# Illustrative residents (not Census figures).
RESIDENTS = {"white": 1_800_000, "black": 240_000, "asian": 670_000, "mixed": 120_000}
RESIDENTS |= {"other": 100_000, "total": 2_930_000}


def cell(
    publication: str,
    period: str,
    table_id: str,
    measure: str,
    value: float | None,
    force_id: str | None = "west-midlands",
    sheet: str = "",
    **dimensions: str,
) -> dict[str, Any]:
    return {
        "publication": publication,
        "period": period,
        "table_id": table_id,
        "area_id": force_id or "england-and-wales",
        "force_id": force_id,
        "measure": measure,
        "dimensions": json.dumps(dimensions),
        "value": value,
        "value_status": "reported" if value is not None else "not_available",
        "source_file": "fixture.ods",
        "source_sheet": sheet or table_id,
        "source_row": 1,
    }


def population(force_ids: tuple[str, ...] = ("west-midlands",)) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"force_id": f, "ethnic_group": g, "population": n}
            for f in force_ids
            for g, n in RESIDENTS.items()
        ]
    )


def ced(force_id: str, year: str, use_type: str, uses: float) -> dict[str, Any]:
    return cell(
        UOF,
        "2019/20",
        "ced_by_force",
        "ced_uses",
        uses,
        force_id,
        "Table_13",
        **{"Financial year": year, "Region": "x", "ced_use_type": use_type},
    )


FORCES = ("west-midlands", "staffordshire", "kent", "essex", "cumbria")


def uof_figures() -> pa.Table:
    rows = [cell(UOF, "2019/20", "12", "incidents", 11187.0)]
    for i, f in enumerate(FORCES):
        rows += [
            ced(f, "2018/19", "Total", 100.0),  # an earlier year repeated by the edition
            ced(f, "2019/20", "Total", 2427.0 - 300 * i),
            ced(f, "2019/20", "Total discharge", 309.0 - 30 * i),
        ]
    for label, n in (("White", 1500.0), ("Black", 600.0), ("Asian", 250.0), ("Mixed", 50.0)):
        rows.append(
            cell(
                UOF,
                "2019/20",
                "16",
                "tactics_used",
                n,
                Tactic="CED of which",
                perceived_ethnicity=label,
            )
        )
    rows.append(
        cell(UOF, "2019/20", "16", "tactics_used", 99999.0, Tactic="Total Tactics", x="White")
    )
    # Tables 10 and 11 (England and Wales), as published for 2019/20.
    people = {"Yes": (27224.0, 560.0, 2.0), "No": (427648.0, 13.0, 0.0)}
    people |= {"Unknown": (23749.0, 1.0, 0.0), "Total incidents": (491984.0, 574.0, 2.0)}
    for row, (total, severe, death) in people.items():
        for level, value in (("Total incidents", total), ("Severe", severe), ("Death", death)):
            rows.append(
                cell(
                    UOF,
                    "2019/20",
                    "Table_11",
                    f"Person injury level | {level}",
                    value,
                    None,
                    row=row,
                )
            )
    officers = {("Yes", "Yes"): 10711.0, ("Yes", "No"): 8976.0, ("No", "Yes"): 638.0}
    officers |= {("No", "No"): 39717.0, ("No", "Not reported"): 426466.0}
    officers |= {("Total incidents", "Not reported"): 491984.0}
    for (injured, assaulted), value in officers.items():
        rows.append(
            cell(
                UOF,
                "2019/20",
                "Table_10",
                "Officer injury level | Total incidents",
                value,
                None,
                row=injured,
                row_1=assaulted,
            )
        )
    return pa.Table.from_pylist(rows)


def test_taser_use_takes_the_editions_own_year() -> None:
    result = taser_use(
        OfficialQuery(uof_figures(), "west-midlands", "2019/20", population=population())
    )
    t = result.table.set_index("ced_use_type")
    assert t.loc["Total", "uses"] == 2427  # not the repeated 2018/19 row
    low, high = proportion_confint(309, 2427, method="wilson")
    assert t.loc["Total discharge", "share"] == pytest.approx(309 / 2427)
    assert t.loc["Total discharge", "share_low"] == pytest.approx(low)
    assert t.loc["Total discharge", "share_high"] == pytest.approx(high)
    assert t.loc["Total", "rate_per_1000"] == pytest.approx(2427 / 2930)
    without = taser_use(OfficialQuery(uof_figures(), "west-midlands", "2019/20", population=None))
    assert without.table["rate_per_1000"].isna().all()
    assert any("No Census population" in c for c in without.caveats)


def test_taser_by_ethnicity_reuses_the_stop_search_ratio() -> None:
    result = taser_by_ethnicity(
        OfficialQuery(uof_figures(), "west-midlands", "2019/20", population=population())
    )
    assert result.name == "official.taser_by_ethnicity"
    black = result.table.set_index("perceived_ethnicity").loc["black"]
    oracle = rate_ratio(600, 240_000, 1500, 1_800_000, "exact")
    assert black["tactics"] == 600
    assert black["ratio_to_white"] == pytest.approx(oracle.ratio)
    assert black["ratio_low"] == pytest.approx(oracle.low)
    assert black["ratio_high"] == pytest.approx(oracle.high)


def test_taser_peers_ranks_every_force() -> None:
    result = taser_peers(
        OfficialQuery(uof_figures(), "kent", "2019/20", population=population(FORCES))
    )
    t = result.table.set_index("force_id")
    assert t.loc["west-midlands", "rank"] == 1 and t.loc["kent", "rank"] == 3
    assert result.meta["forces_compared"] == 5
    assert (
        t["funnel_position"]
        .isin(["above_99_8", "above_95", "within_95", "below_95", "below_99_8"])
        .all()
    )
    with pytest.raises(DataUnavailableError, match="population"):
        taser_peers(OfficialQuery(uof_figures(), "kent", "2019/20", population=None))


def test_injuries_shares_of_incidents_answered() -> None:
    t = use_of_force_injuries(uof_figures(), "2019/20").table.set_index("measure")
    person = t.loc["person_injured"]
    assert person["incidents"] == 27224 and person["incidents_recorded"] == 27224 + 427648
    low, high = proportion_confint(27224, 27224 + 427648, method="wilson")
    assert person["share_low"] == pytest.approx(low) and person["share_high"] == pytest.approx(high)
    assert t.loc["person_severely_injured_or_died", "incidents"] == 562
    assert t.loc["officer_injured", "incidents"] == 10711 + 8976
    assert t.loc["officer_assaulted", "incidents"] == 10711 + 638
    assert t.loc["officer_assaulted", "incidents_recorded"] == 10711 + 8976 + 638 + 39717
    with pytest.raises(DataUnavailableError):
        use_of_force_injuries(uof_figures(), "2018/19")


def workforce_figures(joiners: tuple[float, float], leavers: tuple[float, float]) -> pa.Table:
    """West Midlands 31 March 2017 table D2 as published; D1, D3, D4 as given."""
    period = "31 March 2017"
    d2 = {
        "White": (4206.09, 1837.89),
        "Black or Black British": (73.0, 26.78),
        "Asian or Asian British": (274.19, 97.15),
        "Chinese or Other ethnic group": (11.0, 2.58),
        "Mixed": (86.0, 48.08),
        "Not stated": (71.91, 21.29),
    }
    rows = [
        cell(WORKFORCE, period, "D2", f"{sex} | {label}", values[i])
        for label, values in d2.items()
        for i, sex in enumerate(("Male", "Female"))
    ]
    rows.append(
        cell(
            WORKFORCE,
            period,
            "Table_D1",
            "Full-time equivalent | Proportion of BME Population",
            29.867858,
        )
    )
    for table, (white, bme) in (("Table_D3", joiners), ("Table_D4", leavers)):
        rows += [
            cell(WORKFORCE, period, table, "Ethnicity | White", white),
            cell(WORKFORCE, period, table, "Ethnicity | All Black and Minority Ethnic (BME)", bme),
            cell(WORKFORCE, period, table, "Ethnicity | Not stated", 0.0),
        ]
    return pa.Table.from_pylist(rows)


def test_representation_by_group_against_residents() -> None:
    figures = workforce_figures((165.36, 41.0), (368.09, 39.0))
    result = representation_by_group(
        OfficialQuery(figures, "west-midlands", "31 March 2017", population=population())
    )
    t = result.table.set_index("ethnic_group")
    stated = 6755.96 - 71.91 - 21.29
    asian = 274.19 + 97.15
    assert t.loc["asian", "share"] == pytest.approx(asian / stated)
    share_of_residents = 670_000 / (2_930_000)
    assert t.loc["asian", "residents_share"] == pytest.approx(share_of_residents)
    assert t.loc["asian", "representation_ratio"] == pytest.approx(
        asian / stated / share_of_residents
    )
    low, _ = proportion_confint(round(asian), round(stated), method="wilson")
    assert t.loc["asian", "representation_ratio_low"] == pytest.approx(low / share_of_residents)
    assert any("not stating" in c for c in result.caveats)
    with pytest.raises(DataUnavailableError, match="Census"):
        representation_by_group(
            OfficialQuery(figures, "west-midlands", "31 March 2017", population=None)
        )


def test_outlook_matches_the_closed_form() -> None:
    # Officers: 619.78 minority, 6043.98 white (table D2). Leavers at one rate r for both
    # groups, joiners 40% minority: share_t = j + (s0 - j)(1 - r)^t.
    minority, white = 99.78 + 371.34 + 13.58 + 134.08, 6043.98
    r = 0.06
    figures = workforce_figures((60.0, 40.0), (white * r, minority * r))
    result = representation_outlook(OfficialQuery(figures, "west-midlands", "31 March 2017"))
    row = result.table.iloc[0]
    s0, j, target = minority / (minority + white), 0.4, 0.29867858
    expected = math.ceil(math.log((target - j) / (s0 - j)) / math.log(1 - r))
    assert row["years_to_match"] == expected
    assert row["steady_state_share"] == pytest.approx(j)
    # The year's joiners (19.9% minority, as published) never get West Midlands there.
    published = workforce_figures((165.36, 41.0), (368.09, 39.0))
    never = representation_outlook(
        OfficialQuery(published, "west-midlands", "31 March 2017")
    ).table.iloc[0]
    assert never["years_to_match"] is None or math.isnan(never["years_to_match"])
    # After 100 years the projection has all but reached its steady state (closed form).
    assert never["share_after_projection"] == pytest.approx(never["steady_state_share"], abs=1e-3)
    assert never["share_after_projection"] < target


def catalogued(result: IndicatorResult) -> IndicatorResult:
    missing = set(map(str, result.table.columns)) - set(output_columns())
    assert not missing, f"add to reference/columns.csv: {sorted(missing)}"
    return result


def test_every_column_is_catalogued() -> None:
    uof, residents = uof_figures(), population(FORCES)
    catalogued(taser_use(OfficialQuery(uof, "west-midlands", "2019/20", population=residents)))
    catalogued(
        taser_by_ethnicity(OfficialQuery(uof, "west-midlands", "2019/20", population=residents))
    )
    catalogued(taser_peers(OfficialQuery(uof, "kent", "2019/20", population=residents)))
    catalogued(use_of_force_injuries(uof, "2019/20"))
    staff = workforce_figures((165.36, 41.0), (368.09, 39.0))
    catalogued(
        representation_by_group(
            OfficialQuery(staff, "west-midlands", "31 March 2017", population=population())
        )
    )
    catalogued(representation_outlook(OfficialQuery(staff, "west-midlands", "31 March 2017")))


def test_strength_gives_the_issue_check_values_through_the_cli(tmp_path: Path) -> None:
    """31 March 2017, West Midlands: H1 6,755.96 officer FTE (4,722.19 male, 2,033.77 female);
    D2 male officers White 4,206.09, Black 73.0, Asian 274.19, Chinese or other 11.0, Mixed 86.0,
    not stated 71.91."""
    book = workforce_bulletin_workbook(tmp_path / "police-workforce-tabs-jul17.xlsx")
    load_official([book], tmp_path / "data")
    args = ["--data-dir", str(tmp_path / "data"), "official", "workforce"]
    result = CliRunner().invoke(
        main, [*args, "--force", "west-midlands", "--view", "strength", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = {r["category"]: r for r in csv.DictReader(io.StringIO(strip_notes(result.stdout)))}
    everyone = rows["all officers"]
    assert (everyone["male_fte"], everyone["female_fte"]) == ("4722.19", "2033.77")
    assert everyone["total_fte"] == "6755.96"
    male = {g: float(rows[g]["male_fte"]) for g in rows if rows[g]["breakdown"] == "ethnicity"}
    assert male == {
        "White": 4206.09,
        "Black or Black British": 73.0,
        "Asian or Asian British": 274.19,
        "Chinese or Other ethnic group": 11.0,
        "Mixed": 86.0,
        "Not stated": 71.91,
    }
    low, high = proportion_confint(2034, 6756, method="wilson")
    assert float(everyone["female_share_low"]) == pytest.approx(low)
    assert float(everyone["female_share_high"]) == pytest.approx(high)
    catalogued(
        officer_strength(
            OfficialQuery(official_figures(tmp_path / "data"), "west-midlands", "31 March 2017")
        )
    )
