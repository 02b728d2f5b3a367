"""The PEEL framework as data: verbatim text kept verbatim, nothing invented."""

from __future__ import annotations

from datetime import date

import pytest

from openpeel.reference.peel_framework import (
    SECTIONS,
    TEXT_STATUSES,
    framework,
    framework_for,
    frameworks,
    grades,
    sections,
    terms,
)

# peel-framework.md, "Grade descriptors (verbatim)".
DESCRIPTORS = {
    "Outstanding": "The force has substantially exceeded the characteristics of good performance",
    "Good": "The force has demonstrated substantially all the characteristics of good performance",
    "Adequate": "The force has demonstrated some of the characteristics of good performance, but "
    "we have identified areas where the force should make improvements",
    "Requires improvement": "The force has demonstrated few, if any, of the characteristics of "
    "good performance and we have identified a substantial number of areas where the force "
    "needs to make improvements",
    "Inadequate": "We have causes for concern and have made recommendations to the force to "
    "address them",
}


def test_scale_is_verbatim_and_ordered() -> None:
    assert [g.grade for g in grades()] == list(DESCRIPTORS)
    for g in grades():
        assert g.descriptor == DESCRIPTORS[g.grade]
        assert g.text_status == "verbatim"


def test_first_characteristic_2021_22_is_verbatim() -> None:
    area = framework("peel-2021-22").area("victims")
    texts = {i.item_id: i for i in area.items}
    assert texts["1"].text == "How good is the force's service for victims of crime?"
    assert texts["1.1.1"].text.startswith("Answers 999 and 101 calls within the force's agreed")
    assert texts["1.x"].text == "" and texts["1.x"].text_status == "not_available"


def test_every_item_is_labelled_and_missing_text_is_empty() -> None:
    for fw in frameworks().values():
        assert fw.areas, fw.framework_id
        ids = [a.area_id for a in fw.areas]
        assert len(ids) == len(set(ids))
        for area in fw.areas:
            assert set(area.sections) <= set(SECTIONS)
            assert area.items, f"{fw.framework_id}/{area.area_id} has no item row"
            for item in area.items:
                assert item.text_status in TEXT_STATUSES
                assert (item.text == "") == (item.text_status == "not_available")
                assert item.shown_text


def test_2021_22_has_13_areas_11_graded() -> None:
    fw = framework("peel-2021-22")
    assert len(fw.areas) == 13
    assert sum(a.is_graded for a in fw.areas) == 11


def test_2023_25_has_nine_areas_eight_graded() -> None:
    fw = framework("peel-2023-25")
    assert len(fw.areas) == 9
    assert sum(a.is_graded for a in fw.areas) == 8


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (date(2020, 3, 1), "peel-2021-22"),
        (date(2022, 3, 1), "peel-2021-22"),
        (date(2024, 1, 1), "peel-2023-25"),
        (date(2026, 1, 1), "peel-2025-27"),
    ],
)
def test_framework_for_a_month(month: date, expected: str) -> None:
    assert framework_for(month).framework_id == expected


def test_sections_are_labelled_as_the_projects_own() -> None:
    assert set(sections()) == set(SECTIONS)
    for s in sections().values():
        assert "project-defined" in s.what_it_measures


def test_terms_keep_the_verbatim_cause_of_concern() -> None:
    text, status = terms()["cause_of_concern"]
    assert status == "verbatim"
    assert text.endswith(
        "A cause of concern will always be accompanied by one or more recommendations."
    )
    assert terms()["innovative_practice"] == ("", "not_available")


def test_unknown_framework_names_the_known() -> None:
    with pytest.raises(KeyError, match="peel-2021-22"):
        framework("peel-1999")
