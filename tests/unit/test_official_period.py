"""Which published edition speaks to a period of analysis: the latest ending in or before it."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from openpeel.calendar import Period
from openpeel.errors import DataUnavailableError
from openpeel.indicators.official_period import edition_for, period_end


@pytest.mark.parametrize(
    ("label", "end"),
    [
        ("December 2019", date(2019, 12, 1)),
        ("March 2019", date(2019, 3, 1)),
        ("2019/20", date(2020, 3, 1)),
        ("31 March 2017", date(2017, 3, 1)),
        ("30 September 2019", date(2019, 9, 1)),
        ("VFM profiles 2016", date(2016, 3, 1)),
        ("edition 7", None),
    ],
)
def test_period_end(label: str, end: date | None) -> None:
    assert period_end(label) == end


def _figures(*periods: str) -> pa.Table:
    return pa.table(
        {
            "period": list(periods),
            "source_file": [f"file-{p[-5:].replace('/', '')}.ods" for p in periods],
        }
    )


def test_latest_edition_not_after_the_period() -> None:
    figures = _figures("2017/18", "2018/19", "2019/20", "2021/22")
    edition = edition_for(figures, "home-office-use-of-force", Period.financial_year("2020/21"))
    assert edition.label == "2019/20"
    assert edition.source_files == ("file-1920.ods",)
    assert edition.loaded == ("2017/18", "2018/19", "2019/20", "2021/22")
    lag = edition.lag_caveat(Period.financial_year("2020/21"))
    assert lag is not None and "2019/20" in lag and "earlier" in lag
    same = edition_for(figures, "home-office-use-of-force", Period.financial_year("2021/22"))
    assert same.label == "2021/22" and same.lag_caveat(Period.financial_year("2021/22")) is None


def test_ons_edition_reads_as_year_ending() -> None:
    figures = _figures("December 2019", "March 2019")
    edition = edition_for(figures, "ons-recorded-crime", Period.financial_year("2020/21"))
    assert edition.words == "year ending December 2019"
    assert edition.source_text().startswith(
        "Source: Office for National Statistics, Crime in England and Wales"
    )


def test_every_edition_later_than_the_period_is_refused() -> None:
    figures = _figures("2021/22")
    with pytest.raises(DataUnavailableError, match="loaded: 2021/22"):
        edition_for(figures, "home-office-use-of-force", Period.financial_year("2019/20"))


def test_value_for_money_edition_in_words() -> None:
    figures = _figures("VFM profiles 2016", "VFM profiles 2017")
    edition = edition_for(figures, "hmicfrs-vfm-adr", Period.financial_year("2020/21"))
    assert edition.label == "VFM profiles 2017"
    assert edition.words == "value for money profiles 2017"
    assert edition.source_text().startswith("Source: HMICFRS value for money profiles")
