"""Cumulative link log-likelihood with analytic derivatives and a damped Newton solver.

The model is MASS::polr's: ``P(Y <= k | x) = F(zeta_k - x'beta)`` for ``k = 0..K-2`` with
``F`` the logistic or standard normal distribution function. Every observation enters
through two linear predictors, ``a_i = A_i theta`` (upper bound of its category; ``+inf``
for the top category) and ``b_i = B_i theta`` (lower bound; ``-inf`` for the bottom one),
so ``P(Y_i = y_i) = F(a_i) - F(b_i)``. Writing the model this way lets one set of
formulas serve the proportional-odds model and its generalisation with cut-specific
("nominal", non-proportional) effects used by the likelihood-ratio test:

    score    = A' g_a + B' g_b
    Hessian  = A' diag(h_aa) A + B' diag(h_bb) B + A' diag(h_ab) B + B' diag(h_ab) A

with ``g_a = f(a)/p``, ``g_b = -f(b)/p``, ``h_aa = f'(a)/p - g_a^2``,
``h_bb = -f'(b)/p - g_b^2`` and ``h_ab = -g_a g_b``. For logit and probit links the
proportional-odds log-likelihood is concave (Pratt 1981), so Newton's method with
step halving converges from the null-model start in a handful of iterations.

Parameter order everywhere: proportional coefficients ``beta`` (p), then cut-specific
coefficients (p_nominal per cut, grouped by cut) if any, then the cut-points ``zeta``
(K-1), as ``coef(polr)`` followed by ``polr$zeta``.

This module is numpy only and private; :mod:`probstats.models.ordinal.model` is the user API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import linalg, special

from probstats.errors import ModelSpecificationError, ZeroProbabilityError

__all__ = [
    "CumulativeLink",
    "LINK_CODES",
    "NewtonResult",
    "cdf",
    "null_start",
    "pdf",
    "probabilities",
    "probability_band",
    "probability_jacobian",
]

_dposv = linalg.get_lapack_funcs("posv", (np.zeros((1, 1)),))

#: Links supported by the engine.
LINK_CODES = {"logit": 0, "probit": 1}


@dataclass
class NewtonResult:
    """Outcome of :meth:`CumulativeLink.newton`.

    ``hessian`` is the full Hessian of the log-likelihood at ``params`` (negative
    definite at an interior maximum); ``gradient`` the full score.
    """

    params: np.ndarray
    loglik: float
    gradient: np.ndarray
    hessian: np.ndarray
    converged: bool
    n_iter: int


def null_start(
    y: np.ndarray, n_levels: int, link: str, weights: np.ndarray | None = None
) -> np.ndarray:
    """Cut-points of the model without predictors: ``F^{-1}`` of cumulative proportions.

    These are the exact maximum-likelihood cut-points when all coefficients are zero.
    """
    counts = np.bincount(y, weights=weights, minlength=n_levels).astype(float)
    cum = np.cumsum(counts)[:-1] / counts.sum()
    cum = np.clip(cum, 1e-6, 1 - 1e-6)
    # keep strictly increasing even when a category is empty (it is refused upstream)
    cum = np.maximum.accumulate(cum + np.arange(cum.size) * 1e-9)
    return special.logit(cum) if link == "logit" else special.ndtri(cum)


class CumulativeLink:
    """Cumulative link likelihood for codes ``y`` in ``0..n_levels-1`` and design ``X``.

    Parameters
    ----------
    y
        Integer category codes; every code ``0..n_levels-1`` should occur.
    X
        ``n x p`` design without an intercept (the cut-points play its role).
    n_levels
        Number of ordered categories ``K``.
    link
        ``"logit"`` or ``"probit"``.
    nominal
        Columns of ``X`` whose effect differs by cut-point (non-proportional). Their
        coefficients follow the proportional ones, ``len(nominal)`` per cut.

    Examples
    --------
    >>> import numpy as np
    >>> from probstats.models.ordinal.likelihood import CumulativeLink
    >>> y = np.array([0, 0, 1, 1, 2, 2, 1, 0, 2, 1])
    >>> X = np.array([[0.1], [0.5], [0.2], [1.0], [1.5], [0.9], [0.4], [0.8], [2.0], [0.3]])
    >>> lik = CumulativeLink(y, X, 3)
    >>> fit = lik.newton(lik.start())
    >>> fit.converged, fit.params.size
    (True, 3)
    """

    def __init__(
        self,
        y: np.ndarray,
        X: np.ndarray,
        n_levels: int,
        link: str = "logit",
        nominal: Sequence[int] = (),
        weights: np.ndarray | None = None,
    ) -> None:
        if link not in LINK_CODES:
            raise ModelSpecificationError(f"link={link!r}; allowed values are 'logit', 'probit'")
        y = np.asarray(y, dtype=np.intp)
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[:, None]
        n, p = X.shape
        K = int(n_levels)
        J = K - 1
        nominal = [int(j) for j in nominal]
        po = [j for j in range(p) if j not in nominal]
        pn = len(nominal)
        q = len(po) + pn * J + J
        A = np.zeros((n, q))
        B = np.zeros((n, q))
        A[:, : len(po)] = -X[:, po]
        B[:, : len(po)] = -X[:, po]
        z0 = len(po) + pn * J
        ra = np.flatnonzero(y < J)  # rows with a finite upper bound
        rb = np.flatnonzero(y > 0)  # rows with a finite lower bound
        A[ra, z0 + y[ra]] = 1.0
        B[rb, z0 + y[rb] - 1] = 1.0
        for m, j in enumerate(nominal):
            A[ra, len(po) + y[ra] * pn + m] = -X[ra, j]
            B[rb, len(po) + (y[rb] - 1) * pn + m] = -X[rb, j]
        self.y, self.X, self.n_levels, self.link = y, X, K, link
        self.nominal, self.proportional = nominal, po
        off_a = np.where(y == J, np.inf, 0.0)
        off_b = np.where(y == 0, -np.inf, 0.0)
        self._stack(A, B, off_a, off_b)
        self._probit = link == "probit"
        self.n_params = q
        self._set_weights(weights)
        self.zeta_slice = slice(z0, q)

    # ------------------------------------------------------------------ pieces

    def _stack(self, A, B, off_a, off_b) -> None:
        # Upper and lower bounds are stacked into one 2n-row design so that each
        # Newton iteration needs a few large numpy calls rather than many small ones.
        n = A.shape[0]
        self.C = np.concatenate((A, B))
        self.C_swap = np.concatenate((B, A))
        self.CT = np.ascontiguousarray(self.C.T)
        self.off = np.concatenate((off_a, off_b))
        self.sign = np.concatenate((np.ones(n), -np.ones(n)))
        self.A, self.B = self.C[:n], self.C[n:]
        self.off_a, self.off_b = self.off[:n], self.off[n:]
        self._n = n

    def _set_weights(self, weights: np.ndarray | None) -> None:
        """Frequency (case) weights: a row with weight w counts as w identical rows, as
        ``MASS::polr(weights=)`` and ``ordinal::clm(weights=)``."""
        n = self._n
        if weights is None:
            self.w = np.ones(n)
            self.weighted = False
        else:
            w = np.asarray(weights, dtype=float)
            if w.shape != (n,) or not (np.all(np.isfinite(w)) and np.all(w > 0)):
                raise ModelSpecificationError(
                    f"weights must have one value per row ({n}), each positive and finite; "
                    "drop rows of weight 0"
                )
            self.w = w
            self.weighted = True
        self.w2 = np.concatenate((self.w, self.w))

    def take(self, rows: np.ndarray) -> CumulativeLink:
        """The same likelihood on a subset (or resample) of rows, without rebuilding."""
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        new = object.__new__(CumulativeLink)
        new.__dict__.update(self.__dict__)
        new.y, new.X = self.y[rows], self.X[rows]
        both = np.concatenate((rows, rows + self._n))
        m = rows.size
        new.C, new.C_swap, new.off = self.C[both], self.C_swap[both], self.off[both]
        new.CT = np.ascontiguousarray(new.C.T)
        new.sign = self.sign[both]
        new.A, new.B = new.C[:m], new.C[m:]
        new.off_a, new.off_b = new.off[:m], new.off[m:]
        new._n = m
        new.w = self.w[rows]
        new.w2 = np.concatenate((new.w, new.w))
        return new

    def start(self) -> np.ndarray:
        """Null-model start: zero coefficients, cut-points at the empirical quantiles."""
        theta = np.zeros(self.n_params)
        theta[self.zeta_slice] = null_start(
            self.y, self.n_levels, self.link, self.w if self.weighted else None
        )
        return theta

    def _cdf_pieces(self, a: np.ndarray, b: np.ndarray):
        """P(a) - P(b) computed without cancellation, plus densities and their slopes."""
        if self._probit:
            Fa, Fb = special.ndtr(a), special.ndtr(b)
            # upper tail: difference of survival functions keeps precision
            p = np.where(b > 0, special.ndtr(-b) - special.ndtr(-a), Fa - Fb)
            ac, bc = np.clip(a, -1e3, 1e3), np.clip(b, -1e3, 1e3)
            fa = np.exp(-0.5 * ac * ac) * 0.3989422804014327
            fb = np.exp(-0.5 * bc * bc) * 0.3989422804014327
            return p, fa, fb, -ac * fa, -bc * fb
        Fa, Sa = special.expit(a), special.expit(-a)
        Fb, Sb = special.expit(b), special.expit(-b)
        # F(a) - F(b) = F(a) (1 - F(b)) (1 - exp(b - a)): exact in both tails
        p = Fa * Sb * -np.expm1(np.minimum(b - a, 700.0))
        fa, fb = Fa * Sa, Fb * Sb
        return p, fa, fb, fa * (Sa - Fa), fb * (Sb - Fb)

    def linear_bounds(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Upper and lower linear predictors ``a`` and ``b`` of each row's category."""
        return self.A @ theta + self.off_a, self.B @ theta + self.off_b

    def loglikeobs(self, theta: np.ndarray) -> np.ndarray:
        """Per-row log-likelihood (``-inf`` where a probability is not positive)."""
        a, b = self.linear_bounds(theta)
        p = self._cdf_pieces(a, b)[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.w * np.where(p > 0, np.log(np.where(p > 0, p, 1.0)), -np.inf)

    def loglike(self, theta: np.ndarray) -> float:
        """Log-likelihood; ``-inf`` outside the parameter space (unordered cut-points)."""
        a, b = self.linear_bounds(theta)
        p = self._cdf_pieces(a, b)[0]
        if not (p > 0).all():
            return -np.inf
        return float(self.w @ np.log(p))

    def _derivs(self, theta: np.ndarray):
        """Log-likelihood and the per-row first and second derivatives in ``a``, ``b``."""
        a, b = self.linear_bounds(theta)
        p, fa, fb, dfa, dfb = self._cdf_pieces(a, b)
        if not p.min() > 0:
            return -np.inf, None, None, None, None, None
        ip = 1.0 / p
        ga = fa * ip
        gb = -fb * ip
        return float(np.log(p).sum()), ga, gb, dfa * ip - ga * ga, -dfb * ip - gb * gb, -ga * gb

    def score_obs(self, theta: np.ndarray) -> np.ndarray:
        """Per-row score contributions (``n x q``)."""
        _, ga, gb, *_ = self._derivs(theta)
        return self.w[:, None] * (ga[:, None] * self.A + gb[:, None] * self.B)

    def score(self, theta: np.ndarray) -> np.ndarray:
        """Gradient of the log-likelihood."""
        return self.loglike_derivs(theta)[1]

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """Analytic Hessian of the log-likelihood."""
        return self.loglike_derivs(theta)[2]

    def loglike_derivs(self, theta: np.ndarray):
        """Log-likelihood, score and Hessian in one pass (``None``s outside the domain).

        Works on the stacked bounds ``ab = [a; b]`` so that the distribution function,
        density and its slope are evaluated in one call each.
        """
        n = self._n
        ab = self.C @ theta
        ab += self.off
        if self._probit:
            F = special.ndtr(ab)
            p = np.where(ab[n:] > 0, special.ndtr(-ab[n:]) - special.ndtr(-ab[:n]), F[:n] - F[n:])
            c = np.clip(ab, -1e3, 1e3)
            f = np.exp(-0.5 * c * c) * 0.3989422804014327
            df = -c * f
        else:
            F = special.expit(ab)
            S = special.expit(-ab)
            # b - a is capped so that unordered cut-points give p < 0, not an overflow
            p = F[:n] * S[n:] * -np.expm1(np.minimum(ab[n:] - ab[:n], 700.0))
            f = F * S
            df = f * (S - F)
        if not p.min() > 0:
            return -np.inf, None, None
        ip = 1.0 / p
        ip2 = np.concatenate((ip, ip))
        gab = self.sign * f * ip2  # [f(a)/p ; -f(b)/p]
        d1 = self.sign * df * ip2 - gab * gab  # [h_aa ; h_bb]
        h = gab[:n] * gab[n:]
        if self.weighted:  # weights multiply each row's contributions (not ip: squared)
            d1 *= self.w2
            h = h * self.w
            gab = gab * self.w2
        d2 = -np.concatenate((h, h))  # [h_ab ; h_ab]
        C, CT = self.C, self.CT
        g = CT @ gab
        H = (CT * d1) @ C
        H += (CT * d2) @ self.C_swap
        ll = float(self.w @ np.log(p)) if self.weighted else float(np.log(p).sum())
        return ll, g, H

    # ------------------------------------------------------------------ solver

    def newton(
        self,
        theta0: np.ndarray,
        *,
        free: np.ndarray | None = None,
        tol: float = 1e-6,
        max_iter: int = 100,
        final_derivatives: bool = True,
    ) -> NewtonResult:
        """Maximise the log-likelihood by damped Newton steps from ``theta0``.

        ``free`` (boolean mask) optimises only some parameters, holding the others at
        their values in ``theta0`` (used for profile likelihoods). Each step solves
        ``-H d = g`` and is halved until the log-likelihood rises (Armijo rule); if
        ``-H`` is not positive definite, a Levenberg-Marquardt ridge is added. Once the
        Newton step is shorter than ``tol`` it is taken and the iteration stops:
        convergence is quadratic, so the remaining error is of order ``tol**2``
        (1e-12 by default). Under separation the steps never shrink (the maximum is at
        infinity) and ``converged`` is False after ``max_iter`` steps.
        ``final_derivatives=False`` skips the score and Hessian at the solution (the
        lean refit path needs only the estimates); they are then those of the last
        iterate.
        """
        theta = np.array(theta0, dtype=float)
        ll, g, H = self.loglike_derivs(theta)
        if g is None:
            raise ZeroProbabilityError("start values give a zero probability to some row")
        converged = False
        it = 0
        for it in range(1, max_iter + 1):  # noqa: B007 - it is reported
            gf = g if free is None else g[free]
            Hf = H if free is None else H[np.ix_(free, free)]
            step = self._ascent_step(gf, Hf)
            if step is None:  # flat or singular in every direction: nothing to gain
                converged = bool(np.max(np.abs(gf), initial=0.0) < 1e-8)
                break
            if free is not None:
                full = np.zeros_like(theta)
                full[free] = step
            else:
                full = step
            if np.max(np.abs(full)) < tol:
                theta = theta + full
                converged = True
                if final_derivatives:
                    ll_c, g_c, H_c = self.loglike_derivs(theta)
                    if g_c is not None:
                        ll, g, H = ll_c, g_c, H_c
                break
            slope = float(gf @ step)
            t = 1.0
            accepted = False
            for _ in range(60):
                cand = theta + t * full
                ll_c, g_c, H_c = self.loglike_derivs(cand)
                if g_c is not None and ll_c >= ll + 1e-4 * t * slope - 1e-11 * (1 + abs(ll)):
                    accepted = True
                    break
                t *= 0.5
            if not accepted:
                converged = slope < 1e-14 * (1 + abs(ll))
                break
            theta, ll, g, H = cand, ll_c, g_c, H_c
        return NewtonResult(theta, ll, g, H, converged, it)

    @staticmethod
    def _ascent_step(g: np.ndarray, H: np.ndarray) -> np.ndarray | None:
        negH = -H
        # Cholesky solve straight from LAPACK: -H is positive definite at every
        # point of a concave problem, and the call costs a few microseconds
        _, step, info = _dposv(negH, g)
        if info == 0 and np.isfinite(step).all():
            return step
        scale = max(float(np.max(np.abs(np.diag(negH)), initial=0.0)), 1e-8)
        eye = np.eye(g.size)
        for lam in scale * np.logspace(-8, 4, 13):
            try:
                step = np.linalg.solve(negH + lam * eye, g)
            except np.linalg.LinAlgError:
                continue
            if np.all(np.isfinite(step)) and g @ step > 0:
                return step
        return None


# --------------------------------------------------------------------------- probabilities


def cdf(z: np.ndarray, link: str) -> np.ndarray:
    """Distribution function of the link (logistic or standard normal)."""
    return special.expit(z) if link == "logit" else special.ndtr(z)


def pdf(z: np.ndarray, link: str) -> np.ndarray:
    """Density of the link distribution."""
    if link == "logit":
        F = special.expit(z)
        return F * (1 - F)
    return np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)


