"""Change models on the panel of repeat inspections.

Question: across units inspected more than once, does a change in staffing go with a
change in rating? Comparing a unit with itself removes stable unit differences
(size, local labour market, ...) that confound cross-sectional comparisons, but
not changes that happen at the same time, so associations here are still not causal.
The panel is small, so the module offers

* :func:`add_changes`: first differences of staffing columns between a unit's
  consecutive inspections;
* :func:`fit_change`: a linear model of ``rating_change`` (-3..3) on staffing changes
  with HC3 (default) or region-cluster standard errors, or an ordinal model via the
  ordinal engine;
* exact small-sample summaries: :func:`sign_test` (did ratings go up more often than
  down?), :func:`mcnemar_change` (movement across a threshold such as "Good or
  better"), and :func:`direction_agreement` (do staffing and rating move together?).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from probstats.dataset.ratings import RATINGS, rating_score
from probstats.errors import ModelSpecificationError, SmallSampleWarning
from probstats.models._base import (
    Alternative,
    ConfMethod,
    DroppedRows,
    check_literal,
    complete_cases,
    design_matrix,
    tidy_table,
)
from probstats.models.separation import SeparationReport, not_separated

__all__ = [
    "add_changes",
    "fit_change",
    "ChangeResult",
    "sign_test",
    "mcnemar_change",
    "direction_agreement",
]

ChangeModel = Literal["linear", "ordinal"]
CovType = Literal["HC3", "cluster", "nonrobust"]


def add_changes(
    data: pd.DataFrame,
    columns: Sequence[str],
    *,
    unit: str = "unit_id",
    order: str = "publication_date",
    suffix: str = "_change",
) -> pd.DataFrame:
    """Add ``<col>_change`` (value minus the unit's previous inspection's value) and
    ``previous_<col>`` for each column.

    The first inspection of each unit gets NaN. Rows are returned in the input order.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.models.change import add_changes
    >>> df = pd.DataFrame({"unit_id": ["a", "a", "b", "b"], "publication_date": [1, 2, 1, 2],
    ...                    "v": [30.0, 10.0, 5.0, 15.0]})
    >>> add_changes(df, ["v"])["v_change"].tolist()
    [nan, -20.0, nan, 10.0]
    """
    out = data.copy()
    ordered = out.sort_values([unit, order], kind="stable")
    for c in columns:
        prev = ordered.groupby(unit, observed=True)[c].shift(1)
        out[f"previous_{c}"] = prev.reindex(out.index)
        out[f"{c}{suffix}"] = out[c] - out[f"previous_{c}"]
    return out


@dataclass
class ChangeResult:
    """Fitted change model; satisfies :class:`~probstats.models._base.ModelResult`.

    A linear change model predicts the mean change in rating steps, so it has no
    outcome categories: :meth:`predict_proba` refuses and says so. An ordinal change
    model delegates to its :class:`~probstats.models.ordinal.results.OrdinalResult`.
    """

    outcome: str
    predictors: list[str]
    model: str
    cov_type: str
    params: pd.Series
    cov: pd.DataFrame
    df_inference: float | None
    data: pd.DataFrame
    dropped: DroppedRows
    llf: float
    sm_result: object | None = None
    ordinal_result: object | None = None
    conf_level: float = 0.95
    levels: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    estimator: str = "ml"

    def cov_params(self) -> pd.DataFrame:
        return self.cov.copy()

    @property
    def bse(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.cov.to_numpy())), index=self.params.index)

    @property
    def nobs(self) -> int:
        return len(self.data)

    @property
    def categories(self) -> list[str]:
        if self.ordinal_result is not None:
            return [str(c) for c in self.ordinal_result.categories]
        return []

    @property
    def separation(self) -> SeparationReport:
        if self.ordinal_result is not None:
            return self.ordinal_result.separation
        return not_separated()

    @property
    def converged(self) -> bool:
        return True if self.ordinal_result is None else self.ordinal_result.converged

    @property
    def estimable(self) -> bool:
        if self.ordinal_result is not None:
            return self.ordinal_result.estimable
        return bool(np.all(np.isfinite(self.bse.to_numpy())))

    def tidy(
        self,
        conf_level: float | None = None,
        *,
        conf_method: ConfMethod = "wald",
        exponentiate: bool = False,
        per: dict[str, float] | None = None,
        auxiliary: bool = True,
    ) -> pd.DataFrame:
        """``term, estimate, std_error, statistic, p_value, conf_low, conf_high``.

        Linear model: Wald intervals on ``t`` (``conf_method="profile"`` and
        ``exponentiate`` are for the ordinal change model).
        """
        if self.ordinal_result is not None:
            return self.ordinal_result.tidy(
                conf_level,
                conf_method=conf_method,
                exponentiate=exponentiate,
                per=per,
                auxiliary=auxiliary,
            )
        check_literal(conf_method, ("wald",), "conf_method")
        if exponentiate:
            raise ModelSpecificationError("a linear change model has no odds ratios")
        scale = pd.Series(1.0, index=self.params.index)
        for term, mult in (per or {}).items():
            if term not in scale.index:
                raise ModelSpecificationError(f"per: unknown term {term!r}")
            scale[term] = mult
        return tidy_table(
            self.params.index,
            (self.params * scale).to_numpy(),
            (self.bse * scale).to_numpy(),
            df=self.df_inference,
            conf_level=self.conf_level if conf_level is None else conf_level,
        )

    def glance(self) -> pd.DataFrame:
        """``n, n_dropped, log_likelihood, aic, bic, pseudo_r2 (R-squared for linear),
        df_residual, converged, separation, estimator`` and more."""
        if self.ordinal_result is not None:
            g = self.ordinal_result.glance().copy()
            g["n_dropped"] = self.dropped.n_dropped
            return g
        r = self.sm_result
        return pd.DataFrame(
            {
                "n": [int(r.nobs)],
                "n_dropped": [self.dropped.n_dropped],
                "log_likelihood": [float(r.llf)],
                "aic": [float(r.aic)],
                "bic": [float(r.bic)],
                "pseudo_r2": [float(r.rsquared)],
                "df_residual": [float(r.df_resid)],
                "converged": [True],
                "separation": ["none"],
                "estimator": [self.estimator],
                "adj_r2": [float(r.rsquared_adj)],
                "cov_type": [self.cov_type],
                "df_inference": [self.df_inference],
            }
        )

    def augment(self, newdata: pd.DataFrame | None = None) -> pd.DataFrame:
        """Model frame (or ``newdata``) with ``.fitted`` (and ``.resid`` on the model frame)
        for the linear model; the ordinal augment otherwise."""
        if self.ordinal_result is not None:
            return self.ordinal_result.augment(newdata)
        if newdata is not None:
            X, _ = design_matrix(newdata, self.predictors, self.levels, intercept=True)
            out = newdata.copy()
            out[".fitted"] = X.to_numpy() @ self.params.to_numpy()
            return out
        out = self.data.copy()
        out[".fitted"] = np.asarray(self.sm_result.fittedvalues)
        out[".resid"] = np.asarray(self.sm_result.resid)
        return out

    def predict_proba(
        self,
        newdata: pd.DataFrame | None = None,
        params: pd.Series | np.ndarray | None = None,
    ) -> pd.DataFrame:
        """Category probabilities of the ordinal change model (the linear one has none)."""
        if self.ordinal_result is None:
            raise ModelSpecificationError(
                "a linear change model predicts the mean change in rating steps, not "
                "category probabilities; use augment() or fit_change(..., model='ordinal')"
            )
        return self.ordinal_result.predict_proba(newdata, params)

    def refit_fn(self) -> Callable[[pd.DataFrame], pd.Series]:
        """A ``fit_fn(data) -> pd.Series`` of estimates for resampling."""
        if self.ordinal_result is not None:
            return self.ordinal_result.refit_fn()
        outcome, predictors, levels = self.outcome, list(self.predictors), self.levels
        names = self.params.index

        def fit_fn(data: pd.DataFrame) -> pd.Series:
            X, _ = design_matrix(data, predictors, levels, intercept=True)
            y = pd.to_numeric(data[outcome]).to_numpy(dtype=float)
            beta, *_ = np.linalg.lstsq(X.to_numpy(), y, rcond=None)
            return pd.Series(beta, index=names)

        return fit_fn

    def summary(self) -> str:
        """Text summary: tidy table, glance and notes."""
        lines = [
            f"{self.model} change model of {self.outcome}",
            self.tidy().to_string(index=False),
            self.glance().to_string(index=False),
        ]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


def fit_change(
    data: pd.DataFrame,
    predictors: Sequence[str],
    *,
    outcome: str = "rating_change",
    model: ChangeModel = "linear",
    cov_type: CovType = "HC3",
    region: str = "region",
    conf_level: float = 0.95,
    warn: bool = True,
    **ordinal_kwargs,
) -> ChangeResult:
    """Regress the change in rating on changes in staffing between repeat inspections.

    Parameters
    ----------
    data
        Panel rows (e.g. :func:`probstats.dataset.loaders.load_panel` with :func:`add_changes`).
    predictors
        Change columns, e.g. ``["vacancy_rate_po_change"]``; add a previous level (e.g.
        ``previous_rating_score``) to allow for regression to the mean.
    outcome
        ``rating_change`` (steps on the 4-point scale, -3..3) by default.
    model
        ``"linear"`` (OLS; the change in steps as a number) or ``"ordinal"`` (proportional
        odds on the observed change values via :func:`probstats.models.ordinal.model.fit_ordinal`).
    cov_type
        Linear model only: ``"HC3"`` (default; heteroskedasticity-robust, good in small
        samples, ``t`` on n-p df), ``"cluster"`` (by ``region``, ``t`` on G-1 df) or
        ``"nonrobust"``.
    region
        Cluster column for ``cov_type="cluster"``.
    conf_level, warn
        Confidence level; emit warnings.
    **ordinal_kwargs
        Passed to ``fit_ordinal`` (e.g. ``link``).

    Returns
    -------
    ChangeResult

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from probstats.models.change import fit_change
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"dv": rng.normal(0, 10, 40)})
    >>> df["rating_change"] = np.clip(np.round(-0.05 * df["dv"] + rng.normal(0, .7, 40)), -3, 3)
    >>> res = fit_change(df, ["dv"], warn=False)
    >>> bool(res.tidy().set_index("term").loc["dv", "estimate"] < 0)
    True
    """
    check_literal(model, ChangeModel, "model")
    check_literal(cov_type, CovType, "cov_type")
    predictors = list(predictors)
    needed = [outcome, *predictors] + ([region] if cov_type == "cluster" else [])
    kept, report = complete_cases(
        data, needed, context=f"change model of {outcome}", warn=warn, stacklevel=3
    )
    notes: list[str] = []
    if warn and len(kept) < 20:
        msg = (
            f"only {len(kept)} repeat inspections: estimates are imprecise; see also the "
            "exact sign_test / direction_agreement summaries"
        )
        notes.append(msg)
        warnings.warn(msg, SmallSampleWarning, stacklevel=2)
    if model == "ordinal":
        try:
            from probstats.models.ordinal.model import fit_ordinal
        except ImportError as exc:  # the ordinal engine is a separate module
            raise ModelSpecificationError("the ordinal engine is not available") from exc
        y = kept[outcome].astype(int)
        levels = sorted(y.unique())
        frame = kept.copy()
        frame[outcome] = pd.Categorical(y, categories=levels, ordered=True)
        ordinal_kwargs.setdefault("warn", warn)
        ores = fit_ordinal(frame, outcome, predictors, **ordinal_kwargs)
        params = pd.Series(ores.params, dtype=float)
        cov = ores.cov_params()
        return ChangeResult(
            outcome,
            predictors,
            model,
            "model",
            params,
            pd.DataFrame(cov, index=params.index, columns=params.index),
            None,
            kept,
            report,
            ores.llf,
            None,
            ores,
            conf_level,
            notes=notes,
        )
    Xdf, levels = design_matrix(kept, predictors, intercept=True)
    y = pd.to_numeric(kept[outcome]).to_numpy(dtype=float)
    if len(kept) <= Xdf.shape[1]:
        raise ModelSpecificationError(f"{len(kept)} rows cannot identify {Xdf.shape[1]} terms")
    ols = sm.OLS(y, Xdf)
    if cov_type == "cluster":
        codes, uniq = pd.factorize(kept[region], sort=True)
        res = ols.fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
        df_inf = len(uniq) - 1
    else:
        res = ols.fit(cov_type=cov_type, use_t=True)
        df_inf = float(res.df_resid)
    params = pd.Series(np.asarray(res.params), index=Xdf.columns)
    cov = pd.DataFrame(np.asarray(res.cov_params()), index=Xdf.columns, columns=Xdf.columns)
    return ChangeResult(
        outcome,
        predictors,
        model,
        cov_type,
        params,
        cov,
        df_inf,
        kept,
        report,
        float(res.llf),
        res,
        None,
        conf_level,
        levels,
        notes,
    )


# --------------------------------------------------------------------------- exact summaries


def _clopper_pearson(k: int, n: int, level: float) -> tuple[float, float]:
    if n == 0:
        return (np.nan, np.nan)
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
    return float(ci.low), float(ci.high)


def sign_test(
    changes: Sequence[float] | pd.Series,
    *,
    alternative: Alternative = "two-sided",
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Exact sign test: among units whose rating changed, did more go up than down?

    Ties (no change) and missing values are left out, as in the classical sign test.

    Returns
    -------
    pandas.DataFrame
        One row: ``n_up, n_down, n_tied, n_missing, prop_up`` (of those that changed),
        ``conf_low, conf_high`` (Clopper-Pearson), ``p_value`` (exact binomial, H0 0.5).

    Examples
    --------
    >>> from probstats.models.change import sign_test
    >>> sign_test([1, 1, 1, 1, 1, 0, -1])["p_value"].round(4).tolist()
    [0.2188]
    """
    check_literal(alternative, Alternative, "alternative")
    s = pd.Series(changes, dtype=float)
    up, down = int((s > 0).sum()), int((s < 0).sum())
    tied, miss = int((s == 0).sum()), int(s.isna().sum())
    n = up + down
    p = stats.binomtest(up, n, 0.5, alternative=alternative).pvalue if n else np.nan
    lo, hi = _clopper_pearson(up, n, conf_level)
    return pd.DataFrame(
        {
            "n_up": [up],
            "n_down": [down],
            "n_tied": [tied],
            "n_missing": [miss],
            "prop_up": [up / n if n else np.nan],
            "conf_low": [lo],
            "conf_high": [hi],
            "p_value": [p],
        }
    )


