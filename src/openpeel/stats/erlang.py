"""Erlang B, Erlang C and Erlang A (callers who abandon), in log space, vectorised.

Notation (method.md §6): arrivals ``λ`` per second (``calls_per_hour / 3600``), mean handling
time ``AHT`` seconds, offered load ``A = λ · AHT`` Erlangs, ``N`` call handlers, answer-time
target ``T`` seconds, mean patience ``1/θ`` seconds (Erlang A only).

- **Erlang B** (blocking): ``B(N, A) = (A^N/N!) / Σ_{k≤N} A^k/k!``. Computed as
  ``1/B = N! e^A A^-N Q(N+1, A)`` with ``Q`` scipy's regularised upper incomplete gamma, in logs,
  so A = 20,000 Erlangs is as easy as A = 10. Where ``Q`` would underflow (A far above N) the
  finite sum ``1/B = Σ_i N!/(N-i)! A^-i`` is added up directly, in logs.
- **Erlang C** (callers wait for ever, N > A): ``C = N·B / (N − A(1 − B))``, service level
  ``SL(T) = 1 − C·exp(−(N − A)·T/AHT)``, average speed of answer ``ASA = C·AHT/(N − A)``,
  occupancy ``A/N``. With N ≤ A the queue grows without bound: C = 1, SL = 0, ASA = ∞ and
  ``is_stable`` is False; nothing raises.
- **Erlang A** (Palm's M/M/N+M): a birth–death chain that is stable for any load. With
  ``x = λ/θ`` and ``y = N·μ/θ`` (μ = 1/AHT), every quantity comes from the Kummer function
  ``K(b, x) = Σ_j x^j / (b(b+1)…(b+j−1)) = Γ(b) e^x x^(1−b) P(b−1, x)`` (``P`` the regularised
  lower incomplete gamma), again in logs with a direct series where ``P`` underflows. An
  arriving caller who finds all handlers busy has an offered wait ``V`` with density
  ``g(v) ∝ N·μ·exp(−N·μ·v + x(1 − e^(−θv)))``; they are answered if ``V`` is shorter than
  their own patience. Hence (``u = e^(−θT)``, normalising by ``R + S`` where
  ``R = 1/B(N, A) − 1`` and ``S = K(y+1, x)``):

  - P(wait) = ``S / (R + S)``;
  - P(answered within T) = ``[R + y/(y+1)·(K(y+2, x) − e^(x(1−u)) u^(y+1) K(y+2, x·u))] / (R+S)``;
  - P(abandon) = ``θ·E[queue]/λ = [S − (y/x)(S − 1)] / (R + S)``;
  - ASA (mean wait of answered callers) from the derivative of ``log K`` in its first argument.

  This is where a known open-source implementation goes wrong: it evaluates ``exp(−λT)``-type
  terms directly, which underflow once ``λT`` exceeds about 745, and then silently reports
  P(no wait) as the service level. Here nothing is exponentiated until it is a probability.

The service level of Erlang A counts every offered call: a caller who abandons counts as not
answered within T. Erlang C's service level is the share of calls answered within T (all calls
are answered eventually).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special

from openpeel.errors import UserInputError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Below this, scipy's regularised incomplete gamma is too close to underflow to take its log;
#: the direct series takes over.
_TINY = 1e-250
#: Terms added per step of a direct series (one 2-D block of lgamma evaluations).
_CHUNK = 256
#: A series stops when its terms fall below exp(-_LOG_EPS) of its largest term.
_LOG_EPS = 40.0
#: A safety bound on direct series (never reached by finite inputs that pass the checks).
_MAX_TERMS = 5_000_000


# --- log-space building blocks ------------------------------------------------------------


def _log_series(
    size: int,
    log_term: Any,
    limit: FloatArray,
    dlog_term: Any = None,
) -> tuple[FloatArray, FloatArray]:
    """``log Σ_{j=0}^{limit} exp(ℓ_j)`` for series whose terms ``ℓ_j`` decrease in j.

    ``log_term(idx, j)`` gives ``ℓ_j`` for the elements ``idx`` (``ℓ_0 = 0``, the term 1).
    With ``dlog_term(idx, j)`` (``dℓ_j/db``) also returns the derivative of the log-sum in the
    series' parameter: the mean of ``dℓ_j`` weighted by the terms (``dℓ_0 = 0``). Terms are
    added in blocks of ``_CHUNK`` until every element's last term is negligible.
    """
    total = np.zeros(size)
    deriv = np.zeros(size)
    active = np.arange(size)
    start = 1
    while active.size and start <= _MAX_TERMS:
        j = start + np.arange(_CHUNK)[None, :]
        within = j <= limit[active, None]
        lt = np.where(within, log_term(active, j), -np.inf)
        new_total = np.logaddexp(total[active], special.logsumexp(lt, axis=1))
        if dlog_term is not None:
            weights = np.exp(lt - new_total[:, None])
            dl = np.where(within, dlog_term(active, j), 0.0)
            deriv[active] = deriv[active] * np.exp(total[active] - new_total) + np.sum(
                weights * dl, axis=1
            )
        total[active] = new_total
        last = lt[:, -1]
        done = (last < new_total - _LOG_EPS) | (start + _CHUNK - 1 >= limit[active])
        active = active[~done]
        start += _CHUNK
    if active.size:
        raise ValueError("an Erlang series did not converge; check the inputs' scale")
    return total, deriv


def log_inverse_erlang_b(agents: ArrayLike, load: ArrayLike) -> FloatArray:
    """``log(1 / B(N, A)) = log Σ_{k≤N} A^k/k! − log(A^N/N!)`` (0 for N = 0, ∞ for A = 0)."""
    n_arr, a_arr = np.broadcast_arrays(
        np.asarray(agents, dtype=float), np.asarray(load, dtype=float)
    )
    n = n_arr.ravel()
    a = a_arr.ravel()
    out = np.zeros(n.shape)
    pos = (n > 0) & (a > 0)
    out[(n > 0) & (a == 0)] = np.inf
    if pos.any():
        nn, aa = n[pos], a[pos]
        q = special.gammaincc(nn + 1, aa)
        with np.errstate(divide="ignore"):
            closed = special.gammaln(nn + 1) + aa - nn * np.log(aa) + np.log(q)
        res = closed.copy()
        tiny = ~(q > _TINY)
        if tiny.any():
            nt, at = nn[tiny], aa[tiny]
            log_a = np.log(at)
            lg_n1 = special.gammaln(nt + 1)

            def term(idx: IntArray, j: IntArray) -> FloatArray:
                # N!/(N-j)! A^-j; terms beyond N are cut by the limit.
                jj = np.minimum(j, nt[idx, None])
                return (
                    lg_n1[idx, None]
                    - special.gammaln(nt[idx, None] - jj + 1)
                    - j * log_a[idx, None]
                )

            res[tiny] = _log_series(nt.size, term, nt)[0]
        out[pos] = res
    return out.reshape(n_arr.shape)


def log_erlang_b(agents: ArrayLike, load: ArrayLike) -> FloatArray:
    """Log of the Erlang B blocking probability."""
    return -log_inverse_erlang_b(agents, load)


def erlang_b(agents: ArrayLike, load: ArrayLike) -> FloatArray:
    """Erlang B: the probability that a call finds all N lines busy (blocked calls are lost).

    Args:
        agents: number of servers N (array-like, ≥ 0).
        load: offered load A in Erlangs (array-like, ≥ 0).
    """
    _check_non_negative(agents=agents, load=load)
    return np.exp(log_erlang_b(agents, load))


def log_kummer(
    b: ArrayLike, x: ArrayLike, derivative: bool = True
) -> tuple[FloatArray, FloatArray]:
    """``log K(b, x)`` and its derivative in ``b`` (zeros unless ``derivative``).

    ``K(b, x) = ₁F₁(1; b; x)``.

    ``K(b, x) = Σ_j x^j / (b)_j`` (rising factorial). Closed form through the regularised
    lower incomplete gamma where it does not underflow, direct series elsewhere (exact
    derivative there; a Richardson-extrapolated central difference of ``log P`` in its first
    argument in the closed form).
    """
    b_arr, x_arr = np.broadcast_arrays(np.asarray(b, dtype=float), np.asarray(x, dtype=float))
    bb = b_arr.ravel()
    xx = x_arr.ravel()
    value = np.zeros(bb.shape)
    deriv = np.zeros(bb.shape)
    pos = xx > 0
    if pos.any():
        bp, xp = bb[pos], xx[pos]
        p = special.gammainc(bp - 1, xp)
        closed = p > _TINY
        v = np.empty(bp.shape)
        d = np.empty(bp.shape)
        if closed.any():
            bc, xc = bp[closed], xp[closed]
            v[closed] = special.gammaln(bc) + xc - (bc - 1) * np.log(xc) + np.log(p[closed])
            if derivative:
                d[closed] = special.digamma(bc) - np.log(xc) + _dlogp_da(bc - 1, xc)
            else:
                d[closed] = 0.0
        series = ~closed
        if series.any():
            bs, xs = bp[series], xp[series]
            log_x = np.log(xs)
            lg_b = special.gammaln(bs)

            def term(idx: IntArray, j: IntArray) -> FloatArray:
                return j * log_x[idx, None] - special.gammaln(bs[idx, None] + j) + lg_b[idx, None]

            psi_b = special.digamma(bs)

            def dterm(idx: IntArray, j: IntArray) -> FloatArray:
                return psi_b[idx, None] - special.digamma(bs[idx, None] + j)

            v[series], d[series] = _log_series(
                bs.size, term, np.full(bs.shape, np.inf), dterm if derivative else None
            )
        value[pos] = v
        deriv[pos] = d
    return value.reshape(b_arr.shape), deriv.reshape(b_arr.shape)


def _dlogp_da(a: FloatArray, x: FloatArray) -> FloatArray:
    """∂/∂a log P(a, x), by Richardson-extrapolated central differences."""
    h = 1e-3 * np.sqrt(np.maximum(a, 1.0))
    h = np.minimum(h, 0.25 * a)

    def central(step: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore"):
            up = np.log(special.gammainc(a + step, x))
            down = np.log(special.gammainc(a - step, x))
        return (up - down) / (2 * step)

    d1 = central(h)
    d2 = central(h / 2)
    return (4 * d2 - d1) / 3


# --- Erlang C ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueMetrics:
    """What a queue model says about one or many intervals (1-D arrays of equal length).

    Attributes:
        agents: call handlers answering (N), not counting shrinkage.
        offered_load_erlangs: ``A = λ · AHT``.
        probability_wait: share of calls that find every handler busy.
        service_level: share of offered calls answered within the target time.
        asa_seconds: average speed of answer: mean wait of answered calls (∞ when unstable).
        occupancy: share of handlers' time spent handling calls (carried load / N).
        abandonment: share of offered calls that hang up before an answer (0 for Erlang C).
        is_stable: False where Erlang C has N ≤ A (the queue would grow without bound).
    """

    agents: Any
    offered_load_erlangs: Any
    probability_wait: Any
    service_level: Any
    asa_seconds: Any
    occupancy: Any
    abandonment: Any
    is_stable: Any

    def to_frame(self) -> pd.DataFrame:
        """One row per interval."""
        return pd.DataFrame({f.name: np.ravel(getattr(self, f.name)) for f in fields(self)})


def erlang_c(agents: ArrayLike, load: ArrayLike) -> FloatArray:
    """Erlang C: the probability that a call waits (1.0 where N ≤ A: every call waits).

    Args:
        agents: number of handlers N (≥ 0).
        load: offered load A in Erlangs (≥ 0).
    """
    _check_non_negative(agents=agents, load=load)
    n, a = np.broadcast_arrays(np.asarray(agents, dtype=float), np.asarray(load, dtype=float))
    return np.exp(_log_erlang_c(n, a))


def _log_erlang_c(n: FloatArray, a: FloatArray) -> FloatArray:
    stable = n > a
    out = np.zeros(np.shape(n))
    if np.any(stable):
        ns, as_ = n[stable], a[stable]
        log_b = log_erlang_b(ns, as_)
        b = np.exp(log_b)
        # C = N·B / (N − A + A·B): both terms of the denominator are positive, no cancellation.
        out[stable] = np.log(ns) + log_b - np.log(ns - as_ + as_ * b)
    return out


def erlang_c_metrics(
    agents: ArrayLike,
    calls_per_hour: ArrayLike,
    aht_seconds: ArrayLike,
    within_seconds: ArrayLike,
) -> QueueMetrics:
    """Erlang C service level, ASA, occupancy and P(wait) for each interval.

    Args:
        agents: handlers N.
        calls_per_hour: arrivals per hour λ.
        aht_seconds: mean handling time (talk plus wrap-up) in seconds.
        within_seconds: the answer-time target T in seconds.
    """
    n, lam, aht, t = _inputs(agents, calls_per_hour, aht_seconds, within_seconds)
    a = lam / 3600 * aht
    stable = n > a
    c = np.exp(_log_erlang_c(n, a))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tail = c * np.exp(-(n - a) * t / aht)
        sl = np.where(stable, 1 - tail, 0.0)
        asa = np.where(stable, c * aht / (n - a), np.inf)
        occ = np.where(n > 0, np.minimum(a / n, 1.0), np.where(a > 0, 1.0, 0.0))
    no_calls = lam == 0
    sl = np.where(no_calls, 1.0, sl)
    asa = np.where(no_calls, 0.0, asa)
    c = np.where(no_calls, 0.0, c)
    return QueueMetrics(
        agents=n.astype(np.int64),
        offered_load_erlangs=a,
        probability_wait=c,
        service_level=np.clip(sl, 0.0, 1.0),
        asa_seconds=asa,
        occupancy=occ,
        abandonment=np.zeros(n.shape),
        is_stable=stable | no_calls,
    )


# --- Erlang A ------------------------------------------------------------------------------


def erlang_a_metrics(
    agents: ArrayLike,
    calls_per_hour: ArrayLike,
    aht_seconds: ArrayLike,
    within_seconds: ArrayLike,
    patience_seconds: ArrayLike,
) -> QueueMetrics:
    """Erlang A (M/M/N+M): callers hang up after an exponential patience with this mean.

    Args:
        agents: handlers N (≥ 0).
        calls_per_hour: arrivals per hour λ.
        aht_seconds: mean handling time in seconds.
        within_seconds: the answer-time target T in seconds (``inf`` allowed).
        patience_seconds: mean time a caller waits before hanging up (> 0).

    Returns:
        Metrics per interval; ``service_level`` counts abandoned calls as not answered in time.
    """
    n, lam, aht, t = _inputs(agents, calls_per_hour, aht_seconds, within_seconds)
    patience = np.broadcast_to(np.asarray(patience_seconds, dtype=float), n.shape)
    if np.any(~(patience > 0)) or np.any(np.isinf(patience)):
        raise UserInputError("patience must be a positive, finite number of seconds")
    return _erlang_a(n, lam, aht, t, patience, full=True)


def _erlang_a(
    n: FloatArray,
    lam: FloatArray,
    aht: FloatArray,
    t: FloatArray,
    patience: FloatArray,
    full: bool,
) -> QueueMetrics:
    """Erlang A on checked 1-D inputs; without ``full`` only the service level is computed."""
    lam_s = lam / 3600
    a = lam_s * aht
    theta = 1 / patience
    x = lam_s / theta
    y = n / (aht * theta)

    p_wait = np.zeros(n.shape)
    sl = np.ones(n.shape)
    ab = np.zeros(n.shape)
    asa = np.zeros(n.shape)
    occ = np.zeros(n.shape)

    busy = (lam_s > 0) & (n > 0)
    nobody = (lam_s > 0) & (n == 0)
    # No handlers: every caller waits and eventually hangs up.
    p_wait[nobody] = 1.0
    sl[nobody] = 0.0
    ab[nobody] = 1.0
    asa[nobody] = np.nan
    occ[nobody] = 1.0

    if busy.any():
        nb, ab_load, xb, yb, tb, thb = n[busy], a[busy], x[busy], y[busy], t[busy], theta[busy]
        log_inv_b = log_inverse_erlang_b(nb, ab_load)
        # R = 1/B − 1: the weight of states with a free handler, relative to state N.
        with np.errstate(over="ignore"):
            log_r = np.where(
                log_inv_b < 30,
                np.log(np.expm1(np.minimum(log_inv_b, 30))),
                log_inv_b + np.log1p(-np.exp(-log_inv_b)),
            )
        log_s, _ = log_kummer(yb + 1, xb, derivative=False)
        log_k2, dlog_k2 = log_kummer(yb + 2, xb, derivative=full)
        log_total = np.logaddexp(log_r, log_s)
        pw = np.exp(log_s - log_total)
        p_free = np.exp(log_r - log_total)
        log_ratio = np.log(yb) - np.log1p(yb)
        served_waiters = np.exp(log_ratio + log_k2 - log_total)
        # Answered within T after waiting: the part of served_waiters with V ≤ T.
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            u = np.exp(-thb * tb)
            log_k2_t, _ = log_kummer(yb + 2, xb * u, derivative=False)
            log_late = xb * (1 - u) + (yb + 1) * np.log(u) + log_k2_t - log_k2
            log_late = np.where(np.isinf(tb), -np.inf, log_late)
            served_in_time = served_waiters * -np.expm1(np.minimum(log_late, 0.0))
        abandon = np.clip(pw - served_waiters, 0.0, 1.0)
        # Mean offered wait of answered waiters: -(1/θ)·d/dc log(K(c+1, x)/c) at c = y+1.
        mean_wait_served = (-(dlog_k2 - 1 / (yb + 1))) / thb
        answered = p_free + served_waiters
        p_wait[busy] = pw
        sl[busy] = np.clip(p_free + served_in_time, 0.0, 1.0)
        ab[busy] = abandon
        if full:
            asa[busy] = np.where(answered > 0, mean_wait_served * served_waiters / answered, np.nan)
        else:
            asa[busy] = np.nan
        occ[busy] = np.minimum(ab_load * (1 - abandon) / nb, 1.0)
    return QueueMetrics(
        agents=n.astype(np.int64),
        offered_load_erlangs=a,
        probability_wait=p_wait,
        service_level=sl,
        asa_seconds=asa,
        occupancy=occ,
        abandonment=ab,
        is_stable=np.ones(n.shape, dtype=bool),
    )


# --- staffing ------------------------------------------------------------------------------


def queue_metrics(
    agents: ArrayLike,
    calls_per_hour: ArrayLike,
    aht_seconds: ArrayLike,
    within_seconds: ArrayLike,
    patience_seconds: ArrayLike | None = None,
) -> QueueMetrics:
    """Erlang A when a patience is given, else Erlang C."""
    if patience_seconds is None:
        return erlang_c_metrics(agents, calls_per_hour, aht_seconds, within_seconds)
    return erlang_a_metrics(agents, calls_per_hour, aht_seconds, within_seconds, patience_seconds)


def required_agents(
    calls_per_hour: ArrayLike,
    aht_seconds: ArrayLike,
    target_share: float = 0.9,
    within_seconds: float = 10.0,
    patience_seconds: float | None = None,
) -> IntArray:
    """The fewest handlers that answer ``target_share`` of calls within ``within_seconds``.

    Vectorised over intervals: a doubling search for an upper bound, then bisection, both on
    whole arrays (about 10 to 20 evaluations of the model for any number of intervals). The
    service level rises with N in both models, so the bisection finds the smallest N.

    Args:
        calls_per_hour: arrivals per hour in each interval.
        aht_seconds: mean handling time in each interval (seconds).
        target_share: required service level, strictly between 0 and 1.
        within_seconds: answer-time target T (seconds).
        patience_seconds: mean patience; Erlang A when given, else Erlang C.
    """
    if not 0 < target_share < 1:
        raise UserInputError(f"the target share must be between 0 and 1 (not {target_share})")
    lam_b, aht_b = np.broadcast_arrays(
        np.asarray(calls_per_hour, dtype=float), np.asarray(aht_seconds, dtype=float)
    )
    shape = lam_b.shape
    lam = lam_b.ravel()
    aht = aht_b.ravel()
    _check_rates(lam, aht)
    if within_seconds < 0 or not np.isfinite(within_seconds):
        raise UserInputError("the answer-time target must be a non-negative number of seconds")

    if patience_seconds is not None and not (0 < patience_seconds < np.inf):
        raise UserInputError("patience must be a positive, finite number of seconds")

    def meets(n: FloatArray, idx: IntArray) -> NDArray[np.bool_]:
        t = np.full(n.shape, float(within_seconds))
        if patience_seconds is None:
            m = erlang_c_metrics(n, lam[idx], aht[idx], t)
        else:
            pat = np.full(n.shape, float(patience_seconds))
            m = _erlang_a(n.copy(), lam[idx], aht[idx], t, pat, full=False)
        return np.asarray(m.service_level >= target_share)

    a = lam * aht / 3600
    # lo never meets the target (N ≤ A for Erlang C, N = 0 for Erlang A); hi is found by doubling.
    lo = np.floor(a) if patience_seconds is None else np.zeros(a.shape)
    lo = np.where(lam > 0, lo, -1.0)
    hi = np.ceil(a + 3 * np.sqrt(a) + 2)
    idx = np.nonzero(lam > 0)[0]
    pending = idx
    while pending.size:
        ok = meets(hi[pending], pending)
        bad = pending[~ok]
        old = hi[bad]
        lo[bad] = old
        hi[bad] = old + (old - np.floor(a[bad])) + 2
        pending = bad
        if np.any(hi[pending] > 1e9):
            raise UserInputError("no staffing reaches the target for these inputs")
    active = idx[hi[idx] - lo[idx] > 1]
    while active.size:
        mid = np.floor((lo[active] + hi[active]) / 2)
        ok = meets(mid, active)
        hi[active] = np.where(ok, mid, hi[active])
        lo[active] = np.where(ok, lo[active], mid)
        active = active[hi[active] - lo[active] > 1]
    out = np.where(lam > 0, hi, 0).astype(np.int64)
    return out.reshape(shape)


def rostered_staff(agents: ArrayLike, shrinkage: float) -> IntArray:
    """Staff to roster so that ``agents`` are answering after shrinkage: ``⌈N / (1 − s)⌉``."""
    if not 0 <= shrinkage < 1:
        raise UserInputError(f"shrinkage must be at least 0 and below 1 (not {shrinkage})")
    n = np.asarray(agents, dtype=float)
    # The small tolerance keeps 7 / 0.7 = 10.000000000000002 at 10.
    return np.ceil(n / (1 - shrinkage) - 1e-9).astype(np.int64)


def effective_agents(staff: ArrayLike, shrinkage: float) -> IntArray:
    """Handlers answering calls out of ``staff`` rostered: ``⌊staff · (1 − s)⌋``."""
    if not 0 <= shrinkage < 1:
        raise UserInputError(f"shrinkage must be at least 0 and below 1 (not {shrinkage})")
    s = np.asarray(staff, dtype=float)
    return np.floor(s * (1 - shrinkage) + 1e-9).astype(np.int64)


@dataclass(frozen=True)
class Staffing:
    """The staffing answer for each interval.

    Attributes:
        metrics: the queue model's figures at the required number of handlers.
        rostered_staff: staff to roster after shrinkage, ``⌈N/(1 − s)⌉``.
        model: ``erlang_c`` or ``erlang_a``.
    """

    metrics: QueueMetrics
    rostered_staff: IntArray
    model: str

    def to_frame(self) -> pd.DataFrame:
        """One row per interval."""
        df = self.metrics.to_frame()
        df.insert(1, "rostered_staff", np.ravel(self.rostered_staff))
        return df


def staff(
    calls_per_hour: ArrayLike,
    aht_seconds: ArrayLike,
    target_share: float = 0.9,
    within_seconds: float = 10.0,
    patience_seconds: float | None = None,
    shrinkage: float = 0.0,
) -> Staffing:
    """Handlers needed per interval, the model's figures at that staffing, and the roster.

    Example:
        >>> s = staff(4500, 120, 0.9, 10)       # 150 Erlangs
        >>> int(s.metrics.agents[0])
        162
    """
    n = np.atleast_1d(
        required_agents(calls_per_hour, aht_seconds, target_share, within_seconds, patience_seconds)
    )
    metrics = queue_metrics(n, calls_per_hour, aht_seconds, within_seconds, patience_seconds)
    return Staffing(
        metrics=metrics,
        rostered_staff=rostered_staff(n, shrinkage),
        model="erlang_c" if patience_seconds is None else "erlang_a",
    )


# --- input checks --------------------------------------------------------------------------


def _check_non_negative(**values: ArrayLike) -> None:
    for name, value in values.items():
        arr = np.asarray(value, dtype=float)
        if np.any(~np.isfinite(arr)) or np.any(arr < 0):
            raise UserInputError(f"{name} must be finite and not negative")


def _check_rates(lam: FloatArray, aht: FloatArray) -> None:
    if np.any(~np.isfinite(lam)) or np.any(lam < 0):
        raise UserInputError("calls per hour must be finite and not negative")
    if np.any(~np.isfinite(aht)) or np.any(aht <= 0):
        raise UserInputError("the handling time must be a positive number of seconds")


def _inputs(
    agents: ArrayLike, calls_per_hour: ArrayLike, aht_seconds: ArrayLike, within: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    n, lam, aht, t = (
        np.atleast_1d(np.asarray(v, dtype=float))
        for v in np.broadcast_arrays(
            np.asarray(agents, dtype=float),
            np.asarray(calls_per_hour, dtype=float),
            np.asarray(aht_seconds, dtype=float),
            np.asarray(within, dtype=float),
        )
    )
    _check_rates(lam, aht)
    if np.any(n < 0) or np.any(n != np.floor(n)) or np.any(~np.isfinite(n)):
        raise UserInputError("the number of handlers must be a whole number, not negative")
    if np.any(t < 0) or np.any(np.isnan(t)):
        raise UserInputError("the answer-time target must be a non-negative number of seconds")
    return n.copy(), lam.copy(), aht.copy(), t.copy()
