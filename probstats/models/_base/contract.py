"""The result contract every model family satisfies, and the shared option literals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol, get_args, runtime_checkable

import numpy as np
import pandas as pd

from probstats.errors import ModelSpecificationError

__all__ = [
    "Alternative",
    "ConfMethod",
    "Estimator",
    "GLANCE_COLUMNS",
    "ModelResult",
    "RowRefit",
    "TIDY_COLUMNS",
    "Typical",
    "check_literal",
    "cut_names",
]

#: Alternative hypotheses of one-parameter tests.
Alternative = Literal["two-sided", "greater", "less"]
#: Interval methods of ``tidy()``.
ConfMethod = Literal["wald", "profile"]
#: How numeric covariates are held fixed in predictions.
Typical = Literal["median", "mean"]
#: Estimation method: maximum likelihood or bias-reduced (Firth, Jeffreys-prior penalty).
Estimator = Literal["ml", "firth"]

#: Column order of every tidy frame.
TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
#: Columns every ``glance()`` has (families add their own after these).
GLANCE_COLUMNS = [
    "n",
    "n_dropped",
    "log_likelihood",
    "aic",
    "bic",
    "pseudo_r2",
    "df_residual",
    "converged",
    "separation",
    "estimator",
]


@runtime_checkable
class ModelResult(Protocol):
    """The contract every fitted model of probstats satisfies.

    Attributes
    ----------
    outcome, predictors
        The specification.
    data
        The model frame: the complete-case rows actually used (original index).
    categories
        Outcome categories whose probabilities :meth:`predict_proba` returns
        (``["sufficient"]`` for a k-of-n outcome: the chance a case is sufficient).
    separation
        :class:`~probstats.models.separation.SeparationReport`; ``.separated`` is
        True when some estimates do not exist (they drift towards infinity).
    df_inference
        Degrees of freedom of the ``t`` reference, ``None`` for normal.
    conf_level
        Default level of intervals.
    notes
        Every caveat raised while fitting, in words.
    """

    outcome: str
    predictors: list[str]
    data: pd.DataFrame
    conf_level: float
    notes: list[str]

    @property
    def params(self) -> pd.Series: ...

    @property
    def bse(self) -> pd.Series: ...

    @property
    def nobs(self) -> int: ...

    @property
    def converged(self) -> bool: ...

    @property
    def estimable(self) -> bool: ...

    @property
    def categories(self) -> list[str]: ...

    @property
    def separation(self) -> Any: ...

    @property
    def df_inference(self) -> float | None: ...

    @property
    def estimator(self) -> str: ...

    def cov_params(self) -> pd.DataFrame: ...

    def tidy(
        self,
        conf_level: float | None = None,
        *,
        conf_method: ConfMethod = "wald",
        exponentiate: bool = False,
        per: dict[str, float] | None = None,
        auxiliary: bool = True,
    ) -> pd.DataFrame: ...

    def glance(self) -> pd.DataFrame: ...

    def augment(self, newdata: pd.DataFrame | None = None) -> pd.DataFrame: ...

    def predict_proba(
        self, newdata: pd.DataFrame | None = None, params: pd.Series | np.ndarray | None = None
    ) -> pd.DataFrame: ...

    def refit_fn(self) -> Callable[[pd.DataFrame], pd.Series]: ...

    def summary(self) -> str: ...


def check_literal(value: object, options: object, name: str) -> None:
    """Raise :class:`ModelSpecificationError` unless ``value`` is one of ``options``.

    ``options`` is a ``typing.Literal`` type or a tuple of allowed values.

    Examples
    --------
    >>> from probstats.models._base import ConfMethod
    >>> from probstats.models._base import check_literal
    >>> check_literal("wald", ConfMethod, "conf_method")
    >>> check_literal("exact", ("wald", "profile"), "conf_method")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    probstats.errors.ModelSpecificationError: conf_method='exact' is not allowed; allowed ...
    """
    allowed = options if isinstance(options, tuple) else get_args(options)
    if value not in allowed:
        raise ModelSpecificationError(
            f"{name}={value!r} is not allowed; allowed values are "
            + ", ".join(repr(a) for a in allowed)
        )


def cut_names(categories: Sequence[object]) -> list[str]:
    """Names of the cut-points between consecutive ordered categories, ``"lower|upper"``.

    Examples
    --------
    >>> from probstats.models._base import cut_names
    >>> cut_names(["Inadequate", "Requires improvement", "Good"])
    ['Inadequate|Requires improvement', 'Requires improvement|Good']
    """
    cats = [str(c) for c in categories]
    return [f"{a}|{b}" for a, b in zip(cats[:-1], cats[1:], strict=True)]


class RowRefit:
    """A refit function that can also refit on row positions of its model frame.

    Calling it with a data frame refits on those rows (what any resampling code may
    do); :meth:`rows` refits on positions of the model frame's rows without building a
    data frame, which resampling code uses when it resamples that frame. Both return the
    estimates of ``terms``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from probstats.models._base import RowRefit
    >>> frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    >>> fn = RowRefit(lambda d: pd.Series({"mean": d["x"].mean()}),
    ...               lambda pos: np.array([frame["x"].to_numpy()[pos].mean()]),
    ...               ["mean"], frame.index)
    >>> float(fn(frame)["mean"]), fn.rows(np.array([0, 0, 2]))
    (2.0, array([1.66666667]))
    """

    def __init__(
        self,
        fit: Callable[[pd.DataFrame], pd.Series],
        rows: Callable[[np.ndarray], np.ndarray],
        terms: Sequence[str],
        index: pd.Index,
    ) -> None:
        self._fit, self._rows = fit, rows
        self.terms = list(terms)
        self.index = index

    def __call__(self, data: pd.DataFrame) -> pd.Series:
        return self._fit(data)

    def rows(self, positions: np.ndarray) -> np.ndarray:
        """Estimates of :attr:`terms` refitted on these positions of the model frame."""
        return self._rows(positions)
