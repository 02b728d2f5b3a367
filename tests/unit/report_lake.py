"""A small synthetic lake for the report and public-page tests (two forces, six months, the demo
population, a little call data, an offender extract and a vulnerability extract), built once per
test session."""

from __future__ import annotations

from pathlib import Path

from openpeel.store.calls import load_call_log, load_calls_999, load_incidents
from openpeel.store.ingest import ingest
from openpeel.store.lake import Lake
from openpeel.store.offenders import load_offender_extract
from openpeel.store.vulnerability import load_folder
from openpeel.synth import write_archive
from openpeel.synth.calls import write_calls_demo
from openpeel.synth.offenders import write_offender_extract
from openpeel.synth.population import demo_population
from openpeel.synth.vulnerability import write_vulnerability_extract

FORCE = "west-midlands"
START, END = "2021-10", "2022-03"


def build_lake(folder: Path) -> Path:
    """Write and load the lake into folder; returns the data directory."""
    archive = folder / "archive"
    write_archive(archive, start=START, end=END, seed=3, scale=0.02, forces=[FORCE, "west-mercia"])
    ingest([archive], folder)
    Lake(folder).write_reference("population", demo_population())
    calls = write_calls_demo(
        folder / "calls", FORCE, START, END, seed=3, scale=0.01, force_ids=[FORCE, "west-mercia"]
    )
    load_calls_999(calls.files["calls_999_monthly"], folder)
    load_call_log(calls.files["call_log"], FORCE, folder)
    load_incidents(calls.files["incidents"], FORCE, folder)
    offenders = write_offender_extract(folder / "offenders", FORCE, "2021-04", END, 3, 150)
    load_offender_extract(offenders.out_dir, FORCE, folder)
    vulnerability = write_vulnerability_extract(
        folder / "vulnerability", FORCE, "2021-04", 12, 3, 0.01
    )
    load_folder(vulnerability.out_dir, FORCE, folder)
    return folder


_SHARED: dict[str, object] = {}


def shared_lake(factory: object) -> Path:
    """One lake per test session, whichever module asks first (factory: tmp_path_factory)."""
    if "lake" not in _SHARED:
        _SHARED["lake"] = build_lake(factory.mktemp("report-lake"))  # type: ignore[attr-defined]
    return _SHARED["lake"]  # type: ignore[return-value]
