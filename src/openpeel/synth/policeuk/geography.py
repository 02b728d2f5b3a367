"""A force's synthetic geography: LSOAs and anonymised points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from openpeel.reference.forces import force as lookup_force
from openpeel.reference.forces import forces as all_forces
from openpeel.synth import profiles as pr
from openpeel.synth.policeuk.draws import (
    _STREAM_GEOGRAPHY,
    NO_LSOA_FORCES,
    _Plan,
    _rng,
    _Vocabularies,
)


@dataclass(frozen=True)
class _Geography:
    """Anonymised map points of one force; point 0 is "No Location" (blank coordinates)."""

    longitude: pa.Array
    latitude: pa.Array
    location: pa.Array
    lsoa_code: pa.Array
    lsoa_name: pa.Array
    probabilities: np.ndarray  # of points 1..n (hot spots get more)

    def draw(self, rng: np.random.Generator, n: int, no_location_share: float) -> np.ndarray:
        """Point indices for n rows, 0 for a "No Location" row."""
        points = rng.choice(len(self.probabilities), size=n, p=self.probabilities) + 1
        return np.where(rng.random(n) < no_location_share, 0, points)


def _lsoa_count(force_id: str) -> int:
    """Number of synthetic LSOAs of a force: about one per 1,600 resident-equivalents."""
    profile = pr.force_profile(force_id)
    return max(4, round(profile.size_thousands * 1000 / 1600))


def _lsoa_code_base(force_id: str) -> int:
    """First LSOA number of a force: forces in id order take consecutive blocks from 1."""
    base = 1
    for other in sorted(all_forces()):
        if other == force_id:
            return base
        base += _lsoa_count(other)
    return base


def _fixed6(values: np.ndarray) -> pa.Array:
    """Degrees formatted with six decimals, as published (e.g. ``-1.890123``)."""
    micro = np.rint(values * 1_000_000).astype(np.int64)
    magnitude = np.abs(micro)
    sign = pc.if_else(pa.array(micro < 0), "-", "")
    whole = pc.cast(pa.array(magnitude // 1_000_000), pa.string())
    fraction = pc.utf8_lpad(pc.cast(pa.array(magnitude % 1_000_000), pa.string()), 6, "0")
    return pc.binary_join_element_wise(sign, whole, ".", fraction, "")


def _build_geography(plan: _Plan, force_id: str, vocab: _Vocabularies) -> _Geography:
    """Synthetic LSOAs and snap points scattered around the force area's centroid."""
    rng = _rng(plan.seed, force_id, _STREAM_GEOGRAPHY, 0)
    profile = pr.force_profile(force_id)
    meta = lookup_force(force_id)

    n_lsoa = _lsoa_count(force_id)
    lsoa_lat = profile.latitude + rng.normal(0, profile.spread_degrees, n_lsoa)
    lon_spread = profile.spread_degrees / np.cos(np.radians(profile.latitude))
    lsoa_lon = profile.longitude + rng.normal(0, lon_spread, n_lsoa)
    # West to east, so that each local authority below is a contiguous band of LSOAs.
    west_to_east = np.argsort(lsoa_lon, kind="stable")
    lsoa_lat, lsoa_lon = lsoa_lat[west_to_east], lsoa_lon[west_to_east]

    authorities = profile.local_authorities or (meta.pfa_name or meta.name,)
    authority = np.sort(rng.integers(0, len(authorities), n_lsoa))
    first_of_authority = np.searchsorted(authority, authority, side="left")
    rank = np.arange(n_lsoa) - first_of_authority
    # Several authorities may share a name (Birmingham is big): number them on from each other.
    names = np.array(authorities, dtype=object)[authority]
    offset = np.zeros(n_lsoa, dtype=np.int64)
    seen: dict[str, int] = {}
    for a, label in enumerate(authorities):
        count = int((authority == a).sum())
        offset[authority == a] = seen.get(label, 0)
        seen[label] = seen.get(label, 0) + count
    rank = rank + offset
    letters = np.array(list("ABCDE"))[rank % 5]
    lsoa_names = [
        f"{label} {r // 5 + 1:03d}{letter}"
        for label, r, letter in zip(names, rank, letters, strict=True)
    ]
    country = "W01" if (meta.pfa_code or "").startswith("W") else "E01"
    base = _lsoa_code_base(force_id)
    lsoa_codes = [f"{country}{base + i:06d}" for i in range(n_lsoa)]

    n_points = max(50, round(profile.size_thousands * 12))
    point_lsoa = np.sort(rng.integers(0, n_lsoa, n_points))
    jitter = min(0.004, profile.spread_degrees / 2)
    lat = lsoa_lat[point_lsoa] + rng.normal(0, jitter, n_points)
    lon = lsoa_lon[point_lsoa] + rng.normal(0, jitter * 1.6, n_points)
    stems = vocab.stems.take(pa.array(rng.integers(0, len(vocab.stems), n_points)))
    street_kinds = vocab.street_kinds.take(
        pa.array(rng.integers(0, len(vocab.street_kinds), n_points))
    )
    streets = pc.binary_join_element_wise(stems, street_kinds, " ")
    places = vocab.places.take(pa.array(rng.integers(0, len(vocab.places), n_points)))
    names_of_points = pc.if_else(pa.array(rng.random(n_points) < pr.PLACE_SHARE), places, streets)
    if force_id == "btp":
        # BTP locations are stations: "On or near Fishersgate (Station)".
        names_of_points = pc.binary_join_element_wise(stems, "(Station)", " ")
    location = pc.binary_join_element_wise("On or near", names_of_points, " ")
    weights = rng.lognormal(0.0, 1.2, n_points)

    def with_blank_first(values: pa.Array, first: str | None = None) -> pa.Array:
        return pa.concat_arrays([pa.array([first], pa.string()), values.cast(pa.string())])

    codes = pa.array(lsoa_codes, pa.string()).take(pa.array(point_lsoa))
    lsoa_name_array = pa.array(lsoa_names, pa.string()).take(pa.array(point_lsoa))
    if force_id in NO_LSOA_FORCES:
        # PSNI street rows carry coordinates but no (England and Wales) LSOA.
        codes = pa.nulls(n_points, pa.string())
        lsoa_name_array = pa.nulls(n_points, pa.string())
    return _Geography(
        longitude=with_blank_first(_fixed6(lon)),
        latitude=with_blank_first(_fixed6(lat)),
        location=with_blank_first(location, "No Location"),
        lsoa_code=with_blank_first(codes),
        lsoa_name=with_blank_first(lsoa_name_array),
        probabilities=weights / weights.sum(),
    )
