"""Bias-reduced (Firth / Jeffreys-prior penalised) estimation kernels.

Maximum-likelihood estimates of logit-type models do not exist under complete or
quasi-complete separation, and are biased away from zero in small samples. Firth (1993)
removes the first-order bias by maximising the penalised log-likelihood

    pl(theta) = l(theta) + 1/2 log det I(theta),

with ``I`` the EXPECTED Fisher information (the Jeffreys-prior penalty). For the binomial
logit model this is exactly Firth's bias reduction, and its maximiser is finite under
separation (Kosmidis & Firth 2021, Biometrika). For cumulative link models (MASS::polr's
parameterisation, ``P(Y <= k) = F(zeta_k - x'beta)``) see Kosmidis (2014, JRSS-B,
"Improved estimation in cumulative link models").

Everything here is a pure numpy / scipy function of arrays; the user-facing model
functions (:func:`probstats.models.fit_binomial`, :func:`probstats.models.fit_ordinal`)
do not call it yet.

How the derivatives are computed
--------------------------------
Both models are written as "each unit ``i`` has a few linear predictors ``eta_i = G_i
theta``" (one for the binomial model, one per cut-point for the cumulative model), with
the expected information ``I = sum_i G_i' T_i G_i`` and ``T_i`` a small ``J x J`` matrix
that depends on ``eta_i`` only. With ``V_i = G_i I^-1 G_i'`` (the per-unit leverage),

* gradient of the penalty: ``1/2 tr(I^-1 dI/dtheta_j) = 1/2 sum_i sum_m
  <V_i, dT_i/deta_m> G_i[m, j]``;
* Hessian of the penalty: ``1/2 [tr(I^-1 d2I/dtheta_j dtheta_l) -
  tr(I^-1 dI/dtheta_j I^-1 dI/dtheta_l)]``, the first term from ``d2T_i/deta deta``
  in the same way, the second from the ``q`` matrices ``dI/dtheta_j``.

``dT/deta`` and ``d2T/deta2`` are analytic (see :func:`_cumulative_T`), vectorised over
units, so the penalised fit is an exact Newton iteration (quadratic convergence), with a
Fisher-scoring step ``I^-1 grad`` whenever the penalised Hessian is not negative definite
and step halving on the penalised log-likelihood. The cumulative model's fits use a
structured form of the same formulas (:func:`_cumulative_penalty`: ``T_i`` is
tridiagonal and each category involves two cut-points only), several times faster; the
generic tensor form is kept as an independent check (``CumulativeJeffreys.structured =
False``). No finite differences are used. The binomial penalised score reduces to
Firth's form ``X'(w (k - n p) + h (1/2 - p))`` with ``h`` the hat-matrix diagonal.

Under separation the penalised likelihood with one parameter held fixed can have more
than one local maximum (seen for cumulative models with a completely separating
predictor): penalised profile intervals then depend on where the constrained
maximisations start; see :func:`penalised_profile_interval`.

Frequency weights
-----------------
``weights`` are frequency (case) weights: a row with weight 3 counts as three identical
rows, in the log-likelihood, the information and the penalty alike, so the fit equals
the fit to the data expanded by the weights. :class:`WeightedCumulativeLink` adds them to
:class:`~probstats.models._ordinal_likelihood.CumulativeLink` without changing it; see
its docstring for the change the integrator should make instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import linalg, optimize, special, stats

from probstats.models._ordinal_likelihood import CumulativeLink

__all__ = [
    "PenalisedFit",
    "BinomialJeffreys",
    "CumulativeJeffreys",
    "WeightedCumulativeLink",
    "BinomialSeparation",
    "firth_binomial",
    "jeffreys_cumulative",
    "penalised_profile_interval",
    "binomial_separation",
]

Link = Literal["logit", "probit"]
_SQRT_2PI_INV = 0.3989422804014327


# --------------------------------------------------------------------------- weights


def _check_weights(weights: np.ndarray | None, n: int) -> np.ndarray | None:
    if weights is None:
        return None
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise ValueError(f"weights must have one value per row ({n}); got shape {w.shape}")
    if not (np.all(np.isfinite(w)) and np.all(w > 0)):
        raise ValueError("weights must be positive and finite; drop rows with weight 0")
    return w


class WeightedCumulativeLink(CumulativeLink):
    """:class:`CumulativeLink` with frequency (case) weights.

    A row with weight ``w_i`` contributes ``w_i`` times its log-likelihood, score and
    Hessian, so the fit equals that of the data with each row repeated ``w_i`` times
    (as ``MASS::polr(weights=)`` and ``ordinal::clm(weights=)``). Everything else
    (``newton``, ``separating_direction``, ``unbounded_along``, profile code that calls
    ``newton``) works unchanged: separation does not depend on the values of positive
    weights.

    For the integrator: rather than keeping this subclass, give
    ``CumulativeLink.__init__`` a ``weights=None`` argument stored as ``self.w`` (ones
    when absent) and ``self.w2 = np.concatenate((w, w))``. In ``loglike_derivs``, after
    the unweighted ``gab``, ``d1`` and ``h`` are formed, multiply ``d1`` by ``self.w2``,
    ``h`` by ``self.w`` (before ``d2``) and ``gab`` by ``self.w2`` (before
    ``g = CT @ gab``), and return ``float(self.w @ np.log(p))`` (multiplying ``ip2``
    by the weights would square them in ``gab * gab``). Weight ``loglike``,
    ``loglikeobs`` and ``score_obs`` by ``self.w`` and subset ``w`` and ``w2`` in
    ``take``. That is all this class overrides; ``newton`` and the separation linear
    programmes need no change.

    Examples
    --------
    >>> y = np.array([0, 1, 1, 2, 0, 2, 1])
    >>> X = np.array([[0.3], [0.5], [1.2], [2.0], [0.1], [1.1], [0.7]])
    >>> w = np.array([2.0, 1.0, 3.0, 1.0, 1.0, 2.0, 1.0])
    >>> fit_w = WeightedCumulativeLink(y, X, 3, weights=w)
    >>> rows = np.repeat(np.arange(7), w.astype(int))
    >>> fit_e = CumulativeLink(y[rows], X[rows], 3)
    >>> a = fit_w.newton(fit_w.start(), tol=1e-10)
    >>> b = fit_e.newton(fit_e.start(), tol=1e-10)
    >>> bool(np.allclose(a.params, b.params, atol=1e-9) and np.isclose(a.loglik, b.loglik))
    True
    """

    def __init__(
        self,
        y: np.ndarray,
        X: np.ndarray,
        n_levels: int,
        link: str = "logit",
        nominal=(),
        weights: np.ndarray | None = None,
    ) -> None:
        super().__init__(y, X, n_levels, link, nominal)
        w = _check_weights(weights, self._n)
        self.w = np.ones(self._n) if w is None else w
        self.w2 = np.concatenate((self.w, self.w))

    def take(self, rows: np.ndarray) -> WeightedCumulativeLink:
        """The same weighted likelihood on a subset (or resample) of rows."""
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        new = super().take(rows)
        new.__class__ = WeightedCumulativeLink
        new.w = self.w[rows]
        new.w2 = np.concatenate((new.w, new.w))
        return new

    def loglikeobs(self, theta: np.ndarray) -> np.ndarray:
        """Weighted per-row log-likelihood contributions."""
        return self.w * super().loglikeobs(theta)

    def loglike(self, theta: np.ndarray) -> float:
        a, b = self.linear_bounds(theta)
        p = self._cdf_pieces(a, b)[0]
        if not (p > 0).all():
            return -np.inf
        return float(self.w @ np.log(p))

    def score_obs(self, theta: np.ndarray) -> np.ndarray:
        """Weighted per-row score contributions (``n x q``)."""
        return self.w[:, None] * super().score_obs(theta)

    def loglike_derivs(self, theta: np.ndarray):
        """Weighted log-likelihood, score and Hessian (see the parent class)."""
        n = self._n
        ab = self.C @ theta
        ab += self.off
        if self._probit:
            F = special.ndtr(ab)
            p = np.where(ab[n:] > 0, special.ndtr(-ab[n:]) - special.ndtr(-ab[:n]), F[:n] - F[n:])
            c = np.clip(ab, -1e3, 1e3)
            f = np.exp(-0.5 * c * c) * _SQRT_2PI_INV
            df = -c * f
        else:
            F = special.expit(ab)
            S = special.expit(-ab)
            p = F[:n] * S[n:] * -np.expm1(np.minimum(ab[n:] - ab[:n], 700.0))
            f = F * S
            df = f * (S - F)
        if not p.min() > 0:
            return -np.inf, None, None
        ip = 1.0 / p
        ip2 = np.concatenate((ip, ip))
        gab = self.sign * f * ip2
        d1 = self.w2 * (self.sign * df * ip2 - gab * gab)
        h = self.w * gab[:n] * gab[n:]
        gab = self.w2 * gab
        d2 = -np.concatenate((h, h))
        C, CT = self.C, self.CT
        g = CT @ gab
        H = (CT * d1) @ C
        H += (CT * d2) @ self.C_swap
        return float(self.w @ np.log(p)), g, H


# --------------------------------------------------------------------------- result


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
    hessian: np.ndarray
    problem: _JeffreysProblem = field(repr=False)

    @property
    def bse(self) -> np.ndarray:
        """Standard errors from the inverse expected information."""
        return np.sqrt(np.diag(self.cov))


# --------------------------------------------------------------------------- penalty engine


def _penalty_derivs(G: np.ndarray, T: np.ndarray, dT: np.ndarray, d2T: np.ndarray | None):
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


class _JeffreysProblem:
    """Common Newton solver for a penalised log-likelihood ``pl = l + 1/2 log det I``."""

    n_params: int

    def derivatives(self, theta: np.ndarray, hessian: bool = True):  # pragma: no cover
        """``(pl, gradient, Hessian, loglik, information)`` or ``None`` off the domain."""
        raise NotImplementedError

    def start(self) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

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
            raise FloatingPointError("theta gives a zero probability or a singular information")
        return d[4]

    def maximise(
        self,
        theta0: np.ndarray,
        *,
        free: np.ndarray | None = None,
        tol: float = 1e-10,
        max_iter: int = 100,
    ) -> tuple[np.ndarray, tuple, bool, int]:
        """Damped Newton ascent of the penalised log-likelihood from ``theta0``.

        ``free`` (boolean mask) maximises over some parameters only, holding the others
        at their values in ``theta0``. Each step solves ``-H d = g``; if ``-H`` is not
        positive definite the Fisher-scoring step ``I^-1 g`` is used instead (always an
        ascent direction, ``I`` being positive definite). Steps are halved until the
        penalised log-likelihood rises (Armijo). Once the step is shorter than ``tol``
        in every coordinate it is taken and the iteration stops; the value, gradient and
        information are then recomputed at the final point, and the Hessian of the last
        iterate (``tol`` away) is kept.
        """
        theta = np.array(theta0, dtype=float)
        d = self.derivatives(theta)
        if d is None:
            raise FloatingPointError("start values give a zero probability to some row")
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
                    d = (d_new[0], d_new[1], d[2], d_new[3], d_new[4])
                converged = True
                break
            slope = float(gf @ step)
            t = 1.0
            accepted = False
            for _ in range(60):
                cand = theta + t * full
                d_c = self.derivatives(cand)
                if d_c is not None and d_c[0] >= pl + 1e-4 * t * slope - 1e-12 * (1 + abs(pl)):
                    accepted = True
                    break
                t *= 0.5
            if not accepted:
                converged = float(np.max(np.abs(gf), initial=0.0)) < 1e-8 * (1 + abs(pl))
                break
            theta, d = cand, d_c
        return theta, d, converged, it

    def fit(self, theta0: np.ndarray | None = None, *, tol: float = 1e-10, max_iter: int = 100):
        """Maximise from ``theta0`` (default :meth:`start`) and package a :class:`PenalisedFit`."""
        theta0 = self.start() if theta0 is None else np.asarray(theta0, dtype=float)
        theta, d, converged, it = self.maximise(theta0, tol=tol, max_iter=max_iter)
        pl, g, H, ll, info = d
        return PenalisedFit(
            params=theta,
            cov=_inv_pd(info),
            loglik=ll,
            penalised_loglik=pl,
            converged=converged,
            n_iter=it,
            score=g,
            hessian=H,
            problem=self,
        )


def _inv_pd(M: np.ndarray) -> np.ndarray:
    try:
        return linalg.cho_solve(linalg.cho_factor(M, lower=True), np.eye(M.shape[0]))
    except linalg.LinAlgError:
        return np.linalg.pinv(M)


# --------------------------------------------------------------------------- binomial


class BinomialJeffreys(_JeffreysProblem):
    """Jeffreys-penalised (Firth) binomial logit likelihood for ``k`` of ``n`` trials.

    ``l(beta) = sum_i w_i [log C(n_i, k_i) + k_i eta_i - n_i log(1 + exp(eta_i))]`` with
    ``eta = X beta`` and ``I(beta) = X' diag(w n p (1 - p)) X``. See :func:`firth_binomial`.
    """

    def __init__(
        self, k: np.ndarray, n: np.ndarray, X: np.ndarray, weights: np.ndarray | None = None
    ) -> None:
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[:, None]
        k = np.asarray(k, dtype=float)
        n = np.asarray(n, dtype=float)
        if k.shape != (X.shape[0],) or n.shape != k.shape:
            raise ValueError("k, n and the rows of X must have the same length")
        if np.any(n <= 0) or np.any(k < 0) or np.any(k > n):
            raise ValueError("need n > 0 and 0 <= k <= n in every row")
        w = _check_weights(weights, X.shape[0])
        self.k, self.n, self.X = k, n, X
        self.w = np.ones(X.shape[0]) if w is None else w
        self.wk, self.wn = self.w * k, self.w * n
        self.logc = float(
            self.w @ (special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1))
        )
        self.G = X[:, None, :]
        self.n_params = X.shape[1]

    def start(self) -> np.ndarray:
        """Zero coefficients (every probability 1/2)."""
        return np.zeros(self.n_params)

    def derivatives(self, theta: np.ndarray, hessian: bool = True):
        eta = self.X @ theta
        p = special.expit(eta)
        q = special.expit(-eta)
        ll = float(self.wk @ eta - self.wn @ np.logaddexp(0.0, eta)) + self.logc
        if not np.isfinite(ll):
            return None
        var = self.wn * p * q
        a = q - p  # 1 - 2p
        T = var[:, None, None]
        dT = (var * a)[:, None, None, None]
        d2T = (var * (1.0 - 6.0 * p * q))[:, None, None, None, None] if hessian else None
        pen = _penalty_derivs(self.G, T, dT, d2T)
        if pen is None:
            return None
        half_logdet, gpen, hpen, info, _ = pen
        g = self.X.T @ (self.wk - self.wn * p) + gpen
        H = None if hpen is None else -info + hpen
        return ll + half_logdet, g, H, ll, info


def firth_binomial(
    k: np.ndarray,
    n: np.ndarray,
    X: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> PenalisedFit:
    """Firth's bias-reduced logistic regression for ``k`` successes of ``n`` trials.

    Maximises ``l(beta) + 1/2 log det(X' W X)``, ``W = diag(w n p (1 - p))``, whose
    score is Firth's modified score ``X' (w (k - n p) + h (1/2 - p))`` with ``h`` the
    diagonal of ``W^1/2 X (X'WX)^-1 X' W^1/2``. For the logit link this is both the
    Jeffreys-prior penalised fit (brglm2 ``type = "MPL_Jeffreys"``) and the mean bias
    reduced one (``type = "AS_mean"``). The estimate is finite under complete and
    quasi-complete separation.

    Parameters
    ----------
    k, n
        Successes and trials per row (``0 <= k <= n``, ``n > 0``); binary data have
        ``n = 1``.
    X
        Design matrix INCLUDING the intercept column.
    weights
        Optional positive frequency weights (a row with weight ``w`` counts ``w`` times).
    tol
        Newton stops when no coordinate moves more than ``tol``.
    max_iter
        Maximum Newton steps.

    Returns
    -------
    PenalisedFit
        ``cov`` is the inverse expected information at the estimate (brglm2's
        ``vcov``); ``loglik`` includes the binomial coefficients (R's ``logLik``).

    Examples
    --------
    Completely separated data: maximum likelihood diverges, Firth's estimate is finite
    (brglm2 gives -3.951194, 1.128912):

    >>> x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    >>> k = np.array([0, 0, 0, 1, 1, 1])
    >>> fit = firth_binomial(k, np.ones(6), np.column_stack([np.ones(6), x]))
    >>> fit.converged, np.round(fit.params, 4).tolist()
    (True, [-3.9512, 1.1289])
    """
    return BinomialJeffreys(k, n, X, weights).fit(tol=tol, max_iter=max_iter)


# --------------------------------------------------------------------------- cumulative


def _link_derivs(eta: np.ndarray, link: str):
    """Density and its first two derivatives at ``eta``."""
    if link == "logit":
        F = special.expit(eta)
        S = special.expit(-eta)
        f = F * S
        return f, f * (S - F), f * (1.0 - 6.0 * F * S)
    c = np.clip(eta, -1e3, 1e3)
    f = np.exp(-0.5 * c * c) * _SQRT_2PI_INV
    return f, -c * f, (c * c - 1.0) * f


def _category_probs(eta: np.ndarray, link: str) -> np.ndarray:
    """``pi_ik = F(eta_ik) - F(eta_i,k-1)`` for all categories, without cancellation."""
    n, J = eta.shape
    up = np.concatenate((eta, np.full((n, 1), np.inf)), axis=1)
    lo = np.concatenate((np.full((n, 1), -np.inf), eta), axis=1)
    if link == "logit":
        # F(up) - F(lo) = F(up) (1 - F(lo)) (1 - exp(lo - up)): exact in both tails
        return special.expit(up) * special.expit(-lo) * -np.expm1(np.minimum(lo - up, 700.0))
    upper_tail = special.ndtr(-lo) - special.ndtr(-up)
    return np.where(lo > 0, upper_tail, special.ndtr(up) - special.ndtr(lo))


def _cumulative_T(eta: np.ndarray, w: np.ndarray, link: str, hessian: bool):
    """Per-unit expected-information kernel ``T_i`` of the cumulative link model.

    ``I = sum_i G_i' T_i G_i`` with ``T_i = w_i D_i' diag(1/pi_i) D_i`` and
    ``D_i[k, a] = d pi_ik / d eta_ia = f(eta_ia) (delta_ka - delta_k,a+1)``. Returns
    ``(pi, T, dT, d2T)``: ``dT[i, a, b, m] = dT_i[a, b] / d eta_im`` and ``d2T`` the
    second derivatives, both analytic:

    * ``dT[a,b,m] = delta_am S[a,b] + delta_bm S[b,a] - R[a,b,m]`` with
      ``S = E' P D``, ``R[a,b,m] = sum_k D_ka D_kb D_km / pi_k^2``;
    * ``d2T[a,b,m,l] = delta_am dS[a,b,l] + delta_bm dS[b,a,l] - dR[a,b,m,l]``;

    where ``E`` and ``E2`` are ``D`` with ``f`` replaced by ``f'`` and ``f''``, ``P =
    diag(1/pi)``, ``dS[a,b,l] = delta_al (E2' P D)[a,b] + delta_bl (E' P E)[a,b] -
    U[a,b,l]``, ``U[a,b,l] = sum_k E_ka D_kb D_kl / pi_k^2``, and ``dR[a,b,m,l] =
    delta_al U[a,b,m] + delta_bl U[b,a,m] + delta_ml U[m,a,b] - 2 sum_k D_ka D_kb D_km
    D_kl / pi_k^3``.
    """
    n, J = eta.shape
    K = J + 1
    pi = _category_probs(eta, link)
    if not pi.min() > 0:
        return pi, None, None, None
    f, f1, f2 = _link_derivs(eta, link)
    ar = np.arange(J)

    def bidiag(v):
        M = np.zeros((n, K, J))
        M[:, ar, ar] = v
        M[:, ar + 1, ar] = -v
        return M

    D, E = bidiag(f), bidiag(f1)
    # ratios d pi / pi stay bounded in the tails where pi and f both underflow towards 0,
    # so every product below is formed from them rather than from 1 / pi^2, 1 / pi^3
    ip = 1.0 / pi
    Dr = D * ip[:, :, None]
    Drw = Dr * w[:, None, None]
    T = np.matmul(D.transpose(0, 2, 1), Drw)
    S = np.matmul(E.transpose(0, 2, 1), Drw)  # [a, b] = sum_k E_ka D_kb w / pi_k
    DDw = Drw[:, :, :, None] * Dr[:, :, None, :]  # [n, k, a, b] = w D_ka D_kb / pi_k^2
    R = np.einsum("nkab,nkm->nabm", DDw, D)
    eye = np.eye(J)
    dT = -R
    dT += eye[None, :, None, :] * S[:, :, :, None]  # delta_am S[a, b]
    dT += eye[None, None, :, :] * S.transpose(0, 2, 1)[:, :, :, None]  # delta_bm S[b, a]
    if not hessian:
        return pi, T, dT, None
    E2 = bidiag(f2)
    S2 = np.matmul(E2.transpose(0, 2, 1), Drw)
    EE = np.matmul(E.transpose(0, 2, 1), E * (ip * w[:, None])[:, :, None])
    EDw = (E * ip[:, :, None])[:, :, :, None] * Drw[:, :, None, :]  # w E_ka D_kb / pi_k^2
    U = np.einsum("nkab,nkl->nabl", EDw, D)
    dS = -U
    dS += eye[None, :, None, :] * S2[:, :, :, None]
    dS += eye[None, None, :, :] * EE[:, :, :, None]
    Q4 = np.einsum("nkab,nkm,nkl->nabml", DDw, Dr, D)  # w D_ka D_kb D_km D_kl / pi_k^3
    dR = -2.0 * Q4
    # + delta_al U[a, b, m] + delta_bl U[b, a, m] + delta_ml U[m, a, b]
    dR += eye[None, :, None, None, :] * U[:, :, :, :, None]
    dR += eye[None, None, :, None, :] * U.transpose(0, 2, 1, 3)[:, :, :, :, None]
    dR += eye[None, None, None, :, :] * U.transpose(0, 2, 3, 1)[:, :, :, :, None]
    d2T = -dR
    d2T += eye[None, :, None, :, None] * dS[:, :, :, None, :]  # delta_am dS[a, b, l]
    d2T += eye[None, None, :, :, None] * dS.transpose(0, 2, 1, 3)[:, :, :, None, :]
    return pi, T, dT, d2T


_posv = linalg.get_lapack_funcs("posv", (np.zeros((1, 1)),))


def _chol_inverse(M: np.ndarray):
    """``(1/2 log det M, M^-1)`` of a symmetric positive definite matrix, or ``None``."""
    c, inv, bad = _posv(M, np.eye(M.shape[0]), lower=True)
    if bad != 0 or not np.all(np.isfinite(inv)):
        return None
    return float(np.log(np.diag(c)).sum()), inv


class _CumulativeDesign:
    """Products of the per-unit Jacobians ``G_i[m] = (-x_i, e_m)`` reused at every step.

    ``Gf`` is ``G`` stacked to ``(n J) x q``; ``GGd`` holds ``G_im G_im'`` and ``GGo``
    ``G_im G_i,m+1' + G_i,m+1 G_im'`` flattened, so that ``sum_i G_i' M_i G_i`` for
    symmetric tridiagonal ``M_i`` is two matrix-vector products.
    """

    def __init__(self, X: np.ndarray, J: int) -> None:
        n, p = X.shape
        q = p + J
        G = np.zeros((n, J, q))
        G[:, :, :p] = -X[:, None, :]
        G[:, np.arange(J), p + np.arange(J)] = 1.0
        GG = G[:, :, :, None] * G[:, :, None, :]
        self.G, self.Gf = G, G.reshape(n * J, q)
        self.GGd = GG.reshape(n * J, q * q)
        Go = G[:, :-1, :, None] * G[:, 1:, None, :]
        self.GGo = (Go + Go.transpose(0, 1, 3, 2)).reshape(n * (J - 1), q * q)
        self.X, self.n, self.p, self.J, self.q = X, n, p, J, q
        #: d pi_k / d zeta_m = f_m (delta_km - delta_k,m+1): the sign pattern, K x J
        self.cut_sign = np.eye(J + 1, J) - np.eye(J + 1, J, -1)

    def gtg(self, Md: np.ndarray, Mo: np.ndarray) -> np.ndarray:
        """``sum_i G_i' M_i G_i``, ``M_i`` tridiagonal (diagonal ``Md``, off-diagonal ``Mo``)."""
        q = self.q
        out = Md.reshape(-1) @ self.GGd
        if self.J > 1:
            out += Mo.reshape(-1) @ self.GGo
        return out.reshape(q, q)


def _cumulative_penalty(
    eta: np.ndarray, des: _CumulativeDesign, w: np.ndarray, link: str, hessian: bool
):
    """``1/2 log det I`` of the cumulative link model with its gradient and Hessian.

    The structured (fast) form of :func:`_penalty_derivs` with :func:`_cumulative_T`.
    Unit ``i``'s category ``k`` has upper cut ``u = k`` and lower cut ``l = k - 1``;
    ``T_i`` is tridiagonal, and for a fixed matrix ``V`` the scalar
    ``<V, T_i(eta)> = sum_k w_i v_k / pi_k`` with ``v_k = f_u^2 V_uu - 2 f_u f_l V_ul +
    f_l^2 V_ll`` depends on two linear predictors per category, so its gradient ``c`` and
    (tridiagonal) Hessian ``C2`` in ``eta`` are closed-form elementwise expressions.
    ``dI/dtheta_j`` is assembled as ``sum_r c_r (M_r[:, j] u_r' + u_r M_r[j, :]) -
    (c_r / pi_r) u_r[j] u_r u_r'`` over unit-categories ``r``, with ``u_r = d pi_r /
    d theta``, ``M_r`` its Hessian and ``c_r = w / pi_r``, as a few matrix products.
    Returns ``(half_logdet, gradient, Hessian or None, I)`` or ``None`` off the
    parameter space.
    """
    n, J = eta.shape
    K = J + 1
    q = des.q
    # category probabilities pi (n x K), densities f, f', f'' at the cuts, zero-padded so
    # that column k of a padded array is the value at category k's upper (fu) or lower
    # (fl) cut
    fp = np.zeros((3, n, J + 2))
    if link == "logit":
        F = special.expit(eta)
        S = special.expit(-eta)
        pi = np.empty((n, K))
        pi[:, 0] = F[:, 0]
        pi[:, J] = S[:, -1]
        if J > 1:
            # F(b) - F(a) = F(b) (1 - F(a)) (1 - exp(a - b)), exact in both tails
            gap = np.minimum(eta[:, :-1] - eta[:, 1:], 700.0)
            pi[:, 1:J] = F[:, 1:] * S[:, :-1] * -np.expm1(gap)
        f = F * S
        fp[0, :, 1:-1] = f
        fp[1, :, 1:-1] = f * (S - F)
        fp[2, :, 1:-1] = f * (1.0 - 6.0 * F * S)
    else:
        pi = _category_probs(eta, link)
        fp[:, :, 1:-1] = _link_derivs(eta, link)
        f = fp[0, :, 1:-1]
    if not pi.min() > 0:
        return None
    fu, fl = fp[0, :, 1:], fp[0, :, :-1]
    f1u, f1l = fp[1, :, 1:], fp[1, :, :-1]
    ip = 1.0 / pi
    ru = fu * ip  # (d pi / d eta_u) / pi, bounded in the tails
    rl = -fl * ip  # (d pi / d eta_l) / pi
    wc = w[:, None]
    # expected information from the tridiagonal T_i
    Td = wc * f * (ru[:, :J] - rl[:, 1:])
    To = -wc * f[:, :-1] * ru[:, 1:J]
    info = des.gtg(Td, To)
    ci = _chol_inverse(info)
    if ci is None:
        return None
    half_logdet, info_inv = ci
    # leverages V_i = G_i I^-1 G_i' (diagonal and off-diagonal), padded like fu, fl
    iv = info_inv.reshape(-1)
    Vdp = np.zeros((n, J + 2))
    Vdp[:, 1:-1] = (des.GGd @ iv).reshape(n, J)
    Vul = np.zeros((n, K))
    if J > 1:
        Vul[:, 1:J] = 0.5 * (des.GGo @ iv).reshape(n, J - 1)
    Vuu, Vll = Vdp[:, 1:], Vdp[:, :-1]
    a_u = fu * Vuu - fl * Vul
    a_l = fl * Vll - fu * Vul
    v = fu * a_u + fl * a_l  # f_u^2 V_uu - 2 f_u f_l V_ul + f_l^2 V_ll
    v_u = 2.0 * f1u * a_u
    v_l = 2.0 * f1l * a_l
    hv = v * ip
    h_u = wc * (v_u * ip - hv * ru)
    h_l = wc * (v_l * ip - hv * rl)
    c = h_u[:, :J] + h_l[:, 1:]
    grad = 0.5 * (c.reshape(-1) @ des.Gf)
    if not hessian:
        return half_logdet, grad, None, info
    f2u, f2l = fp[2, :, 1:], fp[2, :, :-1]
    v_uu = 2.0 * (f1u * f1u * Vuu + f2u * a_u)
    v_ll = 2.0 * (f1l * f1l * Vll + f2l * a_l)
    v_ul = -2.0 * f1u * f1l * Vul
    h_uu = wc * ((v_uu - 2.0 * v_u * ru - hv * f1u) * ip + 2.0 * hv * ru * ru)
    h_ll = wc * ((v_ll - 2.0 * v_l * rl + hv * f1l) * ip + 2.0 * hv * rl * rl)
    h_ul = wc * ((v_ul - v_u * rl - v_l * ru) * ip + 2.0 * hv * ru * rl)
    hess1 = des.gtg(h_uu[:, :J] + h_ll[:, 1:], h_ul[:, 1:J])
    # dI/dtheta_j for every j from u_r = d pi_r / d theta (n x K x q), r = (unit, category)
    u = np.concatenate(
        ((fl - fu)[:, :, None] * des.X[:, None, :], f[:, None, :] * des.cut_sign), axis=2
    )
    ur = u * ip[:, :, None]
    z = (wc[:, :, None] * (ur[:, :J] - ur[:, 1:])) * fp[1, :, 1:-1, None]
    T1 = (des.GGd.T @ z.reshape(n * J, q)).reshape(q, q, q)  # [c, j, d]
    ur2 = ur.reshape(n * K, q)
    uu = ((ur2 * (w[:, None] * pi).reshape(n * K, 1))[:, :, None] * ur2[:, None, :]).reshape(
        n * K, q * q
    )
    T3 = (uu.T @ ur2).reshape(q, q, q)  # [j, c, d]
    dI = T1.transpose(1, 0, 2) + T1.transpose(1, 2, 0) - T3
    A = np.matmul(info_inv, dI).reshape(q, q * q)
    hess2 = A @ np.matmul(info_inv, dI).transpose(0, 2, 1).reshape(q, q * q).T
    return half_logdet, grad, 0.5 * (hess1 - hess2), info


class CumulativeJeffreys(_JeffreysProblem):
    """Jeffreys-penalised cumulative link likelihood (proportional odds, polr's form).

    ``P(Y <= k | x) = F(zeta_k - x'beta)``; parameters ``[beta..., zeta...]``. The
    ordinary log-likelihood, score and Hessian come from
    :class:`~probstats.models._ordinal_likelihood.CumulativeLink` (or
    :class:`WeightedCumulativeLink`); the penalty ``1/2 log det I`` uses the expected
    information ``I = sum_i w_i sum_k (d pi_ik/d theta)(d pi_ik/d theta)' / pi_ik`` and
    its analytic derivatives (:func:`_cumulative_T`). See :func:`jeffreys_cumulative`.
    """

    def __init__(
        self,
        y: np.ndarray,
        X: np.ndarray,
        n_levels: int,
        link: Link = "logit",
        weights: np.ndarray | None = None,
    ) -> None:
        if link not in ("logit", "probit"):
            raise ValueError(f"link={link!r}; allowed values are 'logit', 'probit'")
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[:, None]
        y = np.asarray(y, dtype=np.intp)
        if weights is None:
            self.lik: CumulativeLink = CumulativeLink(y, X, n_levels, link)
            self.w = np.ones(X.shape[0])
        else:
            self.lik = WeightedCumulativeLink(y, X, n_levels, link, weights=weights)
            self.w = self.lik.w
        n, p = X.shape
        J = int(n_levels) - 1
        if J < 1:
            raise ValueError("need at least two outcome levels")
        self.X, self.y, self.link, self.p, self.J = X, y, link, p, J
        self.n_params = p + J
        self._design = _CumulativeDesign(X, J)
        self.G = self._design.G
        #: use the structured derivatives (False: the generic tensor form, for checks)
        self.structured = True

    def start(self) -> np.ndarray:
        """Null-model start: zero coefficients, cut-points at the empirical quantiles."""
        return self.lik.start()

    def shift_block(self, j: int) -> np.ndarray | None:
        # moving one cut-point alone would unorder them: shift them all together
        return np.arange(self.p, self.n_params) if j >= self.p else None

    def derivatives(self, theta: np.ndarray, hessian: bool = True):
        p = self.p
        zeta = theta[p:]
        if self.J > 1 and not np.all(np.diff(zeta) > 0):
            return None
        ll, g, H = self.lik.loglike_derivs(theta)
        if g is None:
            return None
        eta = zeta[None, :] - (self.X @ theta[:p])[:, None]
        if self.structured:
            pen = _cumulative_penalty(eta, self._design, self.w, self.link, hessian)
        else:
            _, T, dT, d2T = _cumulative_T(eta, self.w, self.link, hessian)
            pen = None if T is None else _penalty_derivs(self.G, T, dT, d2T)
        if pen is None:
            return None
        half_logdet, gpen, hpen, info = pen[:4]
        return ll + half_logdet, g + gpen, None if hpen is None else H + hpen, ll, info


def jeffreys_cumulative(
    y: np.ndarray,
    X: np.ndarray,
    n_levels: int,
    *,
    link: Link = "logit",
    weights: np.ndarray | None = None,
    start: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> PenalisedFit:
    """Jeffreys-prior penalised cumulative link model (bias-reduced proportional odds).

    Maximises ``l(theta) + 1/2 log det I(theta)`` with ``I`` the expected information,
    for the model ``P(Y <= k | x) = F(zeta_k - x'beta)`` (MASS::polr's
    parameterisation). For two levels and the logit link this is Firth's logistic
    regression of ``P(Y = 0)`` with intercept ``zeta`` and slopes ``-beta``. Estimates
    stay finite under complete and quasi-complete separation.

    Parameters
    ----------
    y
        Category codes ``0..n_levels-1`` (every code should occur).
    X
        ``n x p`` design WITHOUT an intercept (the cut-points play its role).
    n_levels
        Number of categories ``K``.
    link
        ``"logit"`` (default) or ``"probit"``.
    weights
        Optional positive frequency weights.
    start
        Starting values ``[beta..., zeta...]``; default the null model.
    tol, max_iter
        Newton tolerance (largest coordinate step) and maximum number of steps.

    Returns
    -------
    PenalisedFit
        ``params`` in polr's order ``[beta..., zeta...]``; ``cov`` the inverse expected
        information at the estimate.

    Examples
    --------
    A predictor that orders the three categories perfectly (complete separation):

    >>> x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]])
    >>> y = np.array([0, 0, 1, 1, 2, 2])
    >>> fit = jeffreys_cumulative(y, x, 3)
    >>> fit.converged, bool(np.all(np.isfinite(fit.params)))
    (True, True)
    """
    prob = CumulativeJeffreys(y, X, n_levels, link, weights)
    return prob.fit(start, tol=tol, max_iter=max_iter)


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
        raise ValueError(f"which={which} outside 0..{hat.size - 1}")
    z = float(stats.norm.ppf(0.5 + level / 2))
    plmax = float(fit.penalised_loglik)
    V = _inv_pd(-fit.hessian) if np.all(np.isfinite(fit.hessian)) else fit.cov
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
            except FloatingPointError:
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


# --------------------------------------------------------------------------- separation


@dataclass
class BinomialSeparation:
    """Exact separation check of a binomial logit model (see :func:`binomial_separation`).

    Attributes
    ----------
    separated
        Whether the maximum-likelihood estimate fails to exist (complete or
        quasi-complete separation).
    direction
        A direction of the coefficients (columns of ``X``) along which the
        log-likelihood rises for ever, or ``None``.
    infinite_up, infinite_down
        Per coefficient: whether some such direction moves it towards ``+inf`` /
        ``-inf`` (the likelihood's supremum is approached with that coefficient
        unbounded). brglm2 / detectseparation report one direction, whose non-zero
        components are a subset of these.
    """

    separated: bool
    direction: np.ndarray | None
    infinite_up: np.ndarray
    infinite_down: np.ndarray


def binomial_separation(k: np.ndarray, n: np.ndarray, X: np.ndarray) -> BinomialSeparation:
    """Which coefficients of a binomial logit model have infinite ML estimates.

    The ``k`` of ``n`` rows are expanded into a success (``y = 1``, when ``k > 0``) and a
    failure (``y = 0``, when ``k < n``) and handed to the one linear-programme
    implementation used for every family,
    :meth:`CumulativeLink.separating_direction` / :meth:`CumulativeLink.unbounded_along`
    with two levels: ``P(Y = 1) = F(x'beta - zeta)``, so the logit slopes are ``beta``
    and the intercept is ``-zeta``. This is the same question as brglm2 /
    detectseparation's ``detect_separation`` (Konis 2007).

    Parameters
    ----------
    k, n
        Successes and trials per row.
    X
        Design matrix whose FIRST column is the intercept (all ones).

    Examples
    --------
    >>> X = np.column_stack([np.ones(6), [1.0, 2, 3, 4, 5, 6]])
    >>> sep = binomial_separation(np.array([0, 0, 0, 1, 1, 1]), np.ones(6), X)
    >>> sep.separated, sep.infinite_up.tolist(), sep.infinite_down.tolist()
    (True, [False, True], [True, False])
    """
    X = np.asarray(X, dtype=float)
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    if X.ndim != 2 or not np.all(X[:, 0] == 1.0):
        raise ValueError("X must be 2-d with the intercept (all ones) as its first column")
    succ = np.flatnonzero(k > 0)
    fail = np.flatnonzero(k < n)
    rows = np.concatenate((succ, fail))
    y = np.concatenate((np.ones(succ.size, np.intp), np.zeros(fail.size, np.intp)))
    q = X.shape[1]
    if succ.size == 0 or fail.size == 0:
        # only one outcome observed: the intercept alone separates
        up = np.zeros(q, dtype=bool)
        down = np.zeros(q, dtype=bool)
        (up if fail.size == 0 else down)[0] = True
        d = np.zeros(q)
        d[0] = 1.0 if fail.size == 0 else -1.0
        return BinomialSeparation(True, d, up, down)
    lik = CumulativeLink(y, X[rows, 1:], 2)
    # CumulativeLink parameters: [beta (q - 1), zeta]; logit coefficients [-zeta, beta]
    to_cl = list(range(q - 1)) if q > 1 else []
    d_cl = lik.separating_direction()
    up = np.zeros(q, dtype=bool)
    down = np.zeros(q, dtype=bool)
    if d_cl is None:  # the estimate exists: every coefficient is bounded
        return BinomialSeparation(False, None, up, down)
    up[0] = lik.unbounded_along(q - 1, -1)
    down[0] = lik.unbounded_along(q - 1, +1)
    for c, j in enumerate(to_cl, start=1):
        up[c] = lik.unbounded_along(j, +1)
        down[c] = lik.unbounded_along(j, -1)
    direction = None
    if d_cl is not None:
        direction = np.concatenate(([-d_cl[-1]], d_cl[:-1]))
    return BinomialSeparation(d_cl is not None, direction, up, down)
