"""Permutation test of a fitted ordinal model's predictor that stays meaningful under separation.

The Wald statistic (estimate / standard error) of a separated fit collapses towards 0
(the estimate runs to infinity, its standard error faster), so permutations of a
predictor that separates the ratings look *less* extreme than they are and a
permutation p-value built on it is wrong (near 1). This module uses statistics that
stay finite and ordered under separation:

``"lr"`` (default)
    The likelihood-ratio statistic ``2 (sup l(model) - l(model without the
    predictor))``. Under separation the supremum of the log-likelihood is finite (it is
    approached as the estimate runs off), so a permutation that separates the ratings
    gets the *largest* statistic, as it should. For one coefficient and a one-sided
    alternative the signed root (sign of the estimate) is used.
``"firth"``
    The bias-reduced (Jeffreys-prior penalised) estimate of the coefficient, finite in
    every permutation.

With one numeric predictor and two outcome categories the likelihood-ratio
permutation test orders permutations as a rank test does for the separated ones:
on six inspections where the two worst-rated have the two highest vacancy rates it
gives p = 2/15, as the exact Wilcoxon-Mann-Whitney test
(:func:`probstats.models.inference.exact.rank_shift_test`).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd

from probstats.errors import ModelSpecificationError
from probstats.models._base import Alternative, check_literal
from probstats.models.inference.permutation import PermutationResult, _levels, _p_value
from probstats.models.ordinal.likelihood import CumulativeLink
from probstats.models.ordinal.penalised import CumulativeJeffreys

__all__ = ["PermutationStatistic", "permutation_test_model"]

PermutationStatistic = Literal["lr", "firth"]

#: Two statistics closer than this count as tied: a separated fit's log-likelihood
#: reaches its supremum only to the Newton solver's accuracy.
_TIE = 1e-6


def permutation_test_model(
    result,
    column: str,
    *,
    statistic: PermutationStatistic = "lr",
    n_permutations: int = 999,
    cluster: str | None = None,
    data: pd.DataFrame | None = None,
    exact: bool | Literal["auto"] = "auto",
    max_exact: int = 5040,
    alternative: Alternative = "two-sided",
    seed: int | np.random.Generator | None = None,
) -> PermutationResult:
    """Permutation test of one predictor of a fitted ordinal model, valid under separation.

    The predictor's values are shuffled across rows (or, with ``cluster``, across
    clusters: the predictor must then be constant within each cluster) and the
    statistic recomputed; the other predictors and the outcome stay in place. With
    other predictors in the model this tests the predictor's association under
    exchangeability of that column; it is exact only for a single predictor. An
    association, not a cause.

    Parameters
    ----------
    result
        An :class:`~probstats.models.ordinal.results.OrdinalResult` (ML or Firth).
        Its fit may be separated: the statistics here stay finite.
    column
        The predictor to permute (numeric or categorical; all its design columns move
        together).
    statistic
        ``"lr"`` (likelihood ratio, default) or ``"firth"`` (bias-reduced estimate of
        the coefficient; one design column only).
    n_permutations
        Monte Carlo permutations when not exact.
    cluster, data
        Permute at the level of this column of ``data`` (which must hold the model
        frame's rows, e.g. the data the model was fitted to).
    exact
        ``True`` enumerates every distinct arrangement of the predictor's values (n! / the
        factorials of tied counts, over rows or clusters); ``"auto"`` does so when that
        number is at most ``max_exact``.
    alternative
        ``"two-sided"``, ``"greater"`` (higher values of the predictor go with better
        ratings) or ``"less"``; one-sided needs a single design column.
    seed
        Random seed for Monte Carlo permutations.

    Returns
    -------
    PermutationResult
        ``method`` in its ``tidy()`` names the statistic; no refit can fail here.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models.ordinal.model import fit_ordinal
    >>> from probstats.models.inference.permutation_lr import permutation_test_model
    >>> df = pd.DataFrame({"rating": ["Inadequate"] * 2 + ["Requires improvement"] * 4,
    ...                    "vacancy": [40.0, 35, 30, 20, 15, 10]})
    >>> res = fit_ordinal(df, "rating", ["vacancy"], empty_categories="drop", warn=False)
    >>> res.separation.kind
    'complete'
    >>> out = permutation_test_model(res, "vacancy")
    >>> out.exact, round(out.p_value, 4)  # the two most extreme of 15 splits
    (True, 0.1333)
    """
    check_literal(statistic, PermutationStatistic, "statistic")
    check_literal(alternative, Alternative, "alternative")
    lik = _likelihood(result)
    cols = _design_columns(result, column)
    if (statistic == "firth" or alternative != "two-sided") and len(cols) != 1:
        raise ModelSpecificationError(
            f"{column!r} has {len(cols)} design columns: statistic='firth' and one-sided "
            "alternatives need a single coefficient; use statistic='lr', two-sided"
        )
    codes = _cluster_codes(result, column, cluster, data)
    rest = np.setdiff1d(np.arange(lik.X.shape[1]), cols)
    base = _null_loglike(lik, rest) if statistic == "lr" else 0.0
    stat = _statistic_fn(lik, cols, base, statistic, alternative)
    X = lik.X
    values = X[:, cols] if codes is None else _cluster_values(X[:, cols], codes)
    # tied values make many orderings identical: enumerate the distinct arrangements
    # (each stands for the same number of orderings, so the p-value is unchanged)
    distinct, labels = np.unique(values, axis=0, return_inverse=True)
    labels = labels.ravel()
    n_distinct = _multinomial(np.bincount(labels))
    do_exact = exact is True or (exact == "auto" and n_distinct <= max_exact)
    rng = np.random.default_rng(seed)
    if do_exact:
        arrangements = _distinct_arrangements(labels)
    else:
        arrangements = (labels[rng.permutation(labels.size)] for _ in range(n_permutations))
    t_obs = stat(X)
    null = []
    for arranged in arrangements:
        Xp = X.copy()
        shuffled = distinct[np.asarray(arranged)]
        Xp[:, cols] = shuffled if codes is None else shuffled[codes]
        null.append(stat(Xp))
    null = np.asarray(null)
    p = _p_value(t_obs, null, 0, null.size, alternative, do_exact, tol=_TIE)
    return PermutationResult(
        column,
        t_obs,
        float(p),
        null,
        bool(do_exact),
        0,
        alternative,
        f"{'cluster' if codes is not None else 'row'} {_label(statistic, alternative)}",
    )


def _multinomial(counts: np.ndarray) -> int:
    out = math.factorial(int(counts.sum()))
    for c in counts:
        out //= math.factorial(int(c))
    return out


def _distinct_arrangements(labels: np.ndarray):
    """Every distinct ordering of a multiset of labels (each once)."""
    counts = np.bincount(labels)
    n = labels.size
    current = np.empty(n, dtype=np.intp)

    def place(i: int):
        if i == n:
            yield current.copy()
            return
        for lab in np.flatnonzero(counts):
            counts[lab] -= 1
            current[i] = lab
            yield from place(i + 1)
            counts[lab] += 1

    return place(0)


def _label(statistic: str, alternative: str) -> str:
    if statistic == "firth":
        return "bias-reduced estimate"
    return "likelihood-ratio" if alternative == "two-sided" else "signed-root likelihood-ratio"


def _likelihood(result) -> CumulativeLink:
    lik = result.likelihood if hasattr(type(result), "likelihood") else None
    if not isinstance(lik, CumulativeLink):
        raise ModelSpecificationError(
            "permutation_test_model takes a fitted ordinal model (fit_ordinal); for other "
            "models use permutation_test with a statistic of your own"
        )
    if lik.nominal:
        raise ModelSpecificationError("permutation_test_model needs a proportional-odds fit")
    return lik


def _design_columns(result, column: str) -> np.ndarray:
    names = list(result.coef_names)
    if column in names:
        return np.array([names.index(column)])
    cols = [i for i, n in enumerate(names) if n.startswith(f"{column}[")]
    if not cols:
        raise ModelSpecificationError(
            f"{column!r} is not a predictor of this model (predictors: {list(result.predictors)})"
        )
    return np.array(cols)


def _cluster_codes(result, column, cluster, data) -> np.ndarray | None:
    if cluster is None:
        return None
    if data is None or cluster not in data.columns:
        raise ModelSpecificationError(
            f"cluster={cluster!r} needs data= holding that column for the model's rows"
        )
    codes, _ = _levels(data.loc[result.data.index], column, cluster)
    return codes


def _cluster_values(values: np.ndarray, codes: np.ndarray) -> np.ndarray:
    first = np.array([np.flatnonzero(codes == g)[0] for g in range(int(codes.max()) + 1)])
    return values[first]


def _sup_loglike(lik: CumulativeLink) -> float:
    """Supremum of the log-likelihood: the maximum, or its limit under separation."""
    sol = lik.newton(lik.start(), max_iter=200, final_derivatives=False)
    return float(sol.loglik)


def _null_loglike(lik: CumulativeLink, rest: np.ndarray) -> float:
    reduced = CumulativeLink(lik.y, lik.X[:, rest], lik.n_levels, lik.link, weights=_w(lik))
    return _sup_loglike(reduced)


def _w(lik: CumulativeLink) -> np.ndarray | None:
    return lik.w if lik.weighted else None


def _statistic_fn(lik, cols, base, statistic, alternative):
    y, K, link, w = lik.y, lik.n_levels, lik.link, _w(lik)

    if statistic == "firth":

        def firth(X: np.ndarray) -> float:
            fit = CumulativeJeffreys(y, X, K, link, weights=w).fit(None)
            return float(fit.params[cols[0]])

        return firth

    def lr(X: np.ndarray) -> float:
        full = CumulativeLink(y, X, K, link, weights=w)
        sol = full.newton(full.start(), max_iter=200, final_derivatives=False)
        value = max(0.0, 2.0 * (float(sol.loglik) - base))
        if alternative == "two-sided":
            return value
        return float(np.sign(sol.params[cols[0]])) * math.sqrt(value)

    return lr
