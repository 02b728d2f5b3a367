"""Published statistical spreadsheets (ONS, Home Office, HMICFRS) read as tidy long rows.

Each publication is declared once as data (``openpeel/reference/publications/*.toml``): how to
recognise its files, which sheets hold which tables, where the headers are, units, and how
missing or suppressed values are written. :func:`read_publication` turns one file into tidy rows
(one figure per row, with the area, measure, dimensions, value status and lineage) plus the rows
it rejected, with reasons; rows read = rows loaded + rows rejected for every table.
"""

from openpeel.sources.publications.reader import PublicationRead, TableCount, read_publication
from openpeel.sources.publications.spec import Publication, detect_publication, publications

__all__ = [
    "Publication",
    "PublicationRead",
    "TableCount",
    "detect_publication",
    "publications",
    "read_publication",
]
