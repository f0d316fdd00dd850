"""Firth's bias-reduced binomial logit (the Jeffreys-prior penalty of the binomial family).

See :mod:`probstats.models._base.penalised` for the shared machinery.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from probstats.errors import ModelSpecificationError
from probstats.models._base.penalised import (
    JeffreysProblem,
    PenalisedFit,
    check_weights,
    penalty_derivs,
)

__all__ = ["BinomialJeffreys", "firth_binomial"]


class BinomialJeffreys(JeffreysProblem):
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
            raise ModelSpecificationError("k, n and the rows of X must have the same length")
        if np.any(n <= 0) or np.any(k < 0) or np.any(k > n):
            raise ModelSpecificationError("need n > 0 and 0 <= k <= n in every row")
        w = check_weights(weights, X.shape[0])
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

    def derivatives(self, theta: np.ndarray, hessian: bool = True, approximate: bool = False):
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
        pen = penalty_derivs(self.G, T, dT, d2T)
        if pen is None:
            return None
        half_logdet, gpen, hpen, info, _ = pen
        g = self.X.T @ (self.wk - self.wn * p) + gpen
        H = (-info if approximate else None) if hpen is None else -info + hpen
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

    >>> import numpy as np
    >>> from probstats.models.binomial.penalised import firth_binomial
    >>> x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    >>> k = np.array([0, 0, 0, 1, 1, 1])
    >>> fit = firth_binomial(k, np.ones(6), np.column_stack([np.ones(6), x]))
    >>> fit.converged, np.round(fit.params, 4).tolist()
    (True, [-3.9512, 1.1289])
    """
    return BinomialJeffreys(k, n, X, weights).fit(tol=tol, max_iter=max_iter)
