"""What the lake holds: forces × months per table, with gaps and snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openpeel.calendar import month_range
from openpeel.config import Where, workspace_for
from openpeel.provenance import any_synthetic
from openpeel.store.lake import Lake
from openpeel.store.tables import force_month_tables


@dataclass(frozen=True)
class ForceCoverage:
    """One table and force: which months are loaded, which are missing between them."""

    table_name: str
    force_id: str
    first_month: date
    last_month: date
    months_loaded: int
    missing_months: tuple[date, ...]
    rows: int
    rows_rejected: int
    snapshots: tuple[str, ...]
    is_synthetic: bool


@dataclass(frozen=True)
class MonthStatus:
    """One table, force and month: loaded (with rows and snapshot) or missing."""

    table_name: str
    force_id: str
    month: date
    status: str  # loaded | missing
    rows: int | None
    rows_rejected: int | None
    snapshot: str | None


def lake_months(data_dir: Where = None) -> list[MonthStatus]:
    """Every force-month per table between each force's first and last loaded month.

    A month with no file is reported as ``missing`` (missing data, never zero).
    """
    lake = Lake(workspace_for(data_dir).data_dir)
    by_key: dict[tuple[str, str], dict[date, MonthStatus]] = {}
    police = set(force_month_tables())
    for p in lake.current():
        if p.table_name not in police or p.force_id is None or p.month is None:
            continue
        by_key.setdefault((p.table_name, p.force_id), {})[p.month] = MonthStatus(
            p.table_name, p.force_id, p.month, "loaded", p.rows_loaded, p.rows_rejected, p.snapshot
        )
    out: list[MonthStatus] = []
    for (table, force_id), months in sorted(by_key.items()):
        for month in month_range(min(months), max(months)):
            out.append(
                months.get(month, MonthStatus(table, force_id, month, "missing", None, None, None))
            )
    return out


def lake_coverage(data_dir: Where = None) -> list[ForceCoverage]:
    """One line per table and force: the months covered, gaps, rows and snapshots."""
    groups: dict[tuple[str, str], list[MonthStatus]] = {}
    for m in lake_months(data_dir):
        groups.setdefault((m.table_name, m.force_id), []).append(m)
    out = []
    for (table, force_id), months in groups.items():
        loaded = [m for m in months if m.status == "loaded"]
        snapshots = tuple(sorted({m.snapshot for m in loaded if m.snapshot}))
        out.append(
            ForceCoverage(
                table,
                force_id,
                months[0].month,
                months[-1].month,
                len(loaded),
                tuple(m.month for m in months if m.status == "missing"),
                sum(m.rows or 0 for m in loaded),
                sum(m.rows_rejected or 0 for m in loaded),
                snapshots,
                any_synthetic(snapshots),
            )
        )
    return out


def describe_months(months: tuple[date, ...] | list[date]) -> str:
    """Months as short ranges: ``2021-12, 2022-06, 2022-12..2024-01``."""
    parts: list[str] = []
    run: list[date] = []
    for m in sorted(months):
        if run and month_range(run[-1], m)[1:] != [m]:
            parts.append(_run_text(run))
            run = []
        run.append(m)
    if run:
        parts.append(_run_text(run))
    return ", ".join(parts)


def _run_text(run: list[date]) -> str:
    first, last = run[0].isoformat()[:7], run[-1].isoformat()[:7]
    return first if len(run) == 1 else f"{first}..{last}"
