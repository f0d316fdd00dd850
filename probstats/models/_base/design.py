"""The one design matrix, ordinal outcomes, complete cases and typical values."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from probstats.dataset.ratings import to_rating
from probstats.errors import DroppedRowsWarning, ModelSpecificationError, UnknownRatingError
from probstats.models._base.contract import Typical, check_literal

__all__ = [
    "MAX_CONDITION",
    "DroppedRows",
    "collinearity_problem",
    "complete_cases",
    "design_matrix",
    "is_categorical",
    "outcome_categorical",
    "typical_values",
]


def is_categorical(s: pd.Series) -> bool:
    """True for categorical, object and string columns (booleans are numeric 0/1)."""
    return (
        isinstance(s.dtype, pd.CategoricalDtype)
        or s.dtype == object
        or pd.api.types.is_string_dtype(s.dtype)
    ) and not pd.api.types.is_bool_dtype(s.dtype)


def _numeric_column(s: pd.Series, name: str, where: str) -> np.ndarray:
    try:
        values = pd.to_numeric(s).to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise ModelSpecificationError(
            f"predictor {name!r} is neither numeric nor categorical"
        ) from None
    bad = np.isinf(values)
    if bad.any():
        rows = list(s.index[bad][:5])
        raise ModelSpecificationError(
            f"predictor {name!r} has infinite values in {int(bad.sum())} row(s) of {where} "
            f"(index {rows}); models need finite values"
        )
    return values


def design_matrix(
    data: pd.DataFrame,
    predictors: Sequence[str],
    levels: dict[str, list] | None = None,
    *,
    intercept: bool = False,
) -> tuple[pd.DataFrame, dict[str, list]]:
    """Numeric predictors as they are, categorical ones as treatment dummies ``p[level]``.

    The first level (category order, else sorted) is the reference. Called without
    ``levels`` it learns the coding (levels that occur); called with the ``levels`` a
    first call returned it applies that coding to new data and refuses, by name, a
    level not seen when fitting or a missing category (which would otherwise be
    predicted silently as the reference level). Infinite numeric values are refused
    with the column named.

    Parameters
    ----------
    data
        Rows to code.
    predictors
        Column names.
    levels
        Coding from an earlier call (``None`` learns it).
    intercept
        Prepend a column ``Intercept`` of ones (binomial and linear models; the
        ordinal model's cut-points play that role).

    Returns
    -------
    (design, levels)

    Raises
    ------
    ModelSpecificationError
        A column that is neither numeric nor categorical, an infinite value, or (with
        ``levels``) an unseen level or a missing category.

    Examples
    --------
    >>> from probstats.models._base import design_matrix
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [1.0, 2.0], "g": ["a", "b"]})
    >>> X, lev = design_matrix(df, ["x", "g"], intercept=True)
    >>> list(X.columns), lev
    (['Intercept', 'x', 'g[b]'], {'g': ['a', 'b']})
    >>> design_matrix(pd.DataFrame({"x": [1.0], "g": ["c"]}), ["x", "g"], lev)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    probstats.errors.ModelSpecificationError: predictor 'g' has level(s) ['c'] not seen ...
    """
    learn = levels is None
    levels = {} if levels is None else levels
    where = "the model data" if learn else "the new data"
    cols: dict[str, np.ndarray] = {}
    if intercept:
        cols["Intercept"] = np.ones(len(data))
    for p in predictors:
        if p not in data.columns:
            raise ModelSpecificationError(
                f"predictor column {p!r} not in data; columns are {list(data.columns)}"
            )
        s = data[p]
        if p in levels or (learn and is_categorical(s)):
            if learn:
                cats = (
                    list(s.cat.categories)
                    if isinstance(s.dtype, pd.CategoricalDtype)
                    else sorted(s.dropna().unique().tolist())
                )
                levels[p] = [c for c in cats if bool((s == c).any())]
            known = set(levels[p])
            unknown = sorted({str(v) for v in s.dropna().unique() if v not in known})
            if unknown:
                raise ModelSpecificationError(
                    f"predictor {p!r} has level(s) {unknown} not seen when fitting; "
                    f"known levels are {levels[p]}"
                )
            miss = s.isna().to_numpy()
            if not learn and miss.any():
                raise ModelSpecificationError(
                    f"predictor {p!r} is missing in {int(miss.sum())} row(s) of the new data "
                    f"(index {list(s.index[miss][:5])}); give one of its levels {levels[p]}"
                )
            for lev in levels[p][1:]:
                col = (s == lev).to_numpy(dtype=float)
                col[miss] = np.nan
                cols[f"{p}[{lev}]"] = col
        else:
            cols[p] = _numeric_column(s, p, where)
    return pd.DataFrame(cols, index=data.index), levels


def outcome_categorical(series: pd.Series, name: str) -> pd.Series:
    """An ordinal outcome as an ordered categorical (rating labels parsed from text).

    Accepts an ordered categorical as it is, rating labels (any case, "RI"), booleans
    and integers (ordered by value).

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models._base import outcome_categorical
    >>> outcome_categorical(pd.Series(["good", "Inadequate"]), "r").cat.categories[0]
    'Inadequate'
    """
    s = series
    if isinstance(s.dtype, pd.CategoricalDtype):
        if s.dtype.ordered:
            return s
        try:
            return pd.Series(to_rating(s.astype(object)), index=s.index)
        except UnknownRatingError:
            raise ModelSpecificationError(
                f"outcome {name!r} is an unordered categorical that is not a rating; "
                "make it ordered (pd.CategoricalDtype(categories, ordered=True))"
            ) from None
    if pd.api.types.is_bool_dtype(s.dtype):
        return pd.Series(pd.Categorical(s, categories=[False, True], ordered=True), index=s.index)
    if pd.api.types.is_numeric_dtype(s.dtype):
        values = pd.to_numeric(s)
        levels = sorted(values.dropna().unique().tolist())
        return pd.Series(pd.Categorical(values, categories=levels, ordered=True), index=s.index)
    try:
        return pd.Series(to_rating(s.astype(object)), index=s.index)
    except UnknownRatingError as exc:
        raise ModelSpecificationError(
            f"outcome {name!r}: {exc}. Other ordinal outcomes must be passed as an "
            "ordered categorical"
        ) from None


_ID_COLUMNS = ("inspection_id", "unit_id", "unit_name")


@dataclass(frozen=True)
class DroppedRows:
    """Which rows a complete-case analysis dropped, and why.

    Attributes
    ----------
    frame
        One row per dropped row: ``row`` (original index label), any identifying
        columns present (``inspection_id``, ``unit_id``, ``unit_name``) and
        ``reason`` ("missing vacancy_rate_po, region").
    n_total, n_kept
        Rows before and after dropping.
    by_column
        Number of rows missing each column (a row can count under several).
    """

    frame: pd.DataFrame
    n_total: int
    n_kept: int
    by_column: pd.Series

    @property
    def n_dropped(self) -> int:
        return self.n_total - self.n_kept

    def summary(self) -> str:
        """One-line description such as '5 of 40 rows dropped (missing x: 5)'."""
        if self.n_dropped == 0:
            return f"no rows dropped ({self.n_total} used)"
        parts = ", ".join(f"{c}: {int(v)}" for c, v in self.by_column.items() if v > 0)
        return f"{self.n_dropped} of {self.n_total} rows dropped (missing {parts})"

    @classmethod
    def none(cls, data: pd.DataFrame) -> DroppedRows:
        """The report of a step that dropped nothing."""
        ids = [c for c in _ID_COLUMNS if c in data.columns]
        columns = ["row", *ids, "reason"]
        empty = pd.DataFrame(np.empty((0, len(columns)), dtype=object), columns=columns)
        return cls(empty, len(data), len(data), pd.Series(0, index=[], dtype=int))


def complete_cases(
    data: pd.DataFrame,
    columns: Sequence[str],
    *,
    context: str = "model",
    warn: bool = True,
    extra_invalid: pd.Series | None = None,
    extra_reason: str = "invalid value",
    stacklevel: int = 2,
) -> tuple[pd.DataFrame, DroppedRows]:
    """Keep the rows with every one of ``columns`` present and report the rest.

    Parameters
    ----------
    data
        Input frame (not modified).
    columns
        Columns that must be non-missing.
    context
        Named in the warning, e.g. ``"binomial model of case_..._pct"``.
    warn
        Emit a :class:`~probstats.errors.DroppedRowsWarning` when rows are dropped.
    extra_invalid
        Optional boolean Series (aligned to ``data``) marking rows that are present but
        unusable (e.g. zero trials); they are dropped with ``extra_reason``.
    stacklevel
        Passed to :func:`warnings.warn` so the warning points at the caller's line.

    Returns
    -------
    (kept, report)
        The complete rows (original index kept) and a :class:`DroppedRows`.

    Raises
    ------
    ModelSpecificationError
        If a column is absent from ``data``.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models._base import complete_cases
    >>> df = pd.DataFrame({"y": [1, 2, None], "x": [None, 1.0, 2.0]})
    >>> kept, report = complete_cases(df, ["y", "x"], warn=False)
    >>> len(kept), report.n_dropped
    (1, 2)
    >>> report.frame["reason"].tolist()
    ['missing x', 'missing y']
    """
    columns = list(dict.fromkeys(columns))
    absent = [c for c in columns if c not in data.columns]
    if absent:
        raise ModelSpecificationError(
            f"column(s) {absent} not in data; available columns are {list(data.columns)}"
        )
    miss = data[columns].isna().to_numpy()
    bad = miss.any(axis=1)
    invalid = np.zeros(len(data), dtype=bool)
    if extra_invalid is not None:
        invalid = extra_invalid.reindex(data.index).fillna(False).to_numpy(dtype=bool) & ~bad
    if not bad.any() and not invalid.any():  # the common case: nothing to report
        return data, DroppedRows.none(data)
    # reasons are built only for the dropped rows (string work on every row is slow)
    reasons = [
        "missing " + ", ".join(c for c, m in zip(columns, row, strict=True) if m)
        for row in miss[bad]
    ]
    drop = bad | invalid
    all_reasons = np.empty(len(data), dtype=object)
    all_reasons[bad] = reasons
    all_reasons[invalid] = extra_reason
    ids = [c for c in _ID_COLUMNS if c in data.columns]
    frame = data.loc[drop, ids].copy()
    frame.insert(0, "row", data.index[drop])
    frame["reason"] = list(all_reasons[drop])
    frame = frame.reset_index(drop=True)
    by_column = pd.Series(miss.sum(axis=0).astype(int), index=columns)
    if extra_invalid is not None:
        by_column[extra_reason] = int(invalid.sum())
    report = DroppedRows(frame, len(data), int((~drop).sum()), by_column)
    if warn and report.n_dropped:
        warnings.warn(f"{context}: {report.summary()}", DroppedRowsWarning, stacklevel=stacklevel)
    return data.loc[~drop], report


def typical_values(
    data: pd.DataFrame, predictors: Sequence[str], typical: Typical = "median"
) -> dict[str, object]:
    """Median (or mean) of numeric predictors, most common value of the others.

    The one definition used by every prediction (:func:`~probstats.models.inference.
    predict.predict_curve`, :func:`~probstats.models.inference.predict.scenario` and
    the results' ``predict_grid``). The median is the default: staffing measures are
    skewed, and the median is a value a real unit has.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models._base import typical_values
    >>> typical_values(pd.DataFrame({"x": [1.0, 2.0, 6.0], "g": ["a", "b", "b"]}), ["x", "g"])
    {'x': 2.0, 'g': 'b'}
    >>> typical_values(pd.DataFrame({"x": [1.0, 2.0, 6.0]}), ["x"], "mean")
    {'x': 3.0}
    """
    check_literal(typical, Typical, "typical")
    out: dict[str, object] = {}
    for p in predictors:
        s = data[p]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            out[p] = float(s.mean() if typical == "mean" else s.median())
        else:
            out[p] = s.mode(dropna=True).iloc[0]
    return out


#: Condition number of the standardised design above which predictors are called
#: nearly collinear: their estimates would differ from noise by less than rounding.
MAX_CONDITION = 1e8


def collinearity_problem(X: pd.DataFrame) -> str | None:
    """Why ``X`` (without intercept) cannot be estimated, naming columns; ``None`` if it can.

    Constant columns, groups of exactly collinear columns (with the constant) and
    nearly collinear ones (condition number of the centred, unit-length columns above
    :data:`MAX_CONDITION`) are named. Checked before fitting, so that a model never
    reports coefficients of +-1e7 with missing standard errors.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models._base import collinearity_problem
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8]})
    >>> print(collinearity_problem(X))  # doctest: +NORMALIZE_WHITESPACE
    cannot estimate the model: perfectly collinear predictors a, b (a linear
    combination of them is constant). Drop one of the predictors involved
    >>> collinearity_problem(X.assign(b=[1.0, 0, 1, 0])) is None
    True
    """
    if X.shape[1] == 0:
        return None
    Z = X.to_numpy(dtype=float)
    centred = Z - Z.mean(0)
    scale = np.sqrt((centred**2).sum(0))
    tiny = scale <= 1e-12 * max(1.0, float(np.abs(Z).max(initial=0.0))) * max(1, len(Z))
    parts = [f"{c} is constant in the {len(X)} rows used" for c in X.columns[tiny]]
    if (~tiny).sum():
        W = centred[:, ~tiny] / scale[~tiny]
        names = list(X.columns[~tiny])
        _, sv, vt = np.linalg.svd(W, full_matrices=False)
        sv = np.concatenate([sv, np.zeros(W.shape[1] - sv.size)])
        exact = max(W.shape) * np.finfo(float).eps * 100 * max(sv[0], 1.0)
        for k in np.flatnonzero(sv <= sv[0] / MAX_CONDITION):
            v = vt[k] if k < vt.shape[0] else np.eye(len(names))[k]
            members = [names[j] for j in np.flatnonzero(np.abs(v) > 1e-6 * np.abs(v).max())]
            if sv[k] <= exact:
                parts.append(
                    "perfectly collinear predictors "
                    + ", ".join(members)
                    + " (a linear combination of them is constant)"
                )
            else:
                parts.append(
                    "nearly collinear predictors "
                    + ", ".join(members)
                    + f" (condition number {sv[0] / sv[k]:.2g}: their separate effects cannot "
                    "be told apart from rounding error)"
                )
    if not parts:
        return None
    joined = "; ".join(parts)
    return f"cannot estimate the model: {joined}. Drop one of the predictors involved"
