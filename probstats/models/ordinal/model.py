"""Proportional-odds (cumulative link) regression of the four-point inspection rating.

The model is MASS::polr's::

    logit P(Y <= k | x) = zeta_k - x'beta        (k = 1 .. K-1)

(``probit`` replaces the logit by the normal quantile function). A positive coefficient
means higher values of the predictor go with *better* ratings: ``exp(beta)`` is the
odds ratio of being rated above any given level per unit of the predictor. Cut-points
``zeta`` are reported as thresholds on the latent scale exactly as ``polr$zeta``, not
as statsmodels' first-threshold-plus-log-increments.

Estimation is by Newton's method with the analytic score and Hessian (the
log-likelihood is concave for these links), so estimates agree with R to rounding
error and a refit takes a fraction of a millisecond. The result wraps a statsmodels
likelihood-model result (:attr:`OrdinalResult.statsmodels`: ``summary()``,
``params``, ``bse``, ``cov_params()``, ``t_test`` ...).

Guardrails, all raised or warned before any estimate is shown:

* rows with missing outcome or predictors are dropped and reported
  (:class:`~probstats.errors.DroppedRowsWarning`, ``glance()["n_dropped"]``);
* empty outcome categories and perfectly collinear or constant predictors raise
  :class:`~probstats.errors.ModelSpecificationError` naming them;
* complete or quasi-complete separation (the maximum-likelihood estimate does not
  exist) is detected exactly by a linear programme and reported with the predictors
  and categories involved (:class:`~probstats.errors.SeparationWarning`);
* fewer than ten observations per parameter gives a
  :class:`~probstats.errors.SmallSampleWarning`; outcome categories or predictor
  levels with fewer than ``min_category_count`` rows a
  :class:`~probstats.errors.SparseCategoryWarning`.

Associations estimated here are not causal effects of staffing.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.base.wrapper as wrap
import statsmodels.regression.linear_model as lm
from scipy import optimize, special, stats
from statsmodels.base.model import (
    GenericLikelihoodModel,
    GenericLikelihoodModelResults,
    LikelihoodModelResults,
)
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from probstats.errors import (
    DroppedRowsWarning,
    ModelSpecificationError,
    SeparationWarning,
    SmallSampleWarning,
    SparseCategoryWarning,
    UnknownRatingError,
)
from probstats.models.ordinal.likelihood import CumulativeLink
from probstats.models.inference.missing import DroppedRows, complete_cases
from probstats.models._base import tidy_table
from probstats.dataset.ratings import RATING_DTYPE, to_rating

__all__ = [
    "Link",
    "ConfMethod",
    "OrdinalResult",
    "OrdinalSeparationError",
    "PolrModel",
    "PolrResults",
    "SeparationInfo",
    "fit_ordinal",
    "fit_ordinal_arrays",
    "fit_ordinal_formula",
    "ordinal_separation",
    "separation_message",
]

Link = Literal["logit", "probit"]
ConfMethod = Literal["wald", "profile"]
EmptyCategories = Literal["raise", "drop"]
OnSeparation = Literal["raise", "nan", "ignore"]
BandScale = Literal["logit", "probability"]

#: Observations per estimated parameter below which a SmallSampleWarning is given.
MIN_PER_PARAMETER = 10
#: Default count below which an outcome category or predictor level is "sparse".
MIN_CATEGORY_COUNT = 5
# Distance of a row's linear predictor from its category bounds beyond which a lean
# refit is suspected of separation and checked exactly (about p = 1e-11).
_SUSPECT_BOUND = {"logit": 25.0, "probit": 7.0}


class OrdinalSeparationError(ModelSpecificationError):
    """Separation in a lean refit: the maximum-likelihood estimate does not exist."""


def _check_literal(value: object, allowed: tuple, name: str) -> None:
    if value not in allowed:
        raise ModelSpecificationError(
            f"{name}={value!r} is not allowed; allowed values are "
            + ", ".join(repr(a) for a in allowed)
        )


def _cut_names(categories: Sequence[object]) -> list[str]:
    cats = [str(c) for c in categories]
    return [f"{a}|{b}" for a, b in zip(cats[:-1], cats[1:], strict=True)]


# --------------------------------------------------------------------------- data


def _outcome_categorical(series: pd.Series, name: str) -> pd.Series:
    """The outcome as an ordered categorical (ratings parsed from text)."""
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


def _is_categorical(s: pd.Series) -> bool:
    return (
        isinstance(s.dtype, pd.CategoricalDtype)
        or s.dtype == object
        or pd.api.types.is_string_dtype(s.dtype)
    ) and not pd.api.types.is_bool_dtype(s.dtype)


def _design(
    data: pd.DataFrame, predictors: Sequence[str], levels: dict[str, list] | None = None
) -> tuple[pd.DataFrame, dict[str, list]]:
    """Numeric predictors as they are, categorical ones as treatment dummies ``p[level]``.

    The first level (category order, else sorted) is the reference. ``levels`` from a
    first call fixes the coding for new data; unknown levels there raise.
    """
    learn = levels is None
    levels = {} if levels is None else levels
    cols: dict[str, np.ndarray] = {}
    for p in predictors:
        s = data[p]
        if p in levels or (learn and _is_categorical(s)):
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
            for lev in levels[p][1:]:
                col = (s == lev).to_numpy(dtype=float)
                col[miss] = np.nan
                cols[f"{p}[{lev}]"] = col
        else:
            try:
                cols[p] = pd.to_numeric(s).to_numpy(dtype=float, na_value=np.nan)
            except (TypeError, ValueError):
                raise ModelSpecificationError(
                    f"predictor {p!r} is neither numeric nor categorical"
                ) from None
    return pd.DataFrame(cols, index=data.index), levels


def _collinear_groups(X: pd.DataFrame) -> list[list[str]]:
    """Groups of design columns that are exactly linearly dependent (with the constant)."""
    if X.shape[1] == 0:
        return []
    Z = X.to_numpy(dtype=float)
    centred = Z - Z.mean(0)
    scale = np.sqrt((centred**2).sum(0))
    groups = [[c] for c, s in zip(X.columns, scale, strict=True) if s <= 1e-12 * max(1, len(Z))]
    keep = scale > 1e-12 * max(1, len(Z))
    if keep.sum() == 0:
        return groups
    W = centred[:, keep] / scale[keep]
    names = list(X.columns[keep])
    _, sv, vt = np.linalg.svd(W, full_matrices=False)
    sv = np.concatenate([sv, np.zeros(W.shape[1] - sv.size)])
    tol = max(W.shape) * np.finfo(float).eps * 100 * max(sv[0], 1.0)
    for k in np.flatnonzero(sv <= tol):
        v = vt[k]
        members = [names[j] for j in np.flatnonzero(np.abs(v) > 1e-6 * np.abs(v).max())]
        if members and members not in groups:
            groups.append(members)
    return groups


# --------------------------------------------------------------------------- separation


@dataclass(frozen=True)
class SeparationInfo:
    """Which predictors and categories (quasi-)completely separate the outcome.

    Attributes
    ----------
    kind
        ``"complete"`` (every row is fitted with probability 1 in the limit) or
        ``"quasi-complete"``.
    terms
        Design columns with a non-zero component in the separating direction.
    categories
        Outcome categories of the rows that are predicted perfectly.
    n_rows
        Number of such rows; ``rows`` their index labels.
    message
        Human-readable explanation (also the warning text).
    """

    kind: str
    terms: list[str]
    categories: list[str]
    n_rows: int
    rows: list
    message: str


def _describe_separation(
    d: np.ndarray,
    y: np.ndarray,
    X: pd.DataFrame,
    categories: Sequence[object],
    levels: dict[str, list],
    frame: pd.DataFrame | None = None,
) -> SeparationInfo:
    p = X.shape[1]
    K = len(categories)
    Xv = X.to_numpy(dtype=float)
    lik = CumulativeLink(y, Xv, K)
    d_union, moved_a, moved_b = lik.separation_extent()
    if moved_a.any() or moved_b.any():
        d = d_union
    dbeta = d[:p]
    contrib = np.abs(dbeta) * np.maximum(np.abs(Xv).max(0), 1e-300)
    involved = np.flatnonzero(contrib > 1e-6 * max(contrib.max(initial=0.0), 1e-300))
    terms = [str(X.columns[j]) for j in involved]
    owner = {}
    for t in terms:
        owner[t] = next((b for b in levels if t.startswith(f"{b}[")), t)
    preds = list(dict.fromkeys(owner.values()))
    s = Xv @ dbeta
    tol = 1e-7 * max(1.0, np.abs(s).max(initial=0.0))
    # rows whose probability tends to 1: both bounds of their category move outwards
    perfect = (moved_a | (y == K - 1)) & (moved_b | (y == 0))
    if not perfect.any():
        perfect = moved_a | moved_b
    complete = all(
        s[y <= k].max() < s[y > k].min() - tol
        for k in range(K - 1)
        if (y <= k).any() and (y > k).any()
    )
    if complete:
        perfect = np.ones_like(perfect)
    cats = [str(c) for c in categories]
    hit = [cats[k] for k in range(K) if bool((perfect & (y == k)).any())]
    kind = "complete" if complete else "quasi-complete"
    details = []
    for pred in preds:
        if pred in levels and frame is not None:
            col = frame[pred]
            for lev in levels[pred]:
                rows = (col == lev).to_numpy()
                if rows.any() and perfect[rows].all():
                    rated = sorted({cats[k] for k in y[rows]}, key=cats.index)
                    details.append(
                        f"every row with {pred} = {lev} (n={int(rows.sum())}) is "
                        f"rated {' or '.join(rated)}"
                    )
        elif pred in X.columns:
            col = X[pred].to_numpy(dtype=float)
            rng = [
                f"{cats[k]} {np.min(col[y == k]):.4g} to {np.max(col[y == k]):.4g}"
                for k in range(K)
                if (y == k).any()
            ]
            details.append(f"{pred} by category: " + "; ".join(rng))
    who = ", ".join(preds) if preds else "the predictors"
    verb = "together separate" if len(preds) > 1 else "separates"
    message = (
        f"{kind.capitalize()} separation: {who} {verb} the outcome categories; "
        f"{int(perfect.sum())} row(s) rated {', '.join(hit)} are fitted with probability 1 "
        "in the limit. The maximum-likelihood estimate does not exist: the estimates and "
        f"standard errors of {', '.join(terms)} drift towards infinity and are not "
        "interpretable (profile-likelihood intervals remain valid, with an infinite end). "
        + ("Details: " + "; ".join(details) + ". " if details else "")
        + "Consider merging categories, coarsening or dropping the predictor, or a "
        "penalised fit."
    )
    rows_idx = list(X.index[perfect])
    return SeparationInfo(kind, terms, hit, int(perfect.sum()), rows_idx, message)


def ordinal_separation(
    data: pd.DataFrame, outcome: str, predictors: Sequence[str]
) -> SeparationInfo | None:
    """Check a proportional-odds model for complete or quasi-complete separation.

    Exact (a linear programme on the complete cases), independent of any fit.

    Examples
    --------
    >>> df = pd.DataFrame({"rating": ["Inadequate"] * 3 + ["Good"] * 3,
    ...                    "x": [5.0, 6, 7, 1, 2, 3]})
    >>> ordinal_separation(df, "rating", ["x"]).kind
    'complete'
    """
    kept = data[[outcome, *predictors]].dropna()
    ycat = _outcome_categorical(kept[outcome], outcome)
    ycat = ycat.cat.remove_unused_categories()
    X, levels = _design(kept, predictors)
    y = ycat.cat.codes.to_numpy()
    lik = CumulativeLink(y, X.to_numpy(dtype=float), len(ycat.cat.categories))
    d = lik.separating_direction()
    if d is None:
        return None
    return _describe_separation(d, y, X, list(ycat.cat.categories), levels, kept)


def separation_message(result) -> str | None:
    """Why a fitted model's estimates do not exist (separation), or ``None``.

    Reads :attr:`OrdinalResult.separation` (or any result with a ``separation``
    attribute whose ``kind`` is not ``"none"``); statsmodels ``OrderedModel`` results,
    which never report separation, are checked exactly from their data. Used to refuse
    predictions and resampling that would otherwise report intervals around an
    estimate that drifts towards infinity.

    Examples
    --------
    >>> df = pd.DataFrame({"rating": ["Inadequate"] * 3 + ["Good"] * 3,
    ...                    "x": [5.0, 6, 7, 1, 2, 3]})
    >>> res = fit_ordinal(df, "rating", ["x"], empty_categories="drop", warn=False)
    >>> separation_message(res).startswith("Complete separation")
    True
    >>> separation_message(_example()) is None
    True
    """
    sep = getattr(result, "separation", None)
    if sep is True:
        return "the fit is separated: the maximum-likelihood estimate does not exist"
    if sep is not None and sep is not False:
        kind = getattr(sep, "kind", None)
        if kind in (None, "none"):
            return None
        return str(getattr(sep, "message", f"{kind} separation"))
    model = getattr(result, "model", None)
    if model is not None and type(model).__name__ == "OrderedModel":
        try:
            lik = CumulativeLink(
                np.asarray(model.endog, dtype=np.intp),
                np.asarray(model.exog, dtype=float),
                int(model.k_levels),
            )
            if lik.separating_direction() is not None:
                return (
                    "(quasi-)complete separation: the predictors separate the outcome "
                    "categories and the maximum-likelihood estimate does not exist"
                )
        except (ValueError, NotImplementedError):
            return None
    return None


# --------------------------------------------------------------------------- statsmodels


class PolrModel(GenericLikelihoodModel):
    """Cumulative link model in MASS::polr's parameterisation, as a statsmodels model.

    Parameters are the coefficients followed by the cut-points ``zeta`` (named
    ``"lower|upper"``). ``loglike``, ``score`` and ``hessian`` are analytic;
    :meth:`fit` uses Newton's method. Usually built by :func:`fit_ordinal`.

    Parameters
    ----------
    endog
        Integer category codes ``0..K-1``.
    exog
        Design (no intercept), a DataFrame for named coefficients.
    categories
        Labels of the ``K`` ordered categories.
    link
        ``"logit"`` or ``"probit"``.
    """

    def __init__(
        self, endog, exog, *, categories: Sequence[object], link: Link = "logit", **kwds
    ) -> None:
        self.link = link
        self.labels = list(categories)
        self.k_levels = len(self.labels)
        super().__init__(endog, exog, extra_params_names=_cut_names(self.labels), **kwds)
        self.k_vars = int(np.asarray(self.exog).shape[1])
        self.k_extra = self.k_levels - 1
        self.k_constant = 0
        self.df_model = float(self.k_vars)
        self.nobs = len(self.endog)
        self.df_resid = float(self.nobs - self.k_vars - self.k_extra)
        self._lik = CumulativeLink(
            np.asarray(self.endog, dtype=np.intp),
            np.asarray(self.exog, dtype=float),
            self.k_levels,
            link,
        )

    def _reorder(self, params) -> np.ndarray:
        return np.asarray(params, dtype=float)

    @property
    def start_params(self) -> np.ndarray:
        return self._lik.start()

    def loglike(self, params) -> float:
        return self._lik.loglike(self._reorder(params))

    def loglikeobs(self, params) -> np.ndarray:
        return self._lik.loglikeobs(self._reorder(params))

    def score(self, params) -> np.ndarray:
        return self._lik.score(self._reorder(params))

    def score_obs(self, params) -> np.ndarray:
        return self._lik.score_obs(self._reorder(params))

    def hessian(self, params) -> np.ndarray:
        return self._lik.hessian(self._reorder(params))

    def information(self, params) -> np.ndarray:
        return -self.hessian(params)

    def predict(self, params, exog=None, *args, **kwargs) -> np.ndarray:
        """Category probabilities (``n x K``) for ``exog`` (default: the fitted rows)."""
        X = self.exog if exog is None else np.asarray(exog, dtype=float)
        return _probabilities(
            np.asarray(params, dtype=float), np.atleast_2d(X), self.k_levels, self.link
        )

    def fit(
        self,
        start_params=None,
        method: str = "newton",
        maxiter: int = 100,
        tol: float = 1e-6,
        disp: bool = False,
        **kwargs,
    ):
        """Newton's method with the analytic Hessian; returns a :class:`PolrResults`.

        Examples
        --------
        >>> y = np.array([0, 0, 1, 1, 2, 2, 1, 0, 2, 1])
        >>> x = pd.DataFrame({"x": [0.1, 0.5, 0.2, 1.0, 1.5, 0.9, 0.4, 0.8, 2.0, 0.3]})
        >>> res = PolrModel(y, x, categories=["low", "mid", "high"]).fit()
        >>> list(res.params.index)
        ['x', 'low|mid', 'mid|high']
        """
        if method != "newton":
            raise ModelSpecificationError("PolrModel.fit supports method='newton' only")
        start = self.start_params if start_params is None else np.asarray(start_params, float)
        sol = self._lik.newton(start, tol=tol, max_iter=maxiter)
        cov = _inverse(-sol.hessian)
        mlefit = LikelihoodModelResults(self, sol.params, normalized_cov_params=cov, scale=1.0)
        mlefit.mle_retvals = {
            "converged": sol.converged,
            "iterations": sol.n_iter,
            "fopt": -sol.loglik,
            "gopt": sol.gradient,
        }
        mlefit.mle_settings = {
            "optimizer": "newton",
            "start_params": start,
            "tol": tol,
            "maxiter": maxiter,
        }
        res = PolrResults(self, mlefit)
        res.hasconst = 0
        return PolrResultsWrapper(res)


class PolrResults(GenericLikelihoodModelResults):
    """statsmodels results of a :class:`PolrModel` (adds the null log-likelihood)."""

    @property
    def llnull(self) -> float:
        """Log-likelihood of the model with cut-points only (closed form)."""
        counts = np.bincount(
            np.asarray(self.model.endog, dtype=np.intp), minlength=self.model.k_levels
        )
        counts = counts[counts > 0]
        return float(np.sum(counts * np.log(counts / counts.sum())))

    @property
    def prsquared(self) -> float:
        """McFadden's pseudo-R-squared ``1 - llf / llnull``."""
        return 1 - self.llf / self.llnull

    @property
    def llr(self) -> float:
        """Likelihood-ratio statistic against the cut-points-only model."""
        return -2 * (self.llnull - self.llf)

    @property
    def llr_pvalue(self) -> float:
        return float(stats.chi2.sf(self.llr, self.model.k_vars))


