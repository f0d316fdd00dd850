"""Predicted probabilities and "what if" scenarios with confidence bands.

Works with any fitted model of :mod:`probstats.models` through the model-result
contract (:class:`~probstats.models._base.ModelResult`): ``params``, ``cov_params()``,
``predict_proba(newdata, params)`` (a frame, one column per outcome category),
``data`` and ``predictors`` for typical values, ``separation``.

Uncertainty: ``method="delta"`` (default) applies the delta method on the logit scale of
each probability, so bands stay inside 0-1; the interval of a shift between scenarios
is built from the two scenario bands by the method of variance estimates recovery
(MOVER, Zou and Donner 2008, with the delta-method correlation of the two
probabilities), so it stays inside -1 to 1 and inherits the asymmetry of bands near 0
or 1. ``"simulation"`` draws parameters from their estimated normal distribution;
``"bootstrap"`` reuses the replicates of a
:class:`~probstats.models.inference.resampling.BootstrapResult` (percentile intervals). Draws
whose probabilities leave 0-1 (crossing cut-points of an ordinal model) are counted in
a warning and the intervals are clipped to 0-1 (-1 to 1 for shifts). The reference
distribution is ``t`` when the model reports ``df_inference`` (cluster-robust and quasi
fits), otherwise normal.

Separated fits (complete or quasi-complete separation: the maximum-likelihood estimate
does not exist) are refused with a :class:`~probstats.errors.ModelSpecificationError`:
their fitted probabilities are 0 or 1 at a drifting estimate and any band around them
would collapse to a point.

A scenario is a model-based contrast between two covariate values, not a forecast of
what a policy would cause.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special, stats

from probstats.errors import InvalidDrawsWarning, ModelSpecificationError
from probstats.models._base import ModelResult, Typical, check_literal, typical_values
from probstats.models.separation import separation_message

__all__ = ["predict_curve", "scenario", "typical_values", "Method", "InvalidDrawsWarning"]

Method = Literal["delta", "simulation", "bootstrap"]


def _refuse_separated(result, what: str) -> None:
    msg = separation_message(result)
    if msg is not None:
        raise ModelSpecificationError(
            f"cannot give {what} with intervals for a separated fit: some of its fitted "
            "probabilities are 0 or 1 at an estimate that drifts towards infinity and its "
            "standard errors are meaningless, so intervals would collapse to a point (or, "
            f"for a shift, exclude zero for no reason). {msg}"
        )


@dataclass
class _Adapter:
    params: pd.Series
    cov: np.ndarray
    prob_fn: Callable[[np.ndarray, pd.DataFrame], np.ndarray]
    categories: list[str]
    data: pd.DataFrame | None
    predictors: list[str]
    df: float | None


def _adapt(result: ModelResult) -> _Adapter:
    """What predictions need, read through the model-result contract only."""
    if not isinstance(result, ModelResult):
        raise ModelSpecificationError(
            f"cannot predict from a {type(result).__name__}: it does not satisfy the model "
            "result contract (params, cov_params(), predict_proba(newdata, params), "
            "separation, ...) of probstats.models"
        )
    params = pd.Series(result.params, dtype=float)

    def prob_fn(par, newdata):
        out = result.predict_proba(newdata, params=pd.Series(par, index=params.index))
        return out.to_numpy(dtype=float)

    return _Adapter(
        params,
        np.asarray(result.cov_params(), dtype=float),
        prob_fn,
        [str(c) for c in result.categories],
        result.data,
        list(result.predictors),
        result.df_inference,
    )


def _jacobian(fun, x: np.ndarray) -> np.ndarray:
    f0 = fun(x)
    J = np.empty((f0.size, x.size))
    for j in range(x.size):
        h = 1e-6 * max(1.0, abs(x[j]))
        e = np.zeros_like(x)
        e[j] = h
        J[:, j] = (fun(x + e) - fun(x - e)) / (2 * h)
    return J


def _draws(ad: _Adapter, method: str, bootstrap, n_draws: int, seed) -> np.ndarray:
    if method == "simulation":
        rng = np.random.default_rng(seed)
        return rng.multivariate_normal(ad.params.to_numpy(), ad.cov, size=n_draws, method="eigh")
    if bootstrap is None:
        raise ModelSpecificationError("method='bootstrap' needs bootstrap=<BootstrapResult>")
    if bootstrap.too_many_failures:
        # the survivors are the least extreme resamples: their spread is too narrow
        raise ModelSpecificationError(
            "the bootstrap's replicates cannot give intervals: " + bootstrap.failure_message()
        )
    reps = bootstrap.replicates
    missing = [t for t in ad.params.index if t not in reps.columns]
    reps = reps.reindex(columns=ad.params.index)
    for t in missing:  # parameters not resampled stay at their estimates
        reps[t] = ad.params[t]
    return reps.to_numpy(dtype=float)


def _delta_se(ad, g) -> tuple[np.ndarray, np.ndarray]:
    J = _jacobian(g, ad.params.to_numpy())
    return J, np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", J, ad.cov, J), 0))


def _quantile(ad, conf_level: float) -> float:
    if ad.df:
        return float(stats.t.ppf(0.5 + conf_level / 2, ad.df))
    return float(stats.norm.ppf(0.5 + conf_level / 2))


def _check_cov(ad) -> None:
    if not np.all(np.isfinite(ad.cov)):
        raise ModelSpecificationError("the model has no usable covariance matrix")


def _logit_band(ad, fun, conf_level):
    """Delta-method band of probabilities on the logit scale, back-transformed."""
    _check_cov(ad)

    def g(p):
        return special.logit(np.clip(fun(p), 1e-12, 1 - 1e-12))

    _, se = _delta_se(ad, g)
    q = _quantile(ad, conf_level)
    centre = g(ad.params.to_numpy())
    return special.expit(centre - q * se), special.expit(centre + q * se), se


def _simulated(ad, fun, method, conf_level, bounds, bootstrap, n_draws, seed, what):
    """Quantile intervals of fun over parameter draws, kept within ``bounds``."""
    draws = _draws(ad, method, bootstrap, n_draws, seed)
    vals = np.array([fun(d) for d in draws])
    lo_b, hi_b = bounds
    eps = 1e-10
    outside = np.any((vals < lo_b - eps) | (vals > hi_b + eps), axis=1)
    if outside.any():
        warnings.warn(
            f"{int(outside.sum())} of {len(vals)} {method} draws give {what} outside "
            f"{lo_b:g} to {hi_b:g} (e.g. crossing cut-points): the normal approximation "
            "to the estimates is poor here; intervals are clipped to that range",
            InvalidDrawsWarning,
            stacklevel=4,
        )
    a = (1 - conf_level) / 2
    low = np.clip(np.nanquantile(vals, a, axis=0), lo_b, hi_b)
    high = np.clip(np.nanquantile(vals, 1 - a, axis=0), lo_b, hi_b)
    return low, high, np.nanstd(vals, axis=0, ddof=1)


def _intervals(ad, fun, method, conf_level, bootstrap, n_draws, seed):
    """Point values and intervals of probabilities fun(params) (a flat vector)."""
    est = fun(ad.params.to_numpy())
    if method == "delta":
        lo, hi, se = _logit_band(ad, fun, conf_level)
        return est, lo, hi, se
    lo, hi, se = _simulated(
        ad, fun, method, conf_level, (0.0, 1.0), bootstrap, n_draws, seed, "probabilities"
    )
    return est, lo, hi, se


def _shift_intervals(ad, pair, method, conf_level, bootstrap, n_draws, seed):
    """Shift ``to - from`` of ``pair(params) = (from, to)`` with intervals in -1..1.

    ``delta``: MOVER from the two logit-scale bands, using the delta-method
    correlation of the two probabilities (both come from the same estimates);
    otherwise quantiles of the simulated or bootstrap differences.
    """

    def shift(par):
        f, t = pair(par)
        return t - f

    est = shift(ad.params.to_numpy())
    if method != "delta":
        lo, hi, se = _simulated(
            ad, shift, method, conf_level, (-1.0, 1.0), bootstrap, n_draws, seed, "shifts"
        )
        return est, lo, hi, se
    _check_cov(ad)
    p_from, p_to = pair(ad.params.to_numpy())
    C = p_from.size
    lo_b, hi_b, _ = _logit_band(ad, lambda par: np.concatenate(pair(par)), conf_level)
    J, _ = _delta_se(ad, lambda par: np.concatenate(pair(par)))
    V = J @ ad.cov @ J.T
    var_f, var_t = np.diag(V)[:C], np.diag(V)[C:]
    cov_ft = np.diag(V[:C, C:])
    se = np.sqrt(np.maximum(var_f + var_t - 2 * cov_ft, 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(var_f * var_t > 0, cov_ft / np.sqrt(var_f * var_t), 0.0)
    r = np.clip(r, -1.0, 1.0)
    l_f, u_f, l_t, u_t = lo_b[:C], hi_b[:C], lo_b[C:], hi_b[C:]
    # MOVER for a difference of correlated estimates (Zou and Donner 2008)
    down_t, up_f = p_to - l_t, u_f - p_from
    up_t, down_f = u_t - p_to, p_from - l_f
    low = est - np.sqrt(np.maximum(down_t**2 + up_f**2 - 2 * r * down_t * up_f, 0))
    high = est + np.sqrt(np.maximum(up_t**2 + down_f**2 - 2 * r * up_t * down_f, 0))
    return est, np.clip(low, -1.0, 1.0), np.clip(high, -1.0, 1.0), se


def _grid(ad: _Adapter, at: Mapping | None, typical: Typical, base_data) -> dict:
    data = base_data if base_data is not None else ad.data
    if data is None and not at:
        raise ModelSpecificationError("no model data for typical values: pass data= or at=")
    vals = typical_values(data, ad.predictors, typical) if data is not None else {}
    vals.update(at or {})
    unknown = [k for k in (at or {}) if ad.predictors and k not in ad.predictors]
    if unknown:
        raise ModelSpecificationError(f"at: {unknown} are not predictors {ad.predictors}")
    return vals


def _events(categories: list[str], events: Mapping[str, Sequence[str]] | None):
    """Matrix K x E summing category probabilities into named events."""
    names = list(categories)
    cols = [np.eye(len(categories))[:, j] for j in range(len(categories))]
    for name, members in (events or {}).items():
        bad = [m for m in members if m not in categories]
        if bad:
            raise ModelSpecificationError(
                f"event {name!r}: unknown categories {bad}; categories are {categories}"
            )
        cols.append(np.array([c in members for c in categories], dtype=float))
        names.append(name)
    return names, np.column_stack(cols)


def predict_curve(
    result,
    predictor: str,
    values: Sequence[float] | None = None,
    *,
    n_points: int = 25,
    at: Mapping[str, object] | None = None,
    typical: Typical = "median",
    events: Mapping[str, Sequence[str]] | None = None,
    method: Method = "delta",
    bootstrap=None,
    n_draws: int = 2000,
    conf_level: float = 0.95,
    data: pd.DataFrame | None = None,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Predicted probability of each outcome category across a range of one predictor.

    Other predictors are held at typical values (mean or median; most common level),
    overridden by ``at``.

    Parameters
    ----------
    result
        A fitted model (see the module docstring).
    predictor
        Predictor to vary.
    values
        Values to predict at; default ``n_points`` evenly spaced over its observed range.
    at
        Fixed values for other predictors.
    typical
        ``"median"`` (default) or ``"mean"`` for numeric predictors not in ``at``.
    events
        Extra named unions of categories, e.g. ``{"Requires improvement or worse":
        ["Inadequate", "Requires improvement"]}``.
    method, bootstrap, n_draws, seed
        Interval method (see module docstring).
    conf_level
        Confidence level of the bands.
    data
        Frame for typical values and the default range (default: the model's data).

    Returns
    -------
    pandas.DataFrame
        Long: ``<predictor>, category, probability, std_error, conf_low, conf_high`` (the
        standard error is on the logit scale for ``delta``; the bands lie within 0-1).

    Raises
    ------
    ModelSpecificationError
        The fit is separated: its probabilities are 0 or 1 at an estimate that does not
        exist, so no honest band can be drawn. Merge categories, coarsen or drop the
        predictor, or use a penalised fit.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from probstats.models.inference.predict import predict_curve
    >>> from probstats.models.binomial.model import fit_binomial
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.uniform(0, 40, 60), "n": 25})
    >>> df["k"] = rng.binomial(25, 1 / (1 + np.exp(-(1 - 0.05 * df["x"]))))
    >>> res = fit_binomial(df, "k", ["x"], trials="n", outcome_scale="count",
    ...                    region_effect="none", warn=False)
    >>> curve = predict_curve(res, "x", [10, 30])
    >>> bool((curve["conf_low"] < curve["probability"]).all())
    True
    """
    check_literal(method, Method, "method")
    ad = _adapt(result)
    _refuse_separated(result, "predicted probabilities")
    base = data if data is not None else ad.data
    if values is None:
        if base is None or predictor not in base.columns:
            raise ModelSpecificationError(f"give values= for {predictor!r}")
        lo, hi = float(base[predictor].min()), float(base[predictor].max())
        values = np.linspace(lo, hi, n_points)
    values = list(values)
    fixed = _grid(ad, at, typical, base)
    fixed.pop(predictor, None)
    newdata = pd.DataFrame({**{k: [v] * len(values) for k, v in fixed.items()}, predictor: values})
    names, E = _events(ad.categories, events)

    def fun(par):
        return (ad.prob_fn(par, newdata) @ E).ravel()

    est, lo_, hi_, se = _intervals(ad, fun, method, conf_level, bootstrap, n_draws, seed)
    V, C = len(values), len(names)
    return (
        pd.DataFrame(
            {
                predictor: np.repeat(values, C),
                "category": np.tile(names, V),
                "probability": est,
                "std_error": se,
                "conf_low": lo_,
                "conf_high": hi_,
            }
        )
        .reset_index(drop=True)
        .assign(**{k: v for k, v in fixed.items() if not isinstance(v, (list, tuple))})
    )


