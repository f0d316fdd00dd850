"""Jeffreys-prior penalised (bias-reduced) cumulative link models (Kosmidis 2014).

The ordinary likelihood is :class:`~probstats.models.ordinal.likelihood.CumulativeLink`;
the penalty ``1/2 log det I`` uses the expected information and its analytic
derivatives. See :mod:`probstats.models._base.penalised` for the shared machinery.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import linalg, special

from probstats.errors import ModelSpecificationError
from probstats.models._base.penalised import (
    JeffreysProblem,
    PenalisedFit,
    penalty_derivs,
)
from probstats.models.ordinal.likelihood import CumulativeLink

__all__ = ["CumulativeJeffreys", "jeffreys_cumulative"]

Link = Literal["logit", "probit"]
_SQRT_2PI_INV = 0.3989422804014327


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


class CumulativeJeffreys(JeffreysProblem):
    """Jeffreys-penalised cumulative link likelihood (proportional odds, polr's form).

    ``P(Y <= k | x) = F(zeta_k - x'beta)``; parameters ``[beta..., zeta...]``. The
    ordinary log-likelihood, score and Hessian come from
    :class:`~probstats.models.ordinal.likelihood.CumulativeLink` (with its weights); the
    penalty ``1/2 log det I`` uses the expected information
    ``I = sum_i w_i sum_k (d pi_ik/d theta)(d pi_ik/d theta)' / pi_ik`` and
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
            raise ModelSpecificationError(f"link={link!r}; allowed values are 'logit', 'probit'")
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X[:, None]
        y = np.asarray(y, dtype=np.intp)
        self.lik = CumulativeLink(y, X, n_levels, link, weights=weights)
        self.w = self.lik.w
        n, p = X.shape
        J = int(n_levels) - 1
        if J < 1:
            raise ModelSpecificationError("need at least two outcome levels")
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

    def derivatives(self, theta: np.ndarray, hessian: bool = True, approximate: bool = False):
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
            pen = None if T is None else penalty_derivs(self.G, T, dT, d2T)
        if pen is None:
            return None
        half_logdet, gpen, hpen, info = pen[:4]
        H = (H if approximate else None) if hpen is None else H + hpen
        return ll + half_logdet, g + gpen, H, ll, info


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

    >>> import numpy as np
    >>> from probstats.models.ordinal.penalised import jeffreys_cumulative
    >>> x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]])
    >>> y = np.array([0, 0, 1, 1, 2, 2])
    >>> fit = jeffreys_cumulative(y, x, 3)
    >>> fit.converged, bool(np.all(np.isfinite(fit.params)))
    (True, True)
    """
    prob = CumulativeJeffreys(y, X, n_levels, link, weights)
    return prob.fit(start, tol=tol, max_iter=max_iter)
