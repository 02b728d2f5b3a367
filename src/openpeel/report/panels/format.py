"""Text and tables for people, shared by every panel: intervals, control-limit flags, codes as
words and the formatted table beside each chart."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from openpeel.formatting import number_text, percent_text

share_text = percent_text


def interval_text(low: Any, high: Any, share: bool = False, confidence: float = 0.95) -> str:
    """'95% interval 1.2 to 1.5' (empty when the interval is missing)."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "no interval"
    fmt = share_text if share else number_text
    return f"{confidence:.0%} interval {fmt(low)} to {fmt(high)}"


#: How a table column can be formatted (``display``).
KINDS = ("share", "int", "num", "month", "limits", "text")


@cache
def _tables() -> dict[str, list[tuple[str, str, str]]]:
    text = resources.files("openpeel.report.panels").joinpath("tables.csv").read_text("utf-8")
    out: dict[str, list[tuple[str, str, str]]] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] not in KINDS:
            raise ValueError(f"tables.csv: {row['table']} has unknown kind {row['kind']!r}")
        out.setdefault(row["table"], []).append((row["column"], row["title"], row["kind"]))
    return out


def panel_columns(table: str, **fields: str) -> dict[str, tuple[str, str]]:
    """The columns of a panel's table, declared in ``tables.csv`` (one row per column, in the
    order shown: the indicator's column, its title and how ``display`` formats it). ``{name}``
    in a column or title is filled from ``fields`` (a title that depends on the scenario, a
    column named after the standard). KeyError for a table not declared."""
    return {
        column.format(**fields): (title.format(**fields), kind)
        for column, title, kind in _tables()[table]
    }


def display(df: pd.DataFrame, columns: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """A table for people: chosen columns, renamed, formatted ('share', 'int', 'num', 'text')."""
    out = pd.DataFrame(index=df.index)
    for col, (title, kind) in columns.items():
        if col not in df.columns:
            continue
        values = df[col]
        if kind == "share":
            out[title] = values.map(share_text)
        elif kind == "int":
            out[title] = values.map(lambda v: number_text(v, 0))
        elif kind == "num":
            out[title] = values.map(number_text)
        elif kind == "month":
            out[title] = pd.to_datetime(values).dt.strftime("%b %Y")
        elif kind == "limits":
            out[title] = values.map(limits_text)
        else:
            out[title] = values.map(lambda v: "" if v is None or pd.isna(v) else str(v))
    return out.reset_index(drop=True)


def limits_text(is_outside: Any) -> str:
    """A control-limit flag in words: a lay reader does not know what "True" means."""
    if is_outside is None or pd.isna(is_outside):
        return ""
    return "Outside: unusual month" if bool(is_outside) else "Within"


def label(code: Any) -> str:
    """A code as words: 'no_suspect_identified' -> 'No suspect identified'."""
    text = str(code).replace("_", " ")
    return text[:1].upper() + text[1:]


def side(value: float, target: float) -> str:
    """'above', 'below' or 'equal to': where a force's figure sits against the all-force one."""
    return "above" if value > target else "below" if value < target else "equal to"
