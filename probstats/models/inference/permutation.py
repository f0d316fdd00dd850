"""Permutation tests of one predictor, exact or Monte Carlo, by row or by cluster.

Failed refits count as at least as extreme as the observed statistic, so the p-value
is conservative; see :func:`permutation_test`.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from probstats.errors import BootstrapFailureWarning, ModelSpecificationError
from probstats.models._base import Alternative, check_literal
from probstats.models.inference.bootstrap import FitFn, _call, _run_refits

__all__ = ["PermutationResult", "permutation_test"]


# --------------------------------------------------------------------------- permutation


@dataclass
class PermutationResult:
    """Permutation test of one predictor.

    ``p_value`` is exact (all permutations enumerated) when ``exact`` is True, otherwise
    the Monte Carlo estimate ``(1 + #{T* as extreme}) / (1 + B)``. Permutations whose
    refit failed (``n_failed``; ``failures`` says why) count as at least as extreme as
    the observed statistic, so the p-value is conservative: it is the largest p-value
    the failed refits could have given. ``null_distribution`` holds the successful
    refits only.
    """

    term: str
    statistic: float
    p_value: float
    null_distribution: np.ndarray
    exact: bool
    n_failed: int
    alternative: str
    kind: str
    failures: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["replicate", "error"])
    )

    @property
    def n_permutations(self) -> int:
        """Permutations attempted (successful plus failed refits)."""
        return len(self.null_distribution) + self.n_failed

    def tidy(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "term": [self.term],
                "statistic": [self.statistic],
                "p_value": [self.p_value],
                "n_permutations": [self.n_permutations],
                "n_failed": [self.n_failed],
                "exact": [self.exact],
                "method": [f"{self.kind} permutation"],
            }
        )


def _stat(fit_fn: FitFn, d: pd.DataFrame, term: str, pivotal: bool) -> float:
    est, se = _call(fit_fn, d)
    if pivotal and se is not None:
        return float(est[term] / se[term])
    return float(est[term])


def permutation_test(
    data: pd.DataFrame,
    fit_fn: FitFn,
    column: str,
    *,
    term: str | None = None,
    n_permutations: int = 999,
    cluster: str | None = None,
    exact: bool | Literal["auto"] = "auto",
    max_exact: int = 5040,
    alternative: Alternative = "two-sided",
    pivotal: bool = True,
    seed: int | np.random.Generator | None = None,
    progress: bool | None = None,
) -> PermutationResult:
    """Permutation test of H0 "``column`` is unrelated to the outcome given nothing else".

    The values of ``column`` are shuffled across rows (or, with ``cluster``, across
    clusters: the column must then be constant within each cluster, as a region-level
    covariate is) and the model refitted. With other predictors in the model this
    tests the predictor's marginal association under exchangeability of that column; it is
    exact only for a single predictor.

    Parameters
    ----------
    data, fit_fn
        As :func:`bootstrap`.
    column
        Predictor column to permute.
    term
        Entry of ``fit_fn``'s output used as statistic (default ``column``).
    n_permutations
        Monte Carlo permutations when not exact.
    cluster
        Permute at this level (values constant within clusters).
    exact
        ``True`` enumerates every permutation (n! of rows or G! of clusters); ``"auto"``
        does so when that number is at most ``max_exact``.
    alternative
        ``"two-sided"`` (|T*| >= |T|), ``"greater"`` or ``"less"``.
    pivotal
        Use estimate / std_error when ``fit_fn`` returns standard errors (better behaved).
    seed, progress
        As :func:`bootstrap`.

    Returns
    -------
    PermutationResult
        Failed refits count as at least as extreme as the observed statistic (see
        :class:`PermutationResult`), with a :class:`BootstrapFailureWarning`.

    Raises
    ------
    ModelSpecificationError
        The statistic cannot be computed on the observed data (the fit fails or gives
        a non-finite value, e.g. under separation): there is nothing to compare the
        permutations with.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models.inference.resampling import permutation_test
    >>> df = pd.DataFrame({"x": [0, 0, 0, 1, 1, 1], "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    >>> fn = lambda d: pd.Series({"x": d.loc[d.x == 1, "y"].mean() - d.loc[d.x == 0, "y"].mean()})
    >>> round(permutation_test(df, fn, "x", progress=False).p_value, 4)  # 2 of 20 splits
    0.1
    """
    check_literal(alternative, Alternative, "alternative")
    term = column if term is None else term
    rng = np.random.default_rng(seed)
    codes, level_values = _levels(data, column, cluster)
    t_obs = _observed(fit_fn, data, term, pivotal)
    units = len(level_values)
    n_all = math.factorial(units)
    do_exact = exact is True or (exact == "auto" and n_all <= max_exact)
    if do_exact:
        perms = list(itertools.permutations(range(units)))
    else:
        perms = [rng.permutation(units) for _ in range(n_permutations)]

    def make(pm):
        def build():
            d = data.copy()
            vals = level_values[np.asarray(pm)]
            d[column] = vals[codes] if codes is not None else vals
            return d

        return build

    def stat_fn(d):
        return pd.Series({term: _stat(fit_fn, d, term, pivotal)})

    datasets = [make(pm) for pm in perms]
    ests, _, fails, _ = _run_refits(stat_fn, datasets, pd.Index([term]), progress, "permutations")
    null = np.array([float(e.iloc[0]) for e in ests])
    p = _p_value(t_obs, null, len(fails), len(perms), alternative, do_exact)
    failures = pd.DataFrame(fails, columns=["replicate", "error"])
    if fails:
        common = failures["error"].value_counts().index[0]
        warnings.warn(
            f"{len(fails)} of {len(perms)} permutation refits failed "
            f"({len(fails) / len(perms):.0%}; most common: {common}); they are counted as at "
            "least as extreme as the observed statistic, so the p-value is conservative "
            "(failed refits are typically the most extreme permutations)",
            BootstrapFailureWarning,
            stacklevel=2,
        )
    return PermutationResult(
        term,
        t_obs,
        float(p),
        null,
        bool(do_exact),
        len(fails),
        alternative,
        "cluster" if cluster else "row",
        failures,
    )


def _levels(data: pd.DataFrame, column: str, cluster: str | None):
    """Cluster codes (or None) and the values that are shuffled (one per unit)."""
    if cluster is None:
        return None, data[column].to_numpy()
    nun = data.groupby(cluster, observed=True)[column].nunique(dropna=False)
    if (nun > 1).any():
        raise ModelSpecificationError(
            f"{column!r} varies within {cluster} {nun[nun > 1].index.tolist()}; a "
            "cluster-level permutation needs it constant within clusters"
        )
    codes, _ = pd.factorize(data[cluster], sort=True)
    return codes, data.groupby(codes)[column].first().to_numpy()


def _observed(fit_fn: FitFn, data: pd.DataFrame, term: str, pivotal: bool) -> float:
    """The statistic on the observed data; refuse when it cannot be computed."""
    try:
        t_obs = _stat(fit_fn, data, term, pivotal)
    except Exception as exc:
        raise ModelSpecificationError(
            f"the observed statistic for {term!r} cannot be computed, so there is nothing "
            f"to compare permutations with: {type(exc).__name__}: {exc}"
        ) from exc
    if not np.isfinite(t_obs):
        raise ModelSpecificationError(
            f"the observed statistic for {term!r} is {t_obs} (the fit on the observed "
            "data failed, e.g. because the outcome is separated and the estimate does not "
            "exist); a permutation p-value would compare every permutation with nothing"
        )
    return t_obs


def _p_value(t_obs, null, n_failed, total, alternative, exact, tol=None) -> float:
    """Share of permutations at least as extreme; failed refits count as extreme (a
    refit fails most often when the permuted column separates the outcome, i.e. for
    the most extreme permutations). Statistics within ``tol`` of the observed one
    count as ties (default: rounding error)."""
    tol = 1e-12 * max(1.0, abs(t_obs)) if tol is None else tol
    if alternative == "two-sided":
        hits = np.sum(np.abs(null) >= abs(t_obs) - tol)
    elif alternative == "greater":
        hits = np.sum(null >= t_obs - tol)
    else:
        hits = np.sum(null <= t_obs + tol)
    hits = hits + n_failed
    return hits / total if exact else (1 + hits) / (1 + total)
