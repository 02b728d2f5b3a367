"""A corpus of damaged police.uk files, made at run time: every case ends in a one-line reason,
and rows read = rows loaded + rows rejected, equal to what the lake holds.

Each damage is applied to synthetic files (always; made up rows, not real crimes) and to real
police.uk files when the shared data folder is present (skipped cleanly otherwise): stray line
breaks, quotes, encodings, widths, truncation, blank lines, and zips.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import openpeel
from openpeel.reference.forces import forces
from openpeel.sources.policeuk_archive import FILE_NAME, ArchiveError
from openpeel.sources.policeuk_tables import KIND_TABLE
from openpeel.store.ingest import IngestReport
from tests.conftest import shared_data
from tests.unit.test_ingest_damage import street_row

REAL = {
    "street": "download-2022-01/2021-08/2021-08-city-of-london-street.csv",
    "outcomes": "download-2024-04/2024-02/2024-02-city-of-london-outcomes.csv",
    "stop-and-search": "download-2021-05/2020-03/2020-03-city-of-london-stop-and-search.csv",
}


@dataclass(frozen=True)
class Outcome:
    """What a damaged file must end as: refused (reason containing ``says``; None: either
    refused or loaded) or loaded with ``rejected`` rows rejected (None: up to two, as the
    reader splits it) and ``lost`` records fewer than the original (None: all of them)."""

    refused: bool | None = False
    says: str = ""
    rejected: int | None = 0
    lost: int | None = 0
    #: What to expect instead when the original file ends its lines with LF, not CRLF.
    on_lf: Outcome | None = None


Damage = Callable[[bytes, random.Random], bytes]


def _lines(data: bytes) -> tuple[list[bytes], bytes]:
    newline = b"\r\n" if b"\r\n" in data[:4096] else b"\n"
    lines = data.split(newline)
    return lines, newline


def _row(rng: random.Random, lines: list[bytes]) -> int:
    """A data row (not the header, not the trailing empty piece) with at least one comma."""
    last = len(lines) - (2 if not lines[-1] else 1)
    return rng.randint(2, max(2, min(last, 40)))


def _edit_row(edit: Callable[[bytes, random.Random], bytes]) -> Damage:
    def damage(data: bytes, rng: random.Random) -> bytes:
        lines, newline = _lines(data)
        i = _row(rng, lines)
        lines[i] = edit(lines[i], rng)
        return newline.join(lines)

    return damage


def _insert(token: bytes) -> Callable[[bytes, random.Random], bytes]:
    def edit(line: bytes, rng: random.Random) -> bytes:
        at = rng.randint(1, len(line) - 1)
        return line[:at] + token + line[at:]

    return edit


def _open_quote(line: bytes, rng: random.Random) -> bytes:
    commas = [i for i, c in enumerate(line) if c == ord(",")]
    at = commas[len(commas) // 2] + 1
    return line[:at] + b'"' + line[at:]


def _swap_ending(data: bytes, rng: random.Random) -> bytes:
    lines, newline = _lines(data)
    other = b"\n" if newline == b"\r\n" else b"\r\n"
    i = _row(rng, lines)
    return newline.join(lines[:i]) + newline + lines[i] + other + newline.join(lines[i + 1 :])


def _latin1(line: bytes, rng: random.Random) -> bytes:
    return line[:5] + b"\xe9" + line[5:]


def _nul_late(data: bytes, rng: random.Random) -> bytes:
    lines, newline = _lines(data)
    i = len(lines) - (2 if not lines[-1] else 1)
    lines[i] = lines[i][:3] + b"\x00" + lines[i][3:]
    return newline.join(lines)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    lines, newline = _lines(data)
    cut = len(newline.join(lines[:-3])) + len(newline) + 7
    return data[:cut]


def _blank_lines(data: bytes, rng: random.Random) -> bytes:
    lines, newline = _lines(data)
    i = _row(rng, lines)
    return newline.join([*lines[:i], b"", b"", *lines[i:]])


def _long_field(line: bytes, rng: random.Random) -> bytes:
    at = line.index(b",") + 1
    return line[:at] + b"x" * 2_000_000 + line[at:]


def _drop_field(line: bytes, rng: random.Random) -> bytes:
    return line[: line.rindex(b",")]


def _wide_header(data: bytes, rng: random.Random) -> bytes:
    lines, newline = _lines(data)
    lines[0] += b"".join(b",extra %d" % i for i in range(3000))
    return newline.join(lines)


def _junk_rows(data: bytes, rng: random.Random) -> bytes:
    return data + b"not a row\n" * 12_000


def _header_only(data: bytes, rng: random.Random) -> bytes:
    lines, newline = _lines(data)
    return lines[0] + newline


#: name: (damage, outcome). Rows are numbered from the first data row; "lost" counts records
#: that no longer exist in the damaged copy (cut off, or merged by a closed quote).
CASES: dict[str, tuple[Damage, Outcome]] = {
    # In an LF file a stray LF is a line ending: two short records, each rejected.
    "stray LF": (
        _edit_row(_insert(b"\n")),
        Outcome(rejected=1, on_lf=Outcome(rejected=2, lost=-1)),
    ),
    "stray CR": (_edit_row(_insert(b"\r")), Outcome(rejected=1)),
    # An LF ending in a CRLF file joins two rows into one record, rejected with its reason.
    "LF ending on one row": (_swap_ending, Outcome(rejected=1, lost=1, on_lf=Outcome(rejected=1))),
    "unbalanced quote": (_edit_row(_open_quote), Outcome(refused=True, says="quote")),
    "stray quote pair": (_edit_row(_insert(b'""')), Outcome(rejected=None)),
    "latin-1 byte": (_edit_row(_latin1), Outcome(rejected=None)),
    "NUL byte late in the file": (_nul_late, Outcome(refused=None, rejected=None)),
    "UTF-16": (lambda d, r: d.decode("utf-8").encode("utf-16"), Outcome(True, "not")),
    "BOM": (lambda d, r: b"\xef\xbb\xbf" + d, Outcome()),
    "extra field": (_edit_row(lambda line, r: line + b",EXTRA"), Outcome(rejected=1)),
    "missing field": (_edit_row(_drop_field), Outcome(rejected=1)),
    "2,000,000-character field": (_edit_row(_long_field), Outcome(rejected=1)),
    "cut mid-row": (_truncate, Outcome(rejected=1, lost=1)),
    "blank lines": (_blank_lines, Outcome()),
    "wide header": (_wide_header, Outcome(refused=True, says="wrong header")),
    "12,000 junk rows": (_junk_rows, Outcome(refused=True, says="cannot be read")),
    "header only": (_header_only, Outcome(lost=None)),
    "CR line endings": (lambda d, r: d.replace(b"\r\n", b"\r").replace(b"\n", b"\r"), Outcome()),
}


def lake_rows(data_dir: Path, table: str) -> dict[str | None, int]:
    """Rows of a lake table by force."""
    frame = openpeel.connect(data_dir).table(table).execute()
    return {k: int(v) for k, v in frame.groupby("force_id").size().items()}


def check_accounted(report: IngestReport, data_dir: Path) -> None:
    """One-line reasons; rows read = loaded + rejected; the report equals the lake, force by
    force."""
    loaded: dict[str, dict[str | None, int]] = {}
    rejected: dict[str | None, int] = {}
    for f in report.files:
        if f.status == "refused":
            assert f.reason and "\n" not in f.reason and "\r" not in f.reason, f
            assert len(f.reason) <= 300, f.reason
            continue
        assert f.rows_read == f.rows_loaded + f.rows_rejected, f
        if f.status == "loaded":
            by_force = loaded.setdefault(KIND_TABLE[f.kind or ""], {})
            by_force[f.force_id] = by_force.get(f.force_id, 0) + f.rows_loaded
            rejected[f.force_id] = rejected.get(f.force_id, 0) + f.rows_rejected
    for table, by_force in loaded.items():
        assert lake_rows(data_dir, table) == {k: n for k, n in by_force.items() if n}, table
    assert lake_rows(data_dir, "rejects") == {k: n for k, n in rejected.items() if n}
    for reason in openpeel.connect(data_dir).table("rejects").execute().reason:
        assert reason and "\n" not in reason


def records_of(data: bytes) -> int:
    lines, _ = _lines(data)
    return sum(1 for line in lines[1:] if line)


#: One force per case: every damaged copy goes into one load, named as a different force.
FORCES = sorted(f for f, v in forces().items() if v.pfa_code)


def run_corpus(tmp_path: Path, original: bytes, file_name: str) -> None:
    """Load every damaged copy of one file in one run; check each file's outcome."""
    assert len(FORCES) >= len(CASES)
    found = FILE_NAME.match(file_name)
    assert found
    month, kind = found.group("month"), found.group("kind")
    src = tmp_path / "src" / month
    src.mkdir(parents=True)
    cases = {}
    for name, force in zip(CASES, FORCES, strict=False):
        damage, _ = CASES[name]
        (src / f"{month}-{force}-{kind}.csv").write_bytes(damage(original, random.Random(name)))
        cases[force] = name
    data_dir = tmp_path / "data"
    report = openpeel.ingest([tmp_path / "src"], data_dir)
    check_accounted(report, data_dir)
    assert sorted(f.force_id or "" for f in report.files) == sorted(cases)
    for f in report.files:
        name = cases[f.force_id or ""]
        outcome = CASES[name][1]
        if outcome.on_lf and _lines(original)[1] == b"\n":
            outcome = outcome.on_lf
        if outcome.refused or (outcome.refused is None and f.status == "refused"):
            assert f.status == "refused", (name, f)
            assert outcome.says in (f.reason or ""), (name, f.reason)
            continue
        assert f.status == "loaded", (name, f)
        lost = records_of(original) if outcome.lost is None else outcome.lost
        assert f.rows_read == records_of(original) - lost, (name, f)
        if outcome.rejected is not None:
            assert f.rows_rejected == outcome.rejected, (name, f)
        else:
            assert 0 <= f.rows_rejected <= 2, (name, f)


