"""Rough force sizes, centroids and the mixes the synthetic generator draws from.

These are demo-grade figures chosen to make synthetic archives look and weigh like real ones.
They are not statistics: no indicator may read them, and every figure here is approximate.

Volumes are calibrated on West Midlands at scale 1 (about 25,000 street rows and 2,300
stop-and-search rows a month, the scale of the real files) and scaled to other forces by a *size* in
thousands of resident-equivalents: the mid-2021 resident population, rounded, except where a
force's demand does not follow its residents (City of London: commuters; British Transport
Police: the railways; sizes set so monthly volumes come out near their published scale).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class ForceProfile:
    """How big a force is and where it is, for the synthetic generator.

    Attributes:
        size_thousands: Resident-equivalent population in thousands (volume scale factor).
        latitude: Latitude of the force area's rough centroid.
        longitude: Longitude of the force area's rough centroid.
        spread_degrees: Standard deviation (degrees of latitude) of the jitter around it.
        local_authorities: Names used for synthetic LSOA names ("<name> 001A"); empty means the
            police force area name.
    """

    size_thousands: float
    latitude: float
    longitude: float
    spread_degrees: float
    local_authorities: tuple[str, ...] = ()


def _read_profiles() -> dict[str, ForceProfile]:
    """The profiles declared in ``force_profiles.csv`` (beside this module), one row a force:
    sizes are ONS mid-2021 population estimates by police force area, rounded (approximate),
    except City of London and British Transport Police (module docstring); BTP's railways across
    Great Britain get a wide spread around the Midlands. ``local_authorities`` is a
    ``;``-separated list (a name repeated weighs it more)."""
    text = resources.files(__package__).joinpath("force_profiles.csv").read_text(encoding="utf-8")
    return {
        row["force_id"]: ForceProfile(
            float(row["size_thousands"]),
            float(row["latitude"]),
            float(row["longitude"]),
            float(row["spread_degrees"]),
            tuple(filter(None, row["local_authorities"].split(";"))),
        )
        for row in csv.DictReader(text.splitlines())
    }


FORCE_PROFILES: dict[str, ForceProfile] = _read_profiles()

DEFAULT_PROFILE = ForceProfile(1000, 52.50, -1.50, 0.20)


def force_profile(force_id: str) -> ForceProfile:
    """A force's profile (:data:`DEFAULT_PROFILE` for a force without its own)."""
    return FORCE_PROFILES.get(force_id, DEFAULT_PROFILE)


# Rows a month per thousand resident-equivalents, from the West Midlands calibration.
STREET_ROWS_PER_THOUSAND = 25_000 / 2920
STOP_SEARCHES_PER_THOUSAND = 2_300 / 2920
ANTI_SOCIAL_BEHAVIOUR_SHARE = 0.12
NO_LOCATION_SHARE = 0.015

# Crime types of street rows other than anti-social behaviour: relative weights, roughly the
# England and Wales mix of one month of 2022.
CRIME_TYPE_WEIGHTS: dict[str, float] = {
    "Violence and sexual offences": 132,
    "Criminal damage and arson": 32,
    "Public order": 29,
    "Other theft": 22,
    "Vehicle crime": 17,
    "Shoplifting": 17,
    "Burglary": 14,
    "Drugs": 9,
    "Other crime": 7,
    "Bicycle theft": 3.2,
    "Possession of weapons": 2.6,
    "Theft from the person": 2.5,
    "Robbery": 2.2,
}

# Final outcome of a crime (outcome categories as published). "Suspect charged" leads to a court
# stage; "Status update unavailable" means no outcome row is ever published.
FINAL_OUTCOME_WEIGHTS: dict[str, float] = {
    "Investigation complete; no suspect identified": 50,
    "Unable to prosecute suspect": 20,
    "Suspect charged": 7,
    "Local resolution": 5,
    "Offender given a caution": 2.5,
    "Offender given a drugs possession warning": 1,
    "Offender given penalty notice": 0.5,
    "Further investigation is not in the public interest": 2.5,
    "Formal action is not in the public interest": 2,
    "Further action is not in the public interest": 2,
    "Action to be taken by another organisation": 3,
    "Suspect charged as part of another case": 0.5,
    "Status update unavailable": 4,
}

# Crime types whose outcomes differ markedly from the mix above (weights override it).
FINAL_OUTCOME_OVERRIDES: dict[str, dict[str, float]] = {
    "Drugs": {
        "Investigation complete; no suspect identified": 3,
        "Unable to prosecute suspect": 12,
        "Suspect charged": 22,
        "Local resolution": 22,
        "Offender given a drugs possession warning": 20,
        "Offender given a caution": 7,
        "Offender given penalty notice": 2,
    },
    "Possession of weapons": {
        "Investigation complete; no suspect identified": 5,
        "Unable to prosecute suspect": 25,
        "Suspect charged": 35,
        "Offender given a caution": 10,
        "Local resolution": 5,
    },
    "Shoplifting": {
        "Investigation complete; no suspect identified": 45,
        "Unable to prosecute suspect": 15,
        "Suspect charged": 15,
        "Local resolution": 8,
    },
    "Violence and sexual offences": {
        "Investigation complete; no suspect identified": 25,
        "Unable to prosecute suspect": 45,
        "Suspect charged": 7,
    },
}

