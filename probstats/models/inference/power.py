"""Simulation-based power and minimum detectable effect for the binomial and ordinal models.

"With 25 units whose PO vacancy is known, what odds ratio per 10 points could we
detect?" Each simulation draws a dataset of ``n_units`` from the model with a known odds
ratio, fits the model and tests the predictor at level ``alpha``; power is the share of
rejections. All simulated datasets are fitted at once (batched Newton-Raphson in numpy),
so thousands of simulations take seconds. Simulations use common random numbers (the
same uniforms / latent noise for every effect size), so power curves are smooth and the
minimum detectable effect can be interpolated.

Simulated fits that fail (separation, a single outcome category) count as
non-rejections and are reported in ``n_failed``; that is what would happen to a real
analysis that could not be fitted.

The simulation assumes independent units; with clustering by region the real power is
lower. Treat results as an upper bound.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special, stats

from probstats.errors import ModelSpecificationError, SmallSampleWarning, ZeroProbabilityError
from probstats.models._base import check_literal
from probstats.models.ordinal.likelihood import CumulativeLink

__all__ = [
    "PowerResult",
    "power_binomial",
    "power_ordinal",
    "min_detectable_effect",
    "fit_logistic_batch",
    "fit_ordinal_each",
]

BinomialTest = Literal["quasi", "wald"]
Direction = Literal["increase", "decrease"]


@dataclass(frozen=True)
class PowerResult:
    """Power estimate with its Monte Carlo standard error."""

    power: float
    mc_se: float
    n_sims: int
    n_failed: int
    odds_ratio: float
    per: float
    n_units: int
    alpha: float
    mean_estimate: float

    def as_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.__dict__])


def _x_design(rng, n_sims, n_units, x, x_mean, x_sd) -> np.ndarray:
    if x is None:
        return x_mean + x_sd * rng.standard_normal((n_sims, n_units))
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == n_units:
        return np.broadcast_to(x, (n_sims, n_units)).copy()
    return rng.choice(x, size=(n_sims, n_units), replace=True)


# --------------------------------------------------------------------------- batched fits


def fit_logistic_batch(
    k: np.ndarray, n: np.ndarray, x: np.ndarray, *, max_iter: int = 30
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fit ``logit P = b0 + b1 x`` to many datasets at once (rows = datasets).

    Returns ``(beta (S x 2), inverse information (S x 2 x 2), Pearson X2 (S), ok (S))``.
    """
    S, m = x.shape
    X = np.stack([np.ones_like(x), x], axis=2)  # S x m x 2
    pbar = np.clip(k.sum(1) / n.sum(1), 1e-3, 1 - 1e-3)
    beta = np.stack([special.logit(pbar), np.zeros(S)], axis=1)
    ok = np.ones(S, dtype=bool)
    for _ in range(max_iter):
        mu = special.expit(np.einsum("smp,sp->sm", X, beta))
        w = n * mu * (1 - mu)
        score = np.einsum("smp,sm->sp", X, k - n * mu)
        info = np.einsum("smp,sm,smq->spq", X, w, X)
        det = np.linalg.det(info)
        good = np.abs(det) > 1e-12
        step = np.zeros_like(beta)
        step[good] = np.linalg.solve(info[good], score[good][..., None])[..., 0]
        step = np.clip(step, -5, 5)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-9:
            break
    mu = special.expit(np.einsum("smp,sp->sm", X, beta))
    w = n * mu * (1 - mu)
    info = np.einsum("smp,sm,smq->spq", X, w, X)
    ok &= np.all(np.isfinite(beta), axis=1) & (np.abs(beta[:, 1]) * x.std(1) < 15)
    ok &= np.abs(np.linalg.det(info)) > 1e-10
    inv = np.full_like(info, np.nan)
    inv[ok] = np.linalg.inv(info[ok])
    with np.errstate(divide="ignore", invalid="ignore"):
        x2 = ((k - n * mu) ** 2 / w).sum(1)
    return beta, inv, x2, ok


