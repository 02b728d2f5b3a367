"""Long published tables (one row per force and category) read with pyarrow, reshaped in DuckDB.

The Home Office crime outcomes and police workforce open data come as long CSV files: a period
column, a force code and/or name, category columns, and one or more measure columns. Headers are
matched loosely (case, spacing and punctuation ignored) against the names the declaration lists,
so the published header and renamed copies both read. Every other column becomes a dimension.
Rows whose force is not recognised, or that carry no force at all, go to the rejects.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from openpeel.errors import SourceFormatError
from openpeel.reference.official_areas import recognise_area
from openpeel.sources.publications.spec import LongSpec, header_key
from openpeel.sources.publications.workbook import csv_header


def _find(header: list[str], names: tuple[str, ...], path: Path, part: str) -> str | None:
    keys = {header_key(n) for n in names}
    found = [h for h in header if header_key(h) in keys]
    if not found and part != "code":
        raise SourceFormatError(f"{path.name}: no {part} column (looked for {', '.join(names)})")
    return found[0] if found else None


def read_long(
    path: Path, spec: LongSpec, markers: dict[str, str]
) -> tuple[pa.Table, pa.Table, int]:
    """Tidy rows, rejected rows and rows read from one long CSV file."""
    header = csv_header(path)
    if len(set(header)) != len(header):
        raise SourceFormatError(f"{path.name}: repeated column names in the header")
    period = _find(header, spec.period, path, "period")
    code = _find(header, spec.code, path, "code") if spec.code else None
    name = _find(header, spec.name, path, "force name")
    measures: dict[str, str] = {}
    for measure, names in spec.measures.items():
        column = _find(header, names, path, "code")
        if column is not None:
            measures[measure] = column
    if not measures:
        raise SourceFormatError(f"{path.name}: none of the declared measure columns is present")
    assert period is not None and name is not None
    used = {period, code, name, *measures.values()}
    dimensions = [h for h in header if h not in used]
    # pyarrow reads the file (gzip by its extension) with every column as text: no sniffing,
    # and numbers are typed below, where markers such as " - " are told apart from figures.
    data = pacsv.read_csv(
        str(path),
        read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header}, strings_can_be_null=False
        ),
    )
    areas = _area_table(data, code, name, spec)
    n = data.num_rows
    # Lineage: the file's line number (the header is line 1).
    source_row = pa.array(range(2, n + 2), pa.int64())
    if code:
        keys = pc.binary_join_element_wise(data.column(code), data.column(name), "\x1f")
    else:
        keys = pc.binary_join_element_wise("", data.column(name), "\x1f")
    area_keys = pc.binary_join_element_wise(areas["code_key"], areas["name_key"], "\x1f")
    index = _per_distinct(keys, lambda distinct: pc.index_in(distinct, value_set=area_keys))
    joined = {c: pc.take(areas[c], index) for c in areas.column_names}
    known = pc.is_valid(joined["area_id"])
    dims = _dimensions_json(data, dimensions)
    period_raw = _per_distinct(data.column(period), pc.utf8_trim_whitespace)
    name_raw = _per_distinct(data.column(name), pc.utf8_trim_whitespace)
    parts, bad = [], []
    for measure, column in measures.items():
        raw = data.column(column)
        status, value = _typed(raw, markers, spec.empty_values)
        part = pa.table(
            {
                "table_id": pa.array(["csv"] * n),
                "area_type": joined["area_type"],
                "area_id": joined["area_id"],
                "area_code": joined["area_code"],
                "area_name_raw": name_raw,
                "force_id": joined["force_id"],
                "period_raw": period_raw,
                "measure": pa.array([measure] * n),
                "dimensions": dims,
                "value": value,
                "value_status": status,
                "value_raw": raw,
                "unit": pa.array([spec.units.get(measure, "count")] * n),
                "source_sheet": pa.array([""] * n),
                "source_row": source_row,
                "source_column": pa.array([column] * n),
            }
        )
        parts.append(part.filter(pc.and_(known, pc.is_valid(status))))
        bad.append(
            part.filter(pc.and_(known, pc.is_null(status))).select(
                ["source_sheet", "source_row", "source_column", "value_raw"]
            )
        )
    tidy = pa.concat_tables(parts)
    unknown = pc.invert(known)
    rejected_rows = pa.table(
        {
            "source_sheet": pa.array([""] * n),
            "source_row": source_row,
            "source_column": pa.array([name] * n),
            "reason": joined["reason"],
            "raw": pc.utf8_trim_whitespace(keys),
        }
    ).filter(unknown)
    rejected_rows = rejected_rows.set_column(
        4, "raw", pc.replace_substring(rejected_rows["raw"], "\x1f", " ")
    )
    bad_cells = pa.concat_tables(bad)
    bad_cells = pa.table(
        {
            "source_sheet": bad_cells["source_sheet"],
            "source_row": bad_cells["source_row"],
            "source_column": bad_cells["source_column"],
            "reason": pa.array(
                ["not a number or a declared missing-value marker"] * bad_cells.num_rows,
                pa.string(),
            ),
            "raw": bad_cells["value_raw"],
        }
    )
    rejects = pa.concat_tables([rejected_rows, bad_cells.cast(rejected_rows.schema)])
    return tidy, rejects, n


_NUMBER = r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$"


def _per_distinct(column: pa.ChunkedArray, compute: Any) -> Any:
    """``compute`` applied to each distinct value once, spread back to every row.

    Published long tables repeat a few hundred category names and counts over hundreds of
    thousands of rows: trimming, escaping and typing the distinct values is much cheaper.
    """
    encoded = pc.dictionary_encode(column.combine_chunks())
    results = compute(encoded.dictionary)
    if isinstance(results, tuple):
        return tuple(pc.take(r, encoded.indices) for r in results)
    return pc.take(results, encoded.indices)


def _typed(
    raw: pa.ChunkedArray, markers: dict[str, str], empty: tuple[str, ...]
) -> tuple[pa.Array, pa.Array]:
    """Each cell's value status and value (computed once per distinct cell text)."""
    return _per_distinct(raw, lambda values: _typed_values(values, markers, empty))