def mcnemar_change(
    before: Sequence[object],
    after: Sequence[object],
    *,
    threshold: str = "Good",
) -> pd.DataFrame:
    """Exact McNemar test of movement across a rating threshold between two inspections.

    Each unit is classed "at or above ``threshold``" before and after; the test uses the
    discordant units only (``b`` moved up across it, ``c`` moved down): exact two-sided
    binomial p-value of ``b`` out of ``b + c`` at 0.5.

    Returns
    -------
    pandas.DataFrame
        One row: ``both_below, moved_up, moved_down, both_above, n, p_value``.

    Examples
    --------
    >>> from probstats.models.change import mcnemar_change
    >>> b = ["Requires improvement"] * 6 + ["Good"] * 2
    >>> a = ["Good"] * 5 + ["Requires improvement"] * 1 + ["Good"] * 2
    >>> mcnemar_change(b, a)[["moved_up", "moved_down", "p_value"]].round(4).values.tolist()
    [[5.0, 0.0, 0.0625]]
    """
    if threshold not in RATINGS:
        raise ModelSpecificationError(f"threshold must be one of {RATINGS}")
    cut = RATINGS.index(threshold) + 1
    sb, sa = rating_score(before), rating_score(after)
    if len(sb) != len(sa):
        raise ModelSpecificationError("before and after must have the same length")
    ok = sb.notna() & sa.notna()
    hi_b, hi_a = (sb[ok] >= cut).astype(bool), (sa[ok] >= cut).astype(bool)
    up = int((~hi_b & hi_a).sum())
    down = int((hi_b & ~hi_a).sum())
    p = stats.binomtest(up, up + down, 0.5).pvalue if up + down else 1.0
    return pd.DataFrame(
        {
            "both_below": [int((~hi_b & ~hi_a).sum())],
            "moved_up": [up],
            "moved_down": [down],
            "both_above": [int((hi_b & hi_a).sum())],
            "n": [int(ok.sum())],
            "n_missing": [int((~ok).sum())],
            "p_value": [float(p)],
        }
    )


