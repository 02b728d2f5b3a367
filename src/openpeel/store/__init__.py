"""Load: the lake (``lake``: Parquet partitions, the manifest, the one rejects table and load
log), the tables it holds and how each is partitioned (``tables``), the one commit path every
load uses (``commit``), the one-time move of older lakes (``migrate``), the police.uk ingest,
the call-handling imports, status, population, and ``connect`` (an Ibis connection with every
table as a view, on DuckDB or Spark). Functions take a :class:`~openpeel.config.Workspace`
(or a data directory). May import: ``sources``, ``database``, ``stats``, ``reference``,
``config``, ``calendar``, ``errors``; never indicators or anything above.
"""
