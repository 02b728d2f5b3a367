"""The demo as a library function: synthesise a force-year in the real formats, load it, and
(optionally) write the PEEL report. The ``openpeel demo`` command, the report and public-page
tests and the benchmarks all build their synthetic lakes through :func:`build_demo`.

Everything it writes is SYNTHETIC and labelled so (archive snapshot, population source, call
files). May import every layer below the faces (``report``, ``synth``, ``store``, ...).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import openpeel
from openpeel.calendar import Period, add_months, last_day
from openpeel.config import Where, Workspace, workspace_for
from openpeel.store.calls import load_call_log, load_calls_999, load_incidents
from openpeel.store.crime_recording import load_crime_recording_extract
from openpeel.store.ingest import IngestReport, ingest
from openpeel.store.lake import Lake
from openpeel.store.offenders import load_offender_extract
from openpeel.store.official import load_official
from openpeel.store.vulnerability import load_folder as load_vulnerability_folder
from openpeel.synth import SynthSummary, write_archive
from openpeel.synth.calls import write_calls_demo
from openpeel.synth.crime_recording import read_truth, write_crime_recording_extract
from openpeel.synth.offenders import write_offender_extract
from openpeel.synth.official import PEERS, write_official
from openpeel.synth.population import demo_population
from openpeel.synth.vulnerability import write_vulnerability_extract

DEMO_FORCE = "west-midlands"
DEMO_START, DEMO_END = "2021-04", "2022-03"
#: The file a finished demo leaves in its data directory: what built it, for a re-run to check.
FINISHED = "DEMO-FINISHED.json"


@dataclass
class DemoLake:
    """What :func:`build_demo` wrote and loaded."""

    data_dir: Path
    force_id: str
    period: Period
    archive: SynthSummary
    ingest: IngestReport
    call_rows: dict[str, int]
    offender_rows: dict[str, int]
    offenders_as_at: date
    vulnerability_rows: dict[str, int] = field(default_factory=dict)
    official_files: list[Path] = field(default_factory=list)
    audit_id: int | None = None
    reports: dict[str, Path] = field(default_factory=dict)


def build_demo(
    where: Where,
    *,
    forces: Sequence[str] = (DEMO_FORCE,),
    start: str = DEMO_START,
    end: str = DEMO_END,
    seed: int = 1,
    scale: float = 1.0,
    calls_scale: float = 0.1,
    offenders: int = 1500,
    offenders_period: tuple[str, str] = ("2021-04", "2024-03"),
    vulnerability_months: int = 24,
    vulnerability_scale: float = 0.1,
    audit_incidents: int = 8000,
    progress: Callable[[int, int], None] | None = None,
) -> DemoLake:
    """Write and load a SYNTHETIC lake: police.uk files for ``forces`` (the first one is the
    force the call-handling files and the report are for), the demo population and call data.

    Args:
        where: the workspace or data directory to build in (created).
        forces: data.police.uk force ids; the first is the demo's force.
        start: first month (``YYYY-MM``).
        end: last month.
        seed: the random seed (the same seed writes the same files).
        scale: size of the police.uk files relative to the real force.
        calls_scale: size of the call log relative to the real force.
        offenders: registered sex offenders in the offender management extract.
        offenders_period: first and last month of the offender management extract.
        vulnerability_months: months of the vulnerability extract (from ``start``).
        vulnerability_scale: size of the vulnerability extract relative to the real force.
        audit_incidents: incidents in the crime recording extract of the period's last six
            months, audited by two stand-in auditors into a finished crime data integrity audit
            (in the workspace's operational database; 0: no audit).
        progress: called with (files done, files in all) during the ingest.
    """
    ws = workspace_for(where)
    data_dir = ws.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    force_id = forces[0]
    archive_dir = data_dir / "synthetic-archive"
    summary = write_archive(
        archive_dir,
        force_id=force_id,
        start=start,
        end=end,
        seed=seed,
        scale=scale,
        forces=list(forces) if len(forces) > 1 else None,
    )
    report = ingest([archive_dir], ws, progress=progress)
    Lake(data_dir).write_reference("population", demo_population())
    calls = write_calls_demo(
        data_dir / "synthetic-calls",
        force_id,
        start,
        end,
        seed,
        calls_scale,
        force_ids=list(forces) if len(forces) > 1 else None,
    )
    load_calls_999(calls.files["calls_999_monthly"], ws)
    load_call_log(calls.files["call_log"], force_id, ws)
    load_incidents(calls.files["incidents"], force_id, ws)
    extract = write_offender_extract(
        data_dir / "synthetic-offenders", force_id, *offenders_period, seed, offenders
    )
    load_offender_extract(extract.out_dir, force_id, ws)
    vulnerability = write_vulnerability_extract(
        data_dir / "synthetic-vulnerability",
        force_id,
        start,
        vulnerability_months,
        seed,
        vulnerability_scale,
    )
    load_vulnerability_folder(vulnerability.out_dir, force_id, data_dir)
    official = write_official(
        data_dir / "synthetic-official",
        force_id,
        official_year(end),
        seed,
        peers=tuple(dict.fromkeys([*forces[1:], *PEERS])),
    )
    load_official(official.files, data_dir)
    audit_id = (
        _finished_audit(ws, force_id, end, seed, audit_incidents) if audit_incidents else None
    )
    return DemoLake(
        data_dir,
        force_id,
        _period(start, end),
        summary,
        report,
        dict(calls.rows),
        dict(extract.rows),
        extract.as_at,
        dict(vulnerability.rows),
        list(official.files),
        audit_id,
    )


def _finished_audit(ws: Workspace, force_id: str, end: str, seed: int, incidents: int) -> int:
    """A crime recording extract of the six months to ``end``, loaded, and a closed audit of it
    decided by stand-in auditors from the synthetic truth (figures published to the lake)."""
    from openpeel.crime_audit.stand_in import run_synthetic_audit
    from openpeel.database.engine import cached_engine
    from openpeel.database.migrate import upgrade

    last = Period.from_months(end, end).end
    first = add_months(last, -5)
    folder = ws.data_dir / "synthetic-crime-recording"
    write_crime_recording_extract(
        folder, force_id, f"{first:%Y-%m}", f"{last:%Y-%m}", seed, incidents
    )
    load_crime_recording_extract(folder, force_id, ws)
    engine = cached_engine(ws.database_url)
    upgrade(engine)
    # R of U = R(1 - p)/p: the year's recorded crime in the lake (police.uk, no fraud in it), as
    # the inspectorate scales its audits; the extract's own count when the lake has none.
    con = openpeel.connect(ws)
    crimes = con.table("crimes")
    year = crimes.filter(
        (crimes.force_id == force_id)
        & (crimes.month >= add_months(last, -11))
        & (crimes.month <= last)
    )
    recorded = int(year.count().execute())
    return run_synthetic_audit(
        engine,
        read_truth(folder),
        ws,
        half_width=0.04,
        seed=seed,
        force_id=force_id,
        title=f"Crime data integrity audit {first:%b %Y} to {last:%b %Y} (synthetic)",
        period_from=first,
        period_to=last_day(last),
        recorded_crimes_year=float(recorded) if recorded else None,
    )


def official_year(end: str) -> str:
    """The last financial year ending in or before the month ``end`` (``YYYY-MM``): the year of
    the synthetic official statistics, so the period shown always has an edition."""
    year, month = int(end[:4]), int(end[5:7])
    last = year if month >= 3 else year - 1
    return f"{last - 1}/{last % 100:02d}"


def _period(start: str, end: str) -> Period:
    """The demo's period: a financial year when the months are one, else the month range."""
    period = Period.from_months(start, end)
    if period.start.month == 4 and period.n_months == 12:
        return Period.financial_year(f"{period.start.year}/{(period.start.year + 1) % 100:02d}")
    return period


def write_demo_report(demo: DemoLake, where: Where | None = None) -> dict[str, Path]:
    """Write the demo force's PEEL report for the demo's period, as HTML and PDF."""
    from openpeel.report import build_report, write_html, write_pdf

    ws = workspace_for(where if where is not None else demo.data_dir)
    report = build_report(ws, demo.force_id, demo.period)
    stem = f"report-{demo.force_id}-{demo.period.label.replace('/', '-')}"
    demo.reports = {
        "html": write_html(report, demo.data_dir / f"{stem}.html"),
        "pdf": write_pdf(report, demo.data_dir / f"{stem}.pdf"),
    }
    return demo.reports


def demo_fingerprint(**parameters: object) -> dict[str, object]:
    """What a demo's files depend on: openpeel's version, a digest of its package files (code,
    vocabularies, templates: a changed checkout writes different files) and the parameters."""
    package = Path(openpeel.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".csv", ".toml", ".html", ".css", ".js"}:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return {"version": openpeel.__version__, "code": digest.hexdigest()[:16], **parameters}


def finished_demo(data_dir: Path, fingerprint: dict[str, object]) -> dict[str, str] | None:
    """The reports of a demo already finished in ``data_dir`` by the same openpeel and
    parameters (None when there is none, it differs, or one of its reports is gone)."""
    try:
        done = json.loads((data_dir / FINISHED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(done, dict) or done.get("built_by") != fingerprint:
        return None
    reports = done.get("reports")
    if not isinstance(reports, dict) or not all(
        isinstance(p, str) and (data_dir / p).is_file() for p in reports.values()
    ):
        return None
    return {kind: str(data_dir / p) for kind, p in reports.items()}


def mark_finished(demo: DemoLake, fingerprint: dict[str, object]) -> Path:
    """Record in the data directory that the demo finished (written last, so a demo stopped
    part-way is built again from the start)."""
    marker = demo.data_dir / FINISHED
    reports = {kind: str(p.relative_to(demo.data_dir)) for kind, p in demo.reports.items()}
    text = json.dumps({"built_by": fingerprint, "reports": reports}, indent=2)
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(marker)
    return marker


def forget_finished(data_dir: Path) -> None:
    """Remove the finished mark before a demo is built again (a rebuild stopped part-way must
    not look finished)."""
    (data_dir / FINISHED).unlink(missing_ok=True)
