"""Each indicator runs once per piece of work (a report): same arguments, same result, own copy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest

from openpeel.indicators.computed_once import computed_once, computing_once
from openpeel.indicators.result import IndicatorResult

CALLS: list[tuple[Any, ...]] = []


@computed_once
def _indicator(con: Any, force_id: str, months: int = 12) -> IndicatorResult:
    CALLS.append((con, force_id, months))
    return IndicatorResult(
        name="test.indicator",
        title="A test indicator",
        definition="rows counted",
        table=pd.DataFrame({"force_id": [force_id], "rows": [months]}),
        caveats=["a caveat"],
        meta={"nested": {"months": months}},
    )


@dataclass(eq=True)
class _Scope:  # value equality and no hash, like the stop-and-search scope
    force_id: str
    memo: dict[str, Any] = field(default_factory=dict)


@computed_once(shared=True)
def _scope(con: Any, force_id: str) -> _Scope:
    CALLS.append(("scope", force_id))
    return _Scope(force_id)


@computed_once
def _from_scope(con: Any, sc: _Scope) -> IndicatorResult:
    CALLS.append(("from_scope", sc.force_id))
    return _indicator(con, sc.force_id, 1)


@computed_once
def _failing(con: Any) -> IndicatorResult:
    CALLS.append(("failing",))
    raise ValueError("no data")


@pytest.fixture(autouse=True)
def _no_calls() -> None:
    CALLS.clear()


def test_outside_a_block_every_call_runs() -> None:
    con = object()
    _indicator(con, "kent")
    _indicator(con, "kent")
    assert len(CALLS) == 2


def test_inside_a_block_the_same_arguments_run_once() -> None:
    con = object()
    with computing_once():
        first = _indicator(con, "kent")
        second = _indicator(con, "kent")
        _indicator(con, "kent", months=6)
        _indicator(con, "essex")
        _indicator(object(), "kent")  # another connection: another lake
    assert len(CALLS) == 4
    pd.testing.assert_frame_equal(first.table, second.table)
    assert first.meta == second.meta and first.caveats == second.caveats


def test_each_caller_gets_its_own_copy() -> None:
    con = object()
    with computing_once():
        first = _indicator(con, "kent")
        first.table.loc[0, "rows"] = -1
        first.caveats.append("added by a caller")
        first.meta["nested"]["months"] = -1
        second = _indicator(con, "kent")
    assert second.table.loc[0, "rows"] == 12
    assert second.caveats == ["a caveat"]
    assert second.meta == {"nested": {"months": 12}}


def test_nothing_outlives_the_block() -> None:
    con = object()
    with computing_once():
        _indicator(con, "kent")
        with computing_once():  # a nested block shares the outer one's results
            _indicator(con, "kent")
    with computing_once():
        _indicator(con, "kent")
    assert len(CALLS) == 2


def test_a_shared_result_is_the_same_object_and_keys_other_calls() -> None:
    con = object()
    with computing_once():
        sc = _scope(con, "kent")
        assert _scope(con, "kent") is sc
        _from_scope(con, sc)
        _from_scope(con, _scope(con, "kent"))
        _from_scope(con, _Scope("kent"))  # equal but not the shared one: cannot be a key
    assert CALLS.count(("scope", "kent")) == 1
    assert CALLS.count(("from_scope", "kent")) == 2


def test_an_argument_that_cannot_be_a_key_is_not_remembered() -> None:
    con = object()
    with computing_once():
        _indicator(con, ["kent"])  # type: ignore[arg-type]
        _indicator(con, ["kent"])  # type: ignore[arg-type]
    assert len(CALLS) == 2


def test_an_error_is_not_remembered() -> None:
    con = object()
    with computing_once():
        for _ in range(2):
            with pytest.raises(ValueError, match="no data"):
                _failing(con)
    assert CALLS == [("failing",), ("failing",)]
