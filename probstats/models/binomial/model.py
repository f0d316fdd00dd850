"""Binomial models of case-sample outcomes ("k of n inspected cases sufficient").

HMIP reports case-sample results as a percentage of the ``n`` inspected cases that
were judged sufficient (e.g. ``case_implementation_delivery_keep_safe_pct`` with
``case_implementation_delivery_keep_safe_n``). :func:`fit_binomial` models the count
``k`` of ``n`` with a logit link, choosing

* ``family``: ``"binomial"`` (maximum likelihood), ``"quasibinomial"`` (same estimates,
  standard errors scaled by the Pearson dispersion computed with the correct trial
  weights) or ``"betabinomial"`` (maximum likelihood with an intra-inspection
  correlation ``rho``; mean ``mu``, variance ``n mu (1-mu) (1 + (n-1) rho)``);
* ``region_effect``: how the 12 probation regions enter:

  - ``"cluster"`` (default): population-averaged coefficients with cluster-robust
    (CR1) standard errors by region and ``t`` on ``G - 1`` degrees of freedom;
  - ``"random"``: a normal random intercept per region; the marginal likelihood is
    integrated by adaptive Gauss-Hermite quadrature written here (``n_quad = 1`` is
    the Laplace approximation). Coefficients are conditional on the region;
  - ``"none"``: independent inspections, model-based standard errors.

Why ``"cluster"`` is the default: with at most 12 regions (fewer with staffing data)
a random-intercept variance is estimated from a handful of groups, is often at the
boundary 0, and its likelihood-based standard errors assume the model is right;
cluster-robust errors are valid under any within-region correlation and any
overdispersion, and the ``t(G-1)`` reference partly corrects their small-``G``
optimism. 12 clusters is still few: check with the region-cluster bootstrap in
:mod:`probstats.models.inference.resampling` (a :class:`~probstats.errors.SmallSampleWarning`
says so when fewer than 20 clusters are present).

Associations estimated here are not causal effects.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, special, stats

from probstats.errors import (
    ModelSpecificationError,
    ProbstatsWarning,
    SeparationWarning,
    SmallSampleWarning,
)
from probstats.models.inference.missing import DroppedRows, complete_cases
from probstats.models._base import tidy_table

__all__ = [
    "Family",
    "RegionEffect",
    "ClusteringWarning",
    "BinomialResult",
    "fit_binomial",
    "betabinomial_loglik",
    "tidy_frame",
]

Family = Literal["binomial", "quasibinomial", "betabinomial"]
RegionEffect = Literal["cluster", "random", "none"]
OutcomeScale = Literal["auto", "percent", "proportion", "count"]

_MIN_CLUSTERS = 20


class ClusteringWarning(ProbstatsWarning):
    """Inference ignores clustering at the level a covariate varies."""


def check_literal(value: object, options: object, name: str) -> None:
    """Raise ModelSpecificationError listing the allowed values of a Literal option."""
    allowed = get_args(options)
    if value not in allowed:
        raise ModelSpecificationError(
            f"{name}={value!r} is not allowed; allowed values are "
            + ", ".join(repr(a) for a in allowed)
        )


def tidy_frame(
    terms: Sequence[str],
    estimate: np.ndarray,
    std_error: np.ndarray,
    *,
    df: float | None = None,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Build a broom-style tidy frame from estimates and standard errors.

    ``df=None`` uses the normal reference (z); otherwise ``t`` on ``df`` degrees of freedom.
    A thin wrapper of :func:`probstats.models._base.tidy_table` so that every model shares
    one definition.

    Examples
    --------
    >>> tidy_frame(["b"], np.array([1.0]), np.array([0.5]))["p_value"].round(4).tolist()
    [0.0455]
    """
    return tidy_table(terms, estimate, std_error, df=df, conf_level=conf_level)


# --------------------------------------------------------------------------- design


