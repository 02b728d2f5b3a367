"""What a synthetic extract writer wrote (offender management, vulnerability, crime recording,
call handling): the one summary every writer returns, extended with what is its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ExtractSummary:
    """A SYNTHETIC extract written to ``out_dir``.

    Attributes:
        out_dir: The folder written (it holds the synthetic marker).
        snapshot: The snapshot label the extract is loaded under.
        force_id: The force the extract pretends to belong to.
        files: Every file written, by the table (or name) it holds.
        rows: Data rows written, by the same keys.
    """

    out_dir: Path
    snapshot: str
    force_id: str
    files: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
