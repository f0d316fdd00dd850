"""Broom-style tidy tables and the inverse of an information matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from probstats.errors import ModelSpecificationError

__all__ = ["safe_inverse", "tidy_table"]


def safe_inverse(M: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric information matrix, symmetrised; pseudo-inverse if singular.

    Examples
    --------
    >>> import numpy as np
    >>> from probstats.models._base import safe_inverse
    >>> safe_inverse(np.array([[4.0, 0.0], [0.0, 0.5]])).tolist()
    [[0.25, 0.0], [0.0, 2.0]]
    """
    M = np.asarray(M, dtype=float)
    if not np.all(np.isfinite(M)):  # e.g. the information of a fit run off to infinity
        return np.full(M.shape, np.nan)
    try:
        inv = np.linalg.inv(M)
        if np.all(np.isfinite(inv)):
            return (inv + inv.T) / 2
    except np.linalg.LinAlgError:
        pass
    try:
        return np.linalg.pinv(M)
    except np.linalg.LinAlgError:
        return np.full(M.shape, np.nan)


def tidy_table(
    terms: Sequence[str],
    estimate: Sequence[float] | np.ndarray | pd.Series,
    std_error: Sequence[float] | np.ndarray | pd.Series,
    *,
    df: float | None = None,
    conf_level: float = 0.95,
    conf_low: Sequence[float] | np.ndarray | None = None,
    conf_high: Sequence[float] | np.ndarray | None = None,
    exponentiate: bool | Sequence[bool] | np.ndarray = False,
) -> pd.DataFrame:
    """Build a tidy frame from estimates and standard errors.

    Columns follow R's broom. Intervals are Wald intervals from the estimate and
    standard error unless the caller passes its own (profile-likelihood, bootstrap);
    exponentiation applies to the estimate and interval of the chosen terms (odds
    ratios) and leaves the standard error, statistic and p-value on the model's own
    scale, as broom does.

    Parameters
    ----------
    terms
        Term names.
    estimate, std_error
        Estimates and standard errors on the model's (link) scale.
    df
        ``None`` for normal (z) reference distributions, otherwise ``t`` on ``df``
        degrees of freedom (``use_t``).
    conf_level
        Confidence level of the Wald intervals.
    conf_low, conf_high
        Intervals computed elsewhere (e.g. profile likelihood), on the link scale;
        replace the Wald intervals where given (NaN entries fall back to Wald).
    exponentiate
        ``True`` for every term, or a boolean mask choosing the terms whose estimate
        and interval are exponentiated (e.g. coefficients but not cut-points).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TIDY_COLUMNS`.

    Examples
    --------
    >>> from probstats.models._base import tidy_table
    >>> t = tidy_table(["b"], [1.0], [0.5])
    >>> t["p_value"].round(4).tolist(), t["conf_low"].round(3).tolist()
    ([0.0455], [0.02])
    >>> tidy_table(["b"], [1.0], [0.5], exponentiate=True)["estimate"].round(4).tolist()
    [2.7183]
    """
    if not 0 < conf_level < 1:
        raise ModelSpecificationError(f"conf_level must be between 0 and 1, got {conf_level!r}")
    est = np.asarray(estimate, dtype=float)
    se = np.asarray(std_error, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = est / se
    if df is None:
        p = 2 * stats.norm.sf(np.abs(stat))
        q = stats.norm.ppf(0.5 + conf_level / 2)
    else:
        p = 2 * stats.t.sf(np.abs(stat), df)
        q = stats.t.ppf(0.5 + conf_level / 2, df)
    with np.errstate(invalid="ignore"):
        low = est - q * se
        high = est + q * se
    if conf_low is not None:
        given = np.asarray(conf_low, dtype=float)
        low = np.where(np.isnan(given), low, given)
    if conf_high is not None:
        given = np.asarray(conf_high, dtype=float)
        high = np.where(np.isnan(given), high, given)
    mask = np.broadcast_to(np.asarray(exponentiate, dtype=bool), est.shape)
    shown = est.copy()
    if mask.any():
        with np.errstate(over="ignore"):
            shown = np.where(mask, np.exp(est), est)
            low = np.where(mask, np.exp(low), low)
            high = np.where(mask, np.exp(high), high)
    return pd.DataFrame(
        {
            "term": [str(t) for t in terms],
            "estimate": shown,
            "std_error": se,
            "statistic": stat,
            "p_value": p,
            "conf_low": low,
            "conf_high": high,
        }
    )
