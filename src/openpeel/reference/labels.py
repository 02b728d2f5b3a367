"""Names people read for the codes the data carries: ``mda_s23`` -> ``Misuse of Drugs Act 1971
(section 23)``, ``west-midlands`` -> ``West Midlands Police``, ``not_stated`` -> ``Not stated``.

Codes stay in CSV, JSON and the API (they are stable and machine-readable); tables and pages
people read show these names instead. A column's codes are named by its vocabulary
(:func:`openpeel.reference.vocabularies.code_name`: the wording police.uk publishes), a force
id by :func:`openpeel.reference.forces.force_label`, a few codes of openpeel's own by
:data:`OWN_NAMES`; anything else written as a code (lower case, ``_`` between words) reads as
words with a capital letter. The web pages use the same two functions.
"""

from __future__ import annotations

import re
from typing import Any

from openpeel.reference.forces import force_label, forces
from openpeel.reference.vocabularies import code_name as vocabulary_code_name

#: Column name -> the vocabulary its codes come from.
COLUMN_VOCABULARY: dict[str, str] = {
    "legislation": "legislation",
    "object_of_search": "object_of_search",
    "crime_type": "crime_type",
    "age_range": "age_range",
    "gender": "gender",
    "sex": "gender",
    "outcome": "stop_search_outcome",
    "outcome_code": "stop_search_outcome",
    "stop_search_outcome": "stop_search_outcome",
    "crime_outcome": "crime_outcome",
    "outcome_category": "crime_outcome",
    "self_defined_ethnicity": "self_defined_ethnicity",
    "officer_defined_ethnicity": "officer_defined_ethnicity",
    "type": "stop_search_type",
}

#: Columns whose codes are data.police.uk force ids.
FORCE_COLUMNS = frozenset({"force_id", "force", "forces"})

#: Codes of openpeel's own whose plain name is not the code read as words.
OWN_NAMES: dict[str, str] = {
    "all": "All",
    "self_defined": "Self-defined",
    "officer_defined": "Officer-defined",
    "population": "Whole population",
    "whole_population": "Whole population",
    "not_stated": "Not stated",
    "under_18": "Under 18",
    "cjpoa_s60": "Section 60 (Criminal Justice and Public Order Act 1994)",
}

_CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def code_name(column: str, code: Any) -> Any:
    """The name people read for ``code`` in ``column``; the value itself when it is not a code
    (a number, a date, free text)."""
    if not isinstance(code, str) or not code:
        return code
    if column in FORCE_COLUMNS and code in forces():
        return force_label(code)
    if code in OWN_NAMES:
        return OWN_NAMES[code]
    vocabulary_name = COLUMN_VOCABULARY.get(column)
    if vocabulary_name is not None:
        named = vocabulary_code_name(vocabulary_name, code)
        return named[:1].upper() + named[1:]
    if _CODE.match(code):
        words = code.replace("_", " ")
        return words[:1].upper() + words[1:]
    return code
