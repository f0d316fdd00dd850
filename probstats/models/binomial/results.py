"""The fitted binomial-family model of a case-sample outcome.

:class:`BinomialResult` satisfies :class:`~probstats.models._base.ModelResult`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special, stats

from probstats.errors import ModelSpecificationError
from probstats.models._base import (
    ConfMethod,
    DroppedRows,
    check_literal,
    design_matrix,
    tidy_table,
)
from probstats.models.separation import SeparationReport

__all__ = ["BinomialResult"]


@dataclass
class BinomialResult:
    """Fitted binomial / quasi-binomial / beta-binomial model of a case-sample outcome.

    Attributes
    ----------
    params, cov
        All estimated parameters (logit coefficients, then ``logit_rho`` for the
        beta-binomial and ``log_sd__<region>`` for a random intercept) and the covariance
        used for inference (cluster-robust, quasi-scaled or model-based).
    df_inference
        Degrees of freedom of the ``t`` reference (``None`` means normal).
    data
        The model frame actually used (complete cases) with ``successes`` and ``trials``.
    dropped
        :class:`~probstats.models._base.DroppedRows` report.
    separation
        :class:`~probstats.models.separation.SeparationReport` from the exact check of
        the logit mean model.
    sm_result
        Underlying statsmodels ``GLMResults`` for binomial / quasi-binomial fits.
    optimizer
        ``scipy.optimize.OptimizeResult`` for likelihoods maximised here.
    notes
        Plain-language caveats (few clusters, boundary estimates, ...).
    """

    outcome: str
    predictors: list[str]
    family: str
    region_effect: str
    region: str | None
    params: pd.Series
    cov: pd.DataFrame
    df_inference: float | None
    data: pd.DataFrame
    successes: np.ndarray
    trials: np.ndarray
    llf: float
    n_groups: int | None
    dropped: DroppedRows
    levels: dict[str, list]
    conf_level: float = 0.95
    dispersion: float = 1.0
    sm_result: object | None = None
    optimizer: object | None = None
    random_effects: pd.Series | None = None
    notes: list[str] = field(default_factory=list)
    separation: SeparationReport = field(default_factory=SeparationReport)
    estimator: str = "ml"
    fit_converged: bool = True
    #: The penalised fit (``estimator="firth"``), for its profile intervals.
    penalised: object | None = field(default=None, repr=False)
    _spec: dict = field(default_factory=dict, repr=False)
    _refit: Callable | None = field(default=None, repr=False)
    _null_llf: float | None = field(default=None, repr=False)

    #: A k-of-n outcome: predictions are the chance that a case is judged sufficient.
    categories = ["sufficient"]

    # -- basic accessors
    @property
    def nobs(self) -> int:
        return len(self.data)

    @property
    def coef_names(self) -> list[str]:
        """Names of the logit coefficients (excluding dispersion / variance parameters)."""
        return [t for t in self.params.index if not t.startswith(("logit_rho", "log_sd__"))]

    def cov_params(self) -> pd.DataFrame:
        return self.cov.copy()

    @property
    def bse(self) -> pd.Series:
        with np.errstate(invalid="ignore"):
            return pd.Series(np.sqrt(np.diag(self.cov)), index=self.params.index)

    @property
    def converged(self) -> bool:
        return bool(self.fit_converged)

    @property
    def estimable(self) -> bool:
        """Finite estimates exist and were found: converged, not separated, finite SEs."""
        exists = self.estimator != "ml" or not self.separation.separated
        finite = bool(np.all(np.isfinite(self.bse[self.coef_names].to_numpy())))
        return self.converged and exists and finite

    # -- prediction
    def linear_predictor(
        self, newdata: pd.DataFrame, params: pd.Series | np.ndarray | None = None
    ) -> np.ndarray:
        """Logit of the predicted probability (typical region for a random intercept)."""
        params = self.params if params is None else pd.Series(params, index=self.params.index)
        X, _ = design_matrix(newdata, self.predictors, self.levels, intercept=True)
        return X.to_numpy() @ params[self.coef_names].to_numpy()

    def predict_proba(
        self,
        newdata: pd.DataFrame | None = None,
        params: pd.Series | np.ndarray | None = None,
    ) -> pd.DataFrame:
        """Predicted probability that a case is sufficient: one column, ``sufficient``.

        For a random-intercept model this is the probability in a typical region
        (random effect 0), not the population average.
        """
        base = self.data if newdata is None else newdata
        p = special.expit(self.linear_predictor(base, params))
        return pd.DataFrame({"sufficient": p}, index=base.index)

    # -- tidy interface
    def _flags(self) -> pd.Series:
        flags = pd.Series("", index=self.coef_names, dtype=object)
        if self.separation.separated and self.estimator == "ml":
            for t in self.separation.directions:
                if t in flags.index:
                    flags[t] = "separated: estimate infinite"
        elif not self.converged:
            flags[:] = "not converged"
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
        """Coefficient table ``term, estimate, std_error, statistic, p_value, conf_low,
        conf_high, flag``.

        ``exponentiate=True`` gives odds ratios (and the exponentiated interval; the
        standard error stays on the log-odds scale). ``per={"vacancy_rate_po": 10}``
        rescales that coefficient to a 10-unit change first. A random-intercept SD is
        reported on its own scale with a Wald interval from the log scale and no test
        (a zero SD is on the boundary); ``auxiliary=False`` leaves it (and ``rho``) out.
        Under separation the terms involved have no estimate: ``estimate`` is
        ``-inf``/``inf``, ``std_error``, ``statistic``, ``p_value`` and the interval
        NaN, and ``flag`` says why. ``conf_method="profile"`` is available for the
        bias-reduced fit (``estimator="firth"``) only.
        """
        check_literal(conf_method, ConfMethod, "conf_method")
        level = self.conf_level if conf_level is None else conf_level
        coef = self.coef_names
        scale = pd.Series(1.0, index=coef)
        for term, mult in (per or {}).items():
            if term not in scale.index:
                raise ModelSpecificationError(f"per: unknown term {term!r}; terms are {coef}")
            scale[term] = mult
        est = self.params[coef] * scale
        se = self.bse[coef] * scale
        low = high = None
        if conf_method == "profile":
            ci = self.profile_conf_int(level)
            low = (ci["conf_low"] * scale).to_numpy()
            high = (ci["conf_high"] * scale).to_numpy()
        flags = self._flags()
        bad = flags.str.startswith("separated").to_numpy()
        if bad.any():
            sign = pd.Series(self.separation.directions, dtype=float).reindex(coef)
            est[bad] = sign[bad] * np.inf
            se[bad] = np.nan
        out = tidy_table(
            coef,
            est.to_numpy(),
            se.to_numpy(),
            df=self.df_inference,
            conf_level=level,
            conf_low=low,
            conf_high=high,
            exponentiate=exponentiate,
        )
        if bad.any():
            out.loc[bad, ["conf_low", "conf_high"]] = np.nan
        out["flag"] = flags.to_numpy()
        if auxiliary:
            extra = self._auxiliary_rows(level)
            if len(extra) and bad.any():
                # with the mean part run off to infinity, the dispersion or region SD at
                # the last iterate is not an estimate of anything
                extra.loc[:, ["estimate", "std_error", "conf_low", "conf_high"]] = np.nan
                extra["flag"] = "separated: not estimated"
            if len(extra):
                out = pd.concat([out, extra], ignore_index=True)
        return out

    def profile_conf_int(self, conf_level: float | None = None) -> pd.DataFrame:
        """Penalised-likelihood profile intervals of a bias-reduced (Firth) fit."""
        if self.penalised is not None:
            from probstats.models._base.penalised import penalised_profile_interval

            level = self.conf_level if conf_level is None else conf_level
            rows = [
                penalised_profile_interval(self.penalised, j, level=level)
                for j in range(len(self.coef_names))
            ]
            return pd.DataFrame(rows, index=self.coef_names, columns=["conf_low", "conf_high"])
        raise ModelSpecificationError(
            "profile-likelihood intervals are available for estimator='firth' fits; this is "
            f"a {self.family} fit with region_effect={self.region_effect!r}"
        )

    def _auxiliary_rows(self, level: float) -> pd.DataFrame:
        """rho and the random-intercept SD on their own scales (no test: boundary)."""
        rows = []
        z = stats.norm.ppf(0.5 + level / 2)
        for t in self.params.index:
            if t in self.coef_names:
                continue
            e, s = float(self.params[t]), float(self.bse[t])
            if t.startswith("log_sd__"):
                name, tr = "sd__" + t[len("log_sd__") :], np.exp
            else:
                name, tr = "rho", special.expit
            # delta-method SE on the reported scale; interval from the unbounded scale
            d = np.exp(e) if name.startswith("sd__") else tr(e) * (1 - tr(e))
            with np.errstate(over="ignore"):  # a runaway log SD: exp overflows to inf
                low, high = tr(e - z * s), tr(e + z * s)
            rows.append(
                {
                    "term": name,
                    "estimate": tr(e),
                    "std_error": s * d,
                    "statistic": np.nan,
                    "p_value": np.nan,
                    "conf_low": low,
                    "conf_high": high,
                    "flag": "",
                }
            )
        return pd.DataFrame(rows)

    def _null_loglik(self) -> float:
        if self._null_llf is None:
            spec = dict(self._spec)
            spec.update(predictors=[], warn=False)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                null = self._refit(self.data, **spec)
            self._null_llf = null.llf
        return self._null_llf

    def glance(self) -> pd.DataFrame:
        """One row: ``n, n_dropped, log_likelihood, aic, bic, pseudo_r2, df_residual,
        converged, separation, estimator`` plus ``family, region_effect, n_groups,
        df_inference, dispersion, n_cases``.

        The log-likelihood includes the binomial coefficients, so binomial and
        beta-binomial fits are comparable by AIC. Quasi-binomial has no likelihood: its
        ``log_likelihood`` is the binomial one and ``aic``/``bic`` are NaN. ``pseudo_r2``
        is McFadden's, against the intercept-only model of the same kind.
        """
        k = len(self.params)
        quasi = self.family == "quasibinomial"
        aic = np.nan if quasi else -2 * self.llf + 2 * k
        bic = np.nan if quasi else -2 * self.llf + np.log(self.nobs) * k
        null = self._null_loglik() if self.predictors else self.llf
        return pd.DataFrame(
            {
                "n": [self.nobs],
                "n_dropped": [self.dropped.n_dropped],
                "log_likelihood": [self.llf],
                "aic": [aic],
                "bic": [bic],
                "pseudo_r2": [1 - self.llf / null if null != 0 else np.nan],
                "df_residual": [self.nobs - k],
                "converged": [self.converged],
                "separation": [self.separation.kind],
                "estimator": [self.estimator],
                "family": [self.family],
                "region_effect": [self.region_effect],
                "n_groups": [self.n_groups],
                "df_inference": [self.df_inference],
                "dispersion": [self.dispersion],
                "n_cases": [int(self.trials.sum())],
            }
        )

    def augment(self, newdata: pd.DataFrame | None = None) -> pd.DataFrame:
        """The model frame (or ``newdata``) with ``.fitted`` (probability, typical region).

        For the model frame also ``.observed`` (k/n), ``.resid_response`` and
        ``.resid_pearson`` (on the model's variance, including the beta-binomial
        inflation), and for a random-intercept model ``.random_effect`` and
        ``.fitted_region``.
        """
        if newdata is not None:
            out = newdata.copy()
            out[".fitted"] = self.predict_proba(newdata)["sufficient"].to_numpy()
            return out
        out = self.data.copy()
        mu = self.predict_proba(self.data)["sufficient"].to_numpy()
        k, n = self.successes, self.trials
        var = n * mu * (1 - mu)
        if self.family == "betabinomial":
            rho = special.expit(self.params["logit_rho"])
            var = var * (1 + (n - 1) * rho)
        elif self.family == "quasibinomial":
            var = var * self.dispersion
        out[".observed"] = k / n
        out[".fitted"] = mu
        out[".resid_response"] = k / n - mu
        with np.errstate(divide="ignore", invalid="ignore"):
            out[".resid_pearson"] = (k - n * mu) / np.sqrt(var)
        if self.random_effects is not None:
            re = self.data[self.region].map(self.random_effects).to_numpy(dtype=float)
            out[".random_effect"] = re
            out[".fitted_region"] = special.expit(self.linear_predictor(self.data) + re)
        return out

    def refit_fn(self, **overrides) -> Callable[[pd.DataFrame], pd.Series]:
        """A lean ``fit_fn(data) -> pd.Series`` of parameters for resampling.

        Cluster-robust and quasi fits share their point estimates with the plain
        binomial / beta-binomial likelihood, so the refit skips the variance work.
        """
        spec = dict(self._spec)
        if spec["region_effect"] == "cluster":
            spec["region_effect"] = "none"
        if spec["family"] == "quasibinomial":
            spec["family"] = "binomial"
        spec.update(warn=False, lean=True)
        spec.update(overrides)
        cols = list(self.data.columns)
        refit = self._refit

        def fit_fn(data: pd.DataFrame) -> pd.Series:
            return refit(data[cols], **spec).params

        return fit_fn

    def summary(self) -> str:
        """Short text summary: tidy table, glance and notes."""
        lines = [
            f"{self.family} model of {self.outcome} ({self.estimator}); "
            f"region handling: {self.region_effect}",
            self.tidy().to_string(index=False),
            self.glance().to_string(index=False),
        ]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)
