"""One force against its peers for any official indicator: every force's value with its interval,
funnel limits around the all-force figure, the rank with its interval, and the force's place in
its region and in a named peer group.

Each official indicator module turns the loaded figures into one row per force (``force_id``,
``count``, ``denominator``); :func:`compare_forces` does the rest the same way for all of them.
Three kinds of value:

- ``rate``: ``count`` events over ``denominator`` person-years, per 1,000 a year; exact Poisson
  interval, Poisson funnel (Spiegelhalter 2005);
- ``proportion``: ``count`` of ``denominator``; Wilson interval, binomial funnel;
- ``amount``: ``count`` (pounds, FTE) per ``denominator`` residents, per 1,000 (or per head);
  not a count of events, so no interval and no funnel: a ranked dot plot only.

Funnel limits need peers to set the target: with fewer than ``MIN_FUNNEL_UNITS`` forces they are
withheld (as for stop and search).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from openpeel.errors import DataUnavailableError, UserInputError
from openpeel.indicators.official_figures import OfficialQuery, known_force
from openpeel.indicators.result import IndicatorResult
from openpeel.reference.forces import forces
from openpeel.reference.peer_groups import PeerGroup, region_group, region_of
from openpeel.stats.funnel import (
    MIN_FUNNEL_UNITS,
    funnel_position,
    proportion_funnel,
    rate_funnel,
)
from openpeel.stats.intervals import wilson_interval
from openpeel.stats.ranks import ranks_with_interval
from openpeel.stats.rates import annual_rate_per_1000

KINDS = ("rate", "proportion", "amount")
LIMITS = ("lower_95", "upper_95", "lower_99_8", "upper_99_8")

PEERS_DEFINITION = (
    "Every force with a value: value = {value_words}; value_low/value_high = its {interval} "
    "{confidence:.0%} interval. target = the all-force figure (sum of counts / sum of "
    "denominators over the forces compared). lower_95/upper_95, lower_99_8/upper_99_8 = funnel "
    "limits around the target for the force's denominator ({funnel}); funnel_position says where "
    "the value falls (withheld with fewer than {min_forces} forces, or for amounts). rank = place "
    "among all forces compared, 1 = highest value; rank_low/rank_high = the {confidence:.0%} "
    "interval of that rank from {draws} simulated league tables (Goldstein and Spiegelhalter "
    "1996); region_rank and peer_group_rank = place within the force's region and the named peer "
    "group (by value)."
)


def per_force_frame(rows: dict[str, tuple[float | None, float | None]]) -> pd.DataFrame:
    """``{force_id: (count, denominator)}`` as the frame :func:`compare_forces` takes."""
    return pd.DataFrame(
        [
            {"force_id": f, "count": np.nan if c is None else c, "denominator": d}
            for f, (c, d) in rows.items()
        ],
        columns=["force_id", "count", "denominator"],
    ).astype({"count": float, "denominator": float})


def compare_forces(
    values: pd.DataFrame,
    force_id: str,
    *,
    kind: str,
    name: str,
    title: str,
    value_words: str,
    caveats: list[str] | None = None,
    peers: PeerGroup | None = None,
    per: float = 1000.0,
    confidence: float = 0.95,
    meta: dict[str, Any] | None = None,
) -> IndicatorResult:
    """Every force's value, funnel limits, rank and interval, with ``force_id`` marked.

    Args:
        values: one row per force: ``force_id``, ``count`` (NaN = not available),
            ``denominator`` (person-years for a rate, trials for a proportion, residents for an
            amount). Rows of areas that are not forces must not be passed.
        force_id: the force being looked at.
        kind: ``rate``, ``proportion`` or ``amount``.
        name, title: the result's machine name and title.
        value_words: what ``value`` is, in words, for the definition.
        peers: a named peer group (``read_peer_group``), or None.
        per: multiplier of rates and amounts (1,000: per 1,000 residents; 1: per resident).

    Raises:
        UserInputError: unknown force or kind.
        DataUnavailableError: the force has no row.
    """
    if kind not in KINDS:
        raise UserInputError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    known_force(force_id)
    table = values[values["force_id"].isin(list(forces()))].copy().reset_index(drop=True)
    if not (table["force_id"] == force_id).any():
        raise DataUnavailableError(f"{force_id} has no figure for this indicator")
    count = table["count"].to_numpy(dtype=float)
    denominator = table["denominator"].to_numpy(dtype=float)
    ok = np.isfinite(count) & np.isfinite(denominator) & (denominator > 0)
    table["value"], table["value_low"], table["value_high"] = _values(
        kind, count, denominator, ok, per, confidence
    )
    n_forces = int(ok.sum())
    target = float(count[ok].sum() / denominator[ok].sum()) if n_forces else np.nan
    table["target"] = target * (1 if kind == "proportion" else per)
    for column in LIMITS:
        table[column] = np.nan
    if kind != "amount" and n_forces >= MIN_FUNNEL_UNITS:
        limits = (
            proportion_funnel(target, denominator)
            if kind == "proportion"
            else rate_funnel(target, denominator)
        )
        scale = 1 if kind == "proportion" else per
        for column in LIMITS:
            table[column] = np.where(ok, limits[column].to_numpy() * scale, np.nan)
        table["funnel_position"] = funnel_position(
            table["value"],
            table["lower_95"],
            table["upper_95"],
            table["lower_99_8"],
            table["upper_99_8"],
        )
    else:
        table["funnel_position"] = np.where(ok, "withheld", "no_value")
    if kind == "amount":
        table["rank"] = np.where(
            ok, stats.rankdata(-np.where(ok, table["value"], -np.inf), "min"), np.nan
        )
        table["rank_low"] = table["rank_high"] = np.nan
    else:
        ranks = ranks_with_interval(count, denominator, kind, confidence)
        table["rank"], table["rank_low"], table["rank_high"] = ranks.rank, ranks.low, ranks.high
    table["forces_compared"] = n_forces
    table["force_name"] = table["force_id"].map(lambda f: forces()[f].name)
    table["region"] = table["force_id"].map(lambda f: (region_of(f) or ("", ""))[1])
    region = region_group(force_id)
    table["in_region"] = table["force_id"].isin(region.force_ids if region else [force_id])
    table["in_peer_group"] = table["force_id"].isin(peers.force_ids if peers else [])
    table["region_rank"] = _rank_within(table, table["in_region"])
    table["peer_group_rank"] = _rank_within(table, table["in_peer_group"]) if peers else np.nan
    table["is_focus"] = table["force_id"] == force_id
    ordered = [
        "force_id",
        "force_name",
        "region",
        "is_focus",
        "in_region",
        "in_peer_group",
        "count",
        "denominator",
        "value",
        "value_low",
        "value_high",
        "target",
        *LIMITS,
        "funnel_position",
        "rank",
        "rank_low",
        "rank_high",
        "region_rank",
        "peer_group_rank",
        "forces_compared",
    ]
    table = table[ordered].sort_values(["rank", "force_id"], na_position="last")
    out_caveats = list(caveats or [])
    if kind != "amount" and n_forces < MIN_FUNNEL_UNITS:
        out_caveats.append(
            f"Only {n_forces} force{'s' if n_forces != 1 else ''} with a value: no funnel limits "
            f"(at least {MIN_FUNNEL_UNITS} are needed for the all-force figure to say anything "
            "about peers)."
        )
    missing = table[~table["value"].notna()]["force_id"].tolist()
    if missing:
        out_caveats.append(f"No value (not supplied or not published): {', '.join(missing)}.")
    if kind == "amount":
        out_caveats.append(
            "An amount (money or staff) is not a count of chance events: no interval and no "
            "funnel; the forces are ranked by value."
        )
    else:
        out_caveats.append(
            "Funnel limits show where a force would fall by chance alone if every force had the "
            "all-force figure; forces differ for many reasons (urban areas, demography, "
            "recording practice), so a force outside them is worth a question, not a conclusion."
        )
    mine = table[table["is_focus"]].iloc[0]
    return IndicatorResult(
        name=name,
        title=title,
        definition=PEERS_DEFINITION.format(
            value_words=value_words,
            interval={"rate": "exact Poisson", "proportion": "Wilson", "amount": "(no)"}[kind],
            confidence=confidence,
            funnel={
                "rate": "exact Poisson",
                "proportion": "exact binomial",
                "amount": "none for amounts",
            }[kind],
            min_forces=MIN_FUNNEL_UNITS,
            draws=4000,
        ),
        table=table.reset_index(drop=True),
        caveats=out_caveats,
        meta={
            **(meta or {}),
            "force_id": force_id,
            "kind": kind,
            "forces_compared": n_forces,
            "min_funnel_forces": MIN_FUNNEL_UNITS,
            "region": region.name if region else None,
            "peer_group": peers.name if peers else None,
            "peer_group_forces": list(peers.force_ids) if peers else None,
            "rank": None if pd.isna(mine["rank"]) else int(mine["rank"]),
            "confidence": confidence,
        },
    )


def _values(
    kind: str, count: Any, denominator: Any, ok: Any, per: float, confidence: float
) -> tuple[Any, Any, Any]:
    safe_d = np.where(ok, denominator, 1.0)
    safe_c = np.where(ok, count, 0.0)
    if kind == "rate":
        r = annual_rate_per_1000(safe_c, safe_d, confidence)
        scale = per / 1000
        return (
            np.where(ok, r.rate * scale, np.nan),
            np.where(ok, r.low * scale, np.nan),
            np.where(ok, r.high * scale, np.nan),
        )
    if kind == "proportion":
        low, high = wilson_interval(np.minimum(safe_c, safe_d), safe_d, confidence)
        return (
            np.where(ok, safe_c / safe_d, np.nan),
            np.where(ok, low, np.nan),
            np.where(ok, high, np.nan),
        )
    value = np.where(ok, per * safe_c / safe_d, np.nan)
    return value, np.full(value.shape, np.nan), np.full(value.shape, np.nan)


def _rank_within(table: pd.DataFrame, members: pd.Series) -> Any:
    inside = members & table["value"].notna()
    out = pd.Series(np.nan, index=table.index)
    out[inside] = stats.rankdata(-table.loc[inside, "value"].to_numpy(dtype=float), "min")
    return out.where(members)


@dataclass(frozen=True)
class Comparison:
    """A comparison of every force as an official indicator declares it (one entry of
    ``reference/official_comparisons.toml``): how its value reads (``kind``), its machine name,
    its title and what its value is in words (templates: ``{period}`` and the names of the
    choice made, filled in by :meth:`of`), and its caveats."""

    kind: str
    name: str
    title: str
    value_words: str
    caveats: tuple[str, ...] = ()

    def of(
        self,
        values: pd.DataFrame,
        query: OfficialQuery,
        *,
        caveats: list[str] | tuple[str, ...] = (),
        per: float = 1000.0,
        meta: dict[str, Any] | None = None,
        **words: Any,
    ) -> IndicatorResult:
        """:func:`compare_forces` of ``values`` for the query's force, peer group and
        confidence: the title and value words filled in with the period and ``words``; the
        indicator's own ``caveats`` before the comparison's; ``meta`` after the period."""
        fill = {"period": query.period, **words}
        return compare_forces(
            values,
            query.force_id,
            kind=self.kind,
            name=self.name,
            title=self.title.format(**fill),
            value_words=self.value_words.format(**fill),
            caveats=[*caveats, *self.caveats],
            peers=query.peers,
            per=per,
            confidence=query.confidence,
            meta={"period": query.period, **(meta or {})},
        )


@cache
def comparison(key: str) -> Comparison:
    """The comparison declared under ``key`` in ``reference/official_comparisons.toml``."""
    text = resources.files("openpeel.reference").joinpath("official_comparisons.toml")
    entry = tomllib.loads(text.read_text("utf-8"))[key]
    return Comparison(**{**entry, "caveats": tuple(entry.get("caveats", ()))})
