"""Extract: one module per source (police.uk archive and API, Census population, published 999
figures, force call logs and incidents, official stop and search tables, personal-data checks),
each reading its files in their published format into declared columns. May import:
``database``, ``stats``, ``reference``, ``config``, ``calendar``, ``errors``; never the store or
anything above it.
"""