def scenario(
    result,
    changes: Mapping[str, tuple[object, object]],
    *,
    at: Mapping[str, object] | None = None,
    typical: Typical = "median",
    events: Mapping[str, Sequence[str]] | None = None,
    method: Method = "delta",
    bootstrap=None,
    n_draws: int = 2000,
    conf_level: float = 0.95,
    data: pd.DataFrame | None = None,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Shift in outcome probabilities between two covariate scenarios.

    ``scenario(res, {"vacancy_rate_po": (30, 10)})`` compares an otherwise typical unit
    with PO vacancy at 30% against the same unit at 10%.

    Parameters
    ----------
    result
        A fitted model.
    changes
        ``{predictor: (from_value, to_value)}``; several predictors change together.
    at, typical, events, method, bootstrap, n_draws, conf_level, data, seed
        As :func:`predict_curve`.

    Returns
    -------
    pandas.DataFrame
        One row per category / event: ``category, prob_from, prob_to, shift``
        (to minus from), ``std_error`` (of the shift, delta method or simulation SD),
        ``conf_low, conf_high`` (of the shift; within -1 to 1: MOVER for ``delta``,
        quantiles of the differences otherwise), and the intervals of each scenario
        probability (``from_low``, ``from_high``, ``to_low``, ``to_high``; within 0-1).

    Raises
    ------
    ModelSpecificationError
        The fit is separated (see the module docstring), or the arguments are invalid.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from probstats.models.inference.predict import scenario
    >>> from probstats.models.binomial.model import fit_binomial
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.uniform(0, 40, 60), "n": 25})
    >>> df["k"] = rng.binomial(25, 1 / (1 + np.exp(-(1 - 0.05 * df["x"]))))
    >>> res = fit_binomial(df, "k", ["x"], trials="n", outcome_scale="count",
    ...                    region_effect="none", warn=False)
    >>> out = scenario(res, {"x": (30, 10)})
    >>> bool(out.loc[0, "shift"] > 0 and out.loc[0, "conf_low"] > 0)
    True
    """
    check_literal(method, Method, "method")
    if not changes:
        raise ModelSpecificationError("changes must name at least one predictor")
    ad = _adapt(result)
    _refuse_separated(result, "scenario probabilities and shifts")
    base = data if data is not None else ad.data
    fixed = _grid(ad, at, typical, base)
    unknown = [k for k in changes if ad.predictors and k not in ad.predictors]
    if unknown:
        raise ModelSpecificationError(f"changes: {unknown} are not predictors {ad.predictors}")
    frm = dict(fixed)
    to = dict(fixed)
    for k, (a, b) in changes.items():
        frm[k], to[k] = a, b
    newdata = pd.DataFrame([frm, to])
    names, E = _events(ad.categories, events)

    def both(par):
        return ad.prob_fn(par, newdata) @ E  # 2 x C

    def levels(par):
        return both(par).ravel()

    s_est, s_lo, s_hi, s_se = _shift_intervals(
        ad, both, method, conf_level, bootstrap, n_draws, seed
    )
    p_est, p_lo, p_hi, _ = _intervals(ad, levels, method, conf_level, bootstrap, n_draws, seed)
    C = len(names)
    return pd.DataFrame(
        {
            "category": names,
            "prob_from": p_est[:C],
            "prob_to": p_est[C:],
            "shift": s_est,
            "std_error": s_se,
            "conf_low": s_lo,
            "conf_high": s_hi,
            "from_low": p_lo[:C],
            "from_high": p_hi[:C],
            "to_low": p_lo[C:],
            "to_high": p_hi[C:],
        }
    )
