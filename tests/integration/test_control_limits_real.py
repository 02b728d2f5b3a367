"""Control limits on real monthly counts: West Yorkshire stop and search, 2020/21.

Monthly search counts vary several times more than Poisson chance; exact Poisson limits flagged
8 of these 12 months. Limits that allow for over-dispersion (Laney c' chart) must flag none
here, and the report must say in words what a flag means. Reads the 12 police.uk files from
``policeuk/download-2021-12`` (skipped when the real data is absent).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import openpeel
from openpeel.calendar import Period
from openpeel.indicators.stop_search_quality import trend
from openpeel.report.panels import stop_search_panels
from openpeel.stats.control_chart import OUTSIDE_MEANING, poisson_control_limits
from tests.conftest import shared_data

FOLDER = shared_data() / "policeuk" / "download-2021-12"
FORCE = "west-yorkshire"
PERIOD = Period.financial_year("2020/21")
FILES = [FOLDER / f"{m:%Y-%m}" / f"{m:%Y-%m}-{FORCE}-stop-and-search.csv" for m in PERIOD.months]

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not all(f.exists() for f in FILES), reason=f"real data not found at {FOLDER}"
    ),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Any:
    data_dir: Path = tmp_path_factory.mktemp("control-limits-real")
    openpeel.ingest(FILES, data_dir)
    return openpeel.connect(data_dir)


def test_west_yorkshire_months_are_within_limits_that_allow_for_overdispersion(con: Any) -> None:
    r = trend(con, PERIOD, FORCE)
    t = r.table
    assert (t["status"] == "loaded").all() and len(t) == 12
    searches = t["searches"].astype(float).to_numpy()
    # Before: exact Poisson limits flag 8 of the 12 months.
    assert int(poisson_control_limits(searches).is_outside.sum()) == 8
    # After: the month-to-month spread is about 5 times Poisson; no month is unusual.
    mu = searches.mean()
    z = (searches - mu) / np.sqrt(mu)
    sigma_z = np.mean(np.abs(np.diff(z))) / (2 / np.sqrt(np.pi))
    assert t["sigma_z"].iloc[0] == pytest.approx(sigma_z, rel=1e-12)
    assert 5 < sigma_z < 5.5
    assert t["upper"].iloc[0] == pytest.approx(mu + 3.0 * np.sqrt(mu) * sigma_z, rel=1e-3)
    assert not t["is_outside"].any()
    assert any("5.2 times what Poisson chance alone would give" in c for c in r.caveats)


def test_report_says_what_a_control_limit_flag_means(con: Any) -> None:
    panels = {p.panel_id: p for p in stop_search_panels(con, FORCE, PERIOD)}
    panel = panels["stop-search-trend"]
    assert not panel.unavailable
    column = panel.table["Against the limits"]
    assert set(column) == {"Within"}
    assert "Outside limits" not in panel.table.columns
    assert not panel.table.isin(["True", "False"]).any().any()
    assert any(OUTSIDE_MEANING in sentence for sentence in panel.comparison)
    assert any("0 month(s) outside the control limits" in s for s in panel.comparison)
