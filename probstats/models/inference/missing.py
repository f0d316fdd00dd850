"""Missing data: explicit complete-case analysis and multiple imputation.

Complete-case analysis is the default everywhere in :mod:`probstats.models`:
it is unbiased when missingness does not depend on the outcome given the
predictors, and it is transparent. Every dropped row is reported (a
:class:`~probstats.errors.DroppedRowsWarning` plus a frame saying which
column was missing). Multiple imputation by chained equations with
predictive mean matching is the option for when many rows would be lost;
estimates are pooled with Rubin's rules.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from probstats.errors import DroppedRowsWarning, ModelSpecificationError, NonConvergenceWarning
from probstats.models._base import DroppedRows, ModelResult, complete_cases

__all__ = [
    "DroppedRows",
    "complete_cases",
    "rubin_pool",
    "impute_chained",
    "multiple_imputation",
    "MIResult",
]

# --------------------------------------------------------------------------- Rubin's rules


def rubin_pool(
    estimates: pd.DataFrame | np.ndarray,
    variances: pd.DataFrame | np.ndarray,
    *,
    df_complete: float | None = None,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Pool estimates from ``m`` imputed datasets with Rubin's rules.

    Parameters
    ----------
    estimates, variances
        ``m x p`` arrays (rows = imputations, columns = terms) of point estimates and
        their squared standard errors. DataFrames keep their column names as terms.
    df_complete
        Residual degrees of freedom the analysis would have without missing data; when
        given, the Barnard-Rubin (1999) small-sample degrees of freedom are used,
        otherwise Rubin's (1987) large-sample formula.
    conf_level
        Confidence level of the t interval.

    Returns
    -------
    pandas.DataFrame
        Tidy columns ``term, estimate, std_error, statistic, p_value, conf_low, conf_high``
        plus ``df``, ``within_var`` (Ū), ``between_var`` (B), ``riv`` (relative increase in
        variance) and ``fmi`` (fraction of missing information).

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models.inference.missing import rubin_pool
    >>> est = pd.DataFrame({"b": [1.0, 1.2, 0.8]})
    >>> var = pd.DataFrame({"b": [0.04, 0.05, 0.03]})
    >>> round(float(rubin_pool(est, var)["std_error"].iloc[0]), 4)
    0.3055
    """
    terms = (
        list(estimates.columns)
        if isinstance(estimates, pd.DataFrame)
        else [f"b{j}" for j in range(np.shape(estimates)[1])]
    )
    q = np.asarray(estimates, dtype=float)
    u = np.asarray(variances, dtype=float)
    m = q.shape[0]
    if m < 2:
        raise ModelSpecificationError("Rubin's rules need at least 2 imputations")
    qbar = q.mean(axis=0)
    ubar = u.mean(axis=0)
    b = q.var(axis=0, ddof=1)
    total = ubar + (1 + 1 / m) * b
    with np.errstate(divide="ignore", invalid="ignore"):
        riv = (1 + 1 / m) * b / ubar
        lam = (1 + 1 / m) * b / total
        df_old = (m - 1) / lam**2
        if df_complete is not None:
            df_obs = (df_complete + 1) / (df_complete + 3) * df_complete * (1 - lam)
            df = 1 / (1 / df_old + 1 / df_obs)
        else:
            df = df_old
    df = np.where(np.isfinite(df), df, 1e7)  # no between-imputation variance: normal
    se = np.sqrt(total)
    stat = qbar / se
    tq = stats.t.ppf(0.5 + conf_level / 2, df)
    fmi = (riv + 2 / (df + 3)) / (riv + 1)
    return pd.DataFrame(
        {
            "term": terms,
            "estimate": qbar,
            "std_error": se,
            "statistic": stat,
            "p_value": 2 * stats.t.sf(np.abs(stat), df),
            "conf_low": qbar - tq * se,
            "conf_high": qbar + tq * se,
            "df": df,
            "within_var": ubar,
            "between_var": b,
            "riv": riv,
            "fmi": fmi,
        }
    )


# --------------------------------------------------------------------------- chained equations


