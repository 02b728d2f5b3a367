"""Commands for crime data integrity audits: ``openpeel audit load|create|sample|status|
estimate|close|report`` (and ``openpeel synth crime-recording``, the synthetic extract). Auditors
decide records in the web app (``/staff/audits``)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from openpeel.cli.options import (
    CONFIDENCE,
    DATABASE_URL,
    force_option,
)
from openpeel.cli.output import (
    FORMAT,
    Context,
    console,
    emit,
    emit_extract_load,
    emit_result,
    user_errors,
)
from openpeel.cli.pages import prepare_pages


@click.group("audit")
def audit_group() -> None:
    """Crime data integrity audits: sample incidents, decide, estimate the recording rate."""


@audit_group.command("load")
@click.argument("folder", type=click.Path(path_type=Path))
@force_option()
@click.option("--snapshot", help="Label the load (default: from the extract).")
@FORMAT
@click.pass_obj
def load(obj: Context, folder: Path, force_id: str, snapshot: str | None, fmt: str) -> None:
    """Load a crime recording extract (docs/crime_recording.md); reloading changes nothing."""
    from openpeel.store.crime_recording import load_crime_recording_extract

    with user_errors():
        report = load_crime_recording_extract(folder, force_id, obj.data_dir, snapshot)
    prepare_pages(obj.workspace)
    emit_extract_load(
        report, fmt, f"Crime recording extract for {force_id} ({report.snapshot})", True
    )
    if report.is_synthetic and fmt == "table":
        console.print("[bold yellow]SYNTHETIC DATA[/]: this extract is not a real force's.")


def _session(obj: Context, database_url: str | None) -> Any:
    from openpeel.database.engine import cached_engine, session_scope
    from openpeel.database.migrate import require_schema

    engine = cached_engine(obj.database_url(database_url))
    require_schema(engine)
    return session_scope(engine)


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


@audit_group.command("create")
@force_option()
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD", help="First day audited.")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD", help="Last day audited.")
@click.option("--title", required=True, help="A name for the audit.")
@click.option(
    "--recorded-crimes-year", type=click.FloatRange(0), default=None,
    help="Crimes recorded in 12 months, fraud excluded (default: the extract's, scaled).",
)  # fmt: skip
@DATABASE_URL
@click.pass_obj
def create(
    obj: Context,
    force_id: str,
    start: str,
    end: str,
    title: str,
    recorded_crimes_year: float | None,
    database_url: str | None,
) -> None:
    """Create an audit of a force's incidents opened between two days."""
    from openpeel.crime_audit import audits

    with user_errors(), _session(obj, database_url) as session:
        audit = audits.create_audit(
            session,
            force_id,
            title,
            _day(start, "--from"),
            _day(end, "--to"),
            recorded_crimes_year=recorded_crimes_year,
        )
        audit_id = audit.id
    click.echo(f"Created audit {audit_id}. Draw its sample with: openpeel audit sample {audit_id}")


@audit_group.command("sample")
@click.argument("audit_id", type=int)
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), help="Seed (default: a fresh one).")
@click.option(
    "--half-width", default=0.02, show_default=True, type=click.FloatRange(0.001, 0.5),
    help="Target ± of the overall rate's 95% interval (sizes the sample).",
)  # fmt: skip
@click.option("--expected-rate", default=0.9, show_default=True, type=click.FloatRange(0.01, 0.99))
@click.option(
    "--crime-share", default=0.6, show_default=True, type=click.FloatRange(0.01, 1),
    help="Share of incidents expected to be crimes.",
)  # fmt: skip
@click.option("--sizes", help="Sizes by stratum instead, e.g. violence=300,sexual_offences=100,...")
@click.option(
    "--second-share", default=0.1, show_default=True, type=click.FloatRange(0, 1),
    help="Share of the sample a second auditor checks.",
)  # fmt: skip
@click.option("--verify", is_flag=True, help="Re-draw the stored sample and check it matches.")
@FORMAT
@DATABASE_URL
@click.pass_obj
def sample(
    obj: Context,
    audit_id: int,
    seed: int | None,
    half_width: float,
    expected_rate: float,
    crime_share: float,
    sizes: str | None,
    second_share: float,
    verify: bool,
    fmt: str,
    database_url: str | None,
) -> None:
    """Draw the audit's stratified sample (or --verify the stored one)."""
    from openpeel.crime_audit import audits, design

    with user_errors(), _session(obj, database_url) as session:
        audit = audits.get_audit(session, audit_id)
        if verify:
            if not audits.verify_sample(audit):
                raise audits.AuditError("the stored sample does NOT reproduce from its seed")
            click.echo(f"Audit {audit_id}: the sample reproduces from its seed and frame.")
            return
        audits.draw_sample(
            session,
            audit,
            obj.data_dir,
            design.parse_allocation(sizes) if sizes else None,
            seed,
            half_width,
            expected_rate,
            crime_share,
            second_share,
        )
        info = audits.design_info(audit)
        rows = _strata_rows(audit)
    emit(rows, fmt, title=f"Audit {audit_id}: sample drawn (seed {info['seed']})")
    if fmt == "table":
        console.print(
            f"{info['records']} incidents from a frame of {info['frame_size']:,} "
            f"(SHA-256 {info['frame_sha256'][:16]}...); {info['second_check_records']} for a "
            "second auditor."
        )


