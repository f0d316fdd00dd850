"""Tests of the proportional-odds assumption of an ordinal model.

* :func:`brant_test` - Brant's (1990) Wald test: fit the ``K-1`` binary logits
  ``P(Y > k)`` separately and test that their slopes are equal, per predictor
  column (``K-2`` df) and for all together (``p(K-2)`` df). Same computation as
  ``car::poTest`` in R. Logit link only.
* :func:`proportional_odds_lr_test` - likelihood-ratio tests against partial
  proportional-odds models in which one predictor (all its columns) at a time, and
  then every predictor, has a separate coefficient at each cut-point (``ordinal::clm``
  with ``nominal = ~ predictor``). Works for logit and probit links.

Both tests have low power with ~100 inspections and four categories, and both rely
on large-sample approximations that sparse categories undermine: a non-significant
result is weak evidence that odds are proportional, not proof.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special, stats

from probstats.errors import DiagnosticFailedWarning, ModelSpecificationError, SeparationWarning
from probstats.models.ordinal.likelihood import CumulativeLink

__all__ = ["ProportionalOddsTest", "brant_test", "proportional_odds_lr_test"]


@dataclass
class ProportionalOddsTest:
    """Result of a proportional-odds test.

    Attributes
    ----------
    method
        ``"brant"`` or ``"likelihood ratio"``.
    table
        One row per tested term plus ``"omnibus"``: ``term, statistic, df, p_value``.
    coefficients
        Brant: the proportional-odds coefficient and the binary-logit slope at each
        cut (columns ``polr``, ``>category``...). LR: the log-likelihood of each
        partial proportional-odds model.
    notes
        Caveats found while computing (separation in a binary split, non-convergence).
    """

    method: str
    table: pd.DataFrame
    coefficients: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def tidy(self) -> pd.DataFrame:
        """The test table (``term, statistic, df, p_value``)."""
        return self.table.copy()


def _binary_logit(y: np.ndarray, Z: np.ndarray, max_iter: int = 100):
    """Logistic regression by Newton's method; returns (beta, fitted, converged)."""
    beta = np.zeros(Z.shape[1])
    beta[0] = special.logit(np.clip(y.mean(), 1e-6, 1 - 1e-6))
    for _ in range(max_iter):
        mu = special.expit(Z @ beta)
        w = mu * (1 - mu)
        info = (Z * w[:, None]).T @ Z
        try:
            step = np.linalg.solve(info, Z.T @ (y - mu))
        except np.linalg.LinAlgError:
            return beta, mu, False
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            return beta, special.expit(Z @ beta), True
    return beta, special.expit(Z @ beta), False


def brant_test(result, *, convention: Literal["brant", "car"] = "brant") -> ProportionalOddsTest:
    """Brant's Wald test of proportional odds for a fitted logit ordinal model.

    Parameters
    ----------
    result
        An :class:`~probstats.models.ordinal.model.OrdinalResult` with ``link="logit"``.
    convention
        ``"brant"`` uses the covariance of the stacked binary-logit slopes as derived
        by Brant: ``Cov(b_j, b_l) = I_j^-1 X'W_jl X I_l^-1`` and its transpose for
        ``Cov(b_l, b_j)``. ``"car"`` reproduces R's ``car::poTest``, which puts the
        same, untransposed block on both sides of the diagonal; per-predictor tests
        are identical, the omnibus statistic differs slightly.

    Returns
    -------
    ProportionalOddsTest

    Examples
    --------
    >>> from probstats.models.ordinal.brant import brant_test
    >>> from probstats.models.ordinal.model import _example
    >>> t = brant_test(_example())
    >>> t.table["term"].tolist()
    ['omnibus', 'vacancy_rate_po']
    >>> int(t.table.loc[0, "df"])
    2
    """
    if convention not in ("brant", "car"):
        raise ModelSpecificationError(
            f"convention={convention!r} is not allowed; allowed values are 'brant', 'car'"
        )
    if result.link != "logit":
        raise ModelSpecificationError(
            "the Brant test is defined for the logit link; use "
            "proportional_odds_lr_test for a probit model"
        )
    X = result.design.to_numpy(dtype=float)
    y = result._lik.y
    K = len(result.categories)
    n, p = X.shape
    if K < 3:
        raise ModelSpecificationError("the Brant test needs at least three categories")
    Z = np.column_stack([np.ones(n), X])
    notes: list[str] = []
    betas, fitted = [], []
    for k in range(K - 1):
        beta, mu, ok = _binary_logit((y > k).astype(float), Z)
        if not ok or np.max(np.abs(Z @ beta)) > 30:
            notes.append(
                f"binary split above {result.categories[k]!r} is (nearly) separated;"
                " the Brant test is unreliable"
            )
        betas.append(beta)
        fitted.append(mu)
    for msg in notes:
        warnings.warn(msg, SeparationWarning, stacklevel=2)
    J = K - 1
    V = np.zeros((J * p, J * p))
    inv_info = []
    for k in range(J):
        w = fitted[k] * (1 - fitted[k])
        inv_info.append(np.linalg.inv((Z * w[:, None]).T @ Z))
    for el in range(J):
        for j in range(el + 1):
            w_jl = fitted[el] - fitted[j] * fitted[el]
            cross = (Z * w_jl[:, None]).T @ Z
            block = (inv_info[j] @ cross @ inv_info[el])[1:, 1:]
            V[j * p : (j + 1) * p, el * p : (el + 1) * p] = block
            V[el * p : (el + 1) * p, j * p : (j + 1) * p] = (
                block if convention == "car" else block.T
            )
    b = np.concatenate([bk[1:] for bk in betas])
    D = np.zeros(((J - 1) * p, J * p))
    for j in range(J - 1):
        D[j * p : (j + 1) * p, :p] = np.eye(p)
        D[j * p : (j + 1) * p, (j + 1) * p : (j + 2) * p] = -np.eye(p)

    def wald(Dm: np.ndarray) -> float:
        diff = Dm @ b
        return float(diff @ np.linalg.solve(Dm @ V @ Dm.T, diff))

    rows = [{"term": "omnibus", "statistic": wald(D), "df": (J - 1) * p}]
    for i, name in enumerate(result.coef_names):
        Dm = np.zeros((J - 1, J * p))
        for j in range(J - 1):
            Dm[j, i] = 1.0
            Dm[j, (j + 1) * p + i] = -1.0
        rows.append({"term": name, "statistic": wald(Dm), "df": J - 1})
    table = pd.DataFrame(rows)
    table["p_value"] = stats.chi2.sf(table["statistic"], table["df"])
    coefs = pd.DataFrame(
        {
            "polr": result.coefficients.to_numpy(),
            **{f">{result.categories[k]}": betas[k][1:] for k in range(J)},
        },
        index=result.coef_names,
    )
    return ProportionalOddsTest("brant", table, coefs, notes)