class PolrResultsWrapper(lm.RegressionResultsWrapper):
    pass


wrap.populate_wrapper(PolrResultsWrapper, PolrResults)


def _inverse(M: np.ndarray) -> np.ndarray:
    try:
        inv = np.linalg.inv(M)
        if np.all(np.isfinite(inv)):
            return (inv + inv.T) / 2
    except np.linalg.LinAlgError:
        pass
    return np.linalg.pinv(M)


# --------------------------------------------------------------------------- probabilities


def _cdf(z: np.ndarray, link: str) -> np.ndarray:
    return special.expit(z) if link == "logit" else special.ndtr(z)


def _pdf(z: np.ndarray, link: str) -> np.ndarray:
    if link == "logit":
        F = special.expit(z)
        return F * (1 - F)
    return np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)


def _probabilities(params: np.ndarray, X: np.ndarray, K: int, link: str) -> np.ndarray:
    p = X.shape[1]
    eta = X @ params[:p]
    cum = _cdf(params[p:][None, :] - eta[:, None], link)
    cum = np.concatenate([np.zeros((len(eta), 1)), cum, np.ones((len(eta), 1))], axis=1)
    return np.diff(cum, axis=1)


def _probability_jacobian(params: np.ndarray, X: np.ndarray, K: int, link: str) -> np.ndarray:
    """d P(Y = k | x_r) / d theta, shape (rows, K, parameters)."""
    n, p = X.shape
    eta = X @ params[:p]
    f = _pdf(params[p:][None, :] - eta[:, None], link)  # rows x (K-1)
    f = np.concatenate([np.zeros((n, 1)), f, np.zeros((n, 1))], axis=1)
    jac = np.zeros((n, K, p + K - 1))
    jac[:, :, :p] = -(f[:, 1:] - f[:, :-1])[:, :, None] * X[:, None, :]
    for k in range(K - 1):
        jac[:, k, p + k] += f[:, k + 1]
        jac[:, k + 1, p + k] -= f[:, k + 1]
    return jac


