"""The crime recording extract: incident records and recorded crimes, declared as data.

A crime data integrity audit starts from what a force logged: every incident its control room
opened (a call, an online report, an officer's own report) and every crime it recorded. The force
exports both from its command-and-control and crime recording systems as two CSV files,
pseudonymised before export (ids are opaque references or keyed hashes, never names, dates of
birth or PNC numbers). ``docs/crime_recording.md`` documents every column; a test checks that
the documentation and this module agree.

Files (the key of each row is given with it; reloading a row with the same key replaces it):

- ``incidents.csv`` (``incident_id``): one row per incident opened in the period, with when it
  was opened, its opening type, how it was closed and its flags (domestic abuse, vulnerable
  victim).
- ``recorded_crimes.csv`` (``crime_id``): one row per crime recorded, with the incident it came
  from (empty when it did not come from an incident), when it was recorded and how it was
  classified. An incident's linked crimes are the rows naming it.

Reading is done by the shared extract reader (:mod:`openpeel.sources.internal_extract`): every
row is loaded or rejected with its reasons, and a value that looks like personal data is refused.
"""

from __future__ import annotations

from openpeel.sources.internal_extract import ExtractFile, declared_file

#: How the control room typed the incident when it opened it.
INCIDENT_TYPES: tuple[str, ...] = (
    "violence",
    "sexual_offence",
    "domestic",
    "theft",
    "burglary",
    "criminal_damage",
    "public_order",
    "anti_social_behaviour",
    "concern_for_safety",
    "suspicious_circumstances",
    "other",
)
#: How the incident was closed.
CLOSING_CODES: tuple[str, ...] = (
    "crime_recorded",
    "crime_related",
    "no_crime",
    "advice_given",
    "no_further_action",
    "transferred",
    "duplicate",
)
#: Closing codes that say no crime was found: the closures an audit looks at hardest.
NO_CRIME_CLOSURES: tuple[str, ...] = ("no_crime", "advice_given", "no_further_action")
#: Offence groups a crime is classified in (the Home Office's recorded crime groups, fraud
#: excluded: Action Fraud records it).
OFFENCE_GROUPS: tuple[str, ...] = (
    "violence_with_injury",
    "violence_without_injury",
    "stalking_harassment",
    "sexual_offences",
    "robbery",
    "burglary",
    "theft",
    "vehicle_offences",
    "criminal_damage_arson",
    "public_order",
    "drugs",
    "weapons",
    "other_crimes_against_society",
)
#: Offence groups that make up violence against the person (reported on its own).
VIOLENCE_GROUPS: tuple[str, ...] = (
    "violence_with_injury",
    "violence_without_injury",
    "stalking_harassment",
)
#: Offence groups that make up sexual offences (reported on its own).
SEXUAL_GROUPS: tuple[str, ...] = ("sexual_offences",)
YES_NO: tuple[str, ...] = ("yes", "no")

#: The vocabularies the catalogue's ``codes`` name.
_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "INCIDENT_TYPES": INCIDENT_TYPES,
    "CLOSING_CODES": CLOSING_CODES,
    "OFFENCE_GROUPS": OFFENCE_GROUPS,
    "YES_NO": YES_NO,
}


INCIDENTS = declared_file("recording_incidents", _VOCABULARIES)
RECORDED_CRIMES = declared_file("recorded_crimes", _VOCABULARIES)

#: Both files, in load order (incidents first: crimes refer to them).
EXTRACT_FILES: tuple[ExtractFile, ...] = (INCIDENTS, RECORDED_CRIMES)