def synthetic_file() -> tuple[bytes, str]:
    """A synthetic CRLF street file of 60 made-up rows."""
    from openpeel.sources.policeuk_archive import HEADERS

    rows = [",".join(HEADERS["street"]), *(street_row(i) for i in range(60))]
    return ("\r\n".join(rows) + "\r\n").encode(), "2021-08-kent-street.csv"


def test_damaged_synthetic_files(tmp_path: Path) -> None:
    original, file_name = synthetic_file()
    run_corpus(tmp_path, original, file_name)


@pytest.mark.parametrize("kind", list(REAL))
def test_damaged_real_files(tmp_path: Path, kind: str) -> None:
    real = shared_data() / "policeuk" / REAL[kind]
    if not real.is_file():
        pytest.skip("real police.uk data not available")
    run_corpus(tmp_path, real.read_bytes(), real.name)


# --- zips -----------------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_a_truncated_zip_is_refused_in_one_line(tmp_path: Path) -> None:
    original, name = synthetic_file()
    whole = _zip(tmp_path / "whole.zip", {f"2021-08/{name}": original * 20})
    cut = tmp_path / "2021-08.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ArchiveError) as err:
        openpeel.ingest([cut], tmp_path / "data")
    assert "\n" not in str(err.value) and "2021-08.zip" in str(err.value)


def test_a_zip_with_a_damaged_member_and_a_good_one(tmp_path: Path) -> None:
    original, name = synthetic_file()
    damaged = CASES["stray LF"][0](original, random.Random(1))
    archive = _zip(
        tmp_path / "2021-08.zip",
        {
            f"2021-08/{name}": damaged,
            "2021-08/2021-08-essex-street.csv": original,
            "2021-08/notes.txt": b"not a csv",
        },
    )
    data_dir = tmp_path / "data"
    report = openpeel.ingest([archive], data_dir)
    check_accounted(report, data_dir)
    assert sorted((f.force_id, f.rows_read, f.rows_rejected) for f in report.files) == [
        ("essex", 60, 0),
        ("kent", 60, 1),
    ]
