"""West Midlands 2019/20 stop and search from ../shared/data: the assessment runs end to end and
the fairness area is judged from real data (other areas say why they are not assessed)."""

from __future__ import annotations

from pathlib import Path

import pytest

import openpeel
from openpeel.assess import assess, assessment_result
from openpeel.calendar import Period
from tests.conftest import shared_data

DATA = shared_data()
FOLDER = DATA / "policeuk" / "download-2021-12"
CENSUS = DATA / "census2021"
PERIOD = Period.financial_year("2019/20")

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not (FOLDER.is_dir() and CENSUS.is_dir()), reason=f"real data not found at {DATA}"
    ),
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wmp-2019-20")
    files = [
        FOLDER / f"{m:%Y-%m}" / f"{m:%Y-%m}-west-midlands-stop-and-search.csv"
        for m in PERIOD.months
    ]
    files = [f for f in files if f.exists()]
    assert len(files) == 12
    openpeel.ingest(files, folder)
    census = sorted(CENSUS.glob("ts021*.csv")) or sorted(
        (DATA / "policeuk" / "download-2020-04").glob("ts021*.csv")
    )
    lookup = sorted(CENSUS.glob("lad22*.csv"))
    openpeel.load_population(census[0], lookup[0], folder)
    return folder


def test_west_midlands_2019_20(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = assess(data_dir, "west-midlands", PERIOD)
    assert not a.is_synthetic
    fairness = a.area("fairness")
    # The stop and search rules (the official-statistics rules need published files this
    # test does not load).
    data_rules = {
        c.rule.characteristic_id: c
        for c in fairness.characteristics
        if c.rule.kind == "indicator" and c.rule.indicator.startswith("stop_search.")
    }
    # West Midlands fills 'outcome linked to object' for cautions and cannabis warnings (and a
    # quarter of arrests) only: the find rate is withheld with that reason, never judged.
    finds = data_rules.pop("P3.4").finding
    assert finds.status == "missing" and "fills the link only for" in finds.reason
    assert data_rules and all(c.finding.status != "missing" for c in data_rules.values()), [
        c.finding.reason for c in data_rules.values()
    ]
    # No group is picked in advance: the least favourable ratio to White decides (Mixed, 2.97).
    ratio = data_rules["P3.3"].finding
    assert ratio.reason.startswith("group=mixed") and ratio.value == pytest.approx(2.969, abs=1e-3)
    assert fairness.grade_suggested in ("Good", "Adequate", "Requires improvement", "not assessed")
    victims = a.area("victims")
    assert victims.grade_suggested == "not assessed"  # no call data in the open download
    assert "not assessed" not in fairness.not_assessed_reason
    with capsys.disabled():
        print()
        for row in assessment_result(a).records():
            print(row["area"], "|", row["grade_suggested"], "|", row["reasons"][:400])
