"""Lean refits of a fitted ordinal model, for resampling (bootstrap, permutation)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from probstats.errors import ModelSpecificationError
from probstats.models._base import RowRefit, check_literal, design_matrix, outcome_categorical
from probstats.models.ordinal.model import (
    EmptyCategories,
    OnSeparation,
    fit_ordinal_arrays,
    lean_newton,
)
from probstats.models.ordinal.results import OrdinalResult

__all__ = ["refit_function", "refit_positions"]


def refit_function(
    res: OrdinalResult, terms, empty_categories, on_separation
) -> Callable[[pd.DataFrame], pd.Series]:
    """The lean refit behind :meth:`OrdinalResult.refit_fn`."""
    check_literal(empty_categories, EmptyCategories, "empty_categories")
    check_literal(on_separation, OnSeparation, "on_separation")
    names = list(res.params.index)
    if terms == "all":
        keep = names
    elif terms == "coefficients":
        keep = res.coef_names
    else:
        keep = list(terms)
    start = res.params.to_numpy().copy()
    K = len(res.categories)
    dtype = pd.CategoricalDtype(res.categories, ordered=True)
    outcome, link, estimator = res.outcome, res.link, res.estimator
    levels = {k: list(v) for k, v in res.levels.items()}
    coef_names, predictors = res.coef_names, list(res.predictors)
    numeric_only = not levels

    def fit_fn(data: pd.DataFrame) -> pd.Series:
        ycat = data[outcome]
        if not (isinstance(ycat.dtype, pd.CategoricalDtype) and ycat.dtype == dtype):
            ycat = outcome_categorical(ycat, outcome).astype(dtype)
        y = ycat.cat.codes.to_numpy()
        if numeric_only:
            X = data[predictors].to_numpy(dtype=float)
        else:
            X = design_matrix(data, predictors, levels)[0][coef_names].to_numpy(dtype=float)
        if (y < 0).any() or np.isnan(X).any():
            raise ModelSpecificationError("missing values in a refit sample")
        par = fit_ordinal_arrays(
            y,
            X,
            K,
            link=link,
            start=start,
            empty_categories=empty_categories,
            on_separation=on_separation,
            estimator=estimator,
        )
        return pd.Series(par, index=names)[keep]

    positions = [names.index(t) for t in keep]

    def rows_fn(rows: np.ndarray) -> np.ndarray:
        return refit_positions(res, rows, on_separation, empty_categories)[positions]

    return RowRefit(fit_fn, rows_fn, keep, res.data.index)


def refit_positions(res: OrdinalResult, rows, on_separation, empty_categories) -> np.ndarray:
    """The refit behind :meth:`OrdinalResult.refit_rows` (warm-started, by row position)."""
    rows = np.asarray(rows)
    lik = res._lik
    y = lik.y[rows]
    K = lik.n_levels
    start = res._theta
    if res.estimator != "ml" or np.bincount(y, minlength=K).min() == 0:
        return fit_ordinal_arrays(
            y,
            lik.X[rows],
            K,
            link=res.link,
            start=start,
            empty_categories=empty_categories,
            on_separation=on_separation,
            estimator=res.estimator,
        )
    return lean_newton(lik.take(rows), start, res.link, on_separation, 50)
