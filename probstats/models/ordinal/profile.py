"""Profile-likelihood confidence limits for cumulative link models.

Each limit is where the signed root of the likelihood-ratio statistic, with the other
parameters re-maximised, reaches the normal quantile (``confint(polr)``'s definition,
solved by root finding to 1e-10 instead of interpolating a grid). A limit is
``-inf``/``inf`` when the profile never falls far enough on that side, which a linear
programme decides exactly (under separation the parameters involved have such a
limit). Under separation deviances are measured from the supremum of the
log-likelihood, not from the drifting iterate.

The same routine profiles a penalised log-likelihood: pass an objective whose
``newton`` maximises it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import optimize

from probstats.errors import ZeroProbabilityError

__all__ = ["profile_limit"]


def _first_crossing(root, inner: float, outer: float) -> float | None:
    """A point between ``inner`` (root < 0) and ``outer`` (NaN) where root >= 0, if any."""
    for _ in range(60):
        mid = 0.5 * (inner + outer)
        r = root(mid)
        if np.isnan(r):
            outer = mid
        elif r >= 0:
            return mid
        else:
            inner = mid
    return None


def _bisect_crossing(root, inner: float, outer: float) -> float:
    """Bisection for root = 0 that treats NaN (no computable profile) as beyond it."""
    for _ in range(200):
        mid = 0.5 * (inner + outer)
        if abs(outer - inner) <= 1e-10 + 1e-12 * abs(mid):
            break
        r = root(mid)
        if np.isnan(r) or r >= 0:
            outer = mid
        else:
            inner = mid
    return float(0.5 * (inner + outer))


def _starts(hat: np.ndarray, null: np.ndarray, xbar: np.ndarray, j: int, p: int, v: float):
    """Fixed starting points for the constrained fit at ``theta_j = v``.

    Fixed (no state between calls) so that the profile is a function of ``v`` alone
    and a root finder never sees both signs at one point. First the point with
    ``theta_j = v`` on the line from the null model through the estimate: under
    separation that line is the separating direction, and Newton's method stalls
    from starts where some rows are saturated.
    """
    out = []
    if hat[j] != null[j]:
        out.append(null + (v - null[j]) / (hat[j] - null[j]) * (hat - null))
    from_hat = hat.copy()
    from_hat[j] = v
    from_null = null.copy()
    from_null[j] = v
    if j >= p:
        # keep the cut-points ordered: shift the others with this one
        if not np.all(np.diff(from_hat[p:]) > 0):
            from_hat[p:] = hat[p:] + (v - hat[j])
        from_null[p:] = null[p:] + (v - null[j])
    else:
        # centre the linear predictor so that large v keeps every row possible
        from_null[p:] = null[p:] + v * xbar[j]
    return [*out, from_hat, from_null]


def profile_limit(
    objective,
    hat: np.ndarray,
    llmax: float,
    j: int,
    z: float,
    direction: int,
    se: float,
    unbounded: Callable[[int, int], bool],
) -> float:
    """One end of the profile interval of parameter ``j``.

    Parameters
    ----------
    objective
        A likelihood with ``newton(start, free=..., max_iter=..., final_derivatives=...)``
        (returning ``.loglik``), ``start()`` (null-model start), ``X`` and
        ``zeta_slice``: :class:`~probstats.models.ordinal.likelihood.CumulativeLink`
        or its penalised form.
    hat
        The estimate (or, under separation, the last iterate).
    llmax
        The (supremum of the) maximised objective.
    j, z, direction
        Parameter index, normal quantile (e.g. 1.96) and side (-1 lower, +1 upper).
    se
        Its standard error (sets the first step of the search).
    unbounded
        ``unbounded(j, direction)``: True when the objective never falls towards that
        side (decided exactly, e.g. by a linear programme); the limit is then infinite.
    """
    if unbounded(j, direction):
        return float(direction * np.inf)
    hat = np.array(hat, dtype=float)
    free = np.ones(hat.size, dtype=bool)
    free[j] = False
    p = objective.zeta_slice.start
    null = objective.start()
    xbar = objective.X.mean(0) if p else np.zeros(0)

    def root(v: float) -> float:
        """Signed root deviance minus z; NaN when no start gives every row a chance."""
        best = -np.inf
        for start in _starts(hat, null, xbar, j, p, v):
            try:
                sol = objective.newton(start, free=free, max_iter=200, final_derivatives=False)
            except ZeroProbabilityError:
                continue
            # the maximum over fixed starts: a start where Newton stalls gives a low
            # value that must not be mistaken for the profile
            best = max(best, float(sol.loglik))
        if not np.isfinite(best):
            return np.nan
        return float(np.sqrt(max(2 * (llmax - best), 0.0))) - z

    step = se if np.isfinite(se) and 0 < se < 10 * (1 + abs(hat[j])) else 1.0
    inner = hat[j]
    for k in range(60):
        v = hat[j] + direction * step * 2.0**k
        r = root(v)
        if np.isnan(r):
            # the likelihood is numerically zero from every start: far beyond the
            # cut-off on this (bounded) side; narrow down to a computable point
            v = _first_crossing(root, inner, v)
            if v is None:
                break
            r = 0.0
        if r >= 0:
            lo, hi = sorted((inner, v))
            try:
                return float(optimize.brentq(root, lo, hi, xtol=1e-10, rtol=1e-12))
            except (ValueError, RuntimeError):  # NaN inside the bracket
                return _bisect_crossing(root, inner, v)
        inner = v
    # the end could not be located numerically: report it as unbounded rather than as a
    # finite number the likelihood does not support
    return float(direction * np.inf)
