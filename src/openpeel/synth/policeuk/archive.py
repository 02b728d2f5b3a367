"""Writing a synthetic archive: the month folders, one CSV per force, month and kind, and the
``SYNTHETIC.json`` marker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.provenance import write_marker
from openpeel.reference.forces import force as lookup_force
from openpeel.reference.forces import forces as all_forces
from openpeel.synth import profiles as pr
from openpeel.synth.policeuk.draws import (
    KINDS,
    NO_OUTCOMES_FORCES,
    NO_STOP_AND_SEARCH_FORCES,
    OUTCOMES_COLUMNS,
    STOP_AND_SEARCH_COLUMNS,
    STREET_COLUMNS,
    _ids_array,
    _month_index,
    _month_label,
    _OutcomeBatch,
    _Plan,
    _seasonal,
    _Vocabularies,
)
from openpeel.synth.policeuk.geography import (
    _build_geography,
    _Geography,
)
from openpeel.synth.policeuk.searches import (
    _generate_searches,
)
from openpeel.synth.policeuk.street import (
    _Crimes,
    _generate_crimes,
)


@dataclass
class SynthSummary:
    """What ``write_archive`` wrote.

    Attributes:
        out_dir: The archive folder.
        files: Every CSV file written, in the order written.
        rows: Data rows written per kind ("street", "outcomes", "stop-and-search").
        snapshot: Snapshot label of the archive ("synthetic-<end>").
        forces: Force ids generated.
        months: Months (``YYYY-MM``) that have files.
    """

    out_dir: Path
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    snapshot: str = ""
    forces: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)


def national_force_ids() -> list[str]:
    """The 44 forces of England and Wales in the archive: the 43 territorial forces and BTP.

    Returns:
        Force ids, sorted.
    """
    return sorted(
        f.force_id for f in all_forces().values() if f.pfa_code is not None or f.force_id == "btp"
    )


def write_archive(
    out_dir: Path,
    force_id: str = "west-midlands",
    start: str = "2021-04",
    end: str = "2022-03",
    seed: int = 1,
    scale: float = 1.0,
    missing_months: Sequence[str] = (),
    kinds: Sequence[str] = KINDS,
    forces: Sequence[str] | None = None,
    legacy_vocabulary: bool = False,
    line_ending: str = "\n",
    outcome_lead_in: int = 0,
) -> SynthSummary:
    """Write a synthetic data.police.uk bulk archive folder.

    Args:
        out_dir: Folder to write into (created if needed); month folders go directly inside.
        force_id: The force to generate when ``forces`` is None.
        start: First month, ``YYYY-MM``.
        end: Last month, ``YYYY-MM``; also the snapshot date: outcomes after it are not known.
        seed: Seed of every random draw (a non-negative integer).
        scale: Multiplies every volume (1.0 gives realistic monthly volumes).
        missing_months: Months (``YYYY-MM``) that get no files, as when a force did not supply.
        kinds: Which files to write, a subset of ``KINDS``.
        forces: Force ids to generate (e.g. ``national_force_ids()``); None means ``force_id``.
        legacy_vocabulary: Use legacy PACE-coded ethnicity and legacy stop-search outcome labels
            instead of the current ones.
        line_ending: ``"\\n"`` (default) or ``"\\r\\n"``.
        outcome_lead_in: Months before ``start`` whose crimes are drawn but not written, so
            that the outcomes files of the first months also carry outcomes of older crimes
            (orphans, as in real files: an outcome often comes months after its crime).

    Returns:
        A summary of the files and rows written.

    Raises:
        ValueError: On a malformed month, an empty range, an unknown kind, a negative scale,
            seed or lead-in, or a line ending other than LF or CRLF.
        KeyError: On an unknown force id.
    """
    # A lone string is one value, not a sequence of characters.
    kinds = [kinds] if isinstance(kinds, str) else kinds
    missing_months = [missing_months] if isinstance(missing_months, str) else missing_months
    forces = [forces] if isinstance(forces, str) else forces
    start_index = _month_index(start)
    end_index = _month_index(end)
    if end_index < start_index:
        raise ValueError(f"end {end} is before start {start}")
    for kind in kinds:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; known kinds: {', '.join(KINDS)}")
    if scale < 0:
        raise ValueError(f"scale must be >= 0, got {scale}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    if outcome_lead_in < 0:
        raise ValueError(f"outcome_lead_in must be >= 0, got {outcome_lead_in}")
    if line_ending not in ("\n", "\r\n"):
        raise ValueError("line_ending must be '\\n' or '\\r\\n'")
    missing = {_month_index(m) for m in missing_months}
    force_ids = list(dict.fromkeys(forces if forces is not None else [force_id]))
    for fid in force_ids:
        lookup_force(fid)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = _Plan(
        out_dir=out_dir,
        months=[m for m in range(start_index, end_index + 1) if m not in missing],
        end_index=end_index,
        kinds=tuple(k for k in KINDS if k in kinds),
        seed=seed,
        scale=scale,
        line_ending=line_ending.encode("ascii"),
        lead_in=list(range(start_index - outcome_lead_in, start_index)),
        vocab=_Vocabularies.build(legacy_vocabulary),
    )
    summary = SynthSummary(
        out_dir=out_dir,
        rows=dict.fromkeys(plan.kinds, 0),
        snapshot=f"synthetic-{end}",
        forces=force_ids,
        months=[_month_label(m) for m in plan.months],
    )
    for fid in force_ids:
        _write_force(plan, fid, summary)

    marker = {
        "generator": "openpeel",
        "seed": seed,
        "forces": force_ids,
        "start": start,
        "end": end,
        "snapshot": summary.snapshot,
        "scale": scale,
        "kinds": list(plan.kinds),
        "missing_months": sorted(_month_label(m) for m in missing),
        "legacy_vocabulary": legacy_vocabulary,
        "outcome_lead_in": outcome_lead_in,
    }
    write_marker(out_dir, marker)
    return summary


def _write_csv(
    path: Path, header: Sequence[str], columns: list[pa.Array | str | None], le: bytes
) -> None:
    """Write one CSV file: header, then one line per row, blank for nulls, no quoting.

    No generated value contains a comma, quote or line break, so no field needs quoting, as in
    the published files.
    """
    args: list[pa.Array | pa.Scalar] = [
        c if isinstance(c, pa.Array) else pa.scalar(c, pa.string()) for c in columns
    ]
    lines = pc.binary_join_element_wise(*args, ",", null_handling="replace", null_replacement="")
    lines = pc.binary_join_element_wise(lines, "", le.decode("ascii"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        f.write(",".join(header).encode("utf-8") + le)
        if len(lines):
            offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
            first = int(offsets[lines.offset])
            last = int(offsets[lines.offset + len(lines)])
            f.write(memoryview(lines.buffers()[2])[first:last])


def _draw_month_crimes(
    plan: _Plan,
    force_id: str,
    month: int,
    geography: _Geography,
    available: set[int],
    pending: dict[int, list[_OutcomeBatch]],
) -> _Crimes:
    """Draw a month's crimes (seasonal volume for the force's size) and queue the outcome
    batches they produce for the months of the window."""
    size = pr.force_profile(force_id).size_thousands
    expected = size * pr.STREET_ROWS_PER_THOUSAND * plan.scale * _seasonal(month, 0.07, 7)
    crimes = _generate_crimes(plan, force_id, month, expected, geography)
    for target, batch in crimes.outcome_batches.items():
        if target in available:
            pending.setdefault(target, []).append(batch)
    return crimes


def _write_force(plan: _Plan, force_id: str, summary: SynthSummary) -> None:
    """Write every month's files of one force."""
    meta = lookup_force(force_id)
    profile = pr.force_profile(force_id)
    vocab = plan.vocab
    geography = _build_geography(plan, force_id, vocab)
    kinds = [
        k
        for k in plan.kinds
        if not (k == "outcomes" and force_id in NO_OUTCOMES_FORCES)
        and not (k == "stop-and-search" and force_id in NO_STOP_AND_SEARCH_FORCES)
    ]
    wants_crimes = "street" in kinds or "outcomes" in kinds
    pending: dict[int, list[_OutcomeBatch]] = {}
    available = set(plan.months)

    # Crimes of the lead-in months are drawn only for the outcomes they produce in the window.
    if "outcomes" in kinds:
        for month in plan.lead_in:
            _draw_month_crimes(plan, force_id, month, geography, available, pending)

    for month in plan.months:
        label = _month_label(month)
        folder = plan.out_dir / label

        if wants_crimes:
            crimes = _draw_month_crimes(plan, force_id, month, geography, available, pending)
            if "street" in kinds:
                path = folder / f"{label}-{force_id}-street.csv"
                columns: list[pa.Array | str | None] = [
                    crimes.crime_id,
                    label,
                    meta.reported_by,
                    meta.reported_by,
                    geography.longitude.take(crimes.points),
                    geography.latitude.take(crimes.points),
                    geography.location.take(crimes.points),
                    geography.lsoa_code.take(crimes.points),
                    geography.lsoa_name.take(crimes.points),
                    vocab.crime_types.take(crimes.crime_type),
                    crimes.last_outcome,
                    None,
                ]
                _write_csv(path, STREET_COLUMNS, columns, plan.line_ending)
                summary.files.append(path)
                summary.rows["street"] += len(crimes.points)

        if "outcomes" in kinds:
            batches = pending.pop(month, [])
            ids = (
                np.concatenate([b.ids for b in batches]) if batches else np.empty((0, 64), np.uint8)
            )
            points = pa.array(
                np.concatenate([b.points for b in batches]) if batches else [], pa.int64()
            )
            outcomes = pa.array(
                np.concatenate([b.outcomes for b in batches]) if batches else [], pa.int64()
            )
            path = folder / f"{label}-{force_id}-outcomes.csv"
            columns = [
                _ids_array(ids),
                label,
                meta.reported_by,
                meta.reported_by,
                geography.longitude.take(points),
                geography.latitude.take(points),
                geography.location.take(points),
                geography.lsoa_code.take(points),
                geography.lsoa_name.take(points),
                vocab.outcome_values.take(outcomes),
            ]
            _write_csv(path, OUTCOMES_COLUMNS, columns, plan.line_ending)
            summary.files.append(path)
            summary.rows["outcomes"] += len(ids)

        if "stop-and-search" in kinds:
            expected = (
                profile.size_thousands
                * pr.STOP_SEARCHES_PER_THOUSAND
                * plan.scale
                * _seasonal(month, 0.05, 5)
            )
            searches = _generate_searches(plan, force_id, month, expected, geography)
            path = folder / f"{label}-{force_id}-stop-and-search.csv"
            _write_csv(path, STOP_AND_SEARCH_COLUMNS, list(searches), plan.line_ending)
            summary.files.append(path)
            summary.rows["stop-and-search"] += len(searches[0])