def design_matrix(
    data: pd.DataFrame, predictors: Sequence[str], levels: dict[str, list] | None = None
) -> tuple[pd.DataFrame, dict[str, list]]:
    """Intercept plus numeric predictors and treatment dummies for categorical ones.

    ``levels`` (returned by a first call) fixes the dummy coding for new data.
    """
    learn = levels is None
    levels = {} if levels is None else levels
    cols: dict[str, np.ndarray] = {"Intercept": np.ones(len(data))}
    for p in predictors:
        s = data[p]
        categorical = (
            isinstance(s.dtype, pd.CategoricalDtype)
            or s.dtype == object
            or pd.api.types.is_string_dtype(s.dtype)
            or p in levels
        ) and not pd.api.types.is_bool_dtype(s.dtype)
        if categorical:
            if learn:
                cats = (
                    list(s.cat.categories)
                    if isinstance(s.dtype, pd.CategoricalDtype)
                    else sorted(s.dropna().unique())
                )
                levels[p] = [c for c in cats if (s == c).any()]
            for lev in levels[p][1:]:
                cols[f"{p}[{lev}]"] = (s == lev).to_numpy(dtype=float)
        else:
            cols[p] = pd.to_numeric(s).to_numpy(dtype=float)
    return pd.DataFrame(cols, index=data.index), levels


# --------------------------------------------------------------------------- beta-binomial


def _bb_ab(eta: np.ndarray, theta: float | np.ndarray) -> tuple[np.ndarray, ...]:
    mu = special.expit(eta)
    phi = np.exp(-np.asarray(theta, dtype=float))  # a + b; rho = expit(theta) = 1/(1+phi)
    return mu, phi, mu * phi, (1 - mu) * phi


def betabinomial_loglik(
    k: np.ndarray, n: np.ndarray, eta: np.ndarray, theta: float | np.ndarray
) -> np.ndarray:
    """Per-observation beta-binomial log-likelihood in the (logit mean, logit rho) form.

    ``mu = expit(eta)``, ``rho = expit(theta)``; equivalent to
    ``scipy.stats.betabinom.logpmf(k, n, mu*(1-rho)/rho, (1-mu)*(1-rho)/rho)``.

    Examples
    --------
    >>> from scipy.stats import betabinom
    >>> a = betabinomial_loglik(np.array([3]), np.array([10]), np.array([0.0]), 0.0)
    >>> bool(np.isclose(a[0], betabinom.logpmf(3, 10, 0.5, 0.5)))
    True
    """
    _, _, a, b = _bb_ab(eta, theta)
    logc = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    return logc + special.betaln(k + a, n - k + b) - special.betaln(a, b)


def _bb_scores(
    k: np.ndarray, n: np.ndarray, eta: np.ndarray, theta: float
) -> tuple[np.ndarray, np.ndarray]:
    """d loglik / d eta and d loglik / d theta per observation."""
    mu, phi, a, b = _bb_ab(eta, theta)
    dg = special.digamma
    da = dg(k + a) - dg(n + phi) - dg(a) + dg(phi)
    db = dg(n - k + b) - dg(n + phi) - dg(b) + dg(phi)
    d_eta = phi * mu * (1 - mu) * (da - db)
    d_theta = -(a * da + b * db)
    return d_eta, d_theta


def _bb_negll(par: np.ndarray, k, n, X) -> float:
    return -float(betabinomial_loglik(k, n, X @ par[:-1], par[-1]).sum())


def _bb_grad(par: np.ndarray, k, n, X) -> np.ndarray:
    de, dt = _bb_scores(k, n, X @ par[:-1], par[-1])
    return -np.append(X.T @ de, dt.sum())


def _bb_score_obs(par: np.ndarray, k, n, X) -> np.ndarray:
    de, dt = _bb_scores(k, n, X @ par[:-1], par[-1])
    return np.column_stack([X * de[:, None], dt])


def _hessian_from_grad(grad: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    h = 1e-5 * np.maximum(1.0, np.abs(x))
    cols = []
    for j in range(len(x)):
        e = np.zeros_like(x)
        e[j] = h[j]
        cols.append((grad(x + e) - grad(x - e)) / (2 * h[j]))
    H = np.column_stack(cols)
    return (H + H.T) / 2


def _hessian(f: Callable[[np.ndarray], float], x: np.ndarray, rel: float = 1e-4) -> np.ndarray:
    """Central-difference Hessian of a scalar function."""
    p = len(x)
    h = rel * np.maximum(1.0, np.abs(x))
    H = np.empty((p, p))
    f0 = f(x)
    for i in range(p):
        ei = np.zeros(p)
        ei[i] = h[i]
        H[i, i] = (f(x + ei) - 2 * f0 + f(x - ei)) / h[i] ** 2
        for j in range(i):
            ej = np.zeros(p)
            ej[j] = h[j]
            H[i, j] = H[j, i] = (
                f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)
            ) / (4 * h[i] * h[j])
    return H