def fit_ordinal_each(
    y: np.ndarray, x: np.ndarray, n_levels: int, *, max_iter: int = 50
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Proportional-odds logit fits of one predictor for many datasets (rows).

    Each row is fitted with the ordinal engine's likelihood
    (:class:`~probstats.models.ordinal.likelihood.CumulativeLink`, analytic Newton), so
    power is computed for exactly the estimator an analysis would use. ``y`` holds codes
    ``0..n_levels-1`` with every level present in every row. Returns ``(slope, its
    standard error, ok)``; ``ok`` is False where Newton's method did not converge (the
    estimate drifts: separation) or the information is singular.
    """
    S = y.shape[0]
    beta = np.full(S, np.nan)
    se = np.full(S, np.nan)
    ok = np.zeros(S, dtype=bool)
    for s in range(S):
        lik = CumulativeLink(y[s], x[s][:, None], n_levels)
        try:
            sol = lik.newton(lik.start(), max_iter=max_iter)
        except ZeroProbabilityError:
            continue
        if not sol.converged:
            continue
        try:
            cov = np.linalg.inv(-sol.hessian)
        except np.linalg.LinAlgError:
            continue
        if np.isfinite(cov[0, 0]) and cov[0, 0] > 0:
            beta[s], se[s], ok[s] = sol.params[0], np.sqrt(cov[0, 0]), True
    return beta, se, ok


# --------------------------------------------------------------------------- power


def power_binomial(
    n_units: int,
    odds_ratio: float,
    *,
    per: float = 1.0,
    x: Sequence[float] | None = None,
    x_mean: float = 0.0,
    x_sd: float = 1.0,
    trials: int | Sequence[int] = 25,
    baseline: float = 0.5,
    rho: float = 0.0,
    test: BinomialTest = "quasi",
    alpha: float = 0.05,
    n_sims: int = 1000,
    seed: int | np.random.Generator | None = None,
) -> PowerResult:
    """Power to detect an odds ratio for a unit-level predictor of a k-of-n outcome.

    Parameters
    ----------
    n_units
        Number of inspections with the predictor known.
    odds_ratio
        True odds ratio per ``per`` units of the predictor (e.g. per 10 points of PO
        vacancy).
    per
        Scale of ``odds_ratio``.
    x
        Observed predictor values to resample from (or use as is when there are
        ``n_units`` of them); otherwise normal with ``x_mean`` / ``x_sd``.
    trials
        Cases inspected per unit (scalar or values resampled per unit).
    baseline
        Probability of a sufficient case at the mean predictor value.
    rho
        Intra-inspection correlation of the data-generating beta-binomial (0 = binomial);
        HMIP case samples are usually overdispersed, so try 0.05-0.15.
    test
        ``"quasi"`` (default; Wald t on n-2 df with Pearson dispersion, as the default
        quasi-binomial fit) or ``"wald"`` (binomial z).
    alpha
        Two-sided significance level.
    n_sims
        Number of simulated datasets.
    seed
        Seed or Generator.

    Returns
    -------
    PowerResult

    Examples
    --------
    >>> from probstats.models.inference.power import power_binomial
    >>> r = power_binomial(25, 0.7, per=10, x_mean=20, x_sd=10, n_sims=400, seed=1)
    >>> 0 <= r.power <= 1
    True
    """
    check_literal(test, BinomialTest, "test")
    if n_units < 3:
        raise ModelSpecificationError("n_units must be at least 3")
    if not 0 <= rho < 1:
        raise ModelSpecificationError("rho must be in [0, 1)")
    rng = np.random.default_rng(seed)
    xs = _x_design(rng, n_sims, n_units, x, x_mean, x_sd)
    tr = np.asarray(trials)
    n = (
        np.full((n_sims, n_units), float(tr))
        if tr.ndim == 0
        else rng.choice(tr.astype(float), size=(n_sims, n_units))
    )
    u_beta = rng.random((n_sims, n_units))
    u_k = rng.random((n_sims, n_units))
    beta = np.log(odds_ratio) / per
    xc = xs - xs.mean(axis=1, keepdims=True) if x is None else xs - np.mean(xs)
    mu = special.expit(special.logit(baseline) + beta * xc)
    if rho > 0:
        c = (1 - rho) / rho
        p = stats.beta.ppf(u_beta, mu * c, (1 - mu) * c)
    else:
        p = mu
    k = stats.binom.ppf(u_k, n, p)
    b, inv, x2, ok = fit_logistic_batch(k, n, xs)
    var = inv[:, 1, 1]
    if test == "quasi":
        var = var * x2 / (n_units - 2)
        crit = stats.t.ppf(1 - alpha / 2, n_units - 2)
    else:
        crit = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = b[:, 1] / np.sqrt(var)
    reject = ok & (np.abs(z) > crit)
    pw = float(reject.mean())
    return PowerResult(
        pw,
        float(np.sqrt(pw * (1 - pw) / n_sims)),
        n_sims,
        int((~ok).sum()),
        float(odds_ratio),
        float(per),
        int(n_units),
        float(alpha),
        float(np.exp(np.nanmean(b[ok, 1]) * per)) if ok.any() else np.nan,
    )


def power_ordinal(
    n_units: int,
    odds_ratio: float,
    *,
    per: float = 1.0,
    x: Sequence[float] | None = None,
    x_mean: float = 0.0,
    x_sd: float = 1.0,
    baseline_probs: Sequence[float] = (0.15, 0.45, 0.35, 0.05),
    alpha: float = 0.05,
    n_sims: int = 1000,
    seed: int | np.random.Generator | None = None,
) -> PowerResult:
    """Power of the proportional-odds (polr-style) Wald test for one predictor.

    Parameters
    ----------
    n_units
        Number of rated inspections with the predictor known.
    odds_ratio
        Odds ratio of a *better* rating per ``per`` units of the predictor (below 1 when
        higher values, e.g. vacancy, go with worse ratings).
    per, x, x_mean, x_sd
        As :func:`power_binomial`.
    baseline_probs
        Probabilities of Inadequate, Requires improvement, Good, Outstanding at the mean
        predictor value.
    alpha, n_sims, seed
        As :func:`power_binomial`.

    Notes
    -----
    A simulated dataset in which a rating does not occur is fitted with that category
    merged away (as an analysis of the real data would have to); a dataset with a single
    observed rating counts as a failure.

    Examples
    --------
    >>> from probstats.models.inference.power import power_ordinal
    >>> r = power_ordinal(40, 0.5, per=10, x_mean=20, x_sd=10, n_sims=200, seed=1)
    >>> 0 <= r.power <= 1
    True
    """
    probs = np.asarray(baseline_probs, dtype=float)
    if np.any(probs <= 0) or not np.isclose(probs.sum(), 1):
        raise ModelSpecificationError("baseline_probs must be positive and sum to 1")
    rng = np.random.default_rng(seed)
    xs = _x_design(rng, n_sims, n_units, x, x_mean, x_sd)
    eps = rng.logistic(size=(n_sims, n_units))
    beta = np.log(odds_ratio) / per
    xc = xs - xs.mean(axis=1, keepdims=True) if x is None else xs - np.mean(xs)
    cuts = special.logit(np.cumsum(probs)[:-1])
    latent = beta * xc + eps
    y = (latent[..., None] > cuts).sum(-1)
    # dense recoding per dataset: drop categories that did not occur
    present = np.stack([(y == j).any(1) for j in range(len(probs))], axis=1)
    ranks = np.cumsum(present, axis=1) - 1
    y_dense = np.take_along_axis(ranks, y, axis=1)
    n_levels = present.sum(1)
    est = np.full(n_sims, np.nan)
    z = np.full(n_sims, np.nan)
    ok_all = np.zeros(n_sims, dtype=bool)
    for K in np.unique(n_levels):
        rows = np.flatnonzero(n_levels == K)
        if K < 2:
            continue
        b, se, ok = fit_ordinal_each(y_dense[rows], xs[rows], int(K))
        # polr's sign: a positive slope means better ratings; the simulation's latent
        # scale has higher latent = better, so the slope estimates beta directly
        with np.errstate(invalid="ignore"):
            est[rows] = b
            z[rows] = b / se
        ok_all[rows] = ok
    reject = ok_all & (np.abs(z) > stats.norm.ppf(1 - alpha / 2))
    pw = float(reject.mean())
    return PowerResult(
        pw,
        float(np.sqrt(pw * (1 - pw) / n_sims)),
        n_sims,
        int((~ok_all).sum()),
        float(odds_ratio),
        float(per),
        int(n_units),
        float(alpha),
        float(np.exp(np.nanmean(est[ok_all]) * per)) if ok_all.any() else np.nan,
    )


def _not_reached(curve: pd.DataFrame, n_units, target, max_odds_ratio, kwargs) -> str:
    best = curve["power"].max()
    failed = int(curve["n_failed"].sum())
    sims = int(kwargs.get("n_sims", 0)) * len(curve)
    why = (
        f"no minimum detectable effect: with {n_units} units the power never reaches "
        f"{target:.0%} for odds ratios up to {max_odds_ratio:g} (per {kwargs.get('per', 1)} "
        f"units); the largest power reached is {best:.0%}"
    )
    if failed:
        share = f" of {sims}" if sims else ""
        why += (
            f", and {failed}{share} simulated fits failed (mostly separated samples, "
            "counted as not rejecting)"
        )
    return why + ". Too few units to detect any plausible effect; collect more or pool."


def min_detectable_effect(
    model: Literal["binomial", "ordinal"],
    n_units: int,
    *,
    target: float = 0.8,
    direction: Direction = "decrease",
    max_odds_ratio: float = 20.0,
    n_grid: int = 15,
    seed: int = 0,
    **kwargs,
) -> tuple[float, pd.DataFrame]:
    """Smallest odds ratio (per ``per`` units) detected with probability ``target``.

    Power is computed on a grid of log odds ratios from 0 to ``log(max_odds_ratio)``
    with common random numbers (the same ``seed`` for every grid point) and the target
    crossing is interpolated linearly on the log scale.

    Parameters
    ----------
    model
        ``"binomial"`` (:func:`power_binomial`) or ``"ordinal"`` (:func:`power_ordinal`).
    n_units
        Sample size.
    target
        Power wanted.
    direction
        ``"decrease"`` looks at odds ratios below 1 (e.g. higher vacancy, worse
        outcomes), ``"increase"`` above 1.
    max_odds_ratio
        Largest effect (as an odds ratio >= 1, inverted for "decrease") searched.
    n_grid
        Grid points.
    seed
        Seed shared by all grid points.
    **kwargs
        Passed to the power function (``per``, ``x``, ``trials``, ``rho``, ``n_sims``...).

    Returns
    -------
    (odds_ratio, curve)
        The minimum detectable odds ratio and the power curve (``odds_ratio, power,
        mc_se, n_failed``). If ``target`` is not reached within ``max_odds_ratio`` the
        odds ratio is NaN, a :class:`~probstats.errors.SmallSampleWarning` says why
        (the largest power reached, how many simulated fits failed, e.g. separated
        samples) and ``curve.attrs["reason"]`` holds the same sentence.

    Examples
    --------
    >>> from probstats.models.inference.power import min_detectable_effect
    >>> mde, curve = min_detectable_effect("binomial", 25, per=10, x_mean=20, x_sd=10,
    ...                                    n_sims=300, n_grid=8)
    >>> bool(mde < 1)
    True
    """
    check_literal(model, Literal["binomial", "ordinal"], "model")
    check_literal(direction, Direction, "direction")
    fn = power_binomial if model == "binomial" else power_ordinal
    logs = np.linspace(0.0, np.log(max_odds_ratio), n_grid)
    sign = -1.0 if direction == "decrease" else 1.0
    rows = []
    for lg in logs:
        r = fn(n_units, float(np.exp(sign * lg)), seed=seed, **kwargs)
        rows.append(
            {"odds_ratio": r.odds_ratio, "power": r.power, "mc_se": r.mc_se, "n_failed": r.n_failed}
        )
    curve = pd.DataFrame(rows)
    pw = curve["power"].to_numpy()
    above = np.flatnonzero(pw >= target)
    if len(above) == 0:
        curve.attrs["reason"] = _not_reached(curve, n_units, target, max_odds_ratio, kwargs)
        warnings.warn(curve.attrs["reason"], SmallSampleWarning, stacklevel=2)
        return float("nan"), curve
    curve.attrs["reason"] = ""
    i = above[0]
    if i == 0:
        return 1.0, curve
    f = (target - pw[i - 1]) / (pw[i] - pw[i - 1])
    lg = logs[i - 1] + f * (logs[i] - logs[i - 1])
    return float(np.exp(sign * lg)), curve
