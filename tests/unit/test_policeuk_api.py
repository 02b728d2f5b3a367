"""Tests for openpeel.sources.policeuk_api: archive download, rate limiter, API, fetch_stops.

No network: every HTTP exchange goes through httpx.MockTransport with hand-made responses in
the documented shapes (tests/fixtures/policeuk_api). Sleeps and clocks are injected.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from openpeel.sources.policeuk_api import (
    STOP_AND_SEARCH_HEADER,
    FetchError,
    PoliceUkApi,
    RateLimiter,
    download_archive,
    fetch_stops,
    stop_to_archive_row,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "policeuk_api"
ARCHIVE_HEADER = (
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,"
    "Age range,Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,"
    "Outcome,Outcome linked to object of search,Removal of more than just outer clothing"
)

Handler = Callable[[httpx.Request], httpx.Response]


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def make_archive(month: str = "2024-02", *, force: str = "city-of-london") -> bytes:
    """A tiny archive in the data.police.uk layout."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{month}/{month}-{force}-stop-and-search.csv", ARCHIVE_HEADER + "\n")
        archive.writestr(f"{month}/{month}-{force}-street.csv", "Crime ID,Month\n")
    return buffer.getvalue()


class Sleeps:
    """Records requested sleeps instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def client_for(handler: Handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# ------------------------------------------------------------------------------------------
# download_archive


def test_download_archive_streams_with_progress_and_checks_zip(tmp_path: Path) -> None:
    body = make_archive("2024-02")
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=body, headers={"Content-Type": "application/zip"})

    progress: list[tuple[int, int | None]] = []
    sleeps = Sleeps()
    with client_for(handler) as client:
        path = download_archive(
            "2024-02",
            tmp_path,
            client=client,
            progress=lambda done, total: progress.append((done, total)),
            sleep=sleeps,
            chunk_size=64,
        )

    assert seen == ["https://data.police.uk/data/archive/2024-02.zip"]
    assert path == tmp_path / "2024-02.zip"
    assert path.read_bytes() == body
    assert leftovers(tmp_path) == ["2024-02.zip"]
    assert sleeps.calls == []
    assert progress[0] == (0, len(body))
    assert progress[-1] == (len(body), len(body))
    assert len(progress) > 2
    done = [d for d, _ in progress]
    assert done == sorted(done)
    with zipfile.ZipFile(path) as archive:
        assert "2024-02/2024-02-city-of-london-stop-and-search.csv" in archive.namelist()


def test_download_archive_progress_total_unknown_without_content_length(tmp_path: Path) -> None:
    body = make_archive("2024-02")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(body))

    progress: list[tuple[int, int | None]] = []
    with client_for(handler) as client:
        download_archive(
            "2024-02", tmp_path, client=client, progress=lambda d, t: progress.append((d, t))
        )
    assert progress[-1] == (len(body), None)


def test_download_archive_retries_503_then_succeeds(tmp_path: Path) -> None:
    body = make_archive("2024-02")
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return httpx.Response(503, text="busy")
        return httpx.Response(200, content=body)

    sleeps = Sleeps()
    with client_for(handler) as client:
        path = download_archive("2024-02", tmp_path, client=client, sleep=sleeps)
    assert calls == 2
    assert sleeps.calls == [2.0]
    assert path.read_bytes() == body
    assert leftovers(tmp_path) == ["2024-02.zip"]


def test_download_archive_retries_connection_error_and_truncated_body(tmp_path: Path) -> None:
    body = make_archive("2024-02")
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ConnectError("connection refused", request=request)
        if calls == 2:
            # Content-Length promises more than arrives: a cut-off download is discarded.
            return httpx.Response(
                200,
                stream=httpx.ByteStream(body[:100]),
                headers={"Content-Length": str(len(body))},
            )
        return httpx.Response(200, content=body)

    sleeps = Sleeps()
    with client_for(handler) as client:
        path = download_archive("2024-02", tmp_path, client=client, sleep=sleeps)
    assert calls == 3
    assert sleeps.calls == [2.0, 4.0]
    assert path.read_bytes() == body
    assert leftovers(tmp_path) == ["2024-02.zip"]


def test_download_archive_gives_up_after_retries(tmp_path: Path) -> None:
    sleeps = Sleeps()
    with (
        client_for(lambda request: httpx.Response(500)) as client,
        pytest.raises(FetchError, match=r"after 3 attempts: HTTP 500"),
    ):
        download_archive("2024-02", tmp_path, client=client, retries=2, sleep=sleeps)
    assert sleeps.calls == [2.0, 4.0]
    assert leftovers(tmp_path) == []


def test_download_archive_404_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    sleeps = Sleeps()
    with (
        client_for(lambda request: httpx.Response(404, text="Not Found")) as client,
        pytest.raises(FetchError) as caught,
    ):
        download_archive("2009-01", tmp_path, client=client, sleep=sleeps)
    assert str(caught.value) == "no archive for 2009-01 on data.police.uk (HTTP 404)"
    assert sleeps.calls == []
    assert leftovers(tmp_path) == []


def test_download_archive_corrupt_zip_raises_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("unrelated")
    with (
        client_for(lambda request: httpx.Response(200, content=b"PK\x03\x04 not a zip")) as client,
        pytest.raises(FetchError, match="not a valid zip"),
    ):
        download_archive("2024-02", tmp_path, client=client)
    assert leftovers(tmp_path) == ["keep.txt"]


def test_download_archive_bad_crc_raises_and_leaves_nothing(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("2024-02/2024-02-kent-street.csv", "Crime ID,Month\nabcdef,2024-02\n")
    damaged = buffer.getvalue().replace(b"abcdef", b"abcdeg")
    with (
        client_for(lambda request: httpx.Response(200, content=damaged)) as client,
        pytest.raises(FetchError, match="corrupt"),
    ):
        download_archive("2024-02", tmp_path, client=client)
    assert leftovers(tmp_path) == []


def test_download_archive_zip_without_police_files_is_rejected(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    existing = tmp_path / "2024-02.zip"
    existing.write_bytes(make_archive("2024-02"))
    with (
        client_for(lambda request: httpx.Response(200, content=buffer.getvalue())) as client,
        pytest.raises(FetchError, match="holds no"),
    ):
        download_archive("2024-02", tmp_path, client=client)
    # A failed download never replaces an earlier good copy.
    assert existing.read_bytes() == make_archive("2024-02")
    assert leftovers(tmp_path) == ["2024-02.zip"]


def test_download_archive_rejects_malformed_month(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="not a month"):
        download_archive("2024/02", tmp_path, client=client_for(lambda r: httpx.Response(200)))


# ------------------------------------------------------------------------------------------
# RateLimiter


class FakeClock:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_rate_limiter_bursts_30_then_15_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(15, 30, clock=clock, sleep=clock.sleep)
    grants: list[float] = []
    for _ in range(100):
        limiter.acquire()
        grants.append(clock.now)

    start = grants[0]
    # Never more than the burst at any one instant.
    per_instant: dict[float, int] = {}
    for t in grants:
        per_instant[t] = per_instant.get(t, 0) + 1
    assert max(per_instant.values()) <= 30
    assert per_instant[start] == 30
    # In any window of w seconds, at most burst + 15 * w grants (tolerance for float sums).
    for i, t in enumerate(grants):
        for j in range(i, len(grants)):
            window = grants[j] - t
            assert j - i + 1 <= 30 + 15 * window + 1e-6
    # Sustained: the 70 requests after the burst take 70 / 15 seconds.
    assert grants[-1] - start == pytest.approx(70 / 15)
    later = grants[30:]
    gaps = [b - a for a, b in itertools.pairwise(later)]
    assert all(g == pytest.approx(1 / 15) for g in gaps)


def test_rate_limiter_refills_after_idle_but_not_beyond_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(15, 30, clock=clock, sleep=clock.sleep)
    for _ in range(30):
        assert limiter.acquire() == 0.0
    clock.now += 3600  # an hour idle refills to the burst, no more
    waits = [limiter.acquire() for _ in range(31)]
    assert waits[:30] == [0.0] * 30
    assert waits[30] == pytest.approx(1 / 15)


def test_rate_limiter_is_thread_safe() -> None:
    # The clock never moves, so each acquire beyond the burst reserves the next slot: whatever
    # the interleaving, the waits handed out are exactly 1/15, 2/15, ..., 50/15 seconds.
    waits: list[float] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:
        with lock:
            waits.append(seconds)

    limiter = RateLimiter(15, 30, clock=lambda: 0.0, sleep=record)
    threads = [
        threading.Thread(target=lambda: [limiter.acquire() for _ in range(10)]) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == pytest.approx([k / 15 for k in range(1, 51)])


# ------------------------------------------------------------------------------------------
# PoliceUkApi


def fake_api(handler: Handler, sleeps: Sleeps | None = None, **kwargs: Any) -> PoliceUkApi:
    clock = FakeClock()
    limiter = RateLimiter(15, 30, clock=clock, sleep=clock.sleep)
    return PoliceUkApi(
        transport=httpx.MockTransport(handler),
        rate_limiter=limiter,
        sleep=sleeps if sleeps is not None else Sleeps(),
        **kwargs,
    )


def routes(extra: dict[str, Any] | None = None) -> Handler:
    """Serve the fixtures by path (and stops-force by force and date)."""
    stops = fixture_json("stops-force-west-midlands-2024-01.json")

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "data.police.uk"
        path = request.url.path
        if path == "/api/crimes-street-dates":
            return httpx.Response(200, json=fixture_json("crimes-street-dates.json"))
        if path == "/api/forces":
            return httpx.Response(200, json=fixture_json("forces.json"))
        if path == "/api/stops-force":
            force = request.url.params.get("force")
            date = request.url.params.get("date")
            if (force, date) == ("west-midlands", "2024-01"):
                return httpx.Response(200, json=stops)
            return httpx.Response(200, json=[])
        if extra and path in extra:
            return httpx.Response(200, json=extra[path])
        return httpx.Response(404, text="Not found")

    return handler


def test_available_months_and_forces() -> None:
    with fake_api(routes()) as api:
        months = api.available_months()
        forces = api.forces()
    assert months["2024-01"] == {"city-of-london", "west-midlands"}
    assert months["2024-02"] == {"city-of-london"}
    assert months["2023-11"] == set()
    assert [f["id"] for f in forces] == ["city-of-london", "west-midlands"]


def test_stops_force_sends_force_and_date() -> None:
    seen: list[httpx.URL] = []
    inner = routes()

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return inner(request)

    with fake_api(handler) as api:
        stops = api.stops_force("west-midlands", "2024-01")
    assert len(stops) == 4
    assert seen[0].path == "/api/stops-force"
    assert dict(seen[0].params) == {"force": "west-midlands", "date": "2024-01"}


def test_api_429_honours_retry_after_then_succeeds() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return httpx.Response(429, headers={"Retry-After": "3"})
        return routes()(request)

    sleeps = Sleeps()
    with fake_api(handler, sleeps) as api:
        forces = api.forces()
    assert calls == 2
    assert sleeps.calls == [3.0]
    assert len(forces) == 2


def test_api_429_without_retry_after_and_5xx_back_off_exponentially() -> None:
    statuses = iter([429, 502, 503])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(statuses, 200)
        if status != 200:
            return httpx.Response(status)
        return routes()(request)

    sleeps = Sleeps()
    with fake_api(handler, sleeps) as api:
        api.forces()
    assert sleeps.calls == [1.0, 2.0, 4.0]


def test_api_gives_up_with_one_line_reason() -> None:
    sleeps = Sleeps()
    with (
        fake_api(lambda request: httpx.Response(503), sleeps, retries=2) as api,
        pytest.raises(FetchError) as caught,
    ):
        api.forces()
    message = str(caught.value)
    assert "\n" not in message
    assert message == "data.police.uk API forces: failed after 3 attempts: HTTP 503"
    assert len(sleeps.calls) == 2


def test_api_connection_errors_are_retried() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise httpx.ReadTimeout("timed out", request=request)
        return routes()(request)

    with fake_api(handler) as api:
        assert len(api.forces()) == 2
    assert calls == 3


def test_api_other_4xx_fails_at_once() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(400)

    with fake_api(handler) as api, pytest.raises(FetchError, match="HTTP 400"):
        api.stops_force("west-midlands", "2024-01")
    assert calls == 1


def test_every_api_request_goes_through_the_rate_limiter() -> None:
    acquired = 0

    class CountingLimiter(RateLimiter):
        def acquire(self) -> float:
            nonlocal acquired
            acquired += 1
            return 0.0

    statuses = iter([503])

    def handler(request: httpx.Request) -> httpx.Response:
        if next(statuses, 200) == 503:
            return httpx.Response(503)
        return routes()(request)

    api = PoliceUkApi(
        transport=httpx.MockTransport(handler), rate_limiter=CountingLimiter(), sleep=Sleeps()
    )
    with api:
        api.forces()
        api.available_months()
    assert acquired == 3  # the retry counts too


def test_api_non_json_answer_is_a_fetch_error() -> None:
    with (
        fake_api(lambda request: httpx.Response(200, text="<html>maintenance</html>")) as api,
        pytest.raises(FetchError, match="not JSON"),
    ):
        api.forces()


# ------------------------------------------------------------------------------------------
# fetch_stops


def test_fetch_stops_refuses_month_not_listed(tmp_path: Path) -> None:
    requested: list[str] = []
    inner = routes()

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(request.url.path)
        return inner(request)

    with fake_api(handler) as api, pytest.raises(FetchError) as caught:
        fetch_stops("west-midlands", "2021-06", tmp_path, api=api)
    message = str(caught.value)
    assert message.startswith("no stop and search for west-midlands in 2021-06 on data.police.uk")
    assert "available months: 2023-12 to 2024-01, 2024-03" in message
    # stops-force is never asked: it would have answered with the latest month instead.
    assert requested == ["/api/crimes-street-dates"]
    assert leftovers(tmp_path) == []


def test_fetch_stops_refuses_force_not_listed_for_month(tmp_path: Path) -> None:
    with fake_api(routes()) as api, pytest.raises(FetchError) as caught:
        fetch_stops("west-midlands", "2024-02", tmp_path, api=api)
    assert "no stop and search for west-midlands in 2024-02" in str(caught.value)

    with fake_api(routes()) as api, pytest.raises(FetchError) as caught:
        fetch_stops("greater-manchester", "2024-01", tmp_path, api=api)
    assert "available months: none for greater-manchester" in str(caught.value)
    assert leftovers(tmp_path) == []


def test_fetch_stops_refuses_records_from_another_month(tmp_path: Path) -> None:
    # Availability said 2023-12, but stops-force fell back to another month (e.g. the listing
    # changed between the two calls): nothing is written under 2023-12.
    stops = fixture_json("stops-force-west-midlands-2024-01.json")
    inner = routes()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/stops-force":
            return httpx.Response(200, json=stops)
        return inner(request)

    with fake_api(handler) as api, pytest.raises(FetchError, match="records from 2024-01"):
        fetch_stops("west-midlands", "2023-12", tmp_path, api=api)
    assert leftovers(tmp_path) == []


def test_fetch_stops_rejects_bad_arguments(tmp_path: Path) -> None:
    with fake_api(routes()) as api:
        with pytest.raises(FetchError, match="not a force id"):
            fetch_stops("../etc", "2024-01", tmp_path, api=api)
        with pytest.raises(FetchError, match="not a month"):
            fetch_stops("west-midlands", "2024-1", tmp_path, api=api)


def test_fetch_stops_writes_archive_layout(tmp_path: Path) -> None:
    with fake_api(routes()) as api:
        path = fetch_stops("west-midlands", "2024-01", tmp_path, api=api)

    assert path == tmp_path / "2024-01" / "2024-01-west-midlands-stop-and-search.csv"
    assert leftovers(path.parent) == [path.name]  # no temporary file left
    raw = path.read_bytes()
    assert b"\r" not in raw
    text = raw.decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == ARCHIVE_HEADER
    assert text.endswith("\n")
    assert lines[1] == (
        "Person search,2024-01-05T10:30:00+00:00,False,,52.480000,-1.900000,Male,18-24,"
        "White - English/Welsh/Scottish/Northern Irish/British,White,"
        "Misuse of Drugs Act 1971 (section 23),Controlled drugs,A no further action disposal,"
        "False,False"
    )

    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4
    assert all(len(row) == 15 and None not in row for row in rows)
    assert tuple(rows[0].keys()) == STOP_AND_SEARCH_HEADER

    legacy = rows[1]  # "outcome": false, location null, booleans null
    assert legacy["Outcome"] == ""
    assert legacy["Latitude"] == "" and legacy["Longitude"] == ""
    assert legacy["Part of a policing operation"] == ""
    assert legacy["Outcome linked to object of search"] == ""
    assert legacy["Removal of more than just outer clothing"] == ""
    assert legacy["Officer-defined ethnicity"] == ""
    assert legacy["Date"] == "2024-01-12T00:00:00+00:00"

    operation = rows[2]  # "outcome": null with an outcome_object, operation with a comma
    assert operation["Outcome"] == "Arrest"
    assert operation["Part of a policing operation"] == "True"
    assert operation["Policing operation"] == "Operation Example, phase 2"
    assert operation["Outcome linked to object of search"] == "True"
    assert operation["Removal of more than just outer clothing"] == "True"

    vehicle = rows[3]  # vehicle-only: blank person fields, raw legislation kept as published
    assert vehicle["Type"] == "Vehicle search"
    assert vehicle["Gender"] == "" and vehicle["Age range"] == ""
    assert vehicle["Legislation"] == "Environmental Protection Act 1990 (section 34B )"
    assert vehicle["Outcome"] == "Community resolution"


def test_fetch_stops_replaces_an_earlier_file(tmp_path: Path) -> None:
    target = tmp_path / "2024-01" / "2024-01-west-midlands-stop-and-search.csv"
    target.parent.mkdir()
    target.write_text("stale\n")
    with fake_api(routes()) as api:
        fetch_stops("west-midlands", "2024-01", tmp_path, api=api)
    assert target.read_text().startswith("Type,Date,")


def test_fetch_stops_empty_force_month_gives_header_only(tmp_path: Path) -> None:
    with fake_api(routes()) as api:
        path = fetch_stops("city-of-london", "2024-01", tmp_path, api=api)
    assert path.read_text(encoding="utf-8") == ARCHIVE_HEADER + "\n"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-05T10:30:00+00:00", "2024-01-05T10:30:00+00:00"),
        ("2024-01-05T10:30:00Z", "2024-01-05T10:30:00+00:00"),
        ("2024-07-05T10:30:00", "2024-07-05T10:30:00+00:00"),
        ("2024-07-05T11:30:00+01:00", "2024-07-05T10:30:00+00:00"),
        ("2024-07-05", "2024-07-05T00:00:00+00:00"),
        ("not a date", "not a date"),
        (None, ""),
    ],
)
def test_datetime_written_with_utc_offset(raw: str | None, expected: str) -> None:
    row = stop_to_archive_row({"datetime": raw})
    assert row[1] == expected


def test_row_mapping_of_outcome_variants_and_missing_fields() -> None:
    assert stop_to_archive_row({})[12] == ""
    assert stop_to_archive_row({"outcome": False})[12] == ""
    assert stop_to_archive_row({"outcome": "Arrest"})[12] == "Arrest"
    named = {"outcome": False, "outcome_object": {"id": "bu-arrest", "name": "Arrest"}}
    assert stop_to_archive_row(named)[12] == "Arrest"
    assert stop_to_archive_row({})[:2] == ["", ""]
    assert len(stop_to_archive_row({})) == 15
    located = {"location": {"latitude": 52.48, "longitude": -1.9, "street": {}}}
    assert stop_to_archive_row(located)[4:6] == ["52.480000", "-1.900000"]


def test_fetched_stops_load_with_ingest(tmp_path: Path) -> None:
    import openpeel

    with fake_api(routes()) as api:
        fetch_stops("west-midlands", "2024-01", tmp_path / "api", api=api)
    report = openpeel.ingest([tmp_path / "api"], tmp_path / "data")
    assert report.refused == []
    assert report.totals()["unknown_values"] == 0
    by_kind = report.by_kind()
    assert by_kind["stop-and-search"]["rows_loaded"] == 4
    assert report.totals()["rows_read"] == report.totals()["rows_loaded"]
    ss = openpeel.connect(tmp_path / "data").table("stop_searches").execute()
    assert ss.outcome_raw.isna().sum() == 1  # "outcome": false in older JSON is no outcome
