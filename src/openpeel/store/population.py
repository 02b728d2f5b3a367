"""Population denominators in the lake (Census 2021 by police force area and broad group)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from openpeel.config import Where, workspace_for
from openpeel.errors import DataUnavailableError
from openpeel.sources.census import read_population
from openpeel.store.lake import Lake

HOW_TO_GET = (
    "no population data loaded: run 'openpeel population load TS021_FILE LOOKUP_FILE' with the "
    "ONS Census 2021 table TS021 by local authority and the ONS LAD22-CSP22-PFA22 lookup "
    "(both free from the ONS website)"
)


class PopulationMissingError(DataUnavailableError):
    """A command needs population data that has not been loaded."""


def load_population(
    ts021_path: Path | str, lookup_path: Path | str, data_dir: Where = None
) -> pa.Table:
    """Build force-area denominators from ONS files and store them in the lake."""
    table = read_population(Path(ts021_path), Path(lookup_path))
    Lake(workspace_for(data_dir).data_dir).write_reference("population", table)
    return table


def population(data_dir: Where = None) -> pa.Table:
    """The stored denominators; raises PopulationMissingError saying how to load them."""
    path = Lake(workspace_for(data_dir).data_dir).reference_path("population")
    if path is None:
        raise PopulationMissingError(HOW_TO_GET)
    return pq.read_table(path)