# --------------------------------------------------------------------------- lean path


def fit_ordinal_arrays(
    y: np.ndarray,
    X: np.ndarray,
    n_levels: int,
    *,
    link: Link = "logit",
    start: np.ndarray | None = None,
    empty_categories: EmptyCategories = "raise",
    on_separation: OnSeparation = "raise",
    max_iter: int = 50,
) -> np.ndarray:
    """Lean refit: integer codes and a design matrix in, polr-scale parameters out.

    Made for resampling loops: no data frames, no checks beyond those needed for a
    correct answer, no covariance. Parameters are ``[beta (p), zeta (n_levels-1)]``.

    Parameters
    ----------
    y
        Category codes ``0..n_levels-1``.
    X
        ``n x p`` design without intercept.
    n_levels
        Number of categories ``K`` of the full model.
    link
        ``"logit"`` or ``"probit"``.
    start
        Warm start (e.g. the full-data estimates); default: the null model.
    empty_categories
        ``"raise"`` (:class:`~probstats.errors.ModelSpecificationError` naming the
        category codes) or ``"drop"``: fit the categories present and return NaN for
        the cut-points next to an empty category. Under proportional odds merging
        categories leaves ``beta`` unchanged, so the coefficients stay comparable.
    on_separation
        What to do when the resample is (quasi-)separated: ``"raise"``
        (:class:`OrdinalSeparationError`), ``"nan"`` (all-NaN parameters) or
        ``"ignore"`` (return the diverging iterate). A cheap screen (non-convergence
        or a fitted bound beyond about 1e-11 probability) triggers the exact check.
    max_iter
        Newton iterations.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2))
    >>> y = np.digitize(X @ [1.0, -0.5] + rng.logistic(size=200), [-1.0, 0.0, 1.0])
    >>> fit_ordinal_arrays(y, X, 4).shape
    (5,)
    """
    y = np.asarray(y, dtype=np.intp)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    p = X.shape[1]
    counts = np.bincount(y, minlength=n_levels)
    present = counts > 0
    if not present.all():
        if empty_categories == "raise":
            raise ModelSpecificationError(
                f"outcome categor(ies) with codes {np.flatnonzero(~present).tolist()} have "
                "no observations"
            )
        return _fit_collapsed(y, X, n_levels, present, link, start, on_separation, max_iter)
    lik = CumulativeLink(y, X, n_levels, link)
    theta0 = lik.start() if start is None else np.array(start, dtype=float)
    return _lean_newton(lik, theta0, link, on_separation, max_iter, p)