# Court results published after a charge (a minority of charged crimes get one).
COURT_RESULT_WEIGHTS: dict[str, float] = {
    "Offender fined": 25,
    "Offender given community sentence": 20,
    "Offender sent to prison": 15,
    "Offender given suspended prison sentence": 12,
    "Offender given conditional discharge": 8,
    "Defendant found not guilty": 8,
    "Offender otherwise dealt with": 4,
    "Court case unable to proceed": 3,
    "Offender ordered to pay compensation": 3,
    "Offender given absolute discharge": 1,
    "Offender deprived of property": 1,
}
COURT_RESULT_SHARE = 0.25

# Stop and search.
SEARCH_TYPE_WEIGHTS: dict[str, float] = {
    "Person search": 80,
    "Person and Vehicle search": 17,
    "Vehicle search": 3,
}
GENDER_WEIGHTS: dict[str, float] = {"Male": 88, "Female": 10.7, "Other": 0.3, "": 1}
AGE_RANGE_WEIGHTS: dict[str, float] = {
    "under 10": 0.1,
    "10-17": 17,
    "18-24": 36,
    "25-34": 26,
    "over 34": 18,
    "": 2.9,
}
# Self-defined ethnicity by code (current 2011 Census codes), broad shares like West Midlands
# searches: White ~55%, Asian ~20%, Black ~12%, Mixed ~4%, Other ~2%, not stated ~7%.
SELF_DEFINED_ETHNICITY_WEIGHTS: dict[str, float] = {
    "W1": 46.5,
    "W2": 1.0,
    "W3": 0.5,
    "W9": 7.0,
    "A1": 3.6,
    "A2": 10.0,
    "A3": 2.4,
    "A4": 0.4,
    "A9": 3.6,
    "B1": 5.4,
    "B2": 4.2,
    "B9": 2.4,
    "M1": 1.8,
    "M2": 0.4,
    "M3": 0.8,
    "M9": 1.0,
    "O2": 0.6,
    "O9": 1.4,
    "NS": 7.0,
}
# Legacy PACE 16+1 codes lack some current categories: the nearest legacy code.
LEGACY_ETHNICITY_CODE: dict[str, str] = {"W3": "W9", "A4": "O1", "O2": "O9"}
# Officer-defined ethnicity given the self-defined broad group ("" = blank).
OFFICER_ETHNICITY_GIVEN_GROUP: dict[str, dict[str, float]] = {
    "white": {"White": 90, "Other": 1, "Asian": 0.5, "Black": 0.5, "": 8},
    "asian": {"Asian": 84, "Other": 4, "White": 2, "Black": 2, "": 8},
    "black": {"Black": 86, "Other": 2, "Asian": 1, "White": 3, "": 8},
    "mixed": {"Black": 36, "White": 28, "Asian": 9, "Other": 14, "Mixed": 5, "": 8},
    "other": {"Asian": 36, "Other": 38, "White": 16, "Black": 2, "": 8},
    "not_stated": {"White": 45, "Asian": 22, "Black": 14, "Other": 6, "Mixed": 1, "": 12},
}
LEGISLATION_WEIGHTS: dict[str, float] = {
    "Misuse of Drugs Act 1971 (section 23)": 60,
    "Police and Criminal Evidence Act 1984 (section 1)": 35,
    "Criminal Justice and Public Order Act 1994 (section 60)": 2.5,
    "Firearms Act 1968 (section 47)": 1.0,
    "Criminal Justice Act 1988 (section 139B)": 0.5,
    "Psychoactive Substances Act 2016 (s36(2))": 0.2,
    "Psychoactive Substances Act 2016 (s37(2))": 0.1,
    "Police and Criminal Evidence Act 1984 (section 6)": 0.2,
    "Poaching Prevention Act 1862 (section 2)": 0.05,
    "Wildlife and Countryside Act 1981 (section 19)": 0.05,
    "Customs and Excise Management Act 1979 (section 163)": 0.05,
    "Crossbows Act 1987 (section 4)": 0.02,
    "Environmental Protection Act 1990 (section 34B )": 0.02,
    "Terrorism Act 2000 (section 43)": 0.02,
}
OBJECT_GIVEN_LEGISLATION: dict[str, dict[str, float]] = {
    "Misuse of Drugs Act 1971 (section 23)": {
        "Controlled drugs": 99.5,
        "Psychoactive substances": 0.5,
    },
    "Police and Criminal Evidence Act 1984 (section 1)": {
        "Offensive weapons": 36,
        "Stolen goods": 34,
        "Article for use in theft": 15,
        "Articles for use in criminal damage": 5,
        "Anything to threaten or harm anyone": 4,
        "Fireworks": 2,
        "Evidence of offences under the Act": 3,
        "Detailed object of search unavailable": 1,
    },
    "Criminal Justice and Public Order Act 1994 (section 60)": {
        "Offensive weapons": 90,
        "Anything to threaten or harm anyone": 10,
    },
    "Firearms Act 1968 (section 47)": {"Firearms": 100},
    "Criminal Justice Act 1988 (section 139B)": {"Offensive weapons": 100},
    "Psychoactive Substances Act 2016 (s36(2))": {"Psychoactive substances": 100},
    "Psychoactive Substances Act 2016 (s37(2))": {"Psychoactive substances": 100},
    "Police and Criminal Evidence Act 1984 (section 6)": {"Stolen goods": 100},
    "Poaching Prevention Act 1862 (section 2)": {"Game or poaching equipment": 100},
    "Wildlife and Countryside Act 1981 (section 19)": {"Evidence of wildlife offences": 100},
    "Customs and Excise Management Act 1979 (section 163)": {
        "Goods on which duty has not been paid etc.": 100
    },
    "Crossbows Act 1987 (section 4)": {"Crossbows": 100},
    "Environmental Protection Act 1990 (section 34B )": {"Evidence of offences under the Act": 100},
    "Terrorism Act 2000 (section 43)": {"Evidence of offences under the Act": 100},
}
# Stop-and-search outcome by code: drugs searches versus all others. The legacy-only code
# "article_found" is used only with the legacy vocabulary.
SEARCH_OUTCOME_WEIGHTS: dict[str, dict[str, float]] = {
    "drugs": {
        "no_further_action": 68,
        "arrest": 9,
        "community_resolution": 9,
        "drugs_warning": 9,
        "penalty_notice": 1.5,
        "summons": 2.5,
        "caution": 0.5,
        "": 0.5,
    },
    "other": {
        "no_further_action": 72,
        "arrest": 17,
        "community_resolution": 4,
        "drugs_warning": 1,
        "penalty_notice": 1.5,
        "summons": 2.5,
        "caution": 1.5,
        "": 0.5,
    },
}
LEGACY_ARTICLE_FOUND_SHARE = 0.03
# "Outcome linked to object of search" given whether the outcome was no further action.
LINKED_GIVEN_NO_FURTHER_ACTION: dict[str, float] = {"True": 0, "False": 65, "": 35}
LINKED_GIVEN_ACTION: dict[str, float] = {"True": 65, "False": 30, "": 5}
REMOVAL_WEIGHTS: dict[str, float] = {"True": 1.5, "False": 85, "": 13.5}
PART_OF_OPERATION_WEIGHTS: dict[str, float] = {"True": 3, "False": 85, "": 12}
POLICING_OPERATION_NAMES: tuple[str, ...] = (
    "Operation Sceptre",
    "Operation Alpha",
    "Operation Nightjar",
    "Local drugs operation",
)
SEARCH_NO_LOCATION_SHARE = 0.04
MIDNIGHT_SHARE = 0.03
FRACTIONAL_SECONDS_SHARE = 0.01
# Share of search times that are published with non-zero seconds (most are to the minute).
SECONDS_PRESENT_SHARE = 0.2
# Relative frequency of searches by hour of day (0..23): low in the small hours, high evenings.
# fmt: off
SEARCHES_BY_HOUR: tuple[float, ...] = (
    5, 4, 3, 2, 1.5, 1, 1, 1.5, 2, 3, 4, 5, 5, 5.5, 6, 7, 7.5, 8, 8.5, 8.5, 8.5, 8, 7, 6
)
# fmt: on

