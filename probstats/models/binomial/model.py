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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special

from probstats.errors import (
    ClusteringWarning,
    ModelSpecificationError,
    NonConvergenceWarning,
    ProbstatsWarning,
    SeparationWarning,
    SmallSampleWarning,
)
from probstats.models._base import (
    DroppedRows,
    Estimator,
    check_literal,
    collinearity_problem,
    complete_cases,
    design_matrix,
    safe_inverse,
)
from probstats.models.binomial.likelihood import (
    bb_score_obs,
    betabinomial_loglik,
    cluster_sandwich,
    fit_betabinomial,
    fit_glmm,
    rho_start,
)
from probstats.models.binomial.penalised import firth_binomial
from probstats.models.binomial.results import BinomialResult
from probstats.models.separation import SeparationReport, check_binomial, not_separated

__all__ = [
    "BinomialResult",
    "Family",
    "RegionEffect",
    "betabinomial_loglik",
    "fit_binomial",
]

Family = Literal["binomial", "quasibinomial", "betabinomial"]
RegionEffect = Literal["cluster", "random", "none"]
OutcomeScale = Literal["auto", "percent", "proportion", "count"]

_MIN_CLUSTERS = 20


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
    estimator: Estimator = "ml",
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
    estimator
        ``"ml"`` (maximum likelihood) or ``"firth"``: Firth's bias-reduced logit (the
        Jeffreys-prior penalised likelihood, brglm2's ``AS_mean``/``MPL_Jeffreys``),
        finite under complete and quasi-complete separation, with penalised-likelihood
        profile intervals (``tidy(conf_method="profile")``); binomial family without a
        region effect only.

    Returns
    -------
    BinomialResult

    Raises
    ------
    ModelSpecificationError
        Unknown option, missing column, unsupported combination, or no usable rows.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from probstats.models import fit_binomial
    >>> rng = np.random.default_rng(3)
    >>> df = pd.DataFrame({"region": np.repeat(list("ABCDEFGHIJKL"), 4),
    ...                    "x": rng.normal(size=48), "n": 30})
    >>> df["k"] = rng.binomial(30, 1 / (1 + np.exp(-(0.5 + 0.4 * df["x"]))))
    >>> res = fit_binomial(df, "k", ["x"], trials="n", outcome_scale="count", warn=False)
    >>> list(res.tidy().columns)
    ['term', 'estimate', 'std_error', 'statistic', 'p_value', 'conf_low', 'conf_high', 'flag']
    >>> res.df_inference
    11
    """
    check_literal(family, Family, "family")
    check_literal(estimator, Estimator, "estimator")
    if estimator == "firth" and (family == "betabinomial" or region_effect != "none"):
        raise ModelSpecificationError(
            "estimator='firth' is the bias-reduced binomial logit: use family='binomial' "
            "with region_effect='none' (its standard errors are model-based)"
        )
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
        estimator=estimator,
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


@dataclass
class _Fitted:
    """What one estimation branch returns."""

    params: pd.Series
    cov: pd.DataFrame
    llf: float
    df_inference: float | None
    dispersion: float
    converged: bool = True
    sm_result: object | None = None
    optimizer: object | None = None
    random_effects: pd.Series | None = None


def _note(notes: list[str], warn: bool, message: str, category: type[Warning]) -> None:
    notes.append(message)
    if warn:
        warnings.warn(message, category, stacklevel=4)


def _groups(kept, region_effect, region, predictors, warn, notes):
    """Region codes and count for cluster / random fits, with the few-clusters caveat."""
    if region_effect == "none":
        if warn and region in kept.columns:
            _warn_region_level(kept, predictors, region, notes)
        return None, None, None
    codes, uniq = pd.factorize(kept[region], sort=True)
    G = len(uniq)
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
        _note(notes, warn, msg, SmallSampleWarning)
    return codes, G, uniq


def _glm(k, n, X, terms, family, region_effect, groups, G, lean) -> _Fitted:
    """Binomial and quasi-binomial fits (model-based, quasi-scaled or cluster-robust)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # two-column form for estimates, the correct log-likelihood and cluster SEs
        glm = sm.GLM(np.column_stack([k, n - k]), X, family=sm.families.Binomial())
        if region_effect == "cluster":
            sm_res = glm.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        else:
            sm_res = glm.fit()
        llf = float(sm_res.llf)  # evaluated (and cached) here: may overflow if separated
    params = pd.Series(np.asarray(sm_res.params), index=terms)
    dispersion = _pearson_dispersion(k, n, X, params.to_numpy())
    df_inf = None
    if lean:
        cov = pd.DataFrame(np.nan, index=terms, columns=terms)
    elif region_effect == "cluster":
        cov = pd.DataFrame(np.asarray(sm_res.cov_params()), index=terms, columns=terms)
        df_inf = G - 1
    elif family == "quasibinomial":
        # the proportion with var_weights = trials gives the correct Pearson scale (the
        # two-column form ignores the trial counts in it)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sm_res = sm.GLM(k / n, X, family=sm.families.Binomial(), var_weights=n).fit(scale="X2")
        cov = pd.DataFrame(np.asarray(sm_res.cov_params()), index=terms, columns=terms)
        df_inf = len(k) - len(terms)
    else:
        cov = pd.DataFrame(np.asarray(sm_res.cov_params()), index=terms, columns=terms)
    converged = bool(getattr(sm_res, "converged", True))
    return _Fitted(params, cov, llf, df_inf, dispersion, converged, sm_result=sm_res)


