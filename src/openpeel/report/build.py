"""Assemble a force's report: the PEEL framework in force, one section per area."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from openpeel.calendar import Period
from openpeel.config import Workspace, workspace_for
from openpeel.errors import DataUnavailableError
from openpeel.indicators.computed_once import computing_once
from openpeel.reference.forces import force
from openpeel.reference.peel_framework import framework, framework_for, grades
from openpeel.report.model import AreaSection, Panel, Report
from openpeel.report.stored_views import Views
from openpeel.report.summary import summarise

#: Told each stage as it starts: what is being done, stages done so far and stages in all.
Progress = Callable[[str, int, int], None]


def _operational_db(where: Workspace) -> Any:
    """The operational database of the workspace (its data directory's, or the configured
    database URL) when it exists and is migrated (recorded grades, improvements); None
    otherwise: the report then shows suggested grades only."""
    from sqlalchemy.exc import SQLAlchemyError

    from openpeel.database.engine import cached_engine
    from openpeel.database.migrate import DatabaseError, require_schema

    url = where.database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    try:
        engine = cached_engine(url)
        require_schema(engine)
    except (DatabaseError, SQLAlchemyError):
        return None
    return engine


def _views(where: Workspace) -> Views:
    """The stored views of the workspace (``report.stored_views``: what the loads prepared for
    the lake as it is), computing on one connection, opened on the first view not stored."""
    opened: list[Any] = []

    def connect() -> Any:
        if not opened:
            import openpeel
            from openpeel.report import charts

            con = openpeel.connect(where)
            if getattr(con, "name", "") == "duckdb":
                con.raw_sql("SET enable_progress_bar = false")  # the caller shows the stages
            charts.warm_up()  # charts will be drawn: start their engine while queries run
            opened.append(con)
        return opened[0]

    return Views(where.data_dir, connect)


def _assessment(
    views: Views, where: Workspace, force_id: str, period: Period, framework_id: str
) -> Any:
    """The PEEL assessment for the report, or None when the framework has no rules yet. The
    indicators the rules judge are read from the stored views; any other asked for is computed
    on the views' connection."""
    from openpeel.assess.assessment import assess
    from openpeel.assess.framework_rules import RulesError

    data = views.assessment_data(force_id, period, framework_id)
    cache = replace(
        data, results=dict(data.results), judged=dict(data.judged), connect=views.connect
    )
    try:
        return assess(cache, force_id, period, framework=framework_id, db=_operational_db(where))
    except RulesError:  # the framework has no rules yet: no assessment boxes
        return None


def build_report(
    data_dir: Workspace | Path | str,
    force_id: str,
    period: Period,
    framework_id: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Compute every indicator openpeel has for a force and period, arranged by PEEL area.

    Args:
        data_dir: the workspace (or its data directory) holding the lake and the operational
            database.
        force_id: a data.police.uk force id (e.g. ``west-midlands``).
        period: the months to report on.
        framework_id: a PEEL framework id (default: the one in force in the period's last month).
        progress: called as each stage starts (a section's indicators, the assessment), with
            its description, the stages done and the number of stages.

    Returns:
        A :class:`Report`; write it with :func:`write_html` or :func:`write_pdf`.

    Raises:
        UnknownIdError: the force id is not a data.police.uk force (the message lists them).
        DataUnavailableError: no indicator has any data for the force and period.
    """
    # The sections and the assessment ask for many of the same indicators: each runs once.
    with computing_once():
        return _build(data_dir, force_id, period, framework_id, progress or _quiet)


def _quiet(stage: str, done: int, total: int) -> None:
    """No progress display."""


def section_label(name: str) -> str:
    """A section's name for a progress display: 'official_crime' -> 'official crime'."""
    return name.replace("_", " ")


def _build(
    data_dir: Workspace | Path | str,
    force_id: str,
    period: Period,
    framework_id: str | None,
    progress: Progress,
) -> Report:
    info = force(force_id)
    fw = framework(framework_id) if framework_id else framework_for(period.end)
    names = list(dict.fromkeys(name for area in fw.areas for name in area.sections))
    total = len(names) + 2  # the lake's provenance, each section, the assessment
    progress("Reading what the lake holds", 0, total)
    where = workspace_for(data_dir)
    views = _views(where)
    provenance = views.provenance(force_id)
    computed: dict[str, list[Panel]] = {}
    sections: list[AreaSection] = []
    for area in fw.areas:
        panels: list[Panel] = []
        for name in area.sections:
            if name not in computed:
                progress(f"Computing {section_label(name)}", 1 + len(computed), total)
                computed[name] = views.section_panels(name, force_id, period)
            panels.extend(computed[name])
        sections.append(AreaSection(area, panels))
    results = [p.result for ps in computed.values() for p in ps if p.result is not None]
    if all(p.unavailable or p.result is None for ps in computed.values() for p in ps):
        reasons = sorted({p.unavailable for ps in computed.values() for p in ps if p.unavailable})
        raise DataUnavailableError(
            f"no data for {force_id} in {period.label}: nothing to report"
            + (f" ({reasons[0]})" if reasons else "")
        )
    progress("Assessing the PEEL areas", total - 1, total)
    assessment = _assessment(views, where, force_id, period, fw.framework_id)
    if assessment is not None:
        by_area = {a.area.area_id: a for a in assessment.areas}
        for section in sections:
            section.assessment = by_area.get(section.area.area_id)
    synthetic_population = "population" in provenance.synthetic_tables
    is_synthetic = provenance.is_synthetic or any(r.is_synthetic for r in results)
    notes = [
        "Every number has its definition, interval and caveats beside it. Intervals are 95% "
        "unless the definition says otherwise.",
        "Comparisons with peers use the forces loaded in the lake; targets are national "
        "standards where one exists (for example 90% of 999 calls answered within 10 seconds).",
        "Areas with nothing to show are listed on the summary, grouped by why; they get no "
        "page of their own. How each figure is measured, and the evidence behind each "
        "characteristic, are in the appendix.",
    ]
    if synthetic_population:
        notes.insert(0, "The population denominators are SYNTHETIC: rates are not real.")
    return Report(
        force_id=force_id,
        force_name=info.name,
        period=period,
        framework=fw,
        grades=grades(),
        sections=sections,
        is_synthetic=is_synthetic,
        generated_at=datetime.now().replace(microsecond=0),
        data_notes=notes,
        meta={"data_dir": str(where.data_dir)},
        summary=summarise(sections),
    )