def direction_agreement(
    staffing_change: Sequence[float] | pd.Series,
    rating_change: Sequence[float] | pd.Series,
    *,
    staffing_better: Literal["lower", "higher"] = "lower",
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Do staffing and rating move together? Exact test on the signs of paired changes.

    A pair is concordant when staffing got better and the rating went up, or staffing got
    worse and the rating went down (``staffing_better="lower"`` for vacancy rates and
    caseloads, ``"higher"`` for staffing against target). Pairs where either did not
    change are left out. Under no association each changed pair is concordant with
    probability 1/2 only if ups and downs are equally likely; Kendall's tau-b with its
    exact/asymptotic p-value over all pairs is reported alongside as a check.

    Returns
    -------
    pandas.DataFrame
        One row: ``n_pairs, n_concordant, n_discordant, n_untied, prop_concordant,
        conf_low, conf_high, p_value`` (exact binomial) and ``kendall_tau``,
        ``kendall_p``.

    Examples
    --------
    >>> from probstats.models.change import direction_agreement
    >>> out = direction_agreement([-10, -5, -8, 4, 6, 0], [1, 1, 1, -1, -1, 1])
    >>> out[["n_concordant", "n_discordant"]].values.tolist()
    [[5, 0]]
    """
    check_literal(staffing_better, Literal["lower", "higher"], "staffing_better")
    s = pd.Series(np.asarray(staffing_change, dtype=float))
    r = pd.Series(np.asarray(rating_change, dtype=float))
    ok = s.notna() & r.notna()
    s, r = s[ok], r[ok]
    better = -np.sign(s) if staffing_better == "lower" else np.sign(s)
    prod = better * np.sign(r)
    conc, disc = int((prod > 0).sum()), int((prod < 0).sum())
    n = conc + disc
    p = stats.binomtest(conc, n, 0.5).pvalue if n else np.nan
    lo, hi = _clopper_pearson(conc, n, conf_level)
    if len(s) >= 3 and s.nunique() > 1 and r.nunique() > 1:
        kt = stats.kendalltau(better * np.abs(s), r)
        tau, kp = float(kt.statistic), float(kt.pvalue)
    else:
        tau, kp = np.nan, np.nan
    return pd.DataFrame(
        {
            "n_pairs": [int(len(s))],
            "n_concordant": [conc],
            "n_discordant": [disc],
            "n_untied": [n],
            "prop_concordant": [conc / n if n else np.nan],
            "conf_low": [lo],
            "conf_high": [hi],
            "p_value": [p],
            "kendall_tau": [tau],
            "kendall_p": [kp],
        }
    )
