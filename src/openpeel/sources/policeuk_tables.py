"""The canonical tables made from data.police.uk files, declared once as data.

Each column has a DuckDB type and a one-line definition. The ingest casts to these types, the
store builds empty tables from them, and the documentation lists them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    type: str
    definition: str


LINEAGE = (
    Column("source_file", "VARCHAR", "file the row was read from (name within its archive)"),
    Column(
        "source_row", "BIGINT", "record number within the file (1 = first row after the header)"
    ),
    Column("snapshot", "VARCHAR", "download vintage, e.g. policeuk-2021-11 or synthetic-2022-03"),
)

PARTITION = (
    Column("force_id", "VARCHAR", "data.police.uk force id, from the file name"),
    Column("month", "DATE", "first day of the month the file covers"),
)

STOP_SEARCHES = (
    Column("search_type_raw", "VARCHAR", "Type as published"),
    Column("search_type_code", "VARCHAR", "person, person_and_vehicle or vehicle"),
    Column("is_vehicle_only", "BOOLEAN", "a vehicle search with no person searched"),
    Column("occurred_at", "TIMESTAMP", "date and time as published (UTC offset +00:00)"),
    Column("is_part_of_policing_operation", "BOOLEAN", "blank in the file is NULL (unknown)"),
    Column("policing_operation", "VARCHAR", "name of the operation, as published"),
    Column("latitude", "DOUBLE", "anonymised location, WGS84"),
    Column("longitude", "DOUBLE", "anonymised location, WGS84"),
    Column("gender_raw", "VARCHAR", "Gender as published"),
    Column("gender_code", "VARCHAR", "male, female, other; NULL when blank"),
    Column("age_range_raw", "VARCHAR", "Age range as published"),
    Column("age_range_code", "VARCHAR", "under_10, 10_17, 18_24, 25_34, over_34"),
    Column("self_defined_ethnicity_raw", "VARCHAR", "Self-defined ethnicity as published"),
    Column("self_defined_ethnicity_code", "VARCHAR", "PACE-style code (W1, A2, NS, ...)"),
    Column(
        "ethnic_group",
        "VARCHAR",
        "broad self-defined group: asian, black, mixed, white, other, not_stated",
    ),
    Column("officer_defined_ethnicity_raw", "VARCHAR", "Officer-defined ethnicity as published"),
    Column("officer_defined_ethnic_group", "VARCHAR", "asian, black, mixed, white, other"),
    Column("legislation_raw", "VARCHAR", "Legislation as published"),
    Column("legislation_code", "VARCHAR", "power used, e.g. mda_s23, pace_s1, cjpoa_s60"),
    Column("object_of_search_raw", "VARCHAR", "Object of search as published"),
    Column("object_of_search_code", "VARCHAR", "e.g. controlled_drugs, offensive_weapons"),
    Column("outcome_raw", "VARCHAR", "Outcome as published"),
    Column("outcome_code", "VARCHAR", "e.g. no_further_action, arrest, community_resolution"),
    Column(
        "outcome_group",
        "VARCHAR",
        "no_further_action, arrest, summons, out_of_court, action_unspecified",
    ),
    Column("is_outcome_linked_to_object", "BOOLEAN", "blank in the file is NULL (unknown)"),
    Column(
        "is_removal_of_more_than_outer_clothing",
        "BOOLEAN",
        "strip search indicator; blank in the file is NULL (unknown)",
    ),
)

#: Who published a crime's row and where it is: the street and the outcomes files alike.
_REPORTED = (
    Column("reported_by", "VARCHAR", "force that provided the data"),
    Column("falls_within", "VARCHAR", "force area the crime falls within"),
    Column("longitude", "DOUBLE", "anonymised location, WGS84"),
    Column("latitude", "DOUBLE", "anonymised location, WGS84"),
)
_PLACE = (
    Column("location", "VARCHAR", "anonymised street ('On or near ...') or 'No Location'"),
    Column("has_location", "BOOLEAN", "false for 'No Location' rows"),
    Column("lsoa_code", "VARCHAR", "lower layer super output area code"),
    Column("lsoa_name", "VARCHAR", "lower layer super output area name"),
)

CRIMES = (
    Column("crime_id", "VARCHAR", "64-hex persistent id; NULL for anti-social behaviour"),
    *_REPORTED,
    Column("easting", "DOUBLE", "OS grid easting (legacy 2011 files only)"),
    Column("northing", "DOUBLE", "OS grid northing (legacy 2011 files only)"),
    *_PLACE,
    Column("crime_type_raw", "VARCHAR", "Crime type as published"),
    Column("crime_type_code", "VARCHAR", "e.g. burglary, anti_social_behaviour"),
    Column("is_anti_social_behaviour", "BOOLEAN", "anti-social behaviour is not a crime"),
    Column("last_outcome_category_raw", "VARCHAR", "Last outcome category as published"),
    Column("last_outcome_code", "VARCHAR", "canonical outcome code"),
    Column("last_outcome_group", "VARCHAR", "Home Office outcome group"),
    Column("context", "VARCHAR", "Context as published"),
)

OUTCOMES = (
    Column("crime_id", "VARCHAR", "64-hex persistent id of the crime"),
    *_REPORTED,
    *_PLACE,
    Column("outcome_type_raw", "VARCHAR", "Outcome type as published"),
    Column("outcome_code", "VARCHAR", "canonical outcome code"),
    Column("outcome_group", "VARCHAR", "Home Office outcome group"),
)

REJECTS = (
    Column("source_file", "VARCHAR", "file the row was read from"),
    Column("source_row", "BIGINT", "record number within the file"),
    Column("reason", "VARCHAR", "why the row could not be loaded"),
    Column("raw_row", "VARCHAR", "the row as read"),
    Column("snapshot", "VARCHAR", "download vintage"),
    Column("load_id", "VARCHAR", "the load that read the file"),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "stop_searches": STOP_SEARCHES,
    "crimes": CRIMES,
    "outcomes": OUTCOMES,
}

#: The kind in the file name (``YYYY-MM-<force>-<kind>.csv``) and the table it loads into.
KIND_TABLE = {"stop-and-search": "stop_searches", "street": "crimes", "outcomes": "outcomes"}


def table_columns(table: str) -> tuple[Column, ...]:
    """All columns of a canonical table in storage order: partition, data, lineage."""
    if table == "rejects":
        return (
            Column("table_name", "VARCHAR", "table the row was meant for"),
            *PARTITION,
            *REJECTS,
        )
    return (*PARTITION, *TABLES[table], *LINEAGE)
