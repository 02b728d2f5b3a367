"""openpeel: police effectiveness, efficiency and legitimacy measured from data.

The public Python API::

    import openpeel
    report = openpeel.ingest(["2024-04.zip"])      # load police.uk files into the lake
    con = openpeel.connect()                        # Ibis connection with the tables
    con.table("stop_searches").count().execute()

Names are imported on first use (PEP 562), so ``import openpeel`` and the command line start
without loading Ibis and the statistics libraries until they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "IngestReport": "openpeel.store.ingest",
    "connect": "openpeel.store.connection",
    "ingest": "openpeel.store.ingest",
    "lake_coverage": "openpeel.store.status",
    "lake_months": "openpeel.store.status",
    "load_population": "openpeel.store.population",
    "population": "openpeel.store.population",
}

__all__ = [
    "IngestReport",
    "__version__",
    "connect",
    "ingest",
    "lake_coverage",
    "lake_months",
    "load_population",
    "population",
]

if TYPE_CHECKING:
    from openpeel.store.connection import connect
    from openpeel.store.ingest import IngestReport, ingest
    from openpeel.store.population import load_population, population
    from openpeel.store.status import lake_coverage, lake_months


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    # Subpackages reached as attributes (openpeel.store.lake, ...) after their import.
    try:
        return importlib.import_module(f"openpeel.{name}")
    except ModuleNotFoundError:
        raise AttributeError(f"module 'openpeel' has no attribute {name!r}") from None
