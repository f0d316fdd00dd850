"""Model frame for the ordinal fit: complete cases, outcome categories, design, weights.

Every refusal names what is wrong; every caveat is recorded by a ``note`` callable that
:func:`~probstats.models.ordinal.model.fit_ordinal` turns into warnings and result notes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from probstats.errors import (
    DroppedRowsWarning,
    ModelSpecificationError,
    SmallSampleWarning,
    SparseCategoryWarning,
)
from probstats.models._base import (
    DroppedRows,
    collinearity_problem,
    complete_cases,
    design_matrix,
    outcome_categorical,
)

#: Observations per estimated parameter below which a SmallSampleWarning is given.
MIN_PER_PARAMETER = 10


@dataclass
class _Prepared:
    """The checked model frame: outcome codes, design, categories and caveats so far."""

    frame: pd.DataFrame
    y: np.ndarray
    X: pd.DataFrame
    levels: dict[str, list]
    categories: list
    counts: pd.Series
    report: DroppedRows


class _Notes:
    """Caveats of one fit: always recorded, warned about when asked."""

    def __init__(self, warn: bool) -> None:
        self.warn, self.messages = warn, []

    def __call__(self, message: str, category: type[Warning]) -> None:
        self.messages.append(message)
        if self.warn:
            warnings.warn(message, category, stacklevel=4)


def _prepare(data, outcome, predictors, empty_categories, note) -> _Prepared:
    """Complete cases, outcome categories and design, with every refusal by name."""
    kept, report = complete_cases(
        data, [outcome, *predictors], context=f"ordinal model of {outcome}", warn=False
    )
    if report.n_dropped:
        shown = report.frame["row"].tolist()
        listed = ", ".join(map(str, shown[:20])) + (", ..." if len(shown) > 20 else "")
        note(
            f"ordinal model of {outcome}: dropped {report.n_dropped} of {report.n_total} "
            f"rows with missing values (index {listed}); {report.summary()}",
            DroppedRowsWarning,
        )
    if len(kept) == 0:
        raise ModelSpecificationError(f"no complete rows for {outcome} ~ {predictors}")
    ycat = outcome_categorical(kept[outcome], outcome)
    codes = ycat.cat.codes.to_numpy()
    n_cat = len(ycat.cat.categories)
    counts = pd.Series(np.bincount(codes[codes >= 0], minlength=n_cat), index=ycat.cat.categories)
    empty = [str(c) for c, n in counts.items() if n == 0]
    if empty:
        if empty_categories == "raise":
            raise ModelSpecificationError(
                f"outcome {outcome!r} has no observations in categor(ies) "
                f"{', '.join(repr(e) for e in empty)} (of {len(kept)} complete rows); the "
                "cut-points next to an empty category cannot be estimated. Merge it with a "
                "neighbouring category or pass empty_categories='drop'"
            )
        note(
            f"outcome categories without observations dropped from the model: {empty}",
            SparseCategoryWarning,
        )
        ycat = ycat.cat.remove_unused_categories()
        counts = counts[counts > 0]
    categories = list(ycat.cat.categories)
    if len(categories) < 2:
        raise ModelSpecificationError(
            f"outcome {outcome!r} has a single category ({categories}); nothing to model"
        )
    frame = kept[[outcome, *predictors]].copy()
    frame[outcome] = ycat
    X, levels = design_matrix(frame, predictors)
    problem = collinearity_problem(X)
    if problem:
        raise ModelSpecificationError(problem)
    y = ycat.cat.codes.to_numpy().astype(np.intp)
    return _Prepared(frame, y, X, levels, categories, counts, report)


def _sparse_notes(prep: _Prepared, outcome: str, min_category_count: int, note) -> None:
    """Small-sample and sparse-category caveats."""
    n, p = prep.X.shape
    k_par = p + len(prep.categories) - 1
    if n < MIN_PER_PARAMETER * k_par:
        note(
            f"only {n} observations for {k_par} parameters ({n / k_par:.1f} per parameter; "
            f"at least {MIN_PER_PARAMETER} recommended): estimates and standard errors "
            "are unreliable and Wald intervals optimistic; prefer profile intervals",
            SmallSampleWarning,
        )
    sparse = [f"{c} (n={int(m)})" for c, m in prep.counts.items() if m < min_category_count]
    if sparse:
        note(
            f"outcome {outcome!r} has sparse categories: {', '.join(sparse)}; cut-points "
            "next to them are poorly estimated; consider merging categories",
            SparseCategoryWarning,
        )
    for pname, levs in prep.levels.items():
        sizes = prep.frame[pname].value_counts()
        thin = [
            f"{lev} (n={int(sizes.get(lev, 0))})"
            for lev in levs
            if sizes.get(lev, 0) < min_category_count
        ]
        if thin:
            note(f"predictor {pname!r} has sparse levels: {', '.join(thin)}", SparseCategoryWarning)


def _with_weights(data: pd.DataFrame, weights, note) -> tuple[pd.DataFrame, list[str]]:
    """Put frequency weights in a column so that complete cases keep them aligned."""
    if weights is None:
        return data, []
    if isinstance(weights, str):
        if weights not in data.columns:
            raise ModelSpecificationError(f"weights column {weights!r} not in data")
        w = pd.to_numeric(data[weights], errors="coerce")
    else:
        w = pd.Series(np.asarray(weights, dtype=float), index=data.index)
        if len(w) != len(data):
            raise ModelSpecificationError("weights must have one value per row of data")
    if (w < 0).any() or np.isinf(w).any():
        raise ModelSpecificationError("weights must be finite and not negative")
    zero = w == 0
    if zero.any():
        note(f"{int(zero.sum())} row(s) with weight 0 left out", DroppedRowsWarning)
    return data.loc[~zero].assign(_weight=w[~zero]), ["_weight"]
