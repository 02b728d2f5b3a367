"""PEEL assessment: characteristics judged from evidence, suggested grades, and areas for
improvement tracked to closure (see ``docs/assess.md``).

``assess(con_or_data_dir, force_id, period)`` returns an ``Assessment``;
``assessment_result`` turns it into an ``IndicatorResult`` for reports.

May import: ``indicators``, ``store``, ``sources``, ``database``, ``stats``, ``reference``,
``config``, ``calendar``, ``errors``; not ``scrutiny`` (a sibling) nor any face.
"""

from openpeel.assess.assessment import (
    AreaAssessment,
    Assessment,
    CharacteristicResult,
    assess,
    assessment_result,
    characteristics_result,
)
from openpeel.assess.framework_rules import RulesError, load_grading, load_rules

__all__ = [
    "AreaAssessment",
    "Assessment",
    "CharacteristicResult",
    "RulesError",
    "assess",
    "assessment_result",
    "characteristics_result",
    "load_grading",
    "load_rules",
]
