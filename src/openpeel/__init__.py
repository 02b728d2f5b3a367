"""openpeel: police effectiveness, efficiency and legitimacy measured from data.

The public Python API::

    import openpeel
    report = openpeel.ingest(["2024-04.zip"])      # load police.uk files into the lake
    con = openpeel.connect()                        # Ibis connection with the tables
    con.table("stop_searches").count().execute()
"""

from openpeel.store.connection import connect
from openpeel.store.ingest import IngestReport, ingest
from openpeel.store.population import load_population, population
from openpeel.store.status import lake_coverage, lake_months

__version__ = "0.1.0"

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