def _fit_betabinomial(k, n, X, start_beta, start_theta):
    par0 = np.append(start_beta, start_theta)
    opt = optimize.minimize(
        _bb_negll,
        par0,
        args=(k, n, X),
        jac=_bb_grad,
        method="BFGS",
        options={"gtol": 1e-8, "maxiter": 2000},
    )
    H = _hessian_from_grad(lambda p: _bb_grad(p, k, n, X), opt.x)
    return opt, H


# --------------------------------------------------------------------------- GLMM by AGQ


def _binom_ll(k, n, eta):
    # k*log(mu) + (n-k)*log(1-mu) without the binomial coefficient (added once outside)
    return k * eta - n * np.logaddexp(0.0, eta)


def _binom_d1(k, n, eta):
    return k - n * special.expit(eta)


def _binom_d2(k, n, eta):
    mu = special.expit(eta)
    return -n * mu * (1 - mu)


class _AGQ:
    """Marginal log-likelihood of a logit model with a normal group intercept."""

    def __init__(self, k, n, X, groups, family: str, n_quad: int):
        self.k, self.n, self.X, self.g = k, n, X, groups
        self.G = int(groups.max()) + 1
        self.family = family
        self.x_q, self.w_q = np.polynomial.hermite.hermgauss(n_quad)
        self.logc = float(
            (special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)).sum()
        )
        self.p = X.shape[1]
        self.last_mode = np.zeros(self.G)

    def _ll(self, eta, theta):
        if self.family == "binomial":
            return _binom_ll(self.k, self.n, eta)
        return betabinomial_loglik(self.k, self.n, eta, theta)

    def _d1(self, eta, theta):
        if self.family == "binomial":
            return _binom_d1(self.k, self.n, eta)
        return _bb_scores(self.k, self.n, eta, theta)[0]

    def _d2(self, eta, theta):
        if self.family == "binomial":
            return _binom_d2(self.k, self.n, eta)
        h = 1e-5
        return (self._d1(eta + h, theta) - self._d1(eta - h, theta)) / (2 * h)

    def _gsum(self, v):
        return np.bincount(self.g, weights=v, minlength=self.G)

    def split(self, par):
        beta = par[: self.p]
        sigma = float(np.exp(par[self.p]))
        theta = par[self.p + 1] if self.family == "betabinomial" else None
        return beta, sigma, theta

    def modes(self, par):
        beta, sigma, theta = self.split(par)
        eta0 = self.X @ beta
        u = self.last_mode.copy()
        for _ in range(100):
            eta = eta0 + sigma * u[self.g]
            g1 = sigma * self._gsum(self._d1(eta, theta)) - u
            g2 = sigma**2 * self._gsum(self._d2(eta, theta)) - 1.0
            g2 = np.minimum(g2, -1e-8)
            step = np.clip(-g1 / g2, -2.0, 2.0)
            u = u + step
            if np.max(np.abs(step)) < 1e-10:
                break
        eta = eta0 + sigma * u[self.g]
        g2 = sigma**2 * self._gsum(self._d2(eta, theta)) - 1.0
        self.last_mode = u
        return u, 1.0 / np.sqrt(np.maximum(-g2, 1e-12))

    def group_loglik(self, par) -> np.ndarray:
        beta, sigma, theta = self.split(par)
        u_hat, s = self.modes(par)
        eta0 = self.X @ beta
        nodes = u_hat[:, None] + np.sqrt(2.0) * s[:, None] * self.x_q[None, :]  # G x Q
        h = np.empty_like(nodes)
        for q in range(nodes.shape[1]):
            h[:, q] = self._gsum(self._ll(eta0 + sigma * nodes[self.g, q], theta))
        h += -0.5 * nodes**2 - 0.5 * np.log(2 * np.pi)
        return np.log(np.sqrt(2.0) * s) + special.logsumexp(
            h + self.x_q[None, :] ** 2 + np.log(self.w_q)[None, :], axis=1
        )

    def negll(self, par) -> float:
        if not np.all(np.isfinite(par)):
            return np.inf
        extra = self.logc if self.family == "binomial" else 0.0
        val = -(float(self.group_loglik(par).sum()) + extra)
        return val if np.isfinite(val) else np.inf


