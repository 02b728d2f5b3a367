"""Agreement between two raters: Cohen's kappa with its interval.

Two auditors decide the same records; how far they agree beyond chance is Cohen's kappa::

    κ = (p_o − p_e) / (1 − p_e)

with p_o the share of records they decided alike and p_e the share expected by chance from each
rater's own mix of decisions (Cohen 1960). Its standard error is the large-sample one of Fleiss,
Cohen and Everitt (1969), as statsmodels computes it (``statsmodels.stats.inter_rater.
cohens_kappa``), and the interval κ ± z·SE (clipped to [−1, 1]). When both raters gave one and the
same decision throughout, p_e = 1 and κ is undefined (nan): agreement is perfect but says nothing
beyond chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from openpeel.errors import UserInputError
from openpeel.stats.intervals import z_value


@dataclass(frozen=True)
class Agreement:
    """Cohen's kappa of two raters over the same records."""

    kappa: float
    low: float
    high: float
    standard_error: float
    observed_agreement: float
    expected_agreement: float
    records: int
    confidence: float


def agreement_table(first: Sequence[str], second: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """The square table of counts (rows: first rater, columns: second) and its categories."""
    if len(first) != len(second):
        raise UserInputError("both raters must decide the same records")
    categories = sorted({*first, *second})
    index = {c: i for i, c in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    for a, b in zip(first, second, strict=True):
        table[index[a], index[b]] += 1
    return table, categories


def cohens_kappa(
    first: Sequence[str], second: Sequence[str], confidence: float = 0.95
) -> Agreement:
    """Cohen's kappa of two raters' decisions on the same records, with its interval.

    Raises:
        UserInputError: the lists differ in length or are empty.
    """
    table, _ = agreement_table(first, second)
    n = float(table.sum())
    if n == 0:
        raise UserInputError("no records decided by both raters")
    nan = float("nan")
    share = table / n
    observed = float(np.trace(share))
    expected = float(share.sum(axis=1) @ share.sum(axis=0))
    if expected >= 1:
        return Agreement(nan, nan, nan, nan, observed, expected, int(n), confidence)
    kappa = (observed - expected) / (1 - expected)
    from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa

    se = float(sm_kappa(table).std_kappa)
    z = z_value(confidence)
    return Agreement(
        kappa=kappa,
        low=max(-1.0, kappa - z * se),
        high=min(1.0, kappa + z * se),
        standard_error=se,
        observed_agreement=observed,
        expected_agreement=expected,
        records=int(n),
        confidence=confidence,
    )
