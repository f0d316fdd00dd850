"""Jeffreys-prior penalised (Firth) estimation shared by the model families.

Maximum-likelihood estimates of logit-type models do not exist under complete or
quasi-complete separation, and are biased away from zero in small samples. Firth (1993)
removes the first-order bias by maximising the penalised log-likelihood

    pl(theta) = l(theta) + 1/2 log det I(theta),

with ``I`` the EXPECTED Fisher information (the Jeffreys-prior penalty). For the binomial
logit this is exactly Firth's bias reduction, finite under separation (Kosmidis & Firth
2021, Biometrika); for cumulative link models see Kosmidis (2014, JRSS-B). The families
supply the likelihood and the small matrices ``T_i`` of the information
(:mod:`probstats.models.binomial.penalised`, :mod:`probstats.models.ordinal.penalised`);
this module holds what they share: the derivatives of the penalty, the Newton solver,
the result and the penalised profile interval.

How the derivatives are computed
--------------------------------
Both models are written as "each unit ``i`` has a few linear predictors ``eta_i = G_i
theta``", with the expected information ``I = sum_i G_i' T_i G_i``. With ``V_i = G_i
I^-1 G_i'`` (the per-unit leverage),

* gradient of the penalty: ``1/2 sum_i sum_m <V_i, dT_i/deta_m> G_i[m, j]``;
* Hessian: ``1/2 [tr(I^-1 d2I) - tr(I^-1 dI_j I^-1 dI_l)]``.

``dT/deta`` and ``d2T/deta2`` are analytic, so the penalised fit is an exact Newton
iteration, with a Fisher-scoring step ``I^-1 grad`` whenever the penalised Hessian is not
negative definite and step halving on the penalised log-likelihood. No finite
differences are used.

``weights`` are frequency (case) weights: a row with weight 3 counts as three identical
rows, in the log-likelihood, the information and the penalty alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, optimize, stats

from probstats.errors import ModelSpecificationError, ZeroProbabilityError

__all__ = [
    "PenalisedFit",
    "JeffreysProblem",
    "check_weights",
    "inv_pd",
    "penalised_profile_interval",
    "penalty_derivs",
]


def check_weights(weights: np.ndarray | None, n: int) -> np.ndarray | None:
    if weights is None:
        return None
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise ModelSpecificationError(
            f"weights must have one value per row ({n}); got shape {w.shape}"
        )
    if not (np.all(np.isfinite(w)) and np.all(w > 0)):
        raise ModelSpecificationError(
            "weights must be positive and finite; drop rows with weight 0"
        )
    return w


@dataclass
class PenalisedFit:
    """Maximum of a Jeffreys-penalised log-likelihood.

    Attributes
    ----------
    params
        Estimates: ``[intercept, slopes...]`` for :func:`firth_binomial` (the columns of
        ``X``), ``[beta..., zeta...]`` for :func:`jeffreys_cumulative` (polr's order).
    cov
        Inverse of the expected information at ``params`` (as ``vcov`` of a brglm2
        fit); ``bse`` are its square-rooted diagonal.
    loglik
        Ordinary log-likelihood at ``params`` (binomial: with the binomial coefficients,
        as R's ``logLik``).
    penalised_loglik
        ``loglik + 1/2 log det I(params)``.
    converged, n_iter
        Whether the Newton iteration met its tolerance, and how many steps it took.
    score
        Gradient of the penalised log-likelihood at ``params`` (near zero).
    hessian
        Hessian of the penalised log-likelihood at ``params``.
    problem
        The penalised likelihood that was maximised (used by
        :func:`penalised_profile_interval`).
    """

    params: np.ndarray
    cov: np.ndarray
    loglik: float
    penalised_loglik: float
    converged: bool
    n_iter: int
    score: np.ndarray
    _hessian: np.ndarray | None
    problem: JeffreysProblem = field(repr=False)

    @property
    def hessian(self) -> np.ndarray:
        """Hessian of the penalised log-likelihood at ``params`` (computed when first used:
        a fit by approximate Newton steps does not need it)."""
        if self._hessian is None:
            d = self.problem.derivatives(np.asarray(self.params, dtype=float), hessian=True)
            self._hessian = np.full((self.params.size,) * 2, np.nan) if d is None else d[2]
        return self._hessian

    @property
    def bse(self) -> np.ndarray:
        """Standard errors from the inverse expected information."""
        return np.sqrt(np.diag(self.cov))


def penalty_derivs(G: np.ndarray, T: np.ndarray, dT: np.ndarray, d2T: np.ndarray | None):
    """``1/2 log det I`` and its gradient (and Hessian when ``d2T`` is given).

    ``G`` is ``n x J x q`` (d eta_i / d theta), ``T`` is ``n x J x J`` with
    ``I = sum_i G_i' T_i G_i``, ``dT[i, a, b, m] = dT_i[a, b] / d eta_im`` and
    ``d2T[i, a, b, m, l]`` the second derivatives. Returns ``None`` if ``I`` is not
    positive definite.
    """
    n, J, q = G.shape
    Gf = G.reshape(n * J, q)
    info = Gf.T @ np.matmul(T, G).reshape(n * J, q)
    try:
        chol = linalg.cho_factor(info, lower=True, check_finite=False)
    except (linalg.LinAlgError, ValueError):
        return None
    if not np.all(np.isfinite(chol[0])):
        return None
    half_logdet = float(np.log(np.diag(chol[0])).sum())
    info_inv = linalg.cho_solve(chol, np.eye(q), check_finite=False)
    GI = (Gf @ info_inv).reshape(n, J, q)
    V = np.matmul(GI, G.transpose(0, 2, 1))  # n x J x J leverages
    c = np.einsum("nab,nabm->nm", V, dT)
    grad = 0.5 * np.einsum("nm,nmq->q", c, G)
    if d2T is None:
        return half_logdet, grad, None, info, info_inv
    C2 = np.einsum("nab,nabml->nml", V, d2T)
    hess1 = Gf.T @ np.matmul(C2, G).reshape(n * J, q)
    # dI/dtheta_j = sum_i G_i' (sum_m dT_i[:, :, m] G_i[m, j]) G_i, for every j at once
    dTG = np.matmul(dT.reshape(n, J * J, J), G).reshape(n, J, J, q)  # [n, a, b, j]
    tmp = np.matmul(dTG.transpose(0, 1, 3, 2).reshape(n, J * q, J), G)  # [n, (a, j), d]
    tmp = tmp.reshape(n, J, q, q).transpose(0, 1, 2, 3).reshape(n * J, q * q)
    dI = (Gf.T @ tmp).reshape(q, q, q).transpose(1, 0, 2)  # [j, c, d]
    A = np.matmul(info_inv, dI)
    hess2 = np.einsum("jab,lba->jl", A, A)
    return half_logdet, grad, 0.5 * (hess1 - hess2), info, info_inv


class JeffreysProblem(ABC):
    """Common Newton solver for a penalised log-likelihood ``pl = l + 1/2 log det I``."""

    n_params: int

    @abstractmethod
    def derivatives(self, theta: np.ndarray, hessian: bool = True, approximate: bool = False):
        """``(pl, gradient, Hessian, loglik, information)`` or ``None`` off the domain.

        ``hessian=False``: no Hessian (``None``), unless ``approximate``, which gives the
        log-likelihood's Hessian without the penalty's second derivatives.
        """

    @abstractmethod
    def start(self) -> np.ndarray:
        """Starting values of the Newton iteration."""

    def shift_block(self, j: int) -> np.ndarray | None:
        """Parameters to move along with parameter ``j`` in a profile start, if any."""
        return None

    def penalised_loglik(self, theta: np.ndarray) -> float:
        """``l(theta) + 1/2 log det I(theta)`` (``-inf`` outside the parameter space)."""
        d = self.derivatives(np.asarray(theta, dtype=float), hessian=False)
        return -np.inf if d is None else d[0]

    def information(self, theta: np.ndarray) -> np.ndarray:
        """Expected Fisher information."""
        d = self.derivatives(np.asarray(theta, dtype=float), hessian=False)
        if d is None:
            raise ZeroProbabilityError("theta gives a zero probability or a singular information")
        return d[4]

    def maximise(
        self,
        theta0: np.ndarray,
        *,
        free: np.ndarray | None = None,
        tol: float = 1e-10,
        max_iter: int = 100,
        approximate: bool = False,
    ) -> tuple[np.ndarray, tuple, bool, int]:
        """Damped Newton ascent of the penalised log-likelihood from ``theta0``.

        ``approximate=True`` leaves the penalty's second derivatives out of the Newton
        matrix (the log-likelihood's Hessian, O(n), dominates the penalty's, O(1)):
        each step is several times cheaper and convergence becomes fast linear; use it
        from a start near the maximum (an existing ML estimate). The fixed point is the
        same: steps vanish only where the penalised score does.

        ``free`` (boolean mask) maximises over some parameters only, holding the others
        at their values in ``theta0``. Each step solves ``-H d = g``; if ``-H`` is not
        positive definite the Fisher-scoring step ``I^-1 g`` is used instead (always an
        ascent direction, ``I`` being positive definite). Steps are halved until the
        penalised log-likelihood rises (Armijo). Once the step is shorter than ``tol``
        in every coordinate it is taken and the iteration stops; the value, gradient and
        information are then recomputed at the final point, and the Hessian of the last
        iterate (``tol`` away) is kept.
        """
        exact = not approximate
        theta = np.array(theta0, dtype=float)
        d = self.derivatives(theta, hessian=exact, approximate=approximate)
        if d is None:
            raise ZeroProbabilityError("start values give a zero probability to some row")
        converged = False
        it = 0
        sel = slice(None) if free is None else np.asarray(free, dtype=bool)
        for it in range(1, max_iter + 1):  # noqa: B007 - reported
            pl, g, H, _, info = d
            gf, Hf = g[sel], H[sel][:, sel]
            try:
                cf = linalg.cho_factor(-Hf, lower=True, check_finite=False)
                step = linalg.cho_solve(cf, gf, check_finite=False)
                if not np.all(np.isfinite(step)):
                    raise linalg.LinAlgError
            except (linalg.LinAlgError, ValueError):
                # Fisher scoring; least squares if the information is numerically singular
                step = np.linalg.lstsq(info[sel][:, sel], gf, rcond=None)[0]
                if not (np.all(np.isfinite(step)) and gf @ step > 0):
                    break
            full = np.zeros_like(theta)
            full[sel] = step
            if np.max(np.abs(full)) < tol:
                theta = theta + full
                # the Hessian barely moves over a step below tol: keep it, refresh the rest
                d_new = self.derivatives(theta, hessian=False)
                if d_new is not None:
                    d = (d_new[0], d_new[1], d[2] if exact else None, d_new[3], d_new[4])
                converged = True
                break
            slope = float(gf @ step)
            t = 1.0
            accepted = False
            for _ in range(60):
                cand = theta + t * full
                d_c = self.derivatives(cand, hessian=exact, approximate=approximate)
                if d_c is not None and d_c[0] >= pl + 1e-4 * t * slope - 1e-12 * (1 + abs(pl)):
                    accepted = True
                    break
                t *= 0.5
            if not accepted:
                converged = float(np.max(np.abs(gf), initial=0.0)) < 1e-8 * (1 + abs(pl))
                break
            theta, d = cand, d_c
        return theta, d, converged, it

    def fit(
        self,
        theta0: np.ndarray | None = None,
        *,
        tol: float = 1e-10,
        max_iter: int = 100,
        approximate: bool = False,
    ):
        """Maximise from ``theta0`` (default :meth:`start`) and package a :class:`PenalisedFit`.

        ``approximate``: see :meth:`maximise`; falls back to exact Newton steps if the
        approximate ones do not converge.
        """
        theta0 = self.start() if theta0 is None else np.asarray(theta0, dtype=float)
        theta, d, converged, it = self.maximise(
            theta0, tol=tol, max_iter=max_iter, approximate=approximate
        )
        if approximate and not converged:
            theta, d, converged, it2 = self.maximise(theta, tol=tol, max_iter=max_iter)
            it += it2
        pl, g, H, ll, info = d
        return PenalisedFit(
            params=theta,
            cov=inv_pd(info),
            loglik=ll,
            penalised_loglik=pl,
            converged=converged,
            n_iter=it,
            score=g,
            _hessian=H,
            problem=self,
        )


def inv_pd(M: np.ndarray) -> np.ndarray:
    try:
        return linalg.cho_solve(linalg.cho_factor(M, lower=True), np.eye(M.shape[0]))
    except linalg.LinAlgError:
        return np.linalg.pinv(M)


# --------------------------------------------------------------------------- profile


def penalised_profile_interval(
    fit: PenalisedFit,
    which: int,
    *,
    level: float = 0.95,
    xtol: float = 1e-12,
    max_steps: int = 60,
) -> tuple[float, float]:
    """Penalised-likelihood profile confidence limits for parameter ``which``.

    The limits are the two values ``v`` where the signed root of the penalised
    likelihood-ratio statistic, ``sqrt(2 (pl(hat) - max_{theta_j = v} pl(theta)))``,
    equals the normal quantile of ``level`` (Heinze & Schemper 2002 for Firth's
    logistic regression). For each ``v`` the other parameters are re-maximised by
    Newton's method from each of a few FIXED starting points (the estimate moved along
    the first-order profile path ``hat + (v - hat_j) V[:, j] / V[j, j]`` with ``V``
    the inverse negative penalised Hessian; the estimate with the cut-points shifted by
    ``v - hat_j`` (cumulative models); the estimate itself; the point on the ray from
    the null-model start through the estimate, which under separation follows the
    separating direction), keeping the largest maximum, because under separation the
    constrained penalised likelihood can have several local maxima. The profile is thus
    a function of ``v`` alone and the result is deterministic. Each limit is bracketed
    by stepping out from the estimate in multiples of ``z * se`` and solved with
    Brent's method to ``xtol``. A limit is infinite if the profile does not fall far
    enough within ``max_steps`` steps of a geometric (factor 1.25) sequence.

    Caution: these starts need not reach the global maximum of every constrained
    problem. For a cumulative model with a completely separating predictor the
    constrained maxima form several branches, the profile (their upper envelope) can
    cross the cut-off more than once, and the limits then depend on the starts (R and
    this function disagree there); treat such limits as approximate. Binomial (Firth)
    fits and cumulative fits without complete separation showed no such branches.

    Parameters
    ----------
    fit
        Result of :func:`firth_binomial` or :func:`jeffreys_cumulative`.
    which
        Position of the parameter in ``fit.params``.
    level
        Confidence level.
    xtol
        Absolute tolerance of the limits.
    max_steps
        Bracketing steps on each side before a limit is declared infinite.

    Returns
    -------
    tuple of float
        ``(lower, upper)``.

    Examples
    --------
    >>> import numpy as np
    >>> from probstats.models.binomial.penalised import firth_binomial
    >>> from probstats.models._base.penalised import penalised_profile_interval
    >>> x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    >>> fit = firth_binomial(np.array([0, 0, 0, 1, 1, 1]), np.ones(6),
    ...                      np.column_stack([np.ones(6), x]))
    >>> low, high = penalised_profile_interval(fit, 1)
    >>> bool(0 < low < fit.params[1] < high < np.inf)
    True
    """
    prob = fit.problem
    hat = np.asarray(fit.params, dtype=float)
    j = int(which)
    if not 0 <= j < hat.size:
        raise ModelSpecificationError(f"which={which} outside 0..{hat.size - 1}")
    z = float(stats.norm.ppf(0.5 + level / 2))
    plmax = float(fit.penalised_loglik)
    V = inv_pd(-fit.hessian) if np.all(np.isfinite(fit.hessian)) else fit.cov
    se = float(np.sqrt(V[j, j])) if V[j, j] > 0 else float(fit.bse[j])
    free = np.ones(hat.size, dtype=bool)
    free[j] = False
    path = V[:, j] / V[j, j]
    block = prob.shift_block(j)
    null = prob.start()

    def starts(v: float) -> list[np.ndarray]:
        out = [hat + (v - hat[j]) * path]
        if block is not None:
            s = hat.copy()
            s[block] += v - hat[j]
            out.append(s)
        out.append(hat.copy())
        if hat[j] != null[j]:
            out.append(null + (v - null[j]) / (hat[j] - null[j]) * (hat - null))
        for s in out:
            s[j] = v
        return out

    def root(v: float) -> float:
        # under separation the constrained penalised likelihood can have more than one
        # local maximum: maximise from every start and keep the largest. A start far out
        # on a flat ridge may not converge in 60 steps; its last value is still attained,
        # so it can only raise the maximum towards the true one
        best = -np.inf
        for s0 in starts(v):
            if not np.isfinite(prob.penalised_loglik(s0)):
                continue
            try:
                _, d, _, _ = prob.maximise(s0, free=free, tol=1e-11, max_iter=60)
            except ZeroProbabilityError:
                continue
            best = max(best, d[0])
        if not np.isfinite(best):
            return np.nan
        return float(np.sqrt(max(2.0 * (plmax - best), 0.0))) - z

    ends = []
    for direction in (-1, 1):
        inner = hat[j]
        end = direction * np.inf
        for k in range(max_steps):
            v = hat[j] + direction * z * se * 1.25**k
            r = root(v)
            if np.isnan(r):
                break
            if r >= 0:
                lo, hi = sorted((inner, v))
                end = float(optimize.brentq(root, lo, hi, xtol=xtol, rtol=4 * np.finfo(float).eps))
                break
            inner = v
        ends.append(float(end))
    return ends[0], ends[1]
