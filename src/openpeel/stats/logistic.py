"""Logistic regression with the checks that decide whether its odds ratios can be shown.

Maximum likelihood by Newton-Raphson on the k x k information matrix (checked against
statsmodels' ``Logit`` and binomial ``GLM`` in the tests). It accepts grouped data (successes
out of trials per cell), so a model of 100,000 searches on a few categorical terms fits from a
few hundred cells, and case data with a clock-time spline fits in milliseconds.

A fit is *withheld*, with the reason, rather than shown when:

- there are too few events: the smaller of successes and failures is under
  ``min_events_per_parameter`` times the number of parameters (10 is the usual rule);
- the outcome is perfectly predicted (separation), or the fit did not converge (coefficients
  running off to infinity: quasi-complete separation);
- a term of interest has a standard error above ``max_se`` (on the log-odds scale an SE of 5 means
  an odds-ratio interval wider than a factor of 10^8: the data cannot pin it down);
- the design is rank deficient (a term is a combination of the others).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import sparse, stats

from openpeel.stats.intervals import z_value

MIN_EVENTS_PER_PARAMETER = 10
MAX_SE = 5.0


@dataclass
class LogisticFit:
    """The outcome of ``fit_logistic``.

    Attributes:
        status: ``estimated`` or ``withheld``.
        reason: why the fit was withheld (None when estimated).
        coefficients: one row per term: ``term``, ``coef`` (log-odds), ``se``, ``coef_low``,
            ``coef_high``, ``odds_ratio``, ``odds_ratio_low``, ``odds_ratio_high``, ``p_value``
            (Wald). Empty when withheld before fitting.
        n: observations (sum of trials).
        events: successes.
        parameters: number of parameters including the intercept.
    """

    status: str
    reason: str | None
    coefficients: pd.DataFrame
    n: int
    events: int
    parameters: int
    notes: list[str] = field(default_factory=list)

    def term(self, name: str) -> pd.Series:
        """The row of one term."""
        rows = self.coefficients[self.coefficients["term"] == name]
        if rows.empty:
            raise KeyError(f"no term {name!r} in the model")
        return rows.iloc[0]


@dataclass(frozen=True)
class Design:
    """Covariates without the intercept: a dense array or a SciPy sparse matrix, and names.

    Sparse designs (many indicator columns: weekday, month, force) keep each Newton step at
    O(non-zeros x terms per row) instead of O(rows x columns^2).
    """

    matrix: Any
    names: tuple[str, ...]

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Design:
        """A dense design from a DataFrame (one column per term)."""
        return cls(frame.to_numpy(dtype=float), tuple(map(str, frame.columns)))

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return int(self.matrix.shape[0])

    def rows(self, keep: np.ndarray) -> Design:
        """The design restricted to rows where ``keep`` is True."""
        return Design(self.matrix[keep], self.names)

    def drop_constant(self, always: Sequence[str] = ()) -> Design:
        """Without the columns that do not vary (they would be collinear with the intercept)."""
        m = self.matrix
        if sparse.issparse(m):
            m = m.tocsc()
            col_min = m.min(axis=0).toarray().ravel()
            col_max = m.max(axis=0).toarray().ravel()
        else:
            col_min, col_max = m.min(axis=0), m.max(axis=0)
        varies = (col_max > col_min) | np.isin(np.array(self.names), list(always))
        if varies.all():
            return self
        index = np.flatnonzero(varies)
        return Design(m[:, index], tuple(self.names[i] for i in index))

    def join(self, other: Design) -> Design:
        """Columns of both designs, side by side (sparse if either is)."""
        if sparse.issparse(self.matrix) or sparse.issparse(other.matrix):
            matrix: Any = sparse.hstack([self.matrix, other.matrix], format="csr")
        else:
            matrix = np.hstack([self.matrix, other.matrix])
        return Design(matrix, self.names + other.names)


def dummies(values: pd.Series, reference: str, prefix: str) -> pd.DataFrame:
    """Indicator columns ``prefix[level]`` for every observed level except ``reference``."""
    levels = sorted(str(v) for v in pd.unique(values.astype(str)) if str(v) != reference)
    text = values.astype(str).to_numpy()
    return pd.DataFrame(
        {f"{prefix}[{lvl}]": (text == lvl).astype(float) for lvl in levels}, index=values.index
    )


def sparse_dummies(values: ArrayLike, reference: Any, prefix: str) -> Design:
    """Like ``dummies`` but as a sparse design (one non-zero per row at most)."""
    arr = np.asarray(values)
    levels, codes = np.unique(arr, return_inverse=True)
    keep = np.flatnonzero(levels != reference)
    position = np.full(len(levels), -1)
    position[keep] = np.arange(len(keep))
    col = position[codes]
    rows = np.flatnonzero(col >= 0)
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, col[rows])), shape=(len(arr), len(keep)))
    return Design(matrix, tuple(f"{prefix}[{levels[i]}]" for i in keep))


def fit_logistic(
    exog: pd.DataFrame | Design,
    successes: ArrayLike,
    trials: ArrayLike | None = None,
    terms_of_interest: Sequence[str] = (),
    confidence: float = 0.95,
    min_events_per_parameter: int = MIN_EVENTS_PER_PARAMETER,
    max_se: float = MAX_SE,
) -> LogisticFit:
    """Fit ``logit P(success) = intercept + exog @ beta`` and check it can be trusted.

    Args:
        exog: the covariates, one column per term, without the intercept (it is added): a
            DataFrame or a ``Design`` (dense or sparse).
        successes: successes per row (0/1 for case data, counts for grouped data).
        trials: trials per row (None means 1 per row).
        terms_of_interest: columns whose standard errors decide separation (default: all).
        confidence: two-sided level of the Wald intervals.
        min_events_per_parameter: events-per-parameter rule applied to min(successes, failures).
        max_se: largest acceptable standard error (log-odds) of a term of interest.

    Returns:
        A ``LogisticFit``; its ``status`` says whether the coefficients may be shown.
    """
    design = exog if isinstance(exog, Design) else Design.from_frame(exog)
    y = np.asarray(successes, dtype=float)
    m = np.ones_like(y) if trials is None else np.asarray(trials, dtype=float)
    if y.shape != m.shape or len(y) != design.n_rows:
        raise ValueError("successes, trials and exog must have the same number of rows")
    if np.any(y < 0) or np.any(y > m):
        raise ValueError("successes must be between 0 and the number of trials")
    keep = m > 0
    if not keep.all():
        design, y, m = design.rows(keep), y[keep], m[keep]
    names = ["const", *design.names]
    ones = np.ones((design.n_rows, 1))
    if sparse.issparse(design.matrix):
        x: Any = sparse.hstack([sparse.csr_matrix(ones), design.matrix], format="csr")
    else:
        x = np.hstack([ones, np.asarray(design.matrix, dtype=float)])
    n, events = int(m.sum()), int(y.sum())
    k = x.shape[1]
    empty = pd.DataFrame(columns=_COLUMNS)
    smaller = min(events, n - events)
    if smaller < min_events_per_parameter * k:
        return LogisticFit(
            "withheld",
            f"too few events: {smaller} {'successes' if events <= n - events else 'failures'} "
            f"for {k} parameters (the rule asks for at least {min_events_per_parameter} per "
            "parameter)",
            empty,
            n,
            events,
            k,
        )
    # X'X is k x k: its rank is X's rank, at a fraction of the cost of an SVD of X.
    if np.linalg.matrix_rank(_crossprod(x, np.ones(x.shape[0]))) < k:
        return LogisticFit(
            "withheld", "the design is rank deficient (collinear terms)", empty, n, events, k
        )
    beta, cov, converged = _newton(x, y, m)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        se = np.sqrt(np.diag(cov))
        table = pd.DataFrame(
            {
                "term": names,
                "coef": beta,
                "se": se,
                "coef_low": beta - z * se,
                "coef_high": beta + z * se,
                "odds_ratio": np.exp(beta),
                "odds_ratio_low": np.exp(beta - z * se),
                "odds_ratio_high": np.exp(beta + z * se),
                "p_value": 2 * stats.norm.sf(np.abs(beta / se)),
            }
        )
    p = _expit(np.asarray(x @ beta).ravel())
    reason = None
    if np.all((p < 1e-8) | (p > 1 - 1e-8)):
        reason = "perfect separation (the outcome is fully predicted)"
    elif not converged:
        reason = "the fit did not converge (likely quasi-complete separation)"
    else:
        interest = list(terms_of_interest) or list(design.names)
        worst = table[table["term"].isin(interest)]
        bad = worst[~np.isfinite(worst["se"]) | (worst["se"] > max_se)]
        if not bad.empty:
            reason = (
                f"unstable estimate for {bad['term'].iloc[0]} (standard error "
                f"{bad['se'].iloc[0]:.3g} on the log-odds scale): likely quasi-separation"
            )
    return LogisticFit("withheld" if reason else "estimated", reason, table, n, events, k)


def _crossprod(x: Any, w: np.ndarray) -> np.ndarray:
    """X' diag(w) X as a dense k x k array, for dense or sparse X."""
    if sparse.issparse(x):
        return np.asarray((x.T @ x.multiply(w[:, None])).toarray())
    xs = x * np.sqrt(w)[:, None]
    return np.asarray(xs.T @ xs)


