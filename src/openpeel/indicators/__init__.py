"""Indicators, one module per PEEL topic (stop and search, crime, investigations, calls, the
Citizens' Charter): functions of an Ibis connection, a force and a ``Period``
that return an ``IndicatorResult`` (table, definition, caveats, synthetic flag). May import:
``store``, ``sources`` (source vocabularies), ``database``, ``stats``, ``reference``, ``config``,
``calendar``, ``errors``; never ``assess``, ``report``, ``web`` or ``cli``.
"""