def _typed_values(
    raw: pa.Array, markers: dict[str, str], empty: tuple[str, ...]
) -> tuple[pa.Array, pa.Array]:
    """Value status and value: markers by their declared meaning, numbers (padded,
    comma-grouped) as numbers, anything else null (a rejected cell)."""
    trimmed = pc.utf8_trim_whitespace(raw)
    is_number = pc.and_(
        pc.match_substring_regex(trimmed, _NUMBER), pc.match_substring_regex(trimmed, r"\d")
    )
    status = pc.if_else(is_number, "reported", pa.scalar(None, pa.string()))
    for text in empty:
        status = pc.if_else(pc.equal(trimmed, text), markers.get(text, "not_available"), status)
    for text, meaning in markers.items():
        status = pc.if_else(pc.equal(trimmed, text), meaning, status)
    cleaned = pc.replace_substring(trimmed, ",", "")
    value = pc.cast(pc.if_else(is_number, cleaned, pa.scalar(None, pa.string())), pa.float64())
    return status, value


def _json_escaped(values: pa.Array) -> pa.Array:
    text = pc.utf8_trim_whitespace(values)
    for old, new in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r")):
        text = pc.replace_substring(text, old, new)
    return text


def _dimensions_json(data: pa.Table, dimensions: list[str]) -> pa.ChunkedArray:
    """The dimension columns of each row as a JSON object with sorted keys (as the
    spreadsheet reader writes them), built column-wise."""
    n = data.num_rows
    if not dimensions:
        return pa.chunked_array([pa.array(["{}"] * n)])
    named = sorted((header_key(d).replace(" ", "_"), d) for d in dimensions)
    pieces: list[object] = []
    for i, (key, column) in enumerate(named):
        text = _per_distinct(data.column(column), _json_escaped)
        pieces += [("{" if i == 0 else ", ") + json.dumps(key) + ': "', text, '"']
    pieces.append("}")
    return pc.binary_join_element_wise(*pieces, "")


def _area_table(data: pa.Table, code: str | None, name: str, spec: LongSpec) -> pa.Table:
    """One row per distinct (code, name) pair: the area it names, or why it was rejected."""
    codes = data.column(code) if code else pa.array([""] * data.num_rows)
    pairs = pa.table({"c": codes, "n": data.column(name)}).group_by(["c", "n"]).aggregate([])
    rows: list[dict[str, Any]] = []
    for c, n in zip(pairs.column("c").to_pylist(), pairs.column("n").to_pylist(), strict=True):
        ck, nk = (c or "").strip(), (n or "").strip()
        empty = {ck, nk} <= {*spec.empty_values, ""}
        area = None if empty else recognise_area(nk, ck if ck not in spec.empty_values else None)
        if area is None and not empty and ck:
            area = recognise_area(nk)  # a code not on the list: the name may still say
        reason = None
        if area is None:
            reason = (
                "empty row (no force code or name)"
                if empty
                else "not a recognised force, region or national total"
            )
        rows.append(
            {
                "code_key": c or "",
                "name_key": n or "",
                "area_type": area.area_type if area else None,
                "area_id": area.area_id if area else None,
                "area_code": area.area_code if area else None,
                "force_id": area.force_id if area else None,
                "reason": reason,
            }
        )
    return pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [(k, pa.string()) for k in ("code_key", "name_key", "area_type", "area_id")]
            + [(k, pa.string()) for k in ("area_code", "force_id", "reason")]
        ),
    )
