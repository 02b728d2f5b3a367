"""Long published tables (one row per force and category) read with pyarrow, reshaped in DuckDB.

The Home Office crime outcomes and police workforce open data come as long CSV files: a period
column, a force code and/or name, category columns, and one or more measure columns. Headers are
matched loosely (case, spacing and punctuation ignored) against the names the declaration lists,
so the published header and renamed copies both read. Every other column becomes a dimension.
Rows whose force is not recognised, or that carry no force at all, go to the rejects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
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


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
    con = duckdb.connect()
    con.register("src", data)
    con.register("areas", areas)
    empty = ", ".join(f"'{v}'" for v in spec.empty_values)
    dims_sql = (
        "json_object("
        + ", ".join(f"'{header_key(d).replace(' ', '_')}', trim({_quote(d)})" for d in dimensions)
        + ")"
        if dimensions
        else "'{}'"
    )
    code_sql = f"trim(s.{_quote(code)})" if code else "''"
    base = f"""
        SELECT row_number() OVER () + 1 AS source_row, s.*,
               {code_sql} AS code_key, trim(s.{_quote(name)}) AS name_key
        FROM src s
    """
    con.execute(f"CREATE TEMP TABLE numbered AS {base}")
    marker_sql = (
        "CASE "
        + " ".join(f"WHEN trim(v) = '{k}' THEN '{s}'" for k, s in markers.items() if k)
        + f" WHEN trim(v) IN ({empty}) THEN 'not_available'"
        + " WHEN try_cast(replace(trim(v), ',', '') AS DOUBLE) IS NOT NULL THEN 'reported'"
        + " ELSE NULL END"
    )
    unions = " UNION ALL ".join(
        f"SELECT source_row, {_quote(col)} AS v, '{measure}' AS measure, "
        f"'{spec.units.get(measure, 'count')}' AS unit, '{col}' AS source_column, * "
        f"EXCLUDE (source_row) FROM numbered"
        for measure, col in measures.items()
    )
    tidy_sql = f"""
        WITH long AS ({unions}), typed AS (
            SELECT *, {marker_sql} AS value_status FROM long
        )
        SELECT 'csv' AS table_id, a.area_type, a.area_id, a.area_code,
               t.name_key AS area_name_raw, a.force_id,
               trim(t.{_quote(period)}) AS period_raw,
               t.measure, {dims_sql.replace("trim(", "trim(t.")} AS dimensions,
               CASE WHEN t.value_status = 'reported'
                    THEN CAST(replace(trim(t.v), ',', '') AS DOUBLE) END AS value,
               t.value_status, t.v AS value_raw, t.unit,
               '' AS source_sheet, t.source_row, t.source_column
        FROM typed t JOIN areas a ON a.code_key = t.code_key AND a.name_key = t.name_key
        WHERE a.area_id IS NOT NULL AND t.value_status IS NOT NULL
        ORDER BY t.source_row, t.measure
    """
    tidy = con.execute(tidy_sql).to_arrow_table()
    bad_cells = con.execute(
        f"""
        WITH long AS ({unions})
        SELECT '' AS source_sheet, source_row, source_column,
               'not a number or a declared missing-value marker' AS reason, v AS raw
        FROM long l JOIN areas a ON a.code_key = l.code_key AND a.name_key = l.name_key
        WHERE a.area_id IS NOT NULL AND ({marker_sql.replace("trim(v)", "trim(l.v)")}) IS NULL
        """
    ).to_arrow_table()
    rejected_rows = con.execute(
        f"""
        SELECT '' AS source_sheet, n.source_row, '{name}' AS source_column,
               CASE WHEN a.reason IS NOT NULL THEN a.reason END AS reason,
               concat_ws(' ', nullif(n.code_key, ''), n.name_key) AS raw
        FROM numbered n JOIN areas a ON a.code_key = n.code_key AND a.name_key = n.name_key
        WHERE a.area_id IS NULL ORDER BY n.source_row
        """
    ).to_arrow_table()
    rejects = pa.concat_tables([rejected_rows, bad_cells.cast(rejected_rows.schema)])
    return tidy, rejects, data.num_rows


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
                "code_key": ck,
                "name_key": nk,
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
