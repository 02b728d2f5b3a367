"""Fetch data from data.police.uk: the monthly bulk archive and the JSON API.

Two ways in, both ending in files in the bulk archive's own layout so one reader serves both:

- :func:`download_archive` fetches the monthly ``YYYY-MM.zip`` (a rolling 36-month snapshot of
  street, outcomes and stop-and-search CSVs for every force). The right path for whole
  force-months.
- :class:`PoliceUkApi` and :func:`fetch_stops` pull one force-month of stop and search from the
  API and write it as ``YYYY-MM/YYYY-MM-<force>-stop-and-search.csv``, byte-compatible with the
  archive's CSV. Useful for a recent month before the next archive is cut.

Nothing here knows about the lake or indicators: files in, files out. Every failure a user can
cause or meet (a month that does not exist, a force with no data, a corrupt download, a server
that keeps failing) raises :class:`FetchError` with a one-line reason.

Modules: ``retry`` (the error, back-off, Retry-After and the rate limiter), ``download``
(the archive), ``client`` (the API and :func:`fetch_stops`) and ``writer`` (API records as
archive CSV rows). Every public name is importable from this package.
"""

from openpeel.sources.policeuk_api.client import (
    API_BASE_URL,
    PoliceUkApi,
    fetch_stops,
)
from openpeel.sources.policeuk_api.download import (
    ARCHIVE_URL,
    download_archive,
)
from openpeel.sources.policeuk_api.retry import (
    USER_AGENT,
    FetchError,
    ProgressCallback,
    RateLimiter,
    Sleep,
)
from openpeel.sources.policeuk_api.writer import (
    STOP_AND_SEARCH_HEADER,
    stop_to_archive_row,
    write_stop_and_search_csv,
)

__all__ = [
    "API_BASE_URL",
    "ARCHIVE_URL",
    "STOP_AND_SEARCH_HEADER",
    "USER_AGENT",
    "FetchError",
    "PoliceUkApi",
    "ProgressCallback",
    "RateLimiter",
    "Sleep",
    "download_archive",
    "fetch_stops",
    "stop_to_archive_row",
    "write_stop_and_search_csv",
]