def _expit(eta: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -eta))


def _loglik(x: Any, y: np.ndarray, m: np.ndarray, beta: np.ndarray) -> float:
    eta = np.asarray(x @ beta).ravel()
    return float(np.sum(y * eta - m * np.logaddexp(0.0, eta)))


def _newton(
    x: Any, y: np.ndarray, m: np.ndarray, max_iter: int = 50, tol: float = 1e-10
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Maximum likelihood by Newton-Raphson with step halving; returns (beta, cov, converged).

    The information matrix X'WX is k x k, so each step costs O(n k^2) for a dense X (O(nnz k)
    for a sparse one): far cheaper than the QR/SVD of the n x k matrix that a general IRLS
    does, for the same answer.
    """
    k = x.shape[1]
    beta = np.zeros(k)
    share = float(np.clip(y.sum() / m.sum(), 1e-6, 1 - 1e-6))
    beta[0] = np.log(share / (1 - share))
    ll = _loglik(x, y, m, beta)
    converged = False
    for _iteration in range(max_iter):
        p = _expit(np.asarray(x @ beta).ravel())
        grad = np.asarray(x.T @ (y - m * p)).ravel()
        info = _crossprod(x, m * p * (1 - p))
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(info, grad, rcond=None)[0]
        t = 1.0
        while True:
            candidate = beta + t * step
            ll_new = _loglik(x, y, m, candidate)
            if ll_new >= ll - 1e-12 or t < 1e-6:
                break
            t /= 2
        beta, change = candidate, ll_new - ll
        ll = ll_new
        if np.max(np.abs(t * step)) < 1e-8 or abs(change) < tol * (abs(ll) + tol):
            converged = bool(np.max(np.abs(beta)) < 30)
            break
    p = _expit(np.asarray(x @ beta).ravel())
    info = _crossprod(x, m * p * (1 - p))
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        cov = np.full((k, k), np.inf)
    return beta, cov, converged


_COLUMNS = (
    "term",
    "coef",
    "se",
    "coef_low",
    "coef_high",
    "odds_ratio",
    "odds_ratio_low",
    "odds_ratio_high",
    "p_value",
)