def probabilities(params: np.ndarray, X: np.ndarray, K: int, link: str) -> np.ndarray:
    """Category probabilities ``P(Y = k | x)`` (rows x K) at ``params = [beta, zeta]``.

    Examples
    --------
    >>> import numpy as np
    >>> from probstats.models.ordinal.likelihood import probabilities
    >>> probabilities(np.array([0.0, -1.0, 1.0]), np.zeros((1, 1)), 3, "logit").round(4)
    array([[0.2689, 0.4621, 0.2689]])
    """
    p = X.shape[1]
    eta = X @ params[:p]
    cum = cdf(params[p:][None, :] - eta[:, None], link)
    cum = np.concatenate([np.zeros((len(eta), 1)), cum, np.ones((len(eta), 1))], axis=1)
    return np.diff(cum, axis=1)


def probability_jacobian(params: np.ndarray, X: np.ndarray, K: int, link: str) -> np.ndarray:
    """d P(Y = k | x_r) / d theta, shape (rows, K, parameters)."""
    n, p = X.shape
    eta = X @ params[:p]
    f = pdf(params[p:][None, :] - eta[:, None], link)  # rows x (K-1)
    f = np.concatenate([np.zeros((n, 1)), f, np.zeros((n, 1))], axis=1)
    jac = np.zeros((n, K, p + K - 1))
    jac[:, :, :p] = -(f[:, 1:] - f[:, :-1])[:, :, None] * X[:, None, :]
    for k in range(K - 1):
        jac[:, k, p + k] += f[:, k + 1]
        jac[:, k + 1, p + k] -= f[:, k + 1]
    return jac


def probability_band(
    theta: np.ndarray,
    X: np.ndarray,
    V: np.ndarray,
    K: int,
    link: str,
    level: float,
    scale: str = "logit",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Probabilities (rows x K) with delta-method standard errors and bands.

    ``scale="logit"`` builds each band on the logit of the probability (it stays
    inside 0-1); ``"probability"`` on the probability itself, clipped to 0-1. Returns
    ``(P, se, low, high)``.
    """
    P = probabilities(theta, X, K, link)
    q = special.ndtri(0.5 + level / 2)
    J = probability_jacobian(theta, X, K, link)
    se = np.sqrt(np.maximum(np.einsum("rkq,qs,rks->rk", J, V, J), 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        if scale == "logit":
            lo_p = np.clip(P, 1e-300, 1 - 1e-16)
            se_l = se / (lo_p * (1 - lo_p))
            centre = special.logit(lo_p)
            low, high = special.expit(centre - q * se_l), special.expit(centre + q * se_l)
        else:
            low, high = np.clip(P - q * se, 0, 1), np.clip(P + q * se, 0, 1)
    return P, se, low, high
