"""A SYNTHETIC population table for demos and tests (the project ships no real Census data)."""

from __future__ import annotations

from typing import Any

DEMO_POPULATION_SHARES = {"asian": 0.18, "black": 0.06, "mixed": 0.04, "white": 0.70, "other": 0.02}
DEMO_POPULATION_SOURCE = "SYNTHETIC demo population (round numbers, not Census 2021)"


def demo_population() -> Any:
    """A SYNTHETIC population table in the schema of ``openpeel.population()``.

    Every force with a resident population gets its approximate size from the synthetic
    profiles split by fixed round shares; ``source`` says SYNTHETIC so every rate made with it is
    labelled (the project ships no copy of the real Census tables).
    """
    import pyarrow as pa

    from openpeel.reference.forces import forces
    from openpeel.sources.census import BROAD_GROUPS, POPULATION_SCHEMA, TOTAL
    from openpeel.synth.profiles import force_profile

    out: dict[str, list[Any]] = {f.name: [] for f in POPULATION_SCHEMA}
    for info in forces().values():
        if not info.has_resident_population or not info.pfa_code:
            continue
        size = force_profile(info.force_id).size_thousands * 1000
        people = {g: round(size * DEMO_POPULATION_SHARES[g]) for g in BROAD_GROUPS}
        people[TOTAL] = sum(people.values())
        for group, count in people.items():
            row = (info.force_id, info.pfa_code, info.pfa_name, group, count)
            for name, value in zip(
                ("force_id", "pfa_code", "pfa_name", "ethnic_group", "population"),
                row,
                strict=True,
            ):
                out[name].append(value)
            out["source"].append(DEMO_POPULATION_SOURCE)
            out["census_year"].append(2021)
    return pa.Table.from_pydict(out, schema=POPULATION_SCHEMA)