def _fit_glmm(k, n, X, groups, family, n_quad, start, lean=False):
    agq = _AGQ(k, n, X, groups, family, n_quad)
    opt = optimize.minimize(agq.negll, start, method="BFGS", options={"gtol": 1e-6})
    if not opt.success:  # BFGS may stop on a flat ridge (sd near 0); polish
        opt2 = optimize.minimize(
            agq.negll,
            opt.x,
            method="Nelder-Mead",
            options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000},
        )
        if opt2.fun <= opt.fun:
            opt2.success = True
            opt = opt2
    H = np.full((len(opt.x), len(opt.x)), np.nan) if lean else _hessian(agq.negll, opt.x)
    agq.modes(opt.x)
    return opt, H, agq


# --------------------------------------------------------------------------- result


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
        :class:`~probstats.models.inference.missing.DroppedRows` report.
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
    _spec: dict = field(default_factory=dict, repr=False)
    _null_llf: float | None = field(default=None, repr=False)

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
        return pd.Series(np.sqrt(np.diag(self.cov)), index=self.params.index)

    # -- prediction
    def linear_predictor(self, newdata: pd.DataFrame, params: pd.Series | None = None):
        params = self.params if params is None else pd.Series(params, index=self.params.index)
        X, _ = design_matrix(newdata, self.predictors, self.levels)
        return X.to_numpy() @ params[self.coef_names].to_numpy()

    def predict_proba(
        self, newdata: pd.DataFrame, params: pd.Series | np.ndarray | None = None
    ) -> np.ndarray:
        """Predicted probability that a case is sufficient.

        For a random-intercept model this is the probability in a typical region
        (random effect 0), not the population average.
        """
        return special.expit(self.linear_predictor(newdata, params))

    # -- tidy interface
    def tidy(
        self,
        *,
        exponentiate: bool = False,
        per: dict[str, float] | None = None,
        conf_level: float | None = None,
    ) -> pd.DataFrame:
        """Coefficient table ``term, estimate, std_error, statistic, p_value, conf_low,
        conf_high``.

        ``exponentiate=True`` gives odds ratios (and the exponentiated interval; the
        standard error stays on the log-odds scale). ``per={"vacancy_rate_po": 10}``
        rescales that coefficient to a 10-unit change first. A random-intercept SD is
        reported on its own scale with a Wald interval from the log scale and no test
        (a zero SD is on the boundary).
        """
        level = self.conf_level if conf_level is None else conf_level
        coef = self.coef_names
        scale = pd.Series(1.0, index=coef)
        for term, mult in (per or {}).items():
            if term not in scale.index:
                raise ModelSpecificationError(f"per: unknown term {term!r}; terms are {coef}")
            scale[term] = mult
        est = self.params[coef] * scale
        se = self.bse[coef] * scale
        out = tidy_frame(
            coef, est.to_numpy(), se.to_numpy(), df=self.df_inference, conf_level=level
        )
        if exponentiate:
            for c in ("estimate", "conf_low", "conf_high"):
                out[c] = np.exp(out[c])
        extra = [t for t in self.params.index if t not in coef]
        rows = []
        z = stats.norm.ppf(0.5 + level / 2)
        for t in extra:
            e, s = float(self.params[t]), float(self.bse[t])
            if t.startswith("log_sd__"):
                name, tr = "sd__" + t[len("log_sd__") :], np.exp
            else:
                name, tr = "rho", special.expit
            # delta-method SE on the reported scale; interval from the unbounded scale
            d = np.exp(e) if name.startswith("sd__") else tr(e) * (1 - tr(e))
            rows.append(
                {
                    "term": name,
                    "estimate": tr(e),
                    "std_error": s * d,
                    "statistic": np.nan,
                    "p_value": np.nan,
                    "conf_low": tr(e - z * s),
                    "conf_high": tr(e + z * s),
                }
            )
        if rows:
            out = pd.concat([out, pd.DataFrame(rows)], ignore_index=True)
        return out

    def _null_loglik(self) -> float:
        if self._null_llf is None:
            spec = dict(self._spec)
            spec.update(predictors=[], warn=False)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                null = _fit_frame(self.data, **spec)
            self._null_llf = null.llf
        return self._null_llf

    def glance(self) -> pd.DataFrame:
        """One row: ``n, n_dropped, log_likelihood, aic, bic, pseudo_r2`` plus ``family,
        region_effect, n_groups, df_inference, dispersion, n_cases``.

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
                "family": [self.family],
                "region_effect": [self.region_effect],
                "n_groups": [self.n_groups],
                "df_inference": [self.df_inference],
                "dispersion": [self.dispersion],
                "n_cases": [int(self.trials.sum())],
            }
        )

    def augment(self) -> pd.DataFrame:
        """The model frame with ``.fitted`` (probability, typical region),
        ``.observed`` (k/n), ``.resid_response`` and ``.resid_pearson`` (on the model's
        variance, including the beta-binomial inflation), and for a random-intercept model
        ``.random_effect`` and ``.fitted_region``."""
        out = self.data.copy()
        mu = self.predict_proba(self.data)
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

        def fit_fn(data: pd.DataFrame) -> pd.Series:
            return _fit_frame(data[cols], **spec).params

        return fit_fn

    def summary(self) -> str:
        """Short text summary: tidy table, glance and notes."""
        lines = [
            f"{self.family} model of {self.outcome}; region handling: {self.region_effect}",
            self.tidy().to_string(index=False),
            self.glance().to_string(index=False),
        ]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


# --------------------------------------------------------------------------- fitting


def _outcome_values(
    data: pd.DataFrame, outcome: str, trials: str | None, scale: str
) -> tuple[pd.Series, str]:
    if scale == "auto":
        if outcome.endswith("_pct"):
            scale = "percent"
        elif trials is None:
            raise ModelSpecificationError(
                f"cannot tell whether {outcome!r} is a count, a proportion or a percentage; "
                "pass outcome_scale= one of 'percent', 'proportion', 'count'"
            )
        else:
            y = pd.to_numeric(data[outcome], errors="coerce")
            scale = "proportion" if bool((y.dropna() <= 1).all()) else "count"
    y = pd.to_numeric(data[outcome], errors="coerce").astype(float)
    return y, scale


def _default_trials(outcome: str) -> str:
    if outcome.endswith("_pct"):
        return outcome[: -len("_pct")] + "_n"
    raise ModelSpecificationError(
        f"no trials column given for {outcome!r}; pass trials='<column of case counts>'"
    )


def fit_binomial(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    trials: str | None = None,
    outcome_scale: OutcomeScale = "auto",
    family: Family = "quasibinomial",
    region_effect: RegionEffect = "cluster",
    region: str = "region",
    n_quad: int = 10,
    conf_level: float = 0.95,
    warn: bool = True,
) -> BinomialResult:
    """Fit a logit model to "k of n cases sufficient" outcomes.

    Parameters
    ----------
    data
        One row per inspection (e.g. :func:`probstats.dataset.loaders.load_features`).
    outcome
        Column of the case-sample result: a percentage (name ending ``_pct``, the
        default reading), a proportion, or a count of sufficient cases (set
        ``outcome_scale``). Percentages are converted to counts ``round(pct * n / 100)``;
        a percentage inconsistent with its ``n`` by more than rounding is reported.
    predictors
        Predictor columns; text / categorical columns get treatment dummies.
    trials
        Column of inspected cases ``n``; default: ``outcome`` with ``_pct`` replaced by
        ``_n``.
    outcome_scale
        ``"auto"``, ``"percent"``, ``"proportion"`` or ``"count"``.
    family
        ``"quasibinomial"`` (default), ``"binomial"`` or ``"betabinomial"``. Quasi-binomial
        scales the binomial standard errors by the Pearson dispersion computed on the
        proportions with the trials as weights (the two-column form mis-scales it).
    region_effect
        ``"cluster"`` (default; see the module docstring for why), ``"random"`` (region
        random intercept, adaptive Gauss-Hermite quadrature; binomial or beta-binomial
        only) or ``"none"``.
    region
        Column of the grouping used by ``"cluster"`` / ``"random"``. For a covariate that
        varies only between regions, cluster at region (the default) or coarser.
    n_quad
        Quadrature nodes per region for ``"random"`` (1 = Laplace).
    conf_level
        Confidence level of the intervals.
    warn
        Emit warnings (dropped rows, few clusters, separation).

    Returns
    -------
    BinomialResult

    Raises
    ------
    ModelSpecificationError
        Unknown option, missing column, unsupported combination, or no usable rows.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> df = pd.DataFrame({"region": np.repeat(list("ABCDEFGHIJKL"), 4),
    ...                    "x": rng.normal(size=48), "n": 30})
    >>> df["k"] = rng.binomial(30, 1 / (1 + np.exp(-(0.5 + 0.4 * df["x"]))))
    >>> res = fit_binomial(df, "k", ["x"], trials="n", outcome_scale="count", warn=False)
    >>> list(res.tidy().columns)
    ['term', 'estimate', 'std_error', 'statistic', 'p_value', 'conf_low', 'conf_high']
    >>> res.df_inference
    11
    """
    check_literal(family, Family, "family")
    check_literal(region_effect, RegionEffect, "region_effect")
    check_literal(outcome_scale, OutcomeScale, "outcome_scale")
    if region_effect == "random" and family == "quasibinomial":
        raise ModelSpecificationError(
            "region_effect='random' needs a likelihood: use family='binomial' or "
            "'betabinomial' (quasi-binomial has none)"
        )
    if n_quad < 1:
        raise ModelSpecificationError("n_quad must be at least 1")
    predictors = list(predictors)
    if outcome in predictors:
        raise ModelSpecificationError(f"{outcome!r} is both outcome and predictor")
    if trials is None:
        trials = _default_trials(outcome)
    needed = [outcome, trials, *predictors]
    if region_effect != "none":
        needed.append(region)
    for c in needed:
        if c not in data.columns:
            raise ModelSpecificationError(
                f"column {c!r} not in data; available columns are {list(data.columns)}"
            )
    y, scale = _outcome_values(data, outcome, trials, outcome_scale)
    n = pd.to_numeric(data[trials], errors="coerce").astype(float)
    if scale == "percent":
        k = (y * n / 100).round()
    elif scale == "proportion":
        k = (y * n).round()
    else:
        k = y
    invalid = (n <= 0) | (k < 0) | (k > n) | (n != n.round())
    carry = [region] if region in data.columns and region not in needed else []
    frame = data[list(dict.fromkeys(needed + carry))].copy()
    frame["successes"] = k
    frame["trials"] = n
    kept, report = complete_cases(
        frame,
        needed,
        context=f"binomial model of {outcome}",
        warn=warn,
        extra_invalid=invalid,
        extra_reason="trials not a positive count or k outside 0..n",
    )
    res = _fit_frame(
        kept,
        outcome=outcome,
        predictors=predictors,
        family=family,
        region_effect=region_effect,
        region=region,
        n_quad=n_quad,
        conf_level=conf_level,
        warn=warn,
    )
    res.dropped = report
    if scale in ("percent", "proportion"):
        mult = 100 if scale == "percent" else 1
        implied = kept["successes"] / kept["trials"] * mult
        off = (implied - y.loc[kept.index]).abs() > 0.5 * mult / 100 + 1e-9
        if off.any():
            msg = (
                f"{int(off.sum())} row(s) have a percentage not matching any whole number "
                f"of their n cases (rounded to the nearest count)"
            )
            res.notes.append(msg)
            if warn:
                warnings.warn(msg, ProbstatsWarning, stacklevel=2)
    return res


def _fit_frame(
    kept: pd.DataFrame,
    *,
    outcome: str,
    predictors: list[str],
    family: str,
    region_effect: str,
    region: str,
    n_quad: int = 10,
    conf_level: float = 0.95,
    warn: bool = True,
    lean: bool = False,
) -> BinomialResult:
    """Fit on a frame that already has ``successes`` and ``trials`` and no missing values."""
    spec = dict(
        outcome=outcome,
        predictors=list(predictors),
        family=family,
        region_effect=region_effect,
        region=region,
        n_quad=n_quad,
        conf_level=conf_level,
    )
    if len(kept) == 0:
        raise ModelSpecificationError(f"no usable rows for {outcome!r}")
    Xdf, levels = design_matrix(kept, predictors)
    X = Xdf.to_numpy()
    terms = list(Xdf.columns)
    k = kept["successes"].to_numpy(dtype=float)
    n = kept["trials"].to_numpy(dtype=float)
    nobs, p = X.shape
    if np.linalg.matrix_rank(X) < p:
        raise ModelSpecificationError(
            f"predictors are collinear or constant in the {nobs} usable rows: {terms}"
        )
    notes: list[str] = []
    if nobs <= p:
        raise ModelSpecificationError(f"{nobs} rows cannot identify {p} coefficients")
    if warn and nobs < 10 * p:
        msg = f"only {nobs} inspections for {p} coefficients; estimates are imprecise"
        notes.append(msg)
        warnings.warn(msg, SmallSampleWarning, stacklevel=3)

    groups = None
    G = None
    if region_effect != "none":
        codes, uniq = pd.factorize(kept[region], sort=True)
        groups, G = codes, len(uniq)
        if G < 2:
            raise ModelSpecificationError(f"region_effect={region_effect!r} needs 2+ regions")
        if warn and G < _MIN_CLUSTERS:
            if region_effect == "cluster":
                msg = (
                    f"only {G} {region} clusters: cluster-robust inference is approximate "
                    "(t on G-1 df); check it with a region-cluster bootstrap"
                )
            else:
                msg = (
                    f"the {region} random-intercept SD is estimated from only {G} groups; "
                    "check fixed effects with a region-cluster bootstrap"
                )
            notes.append(msg)
            warnings.warn(msg, SmallSampleWarning, stacklevel=3)
    elif warn and region in kept.columns:
        _warn_region_level(kept, predictors, region, notes)

    # binomial GLM: two-column form for estimates, correct llf and cluster SEs
    endog = np.column_stack([k, n - k])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        glm = sm.GLM(endog, X, family=sm.families.Binomial())
        if region_effect == "cluster":
            sm_res = glm.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        else:
            sm_res = glm.fit()
        sm_llf = float(sm_res.llf)  # evaluated (and cached) here: may overflow if separated
    beta = np.asarray(sm_res.params)
    mu = special.expit(X @ beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = float((((k - n * mu) ** 2) / (n * mu * (1 - mu))).sum())
    dispersion = pearson / (nobs - p)
    optimizer = None
    random_effects = None
    df_inf: float | None = None

    if family in ("binomial", "quasibinomial") and region_effect != "random":
        params = pd.Series(beta, index=terms)
        llf = sm_llf
        if lean:
            cov = pd.DataFrame(np.nan, index=terms, columns=terms)
        elif region_effect == "cluster":
            cov = pd.DataFrame(np.asarray(sm_res.cov_params()), index=terms, columns=terms)
            df_inf = G - 1
        elif family == "quasibinomial":
            # proportion + var_weights gives the correct Pearson scale
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sm_res = sm.GLM(k / n, X, family=sm.families.Binomial(), var_weights=n).fit(
                    scale="X2"
                )
            cov = pd.DataFrame(np.asarray(sm_res.cov_params()), index=terms, columns=terms)
            df_inf = nobs - p
        else:
            cov = pd.DataFrame(np.asarray(sm_res.cov_params()), index=terms, columns=terms)
        _check_separation(params, cov, warn, notes)
    elif family == "betabinomial" and region_effect != "random":
        nbar = float(n.mean())
        rho0 = float(np.clip((dispersion - 1) / max(nbar - 1, 1.0), 0.01, 0.5))
        optimizer, H = _fit_betabinomial(k, n, X, beta, special.logit(rho0))
        par = optimizer.x
        names = terms + ["logit_rho"]
        params = pd.Series(par, index=names)
        llf = -float(optimizer.fun)
        if lean:
            cov = pd.DataFrame(np.nan, index=names, columns=names)
        else:
            Hinv = _safe_inv(H)
            if region_effect == "cluster":
                S = _bb_score_obs(par, k, n, X)
                cov = _cluster_sandwich(Hinv, S, groups, nobs, len(par))
                df_inf = G - 1
            else:
                cov = Hinv
            cov = pd.DataFrame(cov, index=names, columns=names)
        dispersion = float(1 + (np.average(n) - 1) * special.expit(par[-1]))
        if special.expit(par[-1]) < 1e-4:
            notes.append("beta-binomial rho is at its boundary (no overdispersion)")
        if not optimizer.success:
            notes.append(f"optimiser did not report convergence: {optimizer.message}")
        _check_separation(params[terms], cov.loc[terms, terms], warn, notes)
    else:  # random intercept
        fam = "betabinomial" if family == "betabinomial" else "binomial"
        start = np.append(beta, np.log(0.3))
        names = terms + [f"log_sd__{region}"]
        if fam == "betabinomial":
            nbar = float(n.mean())
            rho0 = float(np.clip((dispersion - 1) / max(nbar - 1, 1.0), 0.01, 0.5))
            start = np.append(start, special.logit(rho0))
            names.append("logit_rho")
        optimizer, H, agq = _fit_glmm(k, n, X, groups, fam, n_quad, start, lean)
        par = optimizer.x
        params = pd.Series(par, index=names)
        llf = -float(optimizer.fun)
        cov = pd.DataFrame(H if lean else _safe_inv(H), index=names, columns=names)
        sigma = float(np.exp(par[p]))
        random_effects = pd.Series(sigma * agq.last_mode, index=uniq)
        if sigma < 1e-3:
            notes.append(
                "region random-intercept SD is at its boundary (near 0); "
                "its standard error is unreliable"
            )
        if not optimizer.success:
            notes.append(f"optimiser did not report convergence: {optimizer.message}")
        if fam == "betabinomial":
            dispersion = float(1 + (np.average(n) - 1) * special.expit(par[-1]))
        else:
            dispersion = 1.0
        sm_res = None

    return BinomialResult(
        outcome=outcome,
        predictors=list(predictors),
        family=family,
        region_effect=region_effect,
        region=region if region_effect != "none" else None,
        params=params,
        cov=cov,
        df_inference=df_inf,
        data=kept,
        successes=k,
        trials=n,
        llf=llf,
        n_groups=G,
        dropped=DroppedRows(kept.iloc[:0], nobs, nobs, pd.Series(dtype=int)),
        levels=levels,
        conf_level=conf_level,
        dispersion=dispersion,
        sm_result=sm_res,
        optimizer=optimizer,
        random_effects=random_effects,
        notes=notes,
        _spec=spec,
        _null_llf=None if predictors else llf,
    )


def _safe_inv(H: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(H)
    except np.linalg.LinAlgError:
        return np.linalg.pinv(H)


def _cluster_sandwich(Hinv, S, groups, nobs, k) -> np.ndarray:
    """CR1 sandwich: the small-sample factor G/(G-1) * (N-1)/(N-K) as Stata and statsmodels."""
    G = int(groups.max()) + 1
    Sg = np.zeros((G, S.shape[1]))
    np.add.at(Sg, groups, S)
    meat = Sg.T @ Sg
    c = G / (G - 1) * (nobs - 1) / (nobs - k)
    return c * Hinv @ meat @ Hinv


def _check_separation(params: pd.Series, cov: pd.DataFrame, warn: bool, notes: list) -> None:
    se = np.sqrt(np.abs(np.diag(cov.to_numpy())))
    big = [
        t
        for t, b, s in zip(params.index, params, se, strict=True)
        if t != "Intercept" and (abs(b) > 10 or (np.isfinite(s) and s > 100))
    ]
    if big:
        msg = (
            f"coefficient(s) {big} are very large or have huge standard errors: "
            "likely (quasi-)separation; these estimates are not usable"
        )
        notes.append(msg)
        if warn:
            warnings.warn(msg, SeparationWarning, stacklevel=4)


def _warn_region_level(kept: pd.DataFrame, predictors: list[str], region: str, notes) -> None:
    level = [
        p
        for p in predictors
        if kept.groupby(region, observed=True)[p].nunique(dropna=True).max() <= 1
    ]
    if level and kept[region].nunique() > 1:
        msg = (
            f"predictor(s) {level} vary only between {region}s but region_effect='none' "
            "treats inspections as independent: standard errors are too small; use "
            f"region_effect='cluster' (clustered at {region})"
        )
        notes.append(msg)
        warnings.warn(msg, ClusteringWarning, stacklevel=4)