def _lean_newton(lik, theta0, link, on_separation, max_iter, p) -> np.ndarray:
    try:
        sol = lik.newton(theta0, max_iter=max_iter, final_derivatives=False)
    except FloatingPointError:  # the warm start is outside this resample's support
        sol = lik.newton(lik.start(), max_iter=max_iter, final_derivatives=False)
    if on_separation != "ignore":
        a, b = lik.linear_bounds(sol.params)
        bound = np.concatenate([a[np.isfinite(a)], -b[np.isfinite(b)]])
        suspect = not sol.converged or bound.max(initial=0.0) > _SUSPECT_BOUND[link]
        if suspect and lik.separating_direction() is not None:
            if on_separation == "nan":
                return np.full(sol.params.shape, np.nan)
            raise OrdinalSeparationError(
                "the outcome is (quasi-)completely separated in this sample; the "
                "maximum-likelihood estimate does not exist"
            )
    return sol.params


def _fit_collapsed(y, X, K, present, link, start, on_separation, max_iter) -> np.ndarray:
    p = X.shape[1]
    keep = np.flatnonzero(present)
    recode = np.full(K, -1)
    recode[keep] = np.arange(keep.size)
    if keep.size < 2:
        raise ModelSpecificationError("fewer than two outcome categories are present")
    lik = CumulativeLink(recode[y], X, keep.size, link)
    theta0 = lik.start()
    if start is not None:
        theta0[:p] = np.asarray(start, dtype=float)[:p]
    sub = _lean_newton(lik, theta0, link, on_separation, max_iter, p)
    out = np.full(p + K - 1, np.nan)
    out[:p] = sub[:p]
    # cut k separates categories <= k from > k; it survives when both sides are present
    # and maps to the cut between the last present category <= k and the next one
    for k in range(K - 1):
        if present[k] and present[k + 1]:
            out[p + k] = sub[p + recode[k]]
    return out


def _first_crossing(root, inner: float, outer: float) -> float | None:
    """A point between ``inner`` (root < 0) and ``outer`` (NaN) where root >= 0, if any."""
    for _ in range(60):
        mid = 0.5 * (inner + outer)
        r = root(mid)
        if np.isnan(r):
            outer = mid
        elif r >= 0:
            return mid
        else:
            inner = mid
    return None


def _bisect_crossing(root, inner: float, outer: float) -> float:
    """Bisection for root = 0 that treats NaN (no computable profile) as beyond it."""
    for _ in range(200):
        mid = 0.5 * (inner + outer)
        if abs(outer - inner) <= 1e-10 + 1e-12 * abs(mid):
            break
        r = root(mid)
        if np.isnan(r) or r >= 0:
            outer = mid
        else:
            inner = mid
    return float(0.5 * (inner + outer))


# --------------------------------------------------------------------------- result


