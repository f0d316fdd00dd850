"""The fitted proportional-odds model: estimates, intervals, tables, predictions, refits.

:class:`OrdinalResult` satisfies :class:`~probstats.models._base.ModelResult`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from probstats.errors import ModelSpecificationError, ScaleWarning
from probstats.models._base import (
    ConfMethod,
    DroppedRows,
    Typical,
    check_literal,
    cut_names,
    design_matrix,
    tidy_table,
    typical_values,
)
from probstats.models.ordinal.likelihood import CumulativeLink, probabilities, probability_band
from probstats.models.ordinal.profile import profile_limit
from probstats.models.separation import SeparationReport, unbounded_along

__all__ = ["OrdinalResult"]

EmptyCategories = Literal["raise", "drop"]
OnSeparation = Literal["raise", "nan", "ignore"]
BandScale = Literal["logit", "probability"]


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
        :class:`~probstats.models._base.DroppedRows` report of the complete-case step.
    statsmodels
        The underlying statsmodels results (``summary()``, ``t_test`` ...).
    separation
        :class:`~probstats.models.separation.SeparationReport`; ``.separated`` when
        the maximum-likelihood estimates of some terms do not exist.
    estimator
        ``"ml"`` or ``"firth"`` (bias-reduced).
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
    separation: SeparationReport = field(default_factory=SeparationReport)
    notes: list[str] = field(default_factory=list)
    conf_level: float = 0.95
    estimator: str = "ml"
    weights: np.ndarray | None = None
    _profile_cache: dict = field(default_factory=dict, repr=False)
    #: The penalised fit (``estimator="firth"``), for its profile intervals.
    penalised: object | None = field(default=None, repr=False)

    #: Reference distribution is normal.
    df_inference = None

    # ----------------------------------------------------------- basic attributes

    @property
    def model(self):
        """The statsmodels model (:class:`~probstats.models.ordinal.model.PolrModel`)."""
        return self.statsmodels.model

    @property
    def _lik(self) -> CumulativeLink:
        return self.model._lik

    @property
    def coef_names(self) -> list[str]:
        return list(self.design.columns)

    @property
    def cut_names(self) -> list[str]:
        return cut_names(self.categories)

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
        """Number of observations (the sum of frequency weights when weighted)."""
        if self.weights is not None:
            return int(round(float(np.sum(self.weights))))
        return int(self.statsmodels.nobs)

    @property
    def converged(self) -> bool:
        return bool(self.statsmodels.mle_retvals["converged"])

    @property
    def n_iter(self) -> int:
        return int(self.statsmodels.mle_retvals["iterations"])

    @property
    def estimable(self) -> bool:
        """Finite estimates exist and were found: converged, not separated, finite SEs."""
        exists = self.estimator != "ml" or not self.separation.separated
        return self.converged and exists and bool(np.all(np.isfinite(self.bse.to_numpy())))

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
        check_literal(method, ConfMethod, "conf_method")
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
        if self.penalised is not None:
            return self._penalised_profile(level, terms, names)
        z = float(np.sqrt(stats.chi2.ppf(level, 1)))
        lik = self._objective()
        llmax = self._loglik_sup()
        bse = self.bse.to_numpy()

        def unbounded(j: int, direction: int) -> bool:
            return unbounded_along(lik.y, lik.X, lik.n_levels, j, direction)

        rows = []
        for t in terms:
            key = (t, round(level, 12))
            if key not in self._profile_cache:
                j = names.index(t)
                self._profile_cache[key] = tuple(
                    profile_limit(lik, self._theta, llmax, j, z, d, float(bse[j]), unbounded)
                    for d in (-1, +1)
                )
            rows.append(self._profile_cache[key])
        return pd.DataFrame(rows, index=terms, columns=["conf_low", "conf_high"])

    def _penalised_profile(self, level, terms, names) -> pd.DataFrame:
        """Penalised-likelihood profile limits of a bias-reduced fit."""
        from probstats.models._base.penalised import penalised_profile_interval

        rows = []
        for t in terms:
            key = (t, round(level, 12))
            if key not in self._profile_cache:
                j = names.index(t)
                self._profile_cache[key] = penalised_profile_interval(
                    self.penalised, j, level=level
                )
            rows.append(self._profile_cache[key])
        return pd.DataFrame(rows, index=terms, columns=["conf_low", "conf_high"])

    @property
    def likelihood(self) -> CumulativeLink:
        """The model's cumulative link likelihood on the model frame (outcome codes,
        design without intercept, weights), for code that refits it directly."""
        return self._lik

    def _objective(self):
        """The function whose maximum the estimates are (the penalised one for Firth)."""
        return self._lik

    def _loglik_sup(self) -> float:
        """Supremum of the log-likelihood (the fitted value unless Newton stopped early)."""
        if "sup" not in self._profile_cache:
            sup = self.llf
            if not self.converged:
                # under separation the iterate drifts while the log-likelihood creeps up to
                # its supremum; push further so deviances are measured from there
                sol = self._lik.newton(self._theta, max_iter=500, final_derivatives=False)
                sup = max(sup, float(sol.loglik))
            self._profile_cache["sup"] = sup
        return self._profile_cache["sup"]

    # ----------------------------------------------------------- tables

    def _flags(self) -> pd.Series:
        """Per parameter: why its estimate is not a number to report ("" if it is one)."""
        flags = pd.Series("", index=self.params.index, dtype=object)
        if self.separation.separated and self.estimator == "ml":
            for t in self.separation.directions:
                if t in flags.index:
                    flags[t] = "separated: estimate infinite"
        return flags

    def tidy(
        self,
        conf_level: float | None = None,
        *,
        conf_method: ConfMethod = "wald",
        exponentiate: bool = False,
        per: dict[str, float] | None = None,
        auxiliary: bool = True,
    ) -> pd.DataFrame:
        """Broom-style coefficient table.

        Columns ``term, estimate, std_error, statistic, p_value, conf_low, conf_high,
        coef_type, flag``. ``coef_type`` is ``"coefficient"`` or ``"cut_point"``;
        ``flag`` says why a row is not an estimate. Under separation the terms
        involved have no maximum-likelihood estimate: their ``estimate`` is ``-inf`` or
        ``inf``, ``std_error``, ``statistic`` and ``p_value`` are NaN and the interval is
        the profile-likelihood one (one end infinite), whatever ``conf_method``. With
        ``exponentiate`` the coefficients' estimates and intervals are odds ratios
        (logit link; per unit, of a better rating). ``per={"vacancy_rate_po": 10}``
        rescales a coefficient to a 10-unit change first. ``auxiliary=False`` leaves the
        cut-points out.

        Examples
        --------
        >>> from probstats.models.ordinal.model import _example
        >>> _example().tidy(exponentiate=True)["term"].tolist()[:1]
        ['vacancy_rate_po']
        """
        check_literal(conf_method, ConfMethod, "conf_method")
        level = self.conf_level if conf_level is None else conf_level
        params, se = self.params.copy(), self.bse.copy()
        flags = self._flags()
        low = high = None
        if conf_method == "profile" or flags.ne("").any():
            terms = (
                list(params.index) if conf_method == "profile" else list(flags[flags != ""].index)
            )
            ci = self.profile_conf_int(level, terms).reindex(params.index)
            low, high = ci["conf_low"].to_numpy(), ci["conf_high"].to_numpy()
        bad = flags.ne("").to_numpy()
        if bad.any():
            sign = pd.Series(self.separation.directions, dtype=float).reindex(params.index)
            params[bad] = sign[bad] * np.inf
            se[bad] = np.nan
        scale = _per_scale(per, self.coef_names, params.index)
        params, se = params * scale, se * scale
        if low is not None:
            low, high = low * scale.to_numpy(), high * scale.to_numpy()
        is_coef = np.array([t in self.coef_names for t in params.index])
        if exponentiate and self.link != "logit":
            warnings.warn(
                "exponentiated probit coefficients are not odds ratios", ScaleWarning, stacklevel=2
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
        out["flag"] = flags.to_numpy()
        if not auxiliary:
            out = out[is_coef].reset_index(drop=True)
        return out

    def glance(self) -> pd.DataFrame:
        """One-row model summary.

        ``n, n_dropped, log_likelihood, aic, bic, pseudo_r2, df_residual, converged,
        separation, estimator, df, link``; ``pseudo_r2`` is McFadden's; ``separation``
        is the kind (``"none"``, ``"complete"``, ``"quasi-complete"``).
        """
        llnull = self.statsmodels.llnull
        return pd.DataFrame(
            {
                "n": [self.nobs],
                "n_dropped": [self.dropped.n_dropped],
                "log_likelihood": [self.llf],
                "aic": [self.aic],
                "bic": [self.bic],
                "pseudo_r2": [1 - self.llf / llnull if llnull != 0 else np.nan],
                "df_residual": [self.nobs - len(self.params)],
                "converged": [self.converged],
                "separation": [self.separation.kind],
                "estimator": [self.estimator],
                "df": [len(self.params)],
                "link": [self.link],
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

    def summary(self) -> str:
        """Text summary: tidy table, glance and notes."""
        lines = [
            f"Cumulative {self.link} model of {self.outcome} ({self.estimator}): "
            f"{self.link} P(Y <= k) = zeta_k - x'beta; positive beta = higher categories",
            self.tidy().to_string(index=False),
            self.glance().to_string(index=False),
        ]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    # ----------------------------------------------------------- prediction

    def _new_design(self, newdata: pd.DataFrame) -> np.ndarray:
        missing = [p for p in self.predictors if p not in newdata.columns]
        if missing:
            raise ModelSpecificationError(f"newdata lacks predictor column(s) {missing}")
        X, _ = design_matrix(newdata, self.predictors, {k: list(v) for k, v in self.levels.items()})
        return X[self.coef_names].to_numpy(dtype=float)

    def predict_proba(
        self,
        newdata: pd.DataFrame | None = None,
        params: pd.Series | np.ndarray | None = None,
    ) -> pd.DataFrame:
        """Predicted category probabilities: one column per category (rows sum to 1).

        Parameters
        ----------
        newdata
            Rows with the predictor columns (default: the model frame).
        params
            Parameters to use instead of the estimates (same order as ``params``).

        Examples
        --------
        >>> import pandas as pd
        >>> from probstats.models.ordinal.model import _example
        >>> res = _example()
        >>> new = pd.DataFrame({"vacancy_rate_po": [5.0, 30.0]})
        >>> res.predict_proba(new).sum(axis=1).round(12).tolist()
        [1.0, 1.0]
        """
        base = self.data if newdata is None else newdata
        X = self._new_design(base)
        theta = self.params.to_numpy() if params is None else np.asarray(params, dtype=float)
        P = probabilities(theta, X, len(self.categories), self.link)
        return pd.DataFrame(P, index=base.index, columns=[str(c) for c in self.categories])

    def predict_band(
        self,
        newdata: pd.DataFrame | None = None,
        *,
        conf_level: float | None = None,
        scale: BandScale = "logit",
    ) -> pd.DataFrame:
        """Predicted probabilities with delta-method bands, one row per row and category.

        Columns ``row``, the predictors, ``category``, ``probability``, ``std_error``,
        ``conf_low``, ``conf_high``. ``scale="logit"`` builds each band on the logit of
        the probability (it stays inside 0-1); ``"probability"`` on the probability
        itself (clipped to 0-1).

        Examples
        --------
        >>> import pandas as pd
        >>> from probstats.models.ordinal.model import _example
        >>> band = _example().predict_band(pd.DataFrame({"vacancy_rate_po": [5.0, 30.0]}))
        >>> bool((band.conf_low <= band.probability).all())
        True
        """
        check_literal(scale, BandScale, "scale")
        base = self.data if newdata is None else newdata
        level = self.conf_level if conf_level is None else conf_level
        K = len(self.categories)
        P, se, low, high = probability_band(
            self.params.to_numpy(),
            self._new_design(base),
            self.cov_params().to_numpy(),
            K,
            self.link,
            level,
            scale,
        )
        n = len(base)
        return pd.DataFrame(
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

    def typical_values(self, typical: Typical = "median") -> dict[str, object]:
        """Median (or mean) of each numeric predictor, most common level of the others."""
        return typical_values(self.data, self.predictors, typical)

    def predict_grid(
        self,
        over: str,
        *,
        values: Sequence[object] | None = None,
        n_points: int = 50,
        at: dict[str, object] | None = None,
        conf_level: float | None = None,
        scale: BandScale = "logit",
        typical: Typical = "median",
    ) -> pd.DataFrame:
        """Predicted probabilities with bands over one predictor, others held typical.

        Predictors not in ``at`` are held at their typical values
        (:func:`~probstats.models._base.typical_values`). ``over`` runs over ``values``
        or, by default, ``n_points`` equally spaced values across its observed range
        (all levels for a categorical predictor).

        Examples
        --------
        >>> from probstats.models.ordinal.model import _example
        >>> g = _example().predict_grid("vacancy_rate_po", n_points=5)
        >>> len(g), sorted(g.columns)[:2]
        (20, ['category', 'conf_high'])
        """
        if over not in self.predictors:
            raise ModelSpecificationError(f"{over!r} is not a predictor ({self.predictors})")
        fixed = self.typical_values(typical)
        unknown = [k for k in (at or {}) if k not in self.predictors]
        if unknown:
            raise ModelSpecificationError(f"at: {unknown} are not predictors {self.predictors}")
        fixed.update(at or {})
        if values is None:
            if over in self.levels:
                values = list(self.levels[over])
            else:
                col = pd.to_numeric(self.data[over])
                values = np.linspace(col.min(), col.max(), n_points)
        grid = pd.DataFrame({over: list(values)})
        for p in self.predictors:
            if p != over:
                grid[p] = [fixed[p]] * len(grid)
        return self.predict_band(grid, conf_level=conf_level, scale=scale)

    # ----------------------------------------------------------- tests & refits

    def brant_test(self, **kwargs):
        """Brant's Wald test of proportional odds (see :func:`~.brant.brant_test`)."""
        from probstats.models.ordinal.brant import brant_test

        return brant_test(self, **kwargs)

    def proportional_odds_lr_test(self):
        """Likelihood-ratio tests against partial proportional-odds models
        (see :func:`~.brant.proportional_odds_lr_test`)."""
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
        >>> import numpy as np
        >>> from probstats.models.ordinal.model import _example
        >>> res = _example()
        >>> fn = res.refit_fn()
        >>> bool(np.allclose(fn(res.data), res.params, atol=1e-8))
        True
        """
        from probstats.models.ordinal.refit import refit_function

        return refit_function(self, terms, empty_categories, on_separation)

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
        from probstats.models.ordinal.refit import refit_positions

        return refit_positions(self, rows, on_separation, empty_categories)


def _per_scale(per: dict[str, float] | None, coef: list[str], index: pd.Index) -> pd.Series:
    """Multipliers that put coefficients on a per-``per``-units scale (1 elsewhere)."""
    scale = pd.Series(1.0, index=index)
    for term, mult in (per or {}).items():
        if term not in coef:
            raise ModelSpecificationError(f"per: unknown term {term!r}; terms are {coef}")
        scale[term] = float(mult)
    return scale
