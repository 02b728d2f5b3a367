"""Library functions a command calls, imported when the command runs rather than when its
module is imported: ``openpeel <command> --help`` then loads no analytics library (pandas, Ibis,
DuckDB, SQLAlchemy ...), which is what made every ``--help`` take seconds."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def library(module: str, name: str) -> Callable[..., Any]:
    """``openpeel.<module>.<name>``, imported on the first call.

    >>> rates = library("indicators.stop_search", "rates")  # nothing imported yet
    """

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(f"openpeel.{module}"), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"openpeel.{module}.{name}, imported when first called."
    return call


def library_module(module: str) -> Any:
    """The module ``openpeel.<module>``, imported when one of its names is first used.

    A command module binds it under ``if not TYPE_CHECKING`` and imports the real module under
    ``if TYPE_CHECKING``, so type checkers see the module itself.
    """

    class Module:
        def __getattr__(self, attr: str) -> Any:
            return getattr(importlib.import_module(f"openpeel.{module}"), attr)

        def __repr__(self) -> str:
            return f"<openpeel.{module}, imported on first use>"

    return Module()
