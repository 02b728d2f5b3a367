"""Whether the data behind a number is synthetic, decided in one place, and how to say so.

Every table in the lake carries where its rows came from: a ``snapshot`` label (police.uk
partitions, call tables) or a ``source`` label (population). The synthetic generators write
labels that begin with "synthetic" (``synthetic-2024-03``, ``synthetic-calls-2024-03``,
``SYNTHETIC demo population ...``); real loads never do. That prefix, in any case, is the one
rule. Every face (report, PDF, charts, CLI tables, CSV, JSON, web pages and downloads) asks this
module and prints :data:`SYNTHETIC_MARK` on anything made from synthetic data, so demo numbers
can never be mistaken for a real force's figures.

This module sits at the bottom of the package: it imports nothing from openpeel.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SYNTHETIC_PREFIX = "synthetic"
#: The marking every output made from synthetic data carries (page, chart, table, export).
SYNTHETIC_MARK = "SYNTHETIC DATA — not real figures"
#: The same in plain ASCII, for places that may not render the dash (CSV comment lines).
SYNTHETIC_MARK_ASCII = "SYNTHETIC DATA - not real figures"

#: Lake tables and the column holding each row's provenance label.
LABEL_COLUMNS: dict[str, str] = {
    "lake_partitions": "snapshot",
    "population": "source",
    "calls_999_monthly": "snapshot",
    "call_log": "snapshot",
    "incidents": "snapshot",
    "offenders": "snapshot",
}


def is_synthetic_label(label: Any) -> bool:
    """True when a snapshot or source label says its rows are synthetic."""
    if label is None:
        return False
    return str(label).strip().lower().startswith(SYNTHETIC_PREFIX)


#: The marker a synthetic generator writes beside the files it makes; a load that finds it labels
#: its rows synthetic.
MARKER_FILE = "SYNTHETIC.json"


def write_marker(folder: Path, fields: dict[str, Any]) -> Path:
    """Write the synthetic marker into ``folder``: ``{"synthetic": true, **fields}`` (the fields
    hold at least the ``snapshot`` label and a ``note``)."""
    path = folder / MARKER_FILE
    path.write_text(json.dumps({"synthetic": True, **fields}, indent=2) + "\n", encoding="utf-8")
    return path


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The synthetic marker in a folder: its content ({} when unreadable), or None when there is
    none (real data)."""
    marker = folder / MARKER_FILE
    if not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def marker_snapshot(marker: dict[str, Any]) -> str:
    """The snapshot label of a synthetic marker, always a synthetic one (``synthetic-unknown``
    when it gives none): synthetic data is never labelled as real."""
    label = str(marker.get("snapshot") or "")
    return label if is_synthetic_label(label) else f"{SYNTHETIC_PREFIX}-{label or 'unknown'}"


class SnapshotLabelled:
    """Mixed into a load report whose rows carry one ``snapshot`` label: it is synthetic when
    its label says so."""

    snapshot: str

    @property
    def is_synthetic(self) -> bool:
        """The rows were made by openpeel's synthetic generator."""
        return is_synthetic_label(self.snapshot)


def any_synthetic(labels: Iterable[Any]) -> bool:
    """True when any of the labels (snapshots, sources) is synthetic."""
    return any(is_synthetic_label(label) for label in labels)


def synthetic_expr(column: Any) -> Any:
    """The same rule as an engine expression over an Ibis string column (row by row)."""
    return column.strip().lower().startswith(SYNTHETIC_PREFIX)


def any_synthetic_rows(column: Any) -> bool:
    """True when any row of an Ibis string column is synthetic (the query runs here; an empty
    column is not)."""
    import pandas as pd  # here: the command line's --help must not import it

    value = synthetic_expr(column).any().execute()
    return bool(value) if value is not None and not pd.isna(value) else False


@dataclass(frozen=True)
class Provenance:
    """Where the data used came from: whether it is synthetic, and the labels that say so."""

    is_synthetic: bool
    synthetic_labels: tuple[str, ...] = ()
    #: The lake tables holding synthetic rows (when read from the lake).
    synthetic_tables: tuple[str, ...] = ()

    @property
    def mark(self) -> str:
        """The marking to print ('' for real data)."""
        return SYNTHETIC_MARK if self.is_synthetic else ""

    @classmethod
    def of(cls, labels: Iterable[Any]) -> Provenance:
        """The provenance of data with these snapshot or source labels."""
        synthetic = tuple(sorted({str(s) for s in labels if is_synthetic_label(s)}))
        return cls(bool(synthetic), synthetic)

    def __or__(self, other: Provenance) -> Provenance:
        labels = tuple(sorted({*self.synthetic_labels, *other.synthetic_labels}))
        tables = tuple(sorted({*self.synthetic_tables, *other.synthetic_tables}))
        return Provenance(bool(labels), labels, tables)


def lake_provenance(con: Any, force_ids: Sequence[str] | None = None) -> Provenance:
    """The provenance of what the lake holds (for some forces, or all): every table's labels.

    Args:
        con: an ``openpeel.connect()`` connection.
        force_ids: the forces whose rows count (None: every row).
    """
    tables = set(con.list_tables())
    out = Provenance(False)
    for name, column in LABEL_COLUMNS.items():
        if name not in tables:
            continue
        t = con.table(name)
        if column not in t.columns:
            continue
        if force_ids is not None and "force_id" in t.columns:
            t = t.filter(t.force_id.isin(list(force_ids)))
        found = Provenance.of(t.select(column).distinct().execute()[column].tolist())
        if found.is_synthetic:
            out = out | Provenance(True, found.synthetic_labels, (name,))
    return out
