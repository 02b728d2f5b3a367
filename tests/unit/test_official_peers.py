"""One force against every force for the official indicators: funnel limits (withheld below five
forces), rank with its interval, region and a user's peer group (``--peers FILE``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

from openpeel.cli import main
from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.exports import read_notes, strip_notes
from openpeel.indicators.official_peers import compare_forces
from openpeel.reference.forces import forces
from openpeel.reference.peer_groups import force_regions, read_peer_group, region_group
from openpeel.stats.ranks import ranks_with_interval
from openpeel.store.official import load_official
from tests.unit.official_fixtures import ons_workbook

# Illustrative per-force counts (not published figures).
COUNTS = {
    "west-midlands": (900.0, 100_000.0),
    "staffordshire": (300.0, 50_000.0),
    "warwickshire": (200.0, 40_000.0),
    "kent": (2_000.0, 100_000.0),
    "essex": (500.0, 100_000.0),
    "cumbria": (50.0, 10_000.0),
}


def _frame(counts: dict[str, tuple[float, float]] = COUNTS) -> pd.DataFrame:
    return pd.DataFrame(
        [{"force_id": f, "count": c, "denominator": d} for f, (c, d) in counts.items()]
    )


def _compare(kind: str = "rate", **kwargs: object) -> pd.DataFrame:
    result = compare_forces(
        _frame(),
        "west-midlands",
        kind=kind,
        name="test",
        title="test",
        value_words="test counts",
        **kwargs,  # type: ignore[arg-type]
    )
    return result.table.set_index("force_id")


def test_every_territorial_force_has_one_region() -> None:
    regions = force_regions()
    territorial = {f for f in forces() if f not in ("btp", "northern-ireland")}
    assert set(regions) == territorial and len(regions) == 43
    west_midlands = region_group("west-midlands")
    assert west_midlands is not None
    assert west_midlands.force_ids == (
        "staffordshire",
        "warwickshire",
        "west-mercia",
        "west-midlands",
    )
    assert region_group("btp") is None


def test_rate_funnel_and_rank_against_scipy() -> None:
    t = _compare("rate")
    target = sum(c for c, _ in COUNTS.values()) / sum(d for _, d in COUNTS.values())
    wm = t.loc["west-midlands"]
    assert wm["value"] == pytest.approx(9.0)  # 900 per 100,000 person-years = 9 per 1,000
    assert wm["target"] == pytest.approx(1000 * target)
    # Oracle: exact Poisson quantiles of the target count at the force's exposure.
    assert wm["upper_95"] == pytest.approx(1000 * stats.poisson.isf(0.025, target * 1e5) / 1e5)
    assert wm["lower_99_8"] == pytest.approx(1000 * stats.poisson.ppf(0.001, target * 1e5) / 1e5)
    assert wm["funnel_position"] == "below_95"  # 900 against 987.5 expected
    assert t.loc["kent", "funnel_position"] == "above_99_8"
    assert t.loc["essex", "funnel_position"] == "below_99_8"
    # Kent 20 per 1,000 is clearly first; West Midlands 9 second (6 and 5 far below).
    assert t.loc["kent", "rank"] == 1 and (t.loc["kent", ["rank_low", "rank_high"]] == 1).all()
    assert wm["rank"] == 2 and wm["rank_low"] == 2 and wm["rank_high"] == 2
    assert wm["region_rank"] == 1 and t.loc["staffordshire", "region_rank"] == 2
    assert np.isnan(t.loc["kent", "region_rank"])  # not in the West Midlands region
    assert bool(wm["is_focus"]) and wm["forces_compared"] == 6


def test_proportion_uses_wilson_and_binomial_limits() -> None:
    counts = {f: (c, d / 100) for f, (c, d) in COUNTS.items() if c <= d / 100}
    result = compare_forces(
        _frame(counts),
        "west-midlands",
        kind="proportion",
        name="test",
        title="test",
        value_words="share",
    )
    t = result.table.set_index("force_id")
    p0 = sum(c for c, _ in counts.values()) / sum(d for _, d in counts.values())
    assert t.loc["west-midlands", "value"] == pytest.approx(0.9)
    assert t.loc["west-midlands", "upper_95"] == pytest.approx(
        stats.binom.isf(0.025, 1000, p0) / 1000
    )


def test_fewer_than_five_forces_withholds_the_funnel() -> None:
    few = {f: v for f, v in list(COUNTS.items())[:4]}
    result = compare_forces(
        _frame(few), "west-midlands", kind="rate", name="t", title="t", value_words="t"
    )
    assert set(result.table["funnel_position"]) == {"withheld"}
    assert result.table["upper_95"].isna().all()
    assert any("at least 5" in c for c in result.caveats)


def test_missing_values_are_not_ranked_and_amounts_have_no_interval() -> None:
    counts = {**COUNTS, "greater-manchester": (float("nan"), 100_000.0)}
    result = compare_forces(
        _frame(counts), "west-midlands", kind="amount", name="t", title="t", value_words="t"
    )
    t = result.table.set_index("force_id")
    assert np.isnan(t.loc["greater-manchester", "rank"])
    assert t.loc["greater-manchester", "funnel_position"] == "no_value"
    assert t.loc["kent", "rank"] == 1 and t["value_low"].isna().all()
    assert any("greater-manchester" in c for c in result.caveats)
    with pytest.raises(DataUnavailableError):
        compare_forces(_frame(), "dorset", kind="rate", name="t", title="t", value_words="t")
    with pytest.raises(UserInputError):
        compare_forces(_frame(), "atlantis", kind="rate", name="t", title="t", value_words="t")


def test_rank_interval_widens_when_forces_are_alike() -> None:
    # Ten forces with the same expected rate: any of them could be anywhere.
    alike = ranks_with_interval([100] * 10, [10_000] * 10, "rate")
    assert alike.units_ranked == 10
    assert (alike.low <= 2).all() and (alike.high >= 9).all()
    # Far apart: the interval is the rank itself.
    apart = ranks_with_interval([10, 100, 1000], [1000] * 3, "rate")
    assert list(apart.rank) == [3, 2, 1]
    assert list(apart.low) == [3, 2, 1] and list(apart.high) == [3, 2, 1]
    again = ranks_with_interval([100] * 10, [10_000] * 10, "rate")
    assert np.array_equal(again.low, alike.low)  # a fixed seed: reproducible


def test_peer_group_file_shapes(tmp_path: Path) -> None:
    plain = tmp_path / "msg.csv"
    plain.write_text("force_id\nkent\nEssex Police\nAvon & Somerset\n")
    group = read_peer_group(plain, "west-midlands")
    assert group.force_ids == ("avon-and-somerset", "essex", "kent", "west-midlands")
    grouped = tmp_path / "groups.csv"
    grouped.write_text("force,group\nwest-midlands,A\nkent,A\nessex,B\n")
    assert read_peer_group(grouped, "west-midlands").force_ids == ("kent", "west-midlands")
    wide = tmp_path / "msg-wide.csv"
    wide.write_text(
        "Force,Peer 1,Peer 2,Peer 3\n"
        "West Midlands,Greater Manchester,Metropolitan,\n"
        "kent,essex,sussex,surrey\n"
    )
    assert read_peer_group(wide, "west-midlands").force_ids == (
        "greater-manchester",
        "metropolitan",
        "west-midlands",
    )
    with pytest.raises(UserInputError, match="no row for dorset"):
        read_peer_group(wide, "dorset")
    with pytest.raises(UserInputError, match="in no group"):
        read_peer_group(grouped, "dorset")
    bad = tmp_path / "bad.csv"
    bad.write_text("force_id\nAtlantis\n")
    with pytest.raises(UserInputError, match=r"bad\.csv line 2"):
        read_peer_group(bad, "kent")
    with pytest.raises(UserInputError, match="no force column"):
        (tmp_path / "x.csv").write_text("name\nkent\n")
        read_peer_group(tmp_path / "x.csv", "kent")


def test_peer_group_rank() -> None:
    group = read_peer_group_from(("kent", "essex", "west-midlands"))
    t = _compare("rate", peers=group)
    assert t.loc["kent", "peer_group_rank"] == 1
    assert t.loc["west-midlands", "peer_group_rank"] == 2
    assert t.loc["essex", "peer_group_rank"] == 3
    assert np.isnan(t.loc["cumbria", "peer_group_rank"])


def read_peer_group_from(ids: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from openpeel.reference.peer_groups import PeerGroup

    return PeerGroup("test group", tuple(sorted(ids)), "test")


def test_cli_compare_with_peers_file(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    load_official([ons_workbook(tmp_path / "pfatablesdec19.xlsx")], data_dir)
    peers = tmp_path / "peers.csv"
    peers.write_text("force_id\ncleveland\ncity-of-london\n")
    args = ["--data-dir", str(data_dir), "official", "crime", "--force", "west-midlands"]
    result = CliRunner().invoke(main, [*args, "--peers", str(peers), "--format", "csv"])
    assert result.exit_code == 0, result.output
    notes = read_notes(result.stdout)
    assert any(n.startswith("caveat: Only") for n in notes)  # too few forces for a funnel
    table = pd.read_csv(pd.io.common.StringIO(strip_notes(result.stdout)))
    wm = table.set_index("force_id").loc["west-midlands"]
    assert wm["value"] == pytest.approx(259638 / 2916.5)
    assert wm["funnel_position"] == "withheld"
    assert bool(wm["in_peer_group"])
    chart = tmp_path / "funnel.svg"
    drawn = CliRunner().invoke(main, [*args, "--compare", "--chart", str(chart)])
    assert drawn.exit_code == 0, drawn.output
    svg = chart.read_text()
    assert svg.startswith("<svg") and 'role="img"' in svg and "West Midlands Police" in svg
    no_compare = CliRunner().invoke(main, [*args, "--chart", str(chart)])
    assert no_compare.exit_code == 2 and "--chart needs --compare" in no_compare.output
    bad = CliRunner().invoke(main, [*args, "--compare", "--offence-group", "piracy"])
    assert bad.exit_code == 1 and "unknown offence group" in bad.output


def test_funnel_chart_draws_the_limits() -> None:
    from openpeel.report.charts import peer_chart, to_svg

    table = _compare("rate").reset_index()
    spec = peer_chart(table, "rate", "per 1,000", "person-years").to_dict()
    layers = spec["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["line", "rule", "circle"]
    limits = {row["limit"] for row in spec["datasets"][layers[0]["data"]["name"]]}
    assert limits == {"lower_95", "upper_95", "lower_99_8", "upper_99_8"}
    svg = to_svg(peer_chart(table, "rate", "per 1,000", "person-years"), "funnel plot")
    assert 'aria-label="funnel plot"' in svg and "funnel limits" in svg
