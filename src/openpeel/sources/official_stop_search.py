"""Official stop and search statistics, for reconciling police.uk figures with them.

Two published tables (both person searches, vehicle-only searches excluded):

- GOV.UK *Ethnicity Facts and Figures* "Stop and search" download, 2006/07 to 2017/18: searches
  by police force area, financial year and ethnicity (ONS 2001 "16+1" and "5+1" groups), with the
  2011-Census population by ethnicity and the rate per 1,000 the Home Office published.
  Quirks of the file (as downloaded for ``../shared/data/official/``): column names carry leading
  and trailing spaces; numbers are quoted with thousands separators (``"15,018"``); missing values
  are ``N/A`` or `` -   `` (a spreadsheet's dash for zero or suppressed); force names use ``&``
  ("Avon & Somerset") and the ONS order ("London, City of"); the 5+1 "Asian" group is the 2001
  one, without Chinese (Chinese is in "Other"), which matches police.uk's legacy PACE codes.
- Home Office stop and search open data, aggregated to financial year x police force area x
  self-defined broad ethnic group: ``financial_year, police_force_area, asian, black, mixed,
  other, white, not_stated, total_person_searches``.

Both readers return tidy pandas frames keyed by ``force_id`` (data.police.uk ids) and
``ethnic_group`` (``asian, black, mixed, white, other, not_stated, total``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from openpeel.errors import SourceFormatError
from openpeel.reference.forces import forces

BROAD_GROUPS = ("asian", "black", "mixed", "white", "other")
OFFICIAL_GROUPS = (*BROAD_GROUPS, "not_stated", "total")
EFF_SOURCE = "GOV.UK Ethnicity Facts and Figures: stop and search (Home Office, 2011 Census)"
HO_SOURCE = "Home Office stop and search open data tables"

# Ethnicity Facts and Figures labels of the 5+1 classification (and "All") -> canonical group.
_EFF_GROUPS = {
    "Asian": "asian",
    "Black": "black",
    "Mixed": "mixed",
    "White": "white",
    "Other": "other",
    "Unreported": "not_stated",
    "All": "total",
}
_EFF_COLUMNS = {
    "Measure": "measure",
    "Time": "financial_year",
    "Ethnicity": "ethnicity",
    "Ethnicity_type": "ethnicity_type",
    "Geography": "geography",
    "Number of stop and searches": "searches",
    "Total number of stop and search carried out in this year in this area "
    "(excluding cases where the ethnicity was unreported)": "searches_with_ethnicity",
    "Population by ethnicity": "population",
    "Rate per 1,000 population by ethnicity": "rate_per_1000",
}
# Area names that are not a force's pfa_name once '&' is read as 'and'.
_EXTRA_NAMES = {"british transport police": "btp"}


class OfficialFileError(SourceFormatError):
    """A file is not one of the official tables this module reads."""


def force_id_for_area_name(name: str) -> str | None:
    """The data.police.uk force id for a published police force area name, or None.

    Matches ``pfa_name`` and ``name`` from the reference table case-insensitively, reading
    ``&`` as ``and`` ("Avon & Somerset" -> avon-and-somerset).
    """
    key = _name_key(name)
    for f in forces().values():
        for candidate in (f.pfa_name, f.name):
            if candidate and _name_key(candidate) == key:
                return f.force_id
    return _EXTRA_NAMES.get(key)


def _name_key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("&", "and").strip().lower())


def _number(value: object) -> float | None:
    """``"15,018"`` -> 15018; ``N/A``, `` -   ``, blank -> None."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip().replace(",", "").rstrip("%")
    if text in ("", "N/A", "-", "NA", "..", "*"):
        return None
    try:
        return float(text)
    except ValueError:
        return None


#: The columns both readers return, in order.
OFFICIAL_COLUMNS = (
    "financial_year",
    "area_name",
    "force_id",
    "ethnic_group",
    "searches",
    "population",
    "rate_per_1000",
    "source",
)