def _pmm_draw(
    rng: np.random.Generator,
    x_obs: np.ndarray,
    y_obs: np.ndarray,
    x_mis: np.ndarray,
    k: int,
) -> np.ndarray:
    """Predictive mean matching with a posterior draw of the regression (type-1 matching)."""
    n, p = x_obs.shape
    xtx = x_obs.T @ x_obs + 1e-8 * np.eye(p)
    beta = np.linalg.solve(xtx, x_obs.T @ y_obs)
    resid = y_obs - x_obs @ beta
    dof = max(n - p, 1)
    sigma2 = float(resid @ resid) / rng.chisquare(dof)
    chol = np.linalg.cholesky(np.linalg.inv(xtx) * sigma2 + 1e-12 * np.eye(p))
    beta_star = beta + chol @ rng.standard_normal(p)
    pred_obs = x_obs @ beta
    pred_mis = x_mis @ beta_star
    dist = np.abs(pred_mis[:, None] - pred_obs[None, :])
    k = min(k, n)
    donors = np.argpartition(dist, k - 1, axis=1)[:, :k]
    pick = donors[np.arange(len(x_mis)), rng.integers(0, k, len(x_mis))]
    return y_obs[pick]


def impute_chained(
    data: pd.DataFrame,
    columns: Sequence[str],
    *,
    m: int = 20,
    n_iter: int = 10,
    donors: int = 5,
    seed: int | np.random.Generator | None = None,
) -> list[pd.DataFrame]:
    """Multiply impute numeric columns by chained equations with predictive mean matching.

    Each incomplete column is regressed (least squares) on all the other ``columns`` at
    their current values; a draw from the approximate posterior of that regression gives
    predicted means for the missing rows, and each takes the observed value of one of the
    ``donors`` observed rows with the closest predicted mean. Imputed values are therefore
    always values that were observed (percentages stay in range). This is the algorithm of
    R's ``mice(method = "pmm")`` and of statsmodels' ``MICEData``, written here so that a
    numpy Generator makes it reproducible.

    Parameters
    ----------
    data
        Frame holding ``columns``; other columns are carried along untouched.
    columns
        Numeric columns used in the imputation model; those with missing values are
        imputed. Include the analysis outcome so that imputations respect its relation
        with the predictors.
    m
        Number of imputed datasets.
    n_iter
        Cycles through the columns per dataset.
    donors
        Candidate donors for predictive mean matching.
    seed
        Seed or Generator.

    Returns
    -------
    list of pandas.DataFrame
        ``m`` completed copies of ``data``.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models.inference.missing import impute_chained
    >>> df = pd.DataFrame({"x": [1.0, 2, None, 4, 5, 6], "y": [1.1, 2.2, 2.9, 4.1, 5.2, 5.8]})
    >>> sets = impute_chained(df, ["x", "y"], m=2, seed=1)
    >>> [int(s["x"].isna().sum()) for s in sets]
    [0, 0]
    """
    rng = np.random.default_rng(seed)
    columns = list(columns)
    values = data[columns].apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
    miss = np.isnan(values)
    if miss.all(axis=0).any():
        empty = [c for c, a in zip(columns, miss.all(axis=0), strict=True) if a]
        raise ModelSpecificationError(f"column(s) {empty} are entirely missing")
    targets = [j for j in range(len(columns)) if miss[:, j].any()]
    out: list[pd.DataFrame] = []
    for _ in range(m):
        cur = values.copy()
        for j in targets:  # start from random observed values
            obs = cur[~miss[:, j], j]
            cur[miss[:, j], j] = rng.choice(obs, miss[:, j].sum())
        for _ in range(n_iter):
            for j in targets:
                others = np.delete(cur, j, axis=1)
                design = np.column_stack([np.ones(len(cur)), others])
                o = ~miss[:, j]
                cur[~o, j] = _pmm_draw(rng, design[o], cur[o, j], design[~o], donors)
        done = data.copy()
        for j, c in enumerate(columns):
            if miss[:, j].any():
                done[c] = cur[:, j]
        out.append(done)
    return out


