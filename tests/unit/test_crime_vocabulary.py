"""The crime outcome and crime type vocabularies cover every published value (domain.md 3.1)."""

from __future__ import annotations

import csv
import re
from importlib import resources

import pytest

from openpeel.indicators.investigations import CLASS_OF_GROUP, CLOSING_CLASSES
from openpeel.reference.vocabularies import vocabulary
from tests.conftest import shared_data

DOMAIN = shared_data().parent / "docs" / "domain.md"

# domain.md 3.1, "Outcome categories" (the last one appears in outcomes files only).
OUTCOME_CATEGORIES = (
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Status update unavailable",
    "Awaiting court outcome",
    "Court result unavailable",
    "Court case unable to proceed",
    "Local resolution",
    "Offender given a caution",
    "Offender given a drugs possession warning",
    "Offender given penalty notice",
    "Offender given community sentence",
    "Offender given suspended prison sentence",
    "Offender sent to prison",
    "Offender fined",
    "Offender given conditional discharge",
    "Offender given absolute discharge",
    "Offender ordered to pay compensation",
    "Offender deprived of property",
    "Offender otherwise dealt with",
    "Defendant found not guilty",
    "Defendant sent to Crown Court",
    "Suspect charged as part of another case",
    "Formal action is not in the public interest",
    "Further investigation is not in the public interest",
    "Further action is not in the public interest",
    "Action to be taken by another organisation",
    "Suspect charged",
)
CRIME_TYPES = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
HOME_OFFICE_GROUPS = {
    "charged_summonsed",
    "out_of_court_formal",
    "out_of_court_informal",
    "taken_into_consideration",
    "prosecution_prevented_or_not_in_public_interest",
    "evidential_difficulties",
    "further_investigation_not_in_public_interest",
    "responsibility_transferred",
    "no_suspect_identified",
}


def _doc_list(label: str) -> list[str]:
    text = DOMAIN.read_text(encoding="utf-8")
    found = re.search(rf"- {label}: (.*?)(?:\n  - |\n- |\n\n)", text, re.S)
    assert found, label
    return [p.strip(" .\n") for p in re.split(r"·|,\s*(?=[A-Z])", " ".join(found.group(1).split()))]


@pytest.mark.skipif(not DOMAIN.is_file(), reason=f"{DOMAIN} not found")
def test_lists_here_are_the_lists_in_domain_md() -> None:
    outcomes = [p.removesuffix(" (outcomes file only)") for p in _doc_list("Outcome categories")]
    assert outcomes == list(OUTCOME_CATEGORIES)
    assert _doc_list("Crime type") == list(CRIME_TYPES)


def test_every_outcome_category_is_mapped_to_a_home_office_group() -> None:
    terms = vocabulary("crime_outcome")
    for raw in OUTCOME_CATEGORIES:
        assert raw in terms, raw
        assert terms[raw].group in HOME_OFFICE_GROUPS | {
            "under_investigation",
            "status_unavailable",
        }
    # The statuses are not outcomes; every real outcome is in a Home Office group.
    assert terms["Under investigation"].group == "under_investigation"
    assert terms["Status update unavailable"].group == "status_unavailable"
    assert terms["Suspect charged"].group == "charged_summonsed"
    assert terms["Awaiting court outcome"].group == "charged_summonsed"
    assert terms["Local resolution"].group == "out_of_court_informal"
    assert terms["Offender given a caution"].group == "out_of_court_formal"
    assert terms["Unable to prosecute suspect"].group == "evidential_difficulties"
    assert terms["Action to be taken by another organisation"].group == "responsibility_transferred"


def test_every_group_has_a_reported_class() -> None:
    groups = {t.group for t in vocabulary("crime_outcome").values()}
    assert groups == set(CLASS_OF_GROUP)
    closing = {g for g, c in CLASS_OF_GROUP.items() if c in CLOSING_CLASSES}
    assert closing == HOME_OFFICE_GROUPS


def test_every_crime_type_is_mapped() -> None:
    terms = vocabulary("crime_type")
    assert set(CRIME_TYPES) <= set(terms)
    assert terms["Anti-social behaviour"].code == "anti_social_behaviour"


@pytest.mark.parametrize("name", ["crime_outcome", "crime_type"])
def test_vocabulary_files_are_well_formed(name: str) -> None:
    path = resources.files("openpeel.reference").joinpath("vocabularies", f"{name}.csv")
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["raw", "code", "group", "note"]
    assert all(len(r) == 4 and r[0] and r[1] and r[2] for r in rows[1:])
    raws = [r[0] for r in rows[1:]]
    assert len(raws) == len(set(raws))
