"""Every model of the operational database, registered from one declared list.

A model is on ``Base.metadata`` only once its module has been imported; the migrations and the
schema checks must see every table whichever module happened to be imported first, so they ask
``metadata()``, which imports every module listed here. A new area adds its module to the list.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from openpeel.database.base import Base

#: The modules that define operational models, in the order of their first migration.
MODEL_MODULES: tuple[str, ...] = (
    "openpeel.scrutiny.models",
    "openpeel.assess.models",
    "openpeel.crime_audit.models",
)


def metadata() -> MetaData:
    """The metadata of every operational model (each module in ``MODEL_MODULES`` imported)."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata
