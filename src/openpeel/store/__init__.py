"""Load: the lake (Parquet partitions, manifest, rejects, load logs), ingest, the call-handling
tables, status, population, and ``connect`` (an Ibis connection with every table as a view, on
DuckDB or Spark). Functions take a :class:`~openpeel.config.Workspace` (or a data directory).
May import: ``sources``, ``database``, ``stats``, ``reference``, ``config``, ``calendar``,
``errors``; never indicators or anything above.
"""