# Street names for "On or near ..." locations, and the anonymised place types police.uk uses.
# fmt: off
STREET_NAME_STEMS: tuple[str, ...] = (
    "Station", "Church", "High", "Park", "Victoria", "Mill", "School", "London", "Queen",
    "King", "Green", "Manor", "New", "Grove", "Albert", "Springfield", "Richmond", "Windsor",
    "Chester", "Oak", "Elm", "Beech", "Cedar", "Willow", "Meadow", "Bridge", "Castle", "Market",
    "North", "South", "West", "East", "York", "Warwick", "Stratford", "Coventry", "Birch",
    "Highfield", "Broad", "Orchard", "Kingsway", "Hill", "Brook", "Farm", "Moor", "Priory",
    "Chapel", "Cross", "Water", "Wood",
)
STREET_NAME_KINDS: tuple[str, ...] = (
    "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Place",
    "Gardens", "Walk", "Terrace",
)
PLACE_NAMES: tuple[str, ...] = (
    "Supermarket", "Parking Area", "Petrol Station", "Shopping Area", "Nightclub",
    "Sports/Recreation Area", "Park/Open Space", "Further/Higher Educational Building",
    "Hospital", "Police Station", "Conference/Exhibition Centre", "Theatre/Concert Hall",
    "Pedestrian Subway", "Bus/Coach Station", "Theme/Adventure Park",
)
# fmt: on
PLACE_SHARE = 0.12
