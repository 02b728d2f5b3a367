"""Sunset and civil dusk checked against an independent solar-position formula.

The oracle is the Astronomical Almanac's low-precision solar position (mean longitude and
anomaly, ecliptic longitude, sidereal time), written here without astral: at the returned civil
dusk the sun's centre must be 6 degrees below the horizon, and at sunset 0.833 degrees
(refraction plus the solar radius). The formulas are good to about 0.01 degree; 0.1 degree is
about half a minute of time at British latitudes.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from openpeel.stats.twilight import twilight_times

PLACES = {
    "west-midlands": (52.483, -1.895),
    "cumbria": (54.624, -3.091),
    "devon-and-cornwall": (50.437, -4.125),
    "norfolk": (52.632, 1.273),
}
DAYS = [
    date(2019, 12, 21),
    date(2020, 3, 20),
    date(2019, 3, 31),  # clocks go forward that morning
    date(2019, 6, 21),
    date(2019, 9, 23),
    date(2019, 10, 27),  # clocks go back that morning
]


def almanac_elevation(latitude: float, longitude: float, when: datetime) -> float:
    """Solar elevation (degrees, no refraction) at a UTC time, by the low-precision formulas of
    the Astronomical Almanac (good to about 0.01 degree from 1950 to 2050)."""
    utc = when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    n = (utc - datetime(2000, 1, 1, 12)).total_seconds() / 86400
    mean_longitude = 280.460 + 0.9856474 * n
    g = math.radians(357.528 + 0.9856003 * n)
    ecliptic = math.radians(mean_longitude + 1.915 * math.sin(g) + 0.020 * math.sin(2 * g))
    obliquity = math.radians(23.439 - 0.0000004 * n)
    right_ascension = math.atan2(math.cos(obliquity) * math.sin(ecliptic), math.cos(ecliptic))
    declination = math.asin(math.sin(obliquity) * math.sin(ecliptic))
    sidereal_hours = 18.697374558 + 24.06570982441908 * n
    hour_angle = math.radians(sidereal_hours * 15 + longitude) - right_ascension
    phi = math.radians(latitude)
    sin_elevation = math.sin(phi) * math.sin(declination) + math.cos(phi) * math.cos(
        declination
    ) * math.cos(hour_angle)
    return math.degrees(math.asin(sin_elevation))


@pytest.mark.parametrize("place", sorted(PLACES))
def test_dusk_and_sunset_put_the_sun_where_they_should(place: str) -> None:
    lat, lon = PLACES[place]
    tw = twilight_times(lat, lon, DAYS)
    assert list(tw["day"]) == sorted(DAYS)
    for row in tw.itertuples(index=False):
        dusk = row.dusk_utc.to_pydatetime()
        sunset = row.sunset_utc.to_pydatetime()
        assert almanac_elevation(lat, lon, dusk) == pytest.approx(-6.0, abs=0.1)
        assert almanac_elevation(lat, lon, sunset) == pytest.approx(-0.833, abs=0.1)
        # Civil twilight lasts about 35 to 60 minutes at 50-55 degrees north.
        minutes = (row.dusk_utc - row.sunset_utc).total_seconds() / 60
        assert 30 < minutes < 65


def test_clock_hours_follow_british_summer_time() -> None:
    lat, lon = PLACES["west-midlands"]
    tw = twilight_times(lat, lon, [date(2019, 3, 30), date(2019, 3, 31)]).set_index("day")
    utc = tw["dusk_utc"].dt.hour + tw["dusk_utc"].dt.minute / 60
    # The day before the change the clock is UTC; on the day itself it is one hour ahead.
    assert tw.loc[date(2019, 3, 30), "dusk_clock_hours"] == pytest.approx(
        utc[date(2019, 3, 30)], abs=1 / 60
    )
    assert tw.loc[date(2019, 3, 31), "dusk_clock_hours"] == pytest.approx(
        utc[date(2019, 3, 31)] + 1, abs=1 / 60
    )
    year = twilight_times(lat, lon, pd.date_range("2019-04-01", "2020-03-31").date)
    # Birmingham: earliest dusk about 16:35 GMT in December, latest about 22:25 BST in June.
    assert 16.4 < year["dusk_clock_hours"].min() < 16.8
    assert 22.2 < year["dusk_clock_hours"].max() < 22.6
    assert (year["dusk_clock_hours"] > year["sunset_clock_hours"]).all()
