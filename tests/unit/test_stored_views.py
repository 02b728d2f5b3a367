"""Stored views (``openpeel.report.stored_views``): a value is computed once per state of the
lake and read back from disk; any load changes the lake's version, so a value of an earlier
state is never served; a value made while a load committed is not kept."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from openpeel.report import stored_views
from openpeel.report.stored_views import stored
from openpeel.store.lake import Lake
from openpeel.store.lake_version import lake_version


def _population(n: int) -> pa.Table:
    return pa.table({"force_id": ["west-midlands"], "ethnic_group": ["all"], "population": [n]})


def _counted(calls: list[int], value: object) -> object:
    calls.append(1)
    return value


def test_the_lake_version_changes_with_every_kind_of_commit(tmp_path: Path) -> None:
    assert lake_version(tmp_path) == "empty"
    lake = Lake(tmp_path)
    lake.root.mkdir(parents=True)
    seen = {lake_version(tmp_path)}
    lake.write_manifest([])
    seen.add(lake_version(tmp_path))
    lake.write_reference("population", _population(10))
    seen.add(lake_version(tmp_path))
    lake.write_reference("population", _population(20))
    seen.add(lake_version(tmp_path))
    # A vulnerability area file (every other load commits through the one manifest).
    folder = lake.root / "vulnerability" / "area"
    folder.mkdir(parents=True)
    (folder / "west-midlands.json.tmp").write_text("{}")
    (folder / "west-midlands.json.tmp").replace(folder / "west-midlands.json")
    seen.add(lake_version(tmp_path))
    assert len(seen) == 5
    assert lake_version(tmp_path) == lake_version(tmp_path)  # nothing changed: the same


def test_a_value_is_computed_once_and_read_back(tmp_path: Path) -> None:
    Lake(tmp_path).write_reference("population", _population(10))
    calls: list[int] = []
    assert stored(tmp_path, ("k", 1), lambda: _counted(calls, {"rate": 1.5})) == {"rate": 1.5}
    assert stored(tmp_path, ("k", 1), lambda: _counted(calls, "other")) == {"rate": 1.5}
    assert stored(tmp_path, ("k", 2), lambda: _counted(calls, "two")) == "two"
    assert len(calls) == 2
    assert stored_views.is_stored(tmp_path, ("k", 1))


def test_a_value_of_an_earlier_lake_is_never_served(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    lake.write_reference("population", _population(10))
    assert stored(tmp_path, ("rate",), lambda: "old") == "old"
    lake.write_reference("population", _population(20))
    assert not stored_views.is_stored(tmp_path, ("rate",))
    assert stored(tmp_path, ("rate",), lambda: "new") == "new"
    # The earlier state's folder is removed once the new one is written.
    assert len(list(stored_views.folder(tmp_path).iterdir())) == 1


def test_a_value_made_while_a_load_committed_is_not_kept(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    lake.write_reference("population", _population(10))

    def made_during_a_load() -> str:
        lake.write_reference("population", _population(30))
        return "read half before, half after"

    assert stored(tmp_path, ("rate",), made_during_a_load) == "read half before, half after"
    assert stored(tmp_path, ("rate",), lambda: "after") == "after"


def test_a_value_is_kept_under_the_version_its_connection_read(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    lake.write_reference("population", _population(10))
    before = lake_version(tmp_path)
    lake.write_reference("population", _population(40))
    # Read from a snapshot of the earlier state: kept under that state, not served now.
    assert stored(tmp_path, ("rate",), lambda: "old", read_version=lambda: before) == "old"
    assert stored(tmp_path, ("rate",), lambda: "new") == "new"


@pytest.mark.parametrize("damage", [b"", b"not a pickle"])
def test_a_damaged_file_is_computed_again(tmp_path: Path, damage: bytes) -> None:
    Lake(tmp_path).write_reference("population", _population(10))
    stored(tmp_path, ("rate",), lambda: "first")
    (file,) = stored_views.folder(tmp_path).rglob("*.pickle")
    file.write_bytes(damage)
    assert stored(tmp_path, ("rate",), lambda: "again") == "again"
    assert stored(tmp_path, ("rate",), lambda: "third") == "again"


def test_a_view_is_read_in_the_words_of_the_period_asked_and_left_as_kept() -> None:
    import pandas as pd

    from openpeel.calendar import Period
    from openpeel.indicators.result import IndicatorResult
    from openpeel.report.model import Panel

    months = Period.from_months("2021-04", "2022-03")
    year = Period.financial_year("2021/22")
    table = pd.DataFrame({"period": [months.label], "n": [3], "note": ["other words"]})
    result = IndicatorResult("x", f"Searches, {months.label}", "d", table, meta={"period": months})
    kept = Panel("p", f"Searches: F, {months.label}", result, caveats=["none", "in 2021-04"])
    shown = stored_views.worded(kept, year)
    assert shown.title == "Searches: F, 2021/22"
    assert shown.result is not None
    assert shown.result.title == "Searches, 2021/22"
    assert shown.result.meta["period"] == year
    assert shown.result.table["period"].tolist() == ["2021/22"]
    assert shown.result.table["n"].tolist() == [3]
    assert shown.caveats is kept.caveats  # nothing to reword: shared, not copied
    assert kept.title == f"Searches: F, {months.label}"  # the kept view is unchanged
    assert table["period"].tolist() == [months.label]
    assert stored_views.worded(shown, months).title == kept.title
    assert stored_views.worded(kept, months) is kept
    # Months that are not an April-to-March year have one label only.
    other = Period.from_months("2021-01", "2021-12")
    assert stored_views.labels(other) == (other.label,)
    assert stored_views.worded(kept, other) is kept