def _strata_rows(audit: Any) -> list[dict[str, Any]]:
    from openpeel.crime_audit.decisions import progress

    state = progress(audit)
    sizes = {r.stratum: r.stratum_size for r in audit.records}
    return [
        {
            "stratum": h,
            "frame_incidents": sizes[h],
            "sampled": total,
            "decided": done,
            "design_weight": round(sizes[h] / total, 3),
        }
        for h, (done, total) in state.by_stratum.items()
    ]


@audit_group.command("status")
@click.argument("audit_id", type=int, required=False)
@force_option(required=False, help="Only this force.")
@FORMAT
@DATABASE_URL
@click.pass_obj
def status(
    obj: Context, audit_id: int | None, force_id: str | None, fmt: str, database_url: str | None
) -> None:
    """List audits, or one audit's progress by stratum and its stored draw."""
    from openpeel.crime_audit import audits
    from openpeel.crime_audit.decisions import progress

    with user_errors(), _session(obj, database_url) as session:
        if audit_id is None:
            rows = []
            for a in audits.audits_of(session, force_id):
                state = progress(a)
                rows.append(
                    {
                        "audit_id": a.id,
                        "force_id": a.force_id,
                        "title": a.title,
                        "period_from": a.period_from,
                        "period_to": a.period_to,
                        "status": a.status,
                        "records": state.records,
                        "decided": state.decided,
                        "second_checks": f"{state.second_decided}/{state.second_check_records}",
                        "synthetic_data": a.is_synthetic,
                    }
                )
            emit(rows, fmt, title="Crime data integrity audits")
            return
        audit = audits.get_audit(session, audit_id)
        state = progress(audit)
        info = audits.design_info(audit)
        rows = _strata_rows(audit)
        synthetic = audit.is_synthetic
        line = (
            f"Audit {audit.id} ({audit.force_id}, {audit.period_from} to {audit.period_to}): "
            f"{audit.status}; {state.decided}/{state.records} decided, second checks "
            f"{state.second_decided}/{state.second_check_records}; seed {info['seed']}, frame "
            f"{info['frame_size']:,} incidents"
        )
    if fmt == "json":
        click.echo(json.dumps({"summary": line, "strata": rows}, default=str, indent=2))
        return
    emit(rows, fmt, title=line)
    if synthetic and fmt == "table":
        console.print("[bold yellow]SYNTHETIC DATA[/]: the incidents audited are not real.")


@audit_group.command("estimate")
@click.argument("audit_id", type=int)
@CONFIDENCE
@FORMAT
@DATABASE_URL
@click.pass_obj
def estimate(
    obj: Context, audit_id: int, confidence: float, fmt: str, database_url: str | None
) -> None:
    """The audit's recording rate (overall, violence, sexual offences, by stratum), timeliness,
    classification, unrecorded crimes a year and the auditors' kappa, with intervals."""
    from openpeel.crime_audit import audits
    from openpeel.crime_audit.estimates import audit_estimates

    with user_errors(), _session(obj, database_url) as session:
        result = audit_estimates(audits.get_audit(session, audit_id), confidence).result()
    emit_result(result, fmt)


@audit_group.command("close")
@click.argument("audit_id", type=int)
@DATABASE_URL
@click.pass_obj
def close(obj: Context, audit_id: int, database_url: str | None) -> None:
    """Close an audit whose every record is decided and publish its figures to the report."""
    from openpeel.crime_audit import audits
    from openpeel.crime_audit.workflow import finish_audit

    with user_errors(), _session(obj, database_url) as session:
        finish_audit(session, audits.get_audit(session, audit_id), None, obj.data_dir)
    click.echo(f"Audit {audit_id} closed; its figures feed 'Recording data about crime'.")


@audit_group.command("report")
@click.argument("audit_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@DATABASE_URL
@click.pass_obj
def report(obj: Context, audit_id: int, out: Path, database_url: str | None) -> None:
    """Write the audit's own report: OUT.html (self-contained) or OUT.pdf."""
    from openpeel.crime_audit import audits
    from openpeel.report.audit_report import audit_report, write_audit_report

    if out.suffix.lower() not in (".html", ".pdf"):
        raise click.ClickException("OUT must end in .html or .pdf")
    with user_errors(), _session(obj, database_url) as session:
        audit = audits.get_audit(session, audit_id)
        if audit.seed is None:
            raise audits.AuditError("the audit has no sample yet: nothing to report")
        path = write_audit_report(audit_report(audit), out)
    click.echo(f"Wrote {path}")


COMMANDS = (audit_group,)
