"""Compute each indicator once per piece of work: a report's sections and its assessment ask for
the same results (outcome shares, stop-and-search quality, the offender backlog, the official
figures...), and without this each would run its queries again.

Inside ``with computing_once():`` a function marked ``@computed_once`` returns the result it
already computed for the same arguments (the same connection object, force, period...); outside
such a block it simply runs. Each caller gets its own copy of the result (table, caveats and
meta copied), so a caller that edits what it got cannot change what another caller sees.
``@computed_once(shared=True)`` is for an object made to be shared (a stop-and-search scope
with its rows held in a temporary table): every caller gets that same object, and it may then be
passed on as an argument of other ``@computed_once`` functions (it is keyed by identity). A call
with any other argument that cannot be a dictionary key (a DataFrame, a list) is not
remembered, and an indicator that raises is asked again next time (errors are not remembered).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar, overload

P = ParamSpec("P")
R = TypeVar("R")

_results: ContextVar[dict[Any, Any] | None] = ContextVar("openpeel_computed_once", default=None)


@contextmanager
def computing_once() -> Iterator[None]:
    """Within the block, each ``@computed_once`` function runs once per distinct arguments.

    Nested blocks share the outer block's results; everything is forgotten when the outermost
    block ends (nothing outlives the piece of work, so a later load is always seen).
    """
    if _results.get() is not None:
        yield
        return
    token = _results.set({})
    try:
        yield
    finally:
        _results.reset(token)


def is_computing_once() -> bool:
    """Whether a ``computing_once()`` block is open: a result kept only for the block (a
    temporary table) is then worth making; outside one it would be made on every call."""
    return _results.get() is not None


def _key_part(value: Any, results: dict[Any, Any]) -> Any:
    """A connection (any object without value equality) or a shared result is keyed by
    identity, and kept alive for the block so that its identity cannot be reused."""
    if type(value).__hash__ is object.__hash__ or ("shared", id(value)) in results:
        results[("kept", id(value))] = value
        return ("id", id(value))
    return value


def _own_copy(result: R) -> R:
    """A copy the caller may edit: the table's data, the caveats and the meta copied."""
    if dataclasses.is_dataclass(result) and hasattr(result, "table"):
        found: Any = result
        try:
            meta = copy.deepcopy(found.meta)
        except Exception:  # something in meta that cannot be copied: share its values
            meta = dict(found.meta)
        copied: R = dataclasses.replace(
            found,
            table=found.table.copy(),
            caveats=list(found.caveats),
            meta=meta,
        )
        return copied
    return copy.deepcopy(result)


@overload
def computed_once(fn: Callable[P, R], *, shared: bool = False) -> Callable[P, R]: ...


@overload
def computed_once(
    fn: None = None, *, shared: bool = False
) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def computed_once(fn: Any = None, *, shared: bool = False) -> Any:
    """Mark an indicator whose result depends only on its arguments and the lake.

    ``shared``: every caller gets the same object (not a copy); see the module's note.
    """
    if fn is None:
        return functools.partial(computed_once, shared=shared)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        results = _results.get()
        if results is None:
            return fn(*args, **kwargs)
        key = (
            fn.__module__,
            fn.__qualname__,
            tuple(_key_part(a, results) for a in args),
            tuple(sorted((k, _key_part(v, results)) for k, v in kwargs.items())),
        )
        try:
            hash(key)
        except TypeError:  # an argument that cannot be a key: not remembered
            return fn(*args, **kwargs)
        if key not in results:
            results[key] = fn(*args, **kwargs)
            if shared:
                results[("shared", id(results[key]))] = True
        return results[key] if shared else _own_copy(results[key])

    return wrapper