def _fit_nominal(result, columns: list[int]):
    """Maximise the likelihood with cut-specific coefficients for ``columns``."""
    base = result._lik
    K = len(result.categories)
    J = K - 1
    lik = CumulativeLink(base.y, base.X, K, result.link, nominal=columns)
    p = base.X.shape[1]
    hat = result.params.to_numpy()
    po = [j for j in range(p) if j not in columns]
    # start at the proportional-odds fit: every cut-specific slope equal to the common one
    start = np.concatenate([hat[po], np.tile(hat[columns], J), hat[p:]])
    sol = lik.newton(start, max_iter=200)
    return sol


def proportional_odds_lr_test(result) -> ProportionalOddsTest:
    """Likelihood-ratio tests of proportional odds against partial proportional odds.

    For each predictor (all its design columns together), the model in which that
    predictor has a separate coefficient at every cut-point is fitted by Newton's
    method from the proportional-odds estimates; the statistic is twice the gain in
    log-likelihood on ``(K-2)`` df per column. ``"omnibus"`` frees every predictor.

    Examples
    --------
    >>> from probstats.models.ordinal.brant import proportional_odds_lr_test
    >>> from probstats.models.ordinal.model import _example
    >>> t = proportional_odds_lr_test(_example())
    >>> t.table["term"].tolist(), bool((t.table["statistic"] >= 0).all())
    (['omnibus', 'vacancy_rate_po'], True)
    """
    K = len(result.categories)
    if K < 3:
        raise ModelSpecificationError("testing proportional odds needs at least three categories")
    names = result.coef_names
    groups: dict[str, list[int]] = {}
    for i, col in enumerate(names):
        owner = next((pr for pr in result.predictors if col == pr or col.startswith(f"{pr}[")), col)
        groups.setdefault(owner, []).append(i)
    notes: list[str] = []
    rows, lls = [], {}
    tests = [("omnibus", list(range(len(names))))] + list(groups.items())
    for term, cols in tests:
        sol = _fit_nominal(result, cols)
        if not sol.converged:
            notes.append(f"partial proportional-odds model freeing {term} did not converge")
        lr = max(2 * (sol.loglik - result.llf), 0.0)
        lls[term] = sol.loglik
        rows.append({"term": term, "statistic": lr, "df": len(cols) * (K - 2)})
    table = pd.DataFrame(rows)
    table["p_value"] = stats.chi2.sf(table["statistic"], table["df"])
    for msg in notes:
        warnings.warn(msg, DiagnosticFailedWarning, stacklevel=2)
    coefs = pd.DataFrame({"loglik": pd.Series(lls)})
    return ProportionalOddsTest("likelihood ratio", table, coefs, notes)
