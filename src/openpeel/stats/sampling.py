"""Reproducible stratified draws from a frame: seeded, frame-hashed, verifiable.

The one sampling method of openpeel, shared by the scrutiny panels' samples of searches and the
crime data integrity audits' samples of incidents. A frame is a list of record ids in a fixed
order (sorted by id); each record carries the label of the stratum it falls in (or None: in no
stratum). For each stratum of the specification, in order, ``n_h`` records are drawn without
replacement from its ``N_h`` members with one NumPy generator seeded once for the whole draw, so
the same frame, specification and seed always give the same records. The inclusion probability
of a drawn record is ``n_h / N_h`` and its design weight ``N_h / n_h`` (Horvitz-Thompson).

Whoever stores a draw stores the seed, the specification, the frame's ids and their SHA-256
(:func:`frame_sha256`); drawing again from the stored frame (:func:`draw_stratified`) and
comparing is the verification.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Largest seed accepted (a seed is stored in a 32-bit integer column).
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class Drawn:
    """One record drawn: its position in the frame, its stratum, N_h and n_h."""

    index: int
    stratum: str
    stratum_size: int
    stratum_sampled: int

    @property
    def inclusion_probability(self) -> float:
        """n_h / N_h."""
        return self.stratum_sampled / self.stratum_size

    @property
    def design_weight(self) -> float:
        """N_h / n_h: how many frame records this record stands for."""
        return self.stratum_size / self.stratum_sampled


def frame_sha256(record_ids: Sequence[str]) -> str:
    """SHA-256 of a frame's ids, one per line in frame order (what a draw stores)."""
    return hashlib.sha256("\n".join(record_ids).encode()).hexdigest()


def new_seed() -> int:
    """A fresh random seed (stored with the draw, so the draw can be made again)."""
    return int(np.random.default_rng().integers(0, MAX_SEED))


def draw_stratified(
    labels: Sequence[str | None], spec: Sequence[tuple[str, int]], seed: int
) -> list[Drawn]:
    """Draw ``n_h`` records of each stratum without replacement, reproducibly.

    Args:
        labels: the stratum of each frame record, in frame order (None: in no stratum).
        spec: ``(stratum, n_h)`` in draw order; a stratum smaller than ``n_h`` is taken whole.
        seed: seeds one generator for the whole draw.

    Returns:
        The drawn records in draw order: stratum by stratum as in ``spec``, within a stratum in
        frame order.
    """
    rng = np.random.default_rng(seed)
    members: dict[str, list[int]] = {name: [] for name, _ in spec}
    for i, label in enumerate(labels):
        if label is not None and label in members:
            members[label].append(i)
    drawn: list[Drawn] = []
    for name, size in spec:
        group = members[name]
        n = min(size, len(group))
        picks = sorted(rng.choice(len(group), size=n, replace=False).tolist()) if n else []
        drawn.extend(Drawn(group[i], name, len(group), n) for i in picks)
    return drawn