@dataclass
class OrdinalResult:
    """A fitted proportional-odds model.

    Attributes
    ----------
    outcome, predictors, link
        The specification.
    categories
        Outcome categories, worst to best.
    data
        Model frame: the complete-case rows (original index) of the outcome (as an
        ordered categorical) and the predictors; join other columns (e.g. a cluster
        for resampling) by index.
    dropped
        :class:`~probstats.models.inference.missing.DroppedRows` report of the complete-case step.
    statsmodels
        The underlying statsmodels results (``summary()``, ``t_test`` ...).
    separation
        :class:`SeparationInfo` when the estimates do not exist, else ``None``.
    notes
        Every warning issued while fitting, for reports.
    """

    outcome: str
    predictors: list[str]
    link: str
    categories: list
    data: pd.DataFrame
    dropped: DroppedRows
    statsmodels: object
    design: pd.DataFrame
    levels: dict[str, list]
    separation: SeparationInfo | None = None
    notes: list[str] = field(default_factory=list)
    conf_level: float = 0.95
    _profile_cache: dict = field(default_factory=dict, repr=False)

    #: Reference distribution is normal; kept for callers that look for ``t``.
    df_inference = None

    # ----------------------------------------------------------- basic attributes

    @property
    def model(self) -> PolrModel:
        return self.statsmodels.model

    @property
    def _lik(self) -> CumulativeLink:
        return self.model._lik

    @property
    def coef_names(self) -> list[str]:
        return list(self.design.columns)

    @property
    def cut_names(self) -> list[str]:
        return _cut_names(self.categories)

    @property
    def params(self) -> pd.Series:
        """Coefficients then cut-points (``coef(polr)``, ``polr$zeta``)."""
        return pd.Series(
            np.asarray(self.statsmodels.params, dtype=float), index=self.coef_names + self.cut_names
        )

    @property
    def _theta(self) -> np.ndarray:
        # raw estimates without building a Series: the bootstrap hot path reads this
        return self.statsmodels._results.params

    @property
    def coefficients(self) -> pd.Series:
        return self.params[self.coef_names]

    @property
    def cutpoints(self) -> pd.Series:
        return self.params[self.cut_names]

    def cov_params(self) -> pd.DataFrame:
        """Inverse of the observed information (analytic Hessian)."""
        idx = self.params.index
        return pd.DataFrame(np.asarray(self.statsmodels.cov_params()), index=idx, columns=idx)

    @property
    def bse(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.cov_params().to_numpy())), index=self.params.index)

    @property
    def llf(self) -> float:
        return float(self.statsmodels.llf)

    @property
    def nobs(self) -> int:
        return int(self.statsmodels.nobs)

    @property
    def converged(self) -> bool:
        return bool(self.statsmodels.mle_retvals["converged"])

    @property
    def n_iter(self) -> int:
        return int(self.statsmodels.mle_retvals["iterations"])

    @property
    def aic(self) -> float:
        return -2 * self.llf + 2 * len(self.params)

    @property
    def bic(self) -> float:
        return -2 * self.llf + np.log(self.nobs) * len(self.params)

    # ----------------------------------------------------------- intervals

    def conf_int(
        self, conf_level: float | None = None, method: ConfMethod = "wald"
    ) -> pd.DataFrame:
        """Confidence intervals (columns ``conf_low``, ``conf_high``) on the link scale.

        ``"profile"`` inverts the likelihood-ratio test for each parameter (the other
        parameters re-maximised at each trial value, as ``confint(polr)`` does, but
        solved to 1e-8 by root finding instead of interpolating a grid); an end is
        infinite when the profile never falls far enough, as under separation.
        """
        _check_literal(method, ("wald", "profile"), "conf_method")
        level = self.conf_level if conf_level is None else conf_level
        if method == "wald":
            q = stats.norm.ppf(0.5 + level / 2)
            est, se = self.params, self.bse
            return pd.DataFrame({"conf_low": est - q * se, "conf_high": est + q * se})
        return self.profile_conf_int(level)

    def profile_conf_int(
        self, conf_level: float | None = None, terms: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Profile-likelihood confidence intervals (see :meth:`conf_int`).

        Each end is where the signed root of the likelihood-ratio statistic, with the
        other parameters re-maximised, reaches the normal quantile. An end is
        ``-inf`` or ``inf`` when the profile likelihood never falls by the chi-square
        cut-off on that side, which is decided exactly by a linear programme (under
        separation the parameters involved have such an end). Under separation the
        log-likelihood is measured from its supremum, not from the drifting iterate.

        Examples
        --------
        >>> from probstats.models.ordinal.model import _example
        >>> res = _example()
        >>> ci = res.profile_conf_int()
        >>> bool((ci["conf_low"] < res.params).all() and (res.params < ci["conf_high"]).all())
        True
        """
        level = self.conf_level if conf_level is None else conf_level
        names = list(self.params.index)
        terms = names if terms is None else list(terms)
        unknown = [t for t in terms if t not in names]
        if unknown:
            raise ModelSpecificationError(f"unknown term(s) {unknown}; terms are {names}")
        z = float(np.sqrt(stats.chi2.ppf(level, 1)))
        rows = []
        for t in terms:
            key = (t, round(level, 12))
            if key not in self._profile_cache:
                j = names.index(t)
                self._profile_cache[key] = (
                    self._profile_end(j, z, -1),
                    self._profile_end(j, z, +1),
                )
            rows.append(self._profile_cache[key])
        return pd.DataFrame(rows, index=terms, columns=["conf_low", "conf_high"])

    def _loglik_sup(self) -> float:
        """Supremum of the log-likelihood (the fitted value unless Newton stopped early)."""
        if "sup" not in self._profile_cache:
            sup = self.llf
            if not self.converged:
                # under separation the iterate drifts while the log-likelihood creeps up
                # to its supremum; push further so deviances are measured from there
                try:
                    sol = self._lik.newton(self._theta, max_iter=500, final_derivatives=False)
                    sup = max(sup, float(sol.loglik))
                except FloatingPointError:
                    pass
            self._profile_cache["sup"] = sup
        return self._profile_cache["sup"]

    def _profile_end(self, j: int, z: float, direction: int) -> float:
        lik = self._lik
        if lik.unbounded_along(j, direction):
            return float(direction * np.inf)
        hat = np.array(self._theta, dtype=float)
        llmax = self._loglik_sup()
        free = np.ones(hat.size, dtype=bool)
        free[j] = False
        p = len(self.coef_names)
        null = lik.start()
        xbar = lik.X.mean(0) if p else np.zeros(0)

        def starts(v: float) -> list[np.ndarray]:
            # fixed starting points: the profile must be a function of v alone, or a
            # root finder can see both signs at one point (no state between calls).
            # First the point with theta_j = v on the line from the null model through
            # the estimate: under separation that line is the separating direction, and
            # Newton's method stalls from starts where some rows are saturated
            out = []
            if hat[j] != null[j]:
                out.append(null + (v - null[j]) / (hat[j] - null[j]) * (hat - null))
            from_hat = hat.copy()
            from_hat[j] = v
            from_null = null.copy()
            from_null[j] = v
            if j >= p:
                # keep the cut-points ordered: shift the others with this one
                if not np.all(np.diff(from_hat[p:]) > 0):
                    from_hat[p:] = hat[p:] + (v - hat[j])
                from_null[p:] = null[p:] + (v - null[j])
            else:
                # centre the linear predictor so that large v keeps every row possible
                from_null[p:] = null[p:] + v * xbar[j]
            return [*out, from_hat, from_null]

        def root(v: float) -> float:
            """Signed root deviance minus z; NaN when no start gives every row a chance."""
            best = -np.inf
            for start in starts(v):
                try:
                    sol = lik.newton(start, free=free, max_iter=200, final_derivatives=False)
                except FloatingPointError:
                    continue
                # the maximum over fixed starts: a start where Newton stalls gives a
                # low value that must not be mistaken for the profile
                best = max(best, float(sol.loglik))
            if not np.isfinite(best):
                return np.nan
            return float(np.sqrt(max(2 * (llmax - best), 0.0))) - z

        se = float(self.bse.iloc[j])
        step = se if np.isfinite(se) and 0 < se < 10 * (1 + abs(hat[j])) else 1.0
        inner = hat[j]
        for k in range(60):
            v = hat[j] + direction * step * 2.0**k
            r = root(v)
            if np.isnan(r):
                # the likelihood is numerically zero from every start: far beyond the
                # cut-off on this (bounded) side; narrow down to a computable point
                v = _first_crossing(root, inner, v)
                if v is None:
                    break
                r = 0.0
            if r >= 0:
                lo, hi = sorted((inner, v))
                try:
                    return float(optimize.brentq(root, lo, hi, xtol=1e-10, rtol=1e-12))
                except (ValueError, RuntimeError):  # NaN inside the bracket
                    return _bisect_crossing(root, inner, v)
            inner = v
        # the end could not be located numerically: report it as unbounded rather
        # than as a finite number the likelihood does not support
        return float(direction * np.inf)

    # ----------------------------------------------------------- tables

    def tidy(
        self,
        conf_level: float | None = None,
        *,
        conf_method: ConfMethod = "wald",
        exponentiate: bool = False,
        cut_points: bool = True,
    ) -> pd.DataFrame:
        """Broom-style coefficient table.

        Columns ``term, estimate, std_error, statistic, p_value, conf_low, conf_high,
        coef_type`` (``"coefficient"`` or ``"cut_point"``). With ``exponentiate`` the
        coefficients' estimates and intervals are odds ratios (logit link; per unit,
        of a better rating); standard errors, statistics and p-values stay on the log
        scale and cut-points are never exponentiated.

        Examples
        --------
        >>> from probstats.models.ordinal.model import _example
        >>> _example().tidy(exponentiate=True)["term"].tolist()[:1]
        ['vacancy_rate_po']
        """
        _check_literal(conf_method, ("wald", "profile"), "conf_method")
        level = self.conf_level if conf_level is None else conf_level
        params, se = self.params, self.bse
        low = high = None
        if conf_method == "profile":
            ci = self.profile_conf_int(level)
            low, high = ci["conf_low"].to_numpy(), ci["conf_high"].to_numpy()
        is_coef = np.array([t in self.coef_names for t in params.index])
        if exponentiate and self.link != "logit":
            warnings.warn(
                "exponentiated probit coefficients are not odds ratios", UserWarning, stacklevel=2
            )
        out = tidy_table(
            params.index,
            params.to_numpy(),
            se.to_numpy(),
            conf_level=level,
            conf_low=low,
            conf_high=high,
            exponentiate=is_coef if exponentiate else False,
        )
        out["coef_type"] = np.where(is_coef, "coefficient", "cut_point")
        if not cut_points:
            out = out[is_coef].reset_index(drop=True)
        return out

    def glance(self) -> pd.DataFrame:
        """One-row model summary (``n, n_dropped, log_likelihood, aic, bic, pseudo_r2,
        df, df_residual, link, converged, separation``); ``pseudo_r2`` is McFadden's."""
        llnull = self.statsmodels.llnull
        return pd.DataFrame(
            {
                "n": [self.nobs],
                "n_dropped": [self.dropped.n_dropped],
                "log_likelihood": [self.llf],
                "aic": [self.aic],
                "bic": [self.bic],
                "pseudo_r2": [1 - self.llf / llnull if llnull != 0 else np.nan],
                "df": [len(self.params)],
                "df_residual": [self.nobs - len(self.params)],
                "link": [self.link],
                "converged": [self.converged],
                "separation": [self.separation is not None],
            }
        )

    def augment(self, newdata: pd.DataFrame | None = None) -> pd.DataFrame:
        """The data with ``.prob_<category>`` per category and ``.pred_class`` (the most
        probable category) per row."""
        base = self.data if newdata is None else newdata
        probs = self.predict_proba(base)
        out = base.copy()
        for c in probs.columns:
            out[f".prob_{c}"] = probs[c].to_numpy()
        arr = probs.to_numpy()
        codes = np.where(np.isnan(arr).any(1), -1, np.argmax(np.nan_to_num(arr, nan=-1), 1))
        out[".pred_class"] = pd.Categorical.from_codes(
            codes, dtype=pd.CategoricalDtype(self.categories, ordered=True)
        )
        return out

    # ----------------------------------------------------------- prediction

    def _new_design(self, newdata: pd.DataFrame) -> np.ndarray:
        missing = [p for p in self.predictors if p not in newdata.columns]
        if missing:
            raise ModelSpecificationError(f"newdata lacks predictor column(s) {missing}")
        X, _ = _design(newdata, self.predictors, {k: list(v) for k, v in self.levels.items()})
        return X[self.coef_names].to_numpy(dtype=float)

    def predict_proba(
        self,
        newdata: pd.DataFrame | None = None,
        params: pd.Series | np.ndarray | None = None,
        *,
        conf_int: bool = False,
        conf_level: float | None = None,
        scale: BandScale = "logit",
    ) -> pd.DataFrame:
        """Predicted category probabilities.

        Parameters
        ----------
        newdata
            Rows with the predictor columns (default: the model frame).
        params
            Parameters to use instead of the estimates (same order as ``params``).
        conf_int
            ``False``: a wide frame, one column per category (rows sum to 1).
            ``True``: a long frame with delta-method bands: ``row``, the predictors,
            ``category``, ``probability``, ``std_error``, ``conf_low``, ``conf_high``.
        conf_level
            Level of the bands.
        scale
            ``"logit"`` builds each band on the logit of the probability (stays inside
            0-1); ``"probability"`` on the probability itself (clipped to 0-1).

        Examples
        --------
        >>> from probstats.models.ordinal.model import _example
        >>> res = _example()
        >>> new = pd.DataFrame({"vacancy_rate_po": [5.0, 30.0]})
        >>> res.predict_proba(new).sum(axis=1).round(12).tolist()
        [1.0, 1.0]
        >>> band = res.predict_proba(new, conf_int=True)
        >>> bool((band.conf_low <= band.probability).all())
        True
        """
        base = self.data if newdata is None else newdata
        X = self._new_design(base)
        theta = self.params.to_numpy() if params is None else np.asarray(params, dtype=float)
        K = len(self.categories)
        P = _probabilities(theta, X, K, self.link)
        cols = [str(c) for c in self.categories]
        if not conf_int:
            return pd.DataFrame(P, index=base.index, columns=cols)
        _check_literal(scale, ("logit", "probability"), "scale")
        level = self.conf_level if conf_level is None else conf_level
        q = stats.norm.ppf(0.5 + level / 2)
        J = _probability_jacobian(theta, X, K, self.link)
        V = self.cov_params().to_numpy()
        se = np.sqrt(np.maximum(np.einsum("rkq,qs,rks->rk", J, V, J), 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            if scale == "logit":
                lo_p = np.clip(P, 1e-300, 1 - 1e-16)
                se_l = se / (lo_p * (1 - lo_p))
                centre = special.logit(lo_p)
                low, high = special.expit(centre - q * se_l), special.expit(centre + q * se_l)
            else:
                low, high = np.clip(P - q * se, 0, 1), np.clip(P + q * se, 0, 1)
        n = len(base)
        frame = pd.DataFrame(
            {
                "row": np.repeat(np.asarray(base.index), K),
                **{p: np.repeat(base[p].to_numpy(), K) for p in self.predictors},
                "category": pd.Categorical(
                    np.tile(np.asarray(self.categories, dtype=object), n),
                    categories=self.categories,
                    ordered=True,
                ),
                "probability": P.ravel(),
                "std_error": se.ravel(),
                "conf_low": low.ravel(),
                "conf_high": high.ravel(),
            }
        )
        return frame

    def typical_values(self) -> dict[str, object]:
        """Median of each numeric predictor, most common level of the others."""
        out: dict[str, object] = {}
        for p in self.predictors:
            s = self.data[p]
            if p in self.levels:
                out[p] = s.mode(dropna=True).iloc[0]
            else:
                out[p] = float(pd.to_numeric(s).median())
        return out

    def predict_grid(
        self,
        over: str,
        *,
        values: Sequence[object] | None = None,
        n_points: int = 50,
        at: dict[str, object] | None = None,
        conf_level: float | None = None,
        scale: BandScale = "logit",
    ) -> pd.DataFrame:
        """Predicted probabilities with bands over one predictor, others held typical.

        Numeric predictors not in ``at`` are held at their median, categorical ones at
        their most common level (:meth:`typical_values`). ``over`` runs over
        ``values`` or, by default, ``n_points`` equally spaced values across its
        observed range (all levels for a categorical predictor).

        Examples
        --------
        >>> from probstats.models.ordinal.model import _example
        >>> g = _example().predict_grid("vacancy_rate_po", n_points=5)
        >>> len(g), sorted(g.columns)[:2]
        (20, ['category', 'conf_high'])
        """
        if over not in self.predictors:
            raise ModelSpecificationError(f"{over!r} is not a predictor ({self.predictors})")
        typical = self.typical_values()
        unknown = [k for k in (at or {}) if k not in self.predictors]
        if unknown:
            raise ModelSpecificationError(f"at: {unknown} are not predictors {self.predictors}")
        typical.update(at or {})
        if values is None:
            if over in self.levels:
                values = list(self.levels[over])
            else:
                col = pd.to_numeric(self.data[over])
                values = np.linspace(col.min(), col.max(), n_points)
        grid = pd.DataFrame({over: list(values)})
        for p in self.predictors:
            if p != over:
                grid[p] = [typical[p]] * len(grid)
        return self.predict_proba(grid, conf_int=True, conf_level=conf_level, scale=scale)

    # ----------------------------------------------------------- tests & refits

    def brant_test(self, **kwargs):
        """Brant's Wald test of proportional odds (:func:`probstats.models.ordinal.brant.brant_test`)."""
        from probstats.models.ordinal.brant import brant_test

        return brant_test(self, **kwargs)

    def proportional_odds_lr_test(self):
        """Likelihood-ratio tests against partial proportional-odds models
        (see :func:`probstats.models.ordinal.brant.proportional_odds_lr_test`)."""
        from probstats.models.ordinal.brant import proportional_odds_lr_test

        return proportional_odds_lr_test(self)

    def refit_fn(
        self,
        *,
        terms: Literal["all", "coefficients"] | Sequence[str] = "all",
        empty_categories: EmptyCategories = "raise",
        on_separation: OnSeparation = "raise",
    ) -> Callable[[pd.DataFrame], pd.Series]:
        """A lean ``fit_fn(data) -> pd.Series`` for resampling (warm-started, no checks).

        ``data`` must hold the outcome and predictor columns with the original coding
        (e.g. rows of :attr:`data`). ``terms="coefficients"`` returns the coefficients
        only, which together with ``empty_categories="drop"`` keeps resamples that
        lose a sparse category usable (coefficients are unchanged by merging
        categories under proportional odds).

        Examples
        --------
        >>> from probstats.models.ordinal.model import _example
        >>> res = _example()
        >>> fn = res.refit_fn()
        >>> bool(np.allclose(fn(res.data), res.params, atol=1e-8))
        True
        """
        _check_literal(empty_categories, ("raise", "drop"), "empty_categories")
        _check_literal(on_separation, ("raise", "nan", "ignore"), "on_separation")
        names = list(self.params.index)
        if terms == "all":
            keep = names
        elif terms == "coefficients":
            keep = self.coef_names
        else:
            keep = list(terms)
        start = self.params.to_numpy().copy()
        K = len(self.categories)
        dtype = pd.CategoricalDtype(self.categories, ordered=True)
        outcome, link = self.outcome, self.link
        levels = {k: list(v) for k, v in self.levels.items()}
        coef_names, predictors = self.coef_names, list(self.predictors)
        numeric_only = not levels

        def fit_fn(data: pd.DataFrame) -> pd.Series:
            ycat = data[outcome]
            if not (isinstance(ycat.dtype, pd.CategoricalDtype) and ycat.dtype == dtype):
                ycat = _outcome_categorical(ycat, outcome).astype(dtype)
            y = ycat.cat.codes.to_numpy()
            if numeric_only:
                X = data[predictors].to_numpy(dtype=float)
            else:
                X = _design(data, predictors, levels)[0][coef_names].to_numpy(dtype=float)
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
            )
            return pd.Series(par, index=names)[keep]

        return fit_fn

    def refit_rows(
        self,
        rows: np.ndarray,
        *,
        on_separation: OnSeparation = "raise",
        empty_categories: EmptyCategories = "raise",
    ) -> np.ndarray:
        """Fastest refit: positions (e.g. a bootstrap draw) of the model frame's rows.

        Returns the parameter vector; warm-started at the full-data estimates.
        """
        rows = np.asarray(rows)
        lik = self.model._lik
        y = lik.y[rows]
        K = lik.n_levels
        start = self._theta
        if np.bincount(y, minlength=K).min() == 0:
            return fit_ordinal_arrays(
                y,
                lik.X[rows],
                K,
                link=self.link,
                start=start,
                empty_categories=empty_categories,
                on_separation=on_separation,
            )
        return _lean_newton(lik.take(rows), start, self.link, on_separation, 50, lik.X.shape[1])

    def summary(self) -> str:
        """Text summary: tidy table, glance and notes."""
        lines = [
            f"Cumulative {self.link} model of {self.outcome}: "
            f"{self.link} P(Y <= k) = zeta_k - x'beta; positive beta = higher categories",
            self.tidy().to_string(index=False),
            self.glance().to_string(index=False),
        ]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


# --------------------------------------------------------------------------- fitting


def fit_ordinal(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    link: Link = "logit",
    *,
    conf_level: float = 0.95,
    empty_categories: EmptyCategories = "raise",
    min_category_count: int = MIN_CATEGORY_COUNT,
    check_separation: bool = True,
    warn: bool = True,
    max_iter: int = 100,
) -> OrdinalResult:
    """Fit a proportional-odds model of an ordered outcome (e.g. the overall rating).

    Parameters
    ----------
    data
        One row per inspection.
    outcome
        Ordered outcome column: a :data:`~probstats.dataset.ratings.RATING_DTYPE` categorical,
        rating labels as text, any ordered categorical, or integers (ordered by value).
    predictors
        Numeric columns (used as they are) and categorical ones (treatment dummies
        ``name[level]`` against the first level).
    link
        ``"logit"`` (proportional odds) or ``"probit"``.
    conf_level
        Default level of intervals in :meth:`OrdinalResult.tidy` and friends.
    empty_categories
        ``"raise"`` (default) refuses outcome categories without observations, naming
        them; ``"drop"`` removes them from the model with a note.
    min_category_count
        Categories or predictor levels with fewer rows give a SparseCategoryWarning.
    check_separation
        Run the exact separation check (a small linear programme).
    warn
        Emit warnings (they are always recorded in ``notes``).
    max_iter
        Newton iterations.

    Returns
    -------
    OrdinalResult

    Raises
    ------
    ModelSpecificationError
        Empty outcome categories, fewer than two categories, perfectly collinear or
        constant predictors, unknown columns or options.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> x = rng.uniform(0, 40, 150)
    >>> latent = 2.5 - 0.08 * x + rng.logistic(size=150)
    >>> codes = np.digitize(latent, [-1.0, 1.0, 3.5])
    >>> df = pd.DataFrame({"rating": pd.Categorical.from_codes(codes, dtype=RATING_DTYPE),
    ...                    "vacancy_rate_po": x})
    >>> res = fit_ordinal(df, "rating", ["vacancy_rate_po"])
    >>> bool(res.params["vacancy_rate_po"] < 0)
    True
    >>> res.tidy()["term"].tolist()[:2]
    ['vacancy_rate_po', 'Inadequate|Requires improvement']
    """
    _check_literal(link, ("logit", "probit"), "link")
    _check_literal(empty_categories, ("raise", "drop"), "empty_categories")
    predictors = list(predictors)
    if not predictors:
        raise ModelSpecificationError("give at least one predictor")
    if outcome in predictors:
        raise ModelSpecificationError(f"outcome {outcome!r} is also listed as a predictor")
    notes: list[str] = []

    def note(message: str, category: type[Warning]) -> None:
        notes.append(message)
        if warn:
            warnings.warn(message, category, stacklevel=3)

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
    ycat = _outcome_categorical(kept[outcome], outcome)
    counts = ycat.value_counts(sort=False).reindex(ycat.cat.categories, fill_value=0)
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
    K = len(categories)
    if K < 2:
        raise ModelSpecificationError(
            f"outcome {outcome!r} has a single category ({categories}); nothing to model"
        )
    frame = kept[[outcome, *predictors]].copy()
    frame[outcome] = ycat
    X, levels = _design(frame, predictors)
    groups = _collinear_groups(X)
    if groups:
        parts = []
        for g in groups:
            if len(g) == 1:
                parts.append(f"{g[0]} is constant in the {len(X)} rows used")
            else:
                parts.append(
                    "perfectly collinear predictors "
                    + ", ".join(g)
                    + " (a linear combination of them is constant)"
                )
        raise ModelSpecificationError(
            "cannot estimate the model: "
            + "; ".join(parts)
            + ". Drop one of the predictors involved"
        )
    n, p = X.shape
    k_par = p + K - 1
    if n < MIN_PER_PARAMETER * k_par:
        note(
            f"only {n} observations for {k_par} parameters ({n / k_par:.1f} per parameter; "
            f"at least {MIN_PER_PARAMETER} recommended): estimates and standard errors "
            "are unreliable and Wald intervals optimistic; prefer profile intervals",
            SmallSampleWarning,
        )
    sparse = [f"{c} (n={int(m)})" for c, m in counts.items() if m < min_category_count]
    if sparse:
        note(
            f"outcome {outcome!r} has sparse categories: {', '.join(sparse)}; cut-points "
            "next to them are poorly estimated; consider merging categories",
            SparseCategoryWarning,
        )
    for pname, levs in levels.items():
        sizes = frame[pname].value_counts()
        thin = [
            f"{lev} (n={int(sizes.get(lev, 0))})"
            for lev in levs
            if sizes.get(lev, 0) < min_category_count
        ]
        if thin:
            note(f"predictor {pname!r} has sparse levels: {', '.join(thin)}", SparseCategoryWarning)

    y = ycat.cat.codes.to_numpy().astype(np.intp)
    model = PolrModel(
        pd.Series(y, index=X.index, name=outcome), X, categories=categories, link=link
    )
    sep = None
    if check_separation:
        d = model._lik.separating_direction()
        if d is not None:
            sep = _describe_separation(d, y, X, categories, levels, frame)
            note(sep.message, SeparationWarning)
    smres = model.fit(maxiter=max_iter)
    if not smres.mle_retvals["converged"] and sep is None:
        note(f"Newton's method did not converge in {max_iter} iterations", ConvergenceWarning)
    return OrdinalResult(
        outcome,
        predictors,
        link,
        categories,
        frame,
        report,
        smres,
        X,
        levels,
        sep,
        notes,
        conf_level,
    )


_FORMULA = re.compile(r"^\s*([^~]+?)\s*~\s*(.+?)\s*$")
_CAT_TERM = re.compile(r"^C\(\s*([^)]+?)\s*\)$")


def fit_ordinal_formula(formula: str, data: pd.DataFrame, **kwargs) -> OrdinalResult:
    """Formula front end: ``"overall_rating ~ vacancy_rate_po + C(region)"``.

    Terms are column names joined by ``+``; ``C(name)`` treats a column as
    categorical. Transformations and interactions are not supported: compute them as
    columns first. Other arguments go to :func:`fit_ordinal`.

    Examples
    --------
    >>> from probstats.models.ordinal.model import _example
    >>> d = _example().data
    >>> fit_ordinal_formula("rating ~ vacancy_rate_po", d).params.index[0]
    'vacancy_rate_po'
    """
    m = _FORMULA.match(formula)
    if not m:
        raise ModelSpecificationError(f"formula {formula!r} is not of the form 'y ~ a + b'")
    outcome = m.group(1).strip()
    data = data.copy()
    predictors = []
    for term in (t.strip() for t in m.group(2).split("+")):
        c = _CAT_TERM.match(term)
        if c:
            name = c.group(1)
            if name not in data.columns:
                raise ModelSpecificationError(f"formula term {term!r}: no column {name!r}")
            if not isinstance(data[name].dtype, pd.CategoricalDtype):
                data[name] = data[name].astype("category")
            predictors.append(name)
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", term):
            predictors.append(term)
        else:
            raise ModelSpecificationError(
                f"formula term {term!r} is not a column name or C(column); compute "
                "transformations and interactions as columns first"
            )
    return fit_ordinal(data, outcome, predictors, **kwargs)


def _example() -> OrdinalResult:
    """A small fitted model used in the docstring examples."""
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 40, 160)
    codes = np.digitize(2.5 - 0.08 * x + rng.logistic(size=160), [-1.0, 1.0, 3.5])
    df = pd.DataFrame(
        {"rating": pd.Categorical.from_codes(codes, dtype=RATING_DTYPE), "vacancy_rate_po": x}
    )
    return fit_ordinal(df, "rating", ["vacancy_rate_po"], warn=False)