def _firth(k, n, X, terms) -> tuple[_Fitted, object]:
    """Firth's bias-reduced logit: estimates, inverse expected information, log-likelihood."""
    fit = firth_binomial(k, n, X)
    params = pd.Series(fit.params, index=terms)
    return (
        _Fitted(
            params,
            pd.DataFrame(fit.cov, index=terms, columns=terms),
            fit.loglik,
            None,
            _pearson_dispersion(k, n, X, fit.params),
            fit.converged,
        ),
        fit,
    )


def _pearson_dispersion(k, n, X, beta) -> float:
    mu = special.expit(X @ beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = float((((k - n * mu) ** 2) / (n * mu * (1 - mu))).sum())
    return pearson / (len(k) - X.shape[1])


def _betabinomial(k, n, X, terms, start, region_effect, groups, G, lean, notes) -> _Fitted:
    """Beta-binomial maximum likelihood (model-based or cluster-robust)."""
    beta0 = start.params.to_numpy()
    optimizer, H = fit_betabinomial(k, n, X, beta0, rho_start(start.dispersion, n))
    par = optimizer.x
    names = terms + ["logit_rho"]
    df_inf = None
    if lean:
        cov = pd.DataFrame(np.nan, index=names, columns=names)
    else:
        Hinv = safe_inverse(H)
        if region_effect == "cluster":
            S = bb_score_obs(par, k, n, X)
            Hinv = cluster_sandwich(Hinv, S, groups, len(k), len(par))
            df_inf = G - 1
        cov = pd.DataFrame(Hinv, index=names, columns=names)
    if special.expit(par[-1]) < 1e-4:
        notes.append("beta-binomial rho is at its boundary (no overdispersion)")
    if not optimizer.success:
        notes.append(f"optimiser did not report convergence: {optimizer.message}")
    return _Fitted(
        pd.Series(par, index=names),
        cov,
        -float(optimizer.fun),
        df_inf,
        float(1 + (np.average(n) - 1) * special.expit(par[-1])),
        bool(optimizer.success),
        optimizer=optimizer,
    )


def _random_intercept(
    k, n, X, terms, start, family, region, groups, uniq, n_quad, lean, notes
) -> _Fitted:
    """Region random intercept by adaptive Gauss-Hermite quadrature."""
    fam = "betabinomial" if family == "betabinomial" else "binomial"
    par0 = np.append(start.params.to_numpy(), np.log(0.3))
    names = terms + [f"log_sd__{region}"]
    if fam == "betabinomial":
        par0 = np.append(par0, rho_start(start.dispersion, n))
        names.append("logit_rho")
    optimizer, H, agq = fit_glmm(k, n, X, groups, fam, n_quad, par0, lean)
    par = optimizer.x
    sigma = float(np.exp(par[len(terms)]))
    if sigma < 1e-3:
        notes.append(
            "region random-intercept SD is at its boundary (near 0); "
            "its standard error is unreliable"
        )
    if not optimizer.success:
        notes.append(f"optimiser did not report convergence: {optimizer.message}")
    dispersion = (
        float(1 + (np.average(n) - 1) * special.expit(par[-1])) if fam == "betabinomial" else 1.0
    )
    return _Fitted(
        pd.Series(par, index=names),
        pd.DataFrame(H if lean else safe_inverse(H), index=names, columns=names),
        -float(optimizer.fun),
        None,
        dispersion,
        bool(optimizer.success),
        optimizer=optimizer,
        random_effects=pd.Series(sigma * agq.last_mode, index=uniq),
    )


def _separation(k, n, Xdf, levels, kept, warn, notes, lean) -> SeparationReport:
    """Exact separation check of the logit mean model (every family)."""
    if lean:
        return not_separated("unchecked")
    sep = check_binomial(k, n, Xdf, levels, kept)
    if sep.separated:
        _note(notes, warn, sep.message, SeparationWarning)
    return sep


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
    estimator: str = "ml",
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
        estimator=estimator,
    )
    if len(kept) == 0:
        raise ModelSpecificationError(f"no usable rows for {outcome!r}")
    Xdf, levels = design_matrix(kept, predictors, intercept=True)
    X, terms = Xdf.to_numpy(), list(Xdf.columns)
    k = kept["successes"].to_numpy(dtype=float)
    n = kept["trials"].to_numpy(dtype=float)
    nobs, p = X.shape
    problem = collinearity_problem(Xdf.drop(columns="Intercept"))
    if problem:
        raise ModelSpecificationError(problem)
    if nobs <= p:
        raise ModelSpecificationError(f"{nobs} rows cannot identify {p} coefficients")
    notes: list[str] = []
    if warn and nobs < 10 * p:
        msg = f"only {nobs} inspections for {p} coefficients; estimates are imprecise"
        _note(notes, warn, msg, SmallSampleWarning)
    groups, G, uniq = _groups(kept, region_effect, region, predictors, warn, notes)
    sep = _separation(k, n, Xdf, levels, kept, warn, notes, lean)
    glm_region = "none" if region_effect == "random" else region_effect
    penalised = None
    if estimator == "firth":
        fitted, penalised = _firth(k, n, X, terms)
    else:
        fitted = _glm(k, n, X, terms, family, glm_region, groups, G, lean)
    if estimator == "firth":
        pass
    elif family == "betabinomial" and region_effect != "random":
        fitted = _betabinomial(k, n, X, terms, fitted, region_effect, groups, G, lean, notes)
    elif region_effect == "random":
        fitted = _random_intercept(
            k, n, X, terms, fitted, family, region, groups, uniq, n_quad, lean, notes
        )
    if not fitted.converged and not sep.separated and not lean:
        _note(notes, warn, f"the {family} fit did not converge", NonConvergenceWarning)
    return BinomialResult(
        outcome=outcome,
        predictors=list(predictors),
        family=family,
        region_effect=region_effect,
        region=region if region_effect != "none" else None,
        params=fitted.params,
        cov=fitted.cov,
        df_inference=fitted.df_inference,
        data=kept,
        successes=k,
        trials=n,
        llf=fitted.llf,
        n_groups=G,
        dropped=DroppedRows.none(kept),
        levels=levels,
        conf_level=conf_level,
        dispersion=fitted.dispersion,
        sm_result=fitted.sm_result,
        optimizer=fitted.optimizer,
        random_effects=fitted.random_effects,
        notes=notes,
        separation=sep,
        estimator=estimator,
        fit_converged=fitted.converged,
        penalised=penalised,
        _spec=spec,
        _refit=_fit_frame,
        _null_llf=None if predictors else fitted.llf,
    )


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
        _note(notes, True, msg, ClusteringWarning)
