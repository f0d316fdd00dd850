"""Likelihoods of the binomial family: beta-binomial, and the region random intercept.

* the beta-binomial log-likelihood in the (logit mean, logit rho) form with its
  analytic scores, maximised by BFGS (:func:`fit_betabinomial`);
* the marginal likelihood of a logit model with a normal region intercept,
  integrated by adaptive Gauss-Hermite quadrature (:class:`AGQ`, :func:`fit_glmm`;
  one node is the Laplace approximation);
* the CR1 cluster sandwich shared by the cluster-robust fits.

Private to :mod:`probstats.models.binomial`; numpy and scipy only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import optimize, special

__all__ = [
    "AGQ",
    "bb_score_obs",
    "bb_scores",
    "betabinomial_loglik",
    "cluster_sandwich",
    "fit_betabinomial",
    "fit_glmm",
    "hessian_from_gradient",
    "numeric_hessian",
    "rho_start",
]


def bb_ab(eta: np.ndarray, theta: float | np.ndarray) -> tuple[np.ndarray, ...]:
    mu = special.expit(eta)
    phi = np.exp(-np.asarray(theta, dtype=float))  # a + b; rho = expit(theta) = 1/(1+phi)
    return mu, phi, mu * phi, (1 - mu) * phi


def betabinomial_loglik(
    k: np.ndarray, n: np.ndarray, eta: np.ndarray, theta: float | np.ndarray
) -> np.ndarray:
    """Per-observation beta-binomial log-likelihood in the (logit mean, logit rho) form.

    ``mu = expit(eta)``, ``rho = expit(theta)``; equivalent to
    ``scipy.stats.betabinom.logpmf(k, n, mu*(1-rho)/rho, (1-mu)*(1-rho)/rho)``.

    Examples
    --------
    >>> import numpy as np
    >>> from probstats.models.binomial.likelihood import betabinomial_loglik
    >>> from scipy.stats import betabinom
    >>> a = betabinomial_loglik(np.array([3]), np.array([10]), np.array([0.0]), 0.0)
    >>> bool(np.isclose(a[0], betabinom.logpmf(3, 10, 0.5, 0.5)))
    True
    """
    _, _, a, b = bb_ab(eta, theta)
    logc = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    return logc + special.betaln(k + a, n - k + b) - special.betaln(a, b)


def bb_scores(
    k: np.ndarray, n: np.ndarray, eta: np.ndarray, theta: float
) -> tuple[np.ndarray, np.ndarray]:
    """d loglik / d eta and d loglik / d theta per observation."""
    mu, phi, a, b = bb_ab(eta, theta)
    dg = special.digamma
    da = dg(k + a) - dg(n + phi) - dg(a) + dg(phi)
    db = dg(n - k + b) - dg(n + phi) - dg(b) + dg(phi)
    d_eta = phi * mu * (1 - mu) * (da - db)
    d_theta = -(a * da + b * db)
    return d_eta, d_theta


def _bb_negll(par: np.ndarray, k, n, X) -> float:
    return -float(betabinomial_loglik(k, n, X @ par[:-1], par[-1]).sum())


def _bb_grad(par: np.ndarray, k, n, X) -> np.ndarray:
    de, dt = bb_scores(k, n, X @ par[:-1], par[-1])
    return -np.append(X.T @ de, dt.sum())


def bb_score_obs(par: np.ndarray, k, n, X) -> np.ndarray:
    de, dt = bb_scores(k, n, X @ par[:-1], par[-1])
    return np.column_stack([X * de[:, None], dt])


def hessian_from_gradient(grad: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    h = 1e-5 * np.maximum(1.0, np.abs(x))
    cols = []
    for j in range(len(x)):
        e = np.zeros_like(x)
        e[j] = h[j]
        cols.append((grad(x + e) - grad(x - e)) / (2 * h[j]))
    H = np.column_stack(cols)
    return (H + H.T) / 2


def numeric_hessian(
    f: Callable[[np.ndarray], float], x: np.ndarray, rel: float = 1e-4
) -> np.ndarray:
    """Central-difference Hessian of a scalar function."""
    p = len(x)
    h = rel * np.maximum(1.0, np.abs(x))
    H = np.empty((p, p))
    f0 = f(x)
    for i in range(p):
        ei = np.zeros(p)
        ei[i] = h[i]
        H[i, i] = (f(x + ei) - 2 * f0 + f(x - ei)) / h[i] ** 2
        for j in range(i):
            ej = np.zeros(p)
            ej[j] = h[j]
            H[i, j] = H[j, i] = (
                f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)
            ) / (4 * h[i] * h[j])
    return H


def fit_betabinomial(k, n, X, start_beta, start_theta):
    par0 = np.append(start_beta, start_theta)
    # a separated sample drives the mean part to infinity, where scores are 0 * inf:
    # the result is then flagged by the separation check, numpy need not warn
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        opt = optimize.minimize(
            _bb_negll,
            par0,
            args=(k, n, X),
            jac=_bb_grad,
            method="BFGS",
            options={"gtol": 1e-8, "maxiter": 2000},
        )
        H = hessian_from_gradient(lambda p: _bb_grad(p, k, n, X), opt.x)
    return opt, H


# --------------------------------------------------------------------------- GLMM by AGQ


def _binom_ll(k, n, eta):
    # k*log(mu) + (n-k)*log(1-mu) without the binomial coefficient (added once outside)
    return k * eta - n * np.logaddexp(0.0, eta)


def _binom_d1(k, n, eta):
    return k - n * special.expit(eta)


def _binom_d2(k, n, eta):
    mu = special.expit(eta)
    return -n * mu * (1 - mu)


class AGQ:
    """Marginal log-likelihood of a logit model with a normal group intercept."""

    def __init__(self, k, n, X, groups, family: str, n_quad: int):
        self.k, self.n, self.X, self.g = k, n, X, groups
        self.G = int(groups.max()) + 1
        self.family = family
        self.x_q, self.w_q = np.polynomial.hermite.hermgauss(n_quad)
        self.logc = float(
            (special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)).sum()
        )
        self.p = X.shape[1]
        self.last_mode = np.zeros(self.G)

    def _ll(self, eta, theta):
        if self.family == "binomial":
            return _binom_ll(self.k, self.n, eta)
        return betabinomial_loglik(self.k, self.n, eta, theta)

    def _d1(self, eta, theta):
        if self.family == "binomial":
            return _binom_d1(self.k, self.n, eta)
        return bb_scores(self.k, self.n, eta, theta)[0]

    def _d2(self, eta, theta):
        if self.family == "binomial":
            return _binom_d2(self.k, self.n, eta)
        h = 1e-5
        return (self._d1(eta + h, theta) - self._d1(eta - h, theta)) / (2 * h)

    def _gsum(self, v):
        return np.bincount(self.g, weights=v, minlength=self.G)

    def split(self, par):
        beta = par[: self.p]
        sigma = float(np.exp(par[self.p]))
        theta = par[self.p + 1] if self.family == "betabinomial" else None
        return beta, sigma, theta

    def modes(self, par):
        beta, sigma, theta = self.split(par)
        eta0 = self.X @ beta
        u = self.last_mode.copy()
        for _ in range(100):
            eta = eta0 + sigma * u[self.g]
            g1 = sigma * self._gsum(self._d1(eta, theta)) - u
            g2 = sigma**2 * self._gsum(self._d2(eta, theta)) - 1.0
            g2 = np.minimum(g2, -1e-8)
            step = np.clip(-g1 / g2, -2.0, 2.0)
            u = u + step
            if np.max(np.abs(step)) < 1e-10:
                break
        eta = eta0 + sigma * u[self.g]
        g2 = sigma**2 * self._gsum(self._d2(eta, theta)) - 1.0
        self.last_mode = u
        return u, 1.0 / np.sqrt(np.maximum(-g2, 1e-12))

    def group_loglik(self, par) -> np.ndarray:
        beta, sigma, theta = self.split(par)
        u_hat, s = self.modes(par)
        eta0 = self.X @ beta
        nodes = u_hat[:, None] + np.sqrt(2.0) * s[:, None] * self.x_q[None, :]  # G x Q
        h = np.empty_like(nodes)
        for q in range(nodes.shape[1]):
            h[:, q] = self._gsum(self._ll(eta0 + sigma * nodes[self.g, q], theta))
        h += -0.5 * nodes**2 - 0.5 * np.log(2 * np.pi)
        return np.log(np.sqrt(2.0) * s) + special.logsumexp(
            h + self.x_q[None, :] ** 2 + np.log(self.w_q)[None, :], axis=1
        )

    def negll(self, par) -> float:
        if not np.all(np.isfinite(par)):
            return np.inf
        extra = self.logc if self.family == "binomial" else 0.0
        val = -(float(self.group_loglik(par).sum()) + extra)
        return val if np.isfinite(val) else np.inf


def fit_glmm(k, n, X, groups, family, n_quad, start, lean=False):
    agq = AGQ(k, n, X, groups, family, n_quad)
    # negll is +inf outside the support (e.g. a separated sample): finite differences
    # next to it are inf - inf, which the optimiser handles; numpy need not warn
    with np.errstate(invalid="ignore", over="ignore"):
        opt = optimize.minimize(agq.negll, start, method="BFGS", options={"gtol": 1e-6})
        if not opt.success:  # BFGS may stop on a flat ridge (sd near 0); polish
            opt2 = optimize.minimize(
                agq.negll,
                opt.x,
                method="Nelder-Mead",
                options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000},
            )
            if opt2.fun <= opt.fun:
                opt2.success = True
                opt = opt2
    H = np.full((len(opt.x), len(opt.x)), np.nan) if lean else numeric_hessian(agq.negll, opt.x)
    agq.modes(opt.x)
    return opt, H, agq


def cluster_sandwich(Hinv, S, groups, nobs, k) -> np.ndarray:
    """CR1 sandwich: the small-sample factor G/(G-1) * (N-1)/(N-K) as Stata and statsmodels."""
    G = int(groups.max()) + 1
    Sg = np.zeros((G, S.shape[1]))
    np.add.at(Sg, groups, S)
    meat = Sg.T @ Sg
    c = G / (G - 1) * (nobs - 1) / (nobs - k)
    return c * Hinv @ meat @ Hinv


def rho_start(pearson_dispersion: float, n: np.ndarray) -> float:
    """Moment start for the beta-binomial logit(rho) from the binomial Pearson dispersion.

    ``dispersion = 1 + (nbar - 1) rho`` for a common ``n``, so ``rho = (dispersion - 1) /
    (nbar - 1)``, kept inside 0.01-0.5 so that the optimiser starts in the interior.

    Examples
    --------
    >>> import numpy as np
    >>> from probstats.models.binomial.likelihood import rho_start
    >>> round(rho_start(3.0, np.array([21.0, 21.0])), 4)
    -2.1972
    """
    nbar = float(np.mean(n))
    rho0 = float(np.clip((pearson_dispersion - 1) / max(nbar - 1, 1.0), 0.01, 0.5))
    return float(special.logit(rho0))