def _read_table(path: Path | str, needed: Iterable[str], what: str) -> pd.DataFrame:
    """The CSV as text with its column names stripped, refused when a ``needed`` column is
    missing (``what``: the file the reader expects, in words)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [c.strip() for c in raw.columns]
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        raise OfficialFileError(
            f"{Path(path).name}: not the {what} (missing columns: {', '.join(missing)})"
        )
    return raw


def _tidy(df: pd.DataFrame, area_column: str, source: str) -> pd.DataFrame:
    """The rows in ``OFFICIAL_COLUMNS``: the area as published (``area_column``) and its force,
    the financial year trimmed, and the ``source``."""
    df["area_name"] = df[area_column].str.strip()
    df["force_id"] = df["area_name"].map(force_id_for_area_name)
    df["financial_year"] = df["financial_year"].str.strip()
    df["source"] = source
    return df[list(OFFICIAL_COLUMNS)].reset_index(drop=True)


def read_ethnicity_facts_figures(path: Path | str) -> pd.DataFrame:
    """Read the Ethnicity Facts and Figures stop-and-search file (5+1 groups and totals).

    Returns:
        One row per financial year, area and group: ``financial_year`` (``2016/17``),
        ``area_name`` (as published), ``force_id`` (None for the England and Wales totals),
        ``ethnic_group``, ``searches``, ``population`` (2011 Census; None for not stated),
        ``rate_per_1000`` (as published) and ``source``.

    Raises:
        OfficialFileError: when the file lacks the expected columns.
    """
    raw = _read_table(path, _EFF_COLUMNS, "Ethnicity Facts and Figures stop-and-search file")
    df = raw.rename(columns=_EFF_COLUMNS)[list(_EFF_COLUMNS.values())]
    df = df[df["ethnicity_type"].str.strip().isin(["ONS 2001 5+1", "All"])].copy()
    df["ethnic_group"] = df["ethnicity"].str.strip().map(_EFF_GROUPS)
    df = df[df["ethnic_group"].notna()]
    for col in ("searches", "population", "rate_per_1000"):
        df[col] = pd.to_numeric(df[col].map(_number), errors="coerce")
    return _tidy(df, "geography", EFF_SOURCE)


def read_home_office_by_force(path: Path | str) -> pd.DataFrame:
    """Read the Home Office open data aggregated by force and broad group (e.g. 2020/21).

    Returns:
        One row per financial year, area and group (``asian`` ... ``not_stated``, ``total``):
        ``financial_year``, ``area_name``, ``force_id``, ``ethnic_group``, ``searches``,
        ``population`` (None: the file has none), ``rate_per_1000`` (None) and ``source``.
    """
    needed = ["financial_year", "police_force_area", *BROAD_GROUPS, "not_stated"]
    raw = _read_table(path, needed, "Home Office stop-and-search table by force")
    raw = raw.rename(columns={"total_person_searches": "total"})
    groups = [*BROAD_GROUPS, "not_stated", *(["total"] if "total" in raw.columns else [])]
    long = raw.melt(
        id_vars=["financial_year", "police_force_area"],
        value_vars=groups,
        var_name="ethnic_group",
        value_name="searches",
    )
    long["searches"] = pd.to_numeric(long["searches"].map(_number), errors="coerce")
    long["population"] = float("nan")
    long["rate_per_1000"] = float("nan")
    return _tidy(long, "police_force_area", HO_SOURCE)


def read_official(path: Path | str) -> pd.DataFrame:
    """Read either official table, recognised by its header."""
    with Path(path).open(encoding="utf-8-sig") as fh:
        header = fh.readline()
    if "police_force_area" in header:
        return read_home_office_by_force(path)
    return read_ethnicity_facts_figures(path)


def population_2011(path: Path | str, financial_year: str | None = None) -> pd.DataFrame:
    """The 2011-Census denominators the Home Office used, from the Ethnicity Facts file.

    Returns:
        ``force_id, ethnic_group, population`` (groups ``asian`` ... ``other`` and ``total``),
        one row per force and group, in the layout ``--population FILE`` accepts. The figures
        are the same in every year of the file; ``financial_year`` picks one (default: latest).
    """
    df = read_ethnicity_facts_figures(path)
    df = df[df["force_id"].notna() & df["ethnic_group"].isin([*BROAD_GROUPS, "total"])]
    year = financial_year or max(df["financial_year"])
    df = df[(df["financial_year"] == year) & df["population"].notna()]
    out = df[["force_id", "ethnic_group", "population"]].copy()
    out["population"] = out["population"].astype("int64")
    out["source"] = "2011 Census, as published with " + EFF_SOURCE
    return out.sort_values(["force_id", "ethnic_group"]).reset_index(drop=True)
