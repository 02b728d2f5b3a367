"""The catalogue of the lake's columns (reference/lake_columns.csv) and what is built from it."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from openpeel.reference.lake_columns import (
    SQL_TYPES,
    Column,
    arrow_schema,
    catalogue_rows,
    columns,
    table_rows,
)
from openpeel.sources import calls_log, offenders, policeuk_tables, vulnerability_extract
from openpeel.sources.internal_extract import KIND_TYPES, REJECT_SCHEMA, declared_columns
from openpeel.store import lake, tables


def test_every_row_has_a_known_type_and_a_definition() -> None:
    for table, rows in catalogue_rows().items():
        for row in rows:
            if row["column"].startswith("*"):
                assert row["column"][1:] in catalogue_rows(), (table, row["column"])
                continue
            assert row["definition"].strip(), (table, row["column"])
            if row["required"]:  # a column of a force-internal extract file
                assert row["type"] in KIND_TYPES, (table, row["column"])
                assert row["required"] in ("yes", "no")
            else:
                assert row["type"] in SQL_TYPES, (table, row["column"])


def test_no_table_declares_a_column_twice() -> None:
    for table in catalogue_rows():
        names = [row["column"] for row in table_rows(table)]
        assert len(names) == len(set(names)), table


def test_groups_are_expanded_where_included() -> None:
    crimes = policeuk_tables.CRIMES
    assert crimes[0] == Column(
        "crime_id", "VARCHAR", "64-hex persistent id; NULL for anti-social behaviour"
    )
    assert [c.name for c in crimes[1:5]] == ["reported_by", "falls_within", "longitude", "latitude"]
    assert policeuk_tables.OUTCOMES[1:5] == crimes[1:5]
    assert calls_log.CALL_LOG_COLUMNS[-3:] == policeuk_tables.LINEAGE
    assert calls_log.CALL_LOG_COLUMNS[-5] == Column(
        "weekday", "SMALLINT", "day of the week of offered_at, 0 = Monday ... 6 = Sunday"
    )
    assert [c.name for c in policeuk_tables.table_columns("rejects")] == [
        "table_name",
        "force_id",
        "month",
        "source_file",
        "source_row",
        "reason",
        "raw_row",
        "snapshot",
        "load_id",
    ]
    assert [c.name for c in policeuk_tables.REJECTS][:2] == ["source_file", "source_row"]


def test_extract_columns_carry_codes_bounds_and_options() -> None:
    risk = offenders.OFFENDERS.column("risk_level")
    assert risk.codes == offenders.RISK_LEVELS and risk.required
    assert offenders.OFFENDERS.column("mappa_level").codes == ("1", "2", "3")
    years = offenders.OFFENDERS.column("notification_years")
    assert (years.minimum, years.maximum, years.required) == (0, 99, False)
    assert offenders.OFFENDER_MANAGERS.column("fte").minimum == 0.01
    cases = vulnerability_extract.TABLES["cases"]
    grade = cases.column("risk_grade")
    assert grade.normalise and grade.codes == vulnerability_extract.RISK_GRADES
    assert cases.column("reported_at").lenient
    assert cases.column("case_id").definition == "the incident or crime (pseudonymised, opaque)"
    assert [c.name for c in cases.columns if c.kind == "flag"] == [
        f"flag_{t}" for t in vulnerability_extract.DEMAND_TYPES
    ]


def test_a_vocabulary_the_module_does_not_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="no vocabulary RISK_LEVELS"):
        declared_columns("offenders", {})


def test_arrow_schemas_come_from_the_catalogue() -> None:
    assert lake.MANIFEST_SCHEMA.field("loaded_at").type == pa.timestamp("us", tz="UTC")
    assert lake.LOAD_LOG_SCHEMA.names[:3] == ["load_id", "logged_at", "table_name"]
    assert REJECT_SCHEMA.names == ["table_name", "source_file", "source_row", "reason", "raw_row"]
    assert arrow_schema("official").field("value").type == pa.float64()
    assert [c.name for c in tables.OFFICIAL_COLUMNS] == arrow_schema("official").names
    assert tables.lake_table("crime_recording_audits").columns[0] == Column(
        "force_id", "VARCHAR", "the force audited"
    )


def test_an_unknown_table_is_named() -> None:
    with pytest.raises(KeyError, match="no_such_table"):
        columns("no_such_table")


def test_path_keys_type_the_partition_columns() -> None:
    from openpeel.store.connection import HIVE_TYPES

    assert HIVE_TYPES == {
        "table": "VARCHAR",
        "force_id": "VARCHAR",
        "month": "DATE",
        "vintage": "VARCHAR",
        "publication": "VARCHAR",
        "period": "VARCHAR",
    }
    assert tables.PARTITION_KEYS == ("force_id", "month", "vintage", "publication", "period")


def test_extract_files_are_catalogued_with_key_and_presence() -> None:
    assert offenders.DEVICE_CHECKS.file_name == "device_checks.csv"
    assert offenders.DEVICE_CHECKS.key == ("check_id",)
    assert not offenders.DEVICE_CHECKS.required_file and offenders.OFFENDERS.required_file
    assert [r.reason for r in offenders.OFFENDERS.rules] == [
        "registration_ends_on is before registered_on",
        "status_since is needed when the status is wanted or missing",
    ]
    capacity = vulnerability_extract.TABLES["capacity"]
    assert (capacity.table, capacity.key, capacity.match_headers) == (
        "vulnerability_capacity",
        ("team", "month"),
        True,
    )
    assert [r.reason for r in vulnerability_extract.TABLES["marac"].rules] == [
        "heard_on before referred_on"
    ]


def test_an_undeclared_column_is_named_with_the_declared_ones() -> None:
    with pytest.raises(KeyError, match=r"unknown column of civil_orders\.csv 'x'; known: ends_on"):
        offenders.CIVIL_ORDERS.column("x")


def test_the_documented_tables_are_the_catalogued_ones() -> None:
    from openpeel.reference.lake_columns import markdown_table

    folder = Path(__file__).resolve().parents[2] / "docs"
    docs = (folder / "data.md").read_text("utf-8")
    for table in ("stop_searches", "crimes", "outcomes", "rejects"):
        assert markdown_table(policeuk_tables.table_columns(table)) in docs, table
    for table in ("load_log", "unknown_values", "population"):
        assert markdown_table(table) in docs, table
    calls = (folder / "calls.md").read_text("utf-8")
    for table in ("calls_999_monthly", "call_log", "incidents"):
        assert markdown_table(table) in calls, table
