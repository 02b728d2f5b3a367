"""Sunset and civil dusk for each day at a place, for the veil-of-darkness test.

Civil dusk is when the centre of the sun is 6 degrees below the horizon in the evening; sunset
is when its upper limb touches the horizon (centre 0.833 degrees below, allowing for refraction
and the sun's radius). Both come from the ``astral`` package (NOAA solar equations); they are
returned in UTC and as clock hours in the local time zone (Europe/London for England and Wales,
so British Summer Time is applied: the clock-time windows of the test move with it).

Accuracy: astral's algorithm is good to about a minute at British latitudes; the force-area
centroid used as the place is itself an approximation (each 70 km of longitude moves dusk by
about 4 minutes), so times are meaningful to a few minutes, which the test tolerates by dropping
the sunset-to-dusk period.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import pandas as pd
from astral import Observer
from astral.sun import dusk, sunset

LOCAL_TIME_ZONE = "Europe/London"
CIVIL_DEPRESSION = 6.0


@lru_cache(maxsize=65536)
def _day(latitude: float, longitude: float, day: date) -> tuple[pd.Timestamp, pd.Timestamp]:
    observer = Observer(latitude=latitude, longitude=longitude)
    return (
        pd.Timestamp(sunset(observer, day)),
        pd.Timestamp(dusk(observer, day, depression=CIVIL_DEPRESSION)),
    )


def twilight_times(
    latitude: float, longitude: float, days: Iterable[date], time_zone: str = LOCAL_TIME_ZONE
) -> pd.DataFrame:
    """Sunset and civil dusk for each day.

    Args:
        latitude: degrees north (WGS84).
        longitude: degrees east (negative west of Greenwich).
        days: calendar dates (local).
        time_zone: IANA zone for the clock hours.

    Returns:
        One row per distinct day, in order: ``day``, ``sunset_utc``, ``dusk_utc`` (tz-aware UTC),
        ``sunset_clock_hours`` and ``dusk_clock_hours`` (local clock time in hours after
        midnight, e.g. 21.5 for 21:30).
    """
    unique = sorted(set(days))
    rows = [_day(float(latitude), float(longitude), d) for d in unique]
    out = pd.DataFrame(
        {
            "day": unique,
            "sunset_utc": pd.to_datetime([r[0] for r in rows], utc=True),
            "dusk_utc": pd.to_datetime([r[1] for r in rows], utc=True),
        }
    )
    for col in ("sunset", "dusk"):
        local = out[f"{col}_utc"].dt.tz_convert(time_zone)
        out[f"{col}_clock_hours"] = local.dt.hour + local.dt.minute / 60 + local.dt.second / 3600
    return out