@dataclass
class MIResult:
    """Result of :func:`multiple_imputation`.

    ``pooled`` is the Rubin's-rules tidy frame; ``estimates`` and ``variances`` hold the
    per-imputation numbers; ``imputations`` the completed datasets; ``failures`` the
    imputations whose analysis raised (index, error).
    """

    pooled: pd.DataFrame
    estimates: pd.DataFrame
    variances: pd.DataFrame
    imputations: list[pd.DataFrame]
    failures: list[tuple[int, str]] = field(default_factory=list)
    n_missing: pd.Series | None = None

    def tidy(self) -> pd.DataFrame:
        """Pooled tidy frame (``term, estimate, std_error, ...``)."""
        return self.pooled.copy()

    def glance(self) -> pd.DataFrame:
        """One row: number of imputations used, failed, and rows with anything imputed."""
        return pd.DataFrame(
            {
                "m": [len(self.estimates)],
                "m_failed": [len(self.failures)],
                "n": [len(self.imputations[0]) if self.imputations else 0],
                "max_fmi": [float(self.pooled["fmi"].max())],
            }
        )


def _estimates_and_se(out: object) -> tuple[pd.Series, pd.Series]:
    """Accept a tidy frame, a result with .tidy(), or a statsmodels result."""
    if isinstance(out, ModelResult):
        out = out.tidy()
    if isinstance(out, pd.DataFrame):
        frame = out.set_index("term") if "term" in out.columns else out
        return frame["estimate"].astype(float), frame["std_error"].astype(float)
    if hasattr(out, "params") and hasattr(out, "bse"):
        return pd.Series(out.params, dtype=float), pd.Series(out.bse, dtype=float)
    raise ModelSpecificationError(
        "the analysis function must return a tidy frame (term, estimate, std_error), an "
        "object with .tidy(), or a statsmodels result"
    )


def multiple_imputation(
    data: pd.DataFrame,
    analysis: Callable[[pd.DataFrame], object],
    columns: Sequence[str],
    *,
    m: int = 20,
    n_iter: int = 10,
    donors: int = 5,
    df_complete: float | None = None,
    conf_level: float = 0.95,
    seed: int | np.random.Generator | None = None,
) -> MIResult:
    """Impute, analyse each completed dataset, and pool with Rubin's rules.

    Parameters
    ----------
    data
        Analysis frame with missing values in some of ``columns``.
    analysis
        ``analysis(completed) -> tidy frame | result with .tidy() | statsmodels result``.
        For example ``lambda d: fit_binomial(d, ...)``.
    columns
        Numeric columns of the imputation model (outcome and predictors; add auxiliary
        variables that predict missingness).
    m, n_iter, donors, seed
        Passed to :func:`impute_chained`.
    df_complete
        Complete-data residual degrees of freedom for the Barnard-Rubin correction; for a
        region-clustered analysis pass ``G - 1`` (11 with 12 regions).
    conf_level
        Confidence level.

    Returns
    -------
    MIResult

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from probstats.models.inference.missing import multiple_imputation
    >>> import statsmodels.api as sm
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=60)})
    >>> df["y"] = 1 + 2 * df["x"] + rng.normal(size=60)
    >>> df.loc[::5, "x"] = np.nan
    >>> fit = lambda d: sm.OLS(d["y"], sm.add_constant(d["x"])).fit()
    >>> res = multiple_imputation(df, fit, ["x", "y"], m=5, seed=1)
    >>> bool(abs(res.tidy().set_index("term").loc["x", "estimate"] - 2) < 0.5)
    True
    """
    sets = impute_chained(data, columns, m=m, n_iter=n_iter, donors=donors, seed=seed)
    ests, ses, failures, used = [], [], [], []
    for i, completed in enumerate(sets):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DroppedRowsWarning)
                e, s = _estimates_and_se(analysis(completed))
        except Exception as exc:  # report, never hide, a failed analysis
            failures.append((i, f"{type(exc).__name__}: {exc}"))
            continue
        ests.append(e)
        ses.append(s)
        used.append(completed)
    if failures:
        warnings.warn(
            f"{len(failures)} of {m} imputed analyses failed and were left out of pooling: "
            f"{failures[0][1]}",
            NonConvergenceWarning,
            stacklevel=2,
        )
    if len(ests) < 2:
        raise ModelSpecificationError("fewer than 2 imputed analyses succeeded")
    est = pd.DataFrame(ests).reset_index(drop=True)
    var = pd.DataFrame(ses).reset_index(drop=True) ** 2
    pooled = rubin_pool(est, var, df_complete=df_complete, conf_level=conf_level)
    return MIResult(pooled, est, var, used, failures, data[list(columns)].isna().sum().astype(int))
