"""The SQL vocabulary lookup of the ingest (``policeuk_archive.coded``) gives what the Python
lookup gives, for every raw value of every vocabulary as published, spaced or cased otherwise,
blank, and unseen: the lookup of published values as they stand is only a shortcut."""

from __future__ import annotations

import duckdb
import pytest

from openpeel.reference.vocabularies import VOCABULARIES, lookup, normalise, vocabulary
from openpeel.sources.policeuk_archive import coded


def _expected(value: str | None, vocab: str, part: str) -> str | None:
    if value is None or not normalise(value):
        return None
    term = lookup(vocab).get(normalise(value))
    return getattr(term, part) if term else "unknown"


@pytest.mark.parametrize("vocab", VOCABULARIES)
@pytest.mark.parametrize("part", ["code", "group"])
def test_sql_lookup_matches_python(vocab: str, part: str) -> None:
    raws = list(vocabulary(vocab))
    values: list[str | None] = [
        *raws,
        *(r.upper() for r in raws),
        *(f"  {r.replace(' ', '   ')} " for r in raws),
        *(r.lower() + "\t" for r in raws),
        None,
        "",
        "   ",
        "a value no vocabulary has",
    ]
    con = duckdb.connect()
    got = [
        row[0]
        for row in con.execute(
            f"SELECT {coded('x', vocab, part)} FROM unnest(?) WITH ORDINALITY AS r(x, i) "
            "ORDER BY i",
            [values],
        ).fetchall()
    ]
    assert got == [_expected(v, vocab, part) for v in values]
