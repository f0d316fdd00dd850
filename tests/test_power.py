"""Simulation-based power: batched fits, size, analytic power, minimum detectable effect."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import special, stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from probstats.errors import ModelSpecificationError
from probstats.models.inference.power import (
    fit_logistic_batch,
    fit_ordinal_each,
    min_detectable_effect,
    power_binomial,
    power_ordinal,
)


def test_batched_logistic_matches_statsmodels_glm():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 30))
    n = rng.integers(5, 30, size=(4, 30)).astype(float)
    k = rng.binomial(n.astype(int), special.expit(0.3 + 0.6 * x)).astype(float)
    beta, inv, _, ok = fit_logistic_batch(k, n, x)
    assert ok.all()
    for s in range(4):
        ref = sm.GLM(
            np.column_stack([k[s], n[s] - k[s]]),
            sm.add_constant(x[s]),
            family=sm.families.Binomial(),
        ).fit()
        assert_allclose(beta[s], ref.params, rtol=1e-8)
        assert_allclose(np.sqrt(np.diag(inv[s])), ref.bse, rtol=1e-6)


def test_batched_ordinal_matches_statsmodels_ordered_model():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 50))
    y = ((0.8 * x + rng.logistic(size=(3, 50)))[..., None] > [-1.5, 0.0, 1.2]).sum(-1)
    beta, se, ok = fit_ordinal_each(y, x, 4)
    assert ok.all()
    for s in range(3):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = OrderedModel(y[s], x[s][:, None], distr="logit").fit(
                method="bfgs", disp=False, gtol=1e-10, maxiter=5000
            )
        assert_allclose(beta[s], ref.params[0], atol=1e-5)
        assert_allclose(se[s], ref.bse[0], rtol=1e-3)


def test_size_under_null_is_alpha():
    b = power_binomial(30, 1.0, x_sd=1, trials=20, rho=0.1, n_sims=3000, seed=2)
    assert abs(b.power - 0.05) < 3 * np.sqrt(0.05 * 0.95 / 3000) + 0.01
    o = power_ordinal(40, 1.0, n_sims=2000, seed=3)
    assert abs(o.power - 0.05) < 3 * np.sqrt(0.05 * 0.95 / 2000) + 0.01


def test_binomial_power_matches_analytic_approximation():
    # fixed design, large trials: Wald power = Phi(|beta|/se - z) + Phi(-|beta|/se - z)
    x = np.linspace(-1.5, 1.5, 40)
    beta, n = 0.25, 30
    mu = special.expit(beta * x)
    se = np.sqrt(
        np.linalg.inv(
            (np.column_stack([np.ones(40), x]).T * (n * mu * (1 - mu)))
            @ np.column_stack([np.ones(40), x])
        )[1, 1]
    )
    z = stats.norm.ppf(0.975)
    analytic = stats.norm.cdf(beta / se - z) + stats.norm.cdf(-beta / se - z)
    sim = power_binomial(
        40, np.exp(beta), x=x, trials=n, baseline=0.5, test="wald", n_sims=3000, seed=4
    )
    assert abs(sim.power - analytic) < 0.03
    assert_allclose(np.log(sim.mean_estimate), beta, atol=0.02)


def test_power_reproducible_increasing_and_overdispersion_costs_power():
    a = power_binomial(25, 0.7, per=10, x_mean=20, x_sd=10, n_sims=500, seed=5)
    b = power_binomial(25, 0.7, per=10, x_mean=20, x_sd=10, n_sims=500, seed=5)
    assert a == b
    bigger = power_binomial(60, 0.7, per=10, x_mean=20, x_sd=10, n_sims=500, seed=5)
    assert bigger.power > a.power
    od = power_binomial(25, 0.7, per=10, x_mean=20, x_sd=10, rho=0.15, n_sims=500, seed=5)
    assert od.power < a.power


def test_minimum_detectable_effect_on_interpolated_curve():
    mde, curve = min_detectable_effect(
        "ordinal", 25, per=10, x_mean=20, x_sd=10, n_sims=400, n_grid=10, max_odds_ratio=10
    )
    assert 0.1 < mde < 1
    assert curve["power"].iloc[0] < 0.1 and curve["power"].iloc[-1] > 0.8
    check = power_ordinal(25, mde, per=10, x_mean=20, x_sd=10, n_sims=400, seed=0)
    assert abs(check.power - 0.8) < 0.06
    up, _ = min_detectable_effect(
        "binomial", 25, direction="increase", per=10, x_mean=20, x_sd=10, n_sims=300, n_grid=8
    )
    assert up > 1


def test_no_detectable_effect_says_why_instead_of_a_silent_nan():
    from probstats.errors import SmallSampleWarning

    with pytest.warns(SmallSampleWarning, match="with 6 units the power never reaches 80%"):
        mde, curve = min_detectable_effect(
            "ordinal", 6, per=10, x_mean=20, x_sd=10, n_sims=60, n_grid=4, max_odds_ratio=3
        )
    assert np.isnan(mde)
    assert curve["power"].max() < 0.8
    assert "largest power reached is" in curve.attrs["reason"]
    assert "Too few units" in curve.attrs["reason"]
    # when the target is reached there is nothing to explain
    _, ok = min_detectable_effect("binomial", 25, per=10, x_mean=20, x_sd=10, n_sims=100, n_grid=6)
    assert ok.attrs["reason"] == ""


def test_options_validated():
    with pytest.raises(ModelSpecificationError, match="'quasi', 'wald'"):
        power_binomial(25, 0.7, test="score")
    with pytest.raises(ModelSpecificationError, match="sum to 1"):
        power_ordinal(25, 0.7, baseline_probs=(0.5, 0.4))
    with pytest.raises(ModelSpecificationError, match="allowed values"):
        min_detectable_effect("poisson", 25)


def test_observed_predictor_values_are_resampled():
    xobs = pd.Series([5.0, 12, 18, 22, 30, 35, np.nan])
    r = power_binomial(25, 0.6, per=10, x=xobs, n_sims=300, seed=6)
    assert r.n_failed == 0 and 0 < r.power <= 1


def test_power_fits_match_the_ordinal_engine_lean_fit():
    from probstats.models.ordinal.model import fit_ordinal_arrays

    rng = np.random.default_rng(9)
    x = rng.normal(size=(5, 30))
    y = ((0.5 * x + rng.logistic(size=(5, 30)))[..., None] > [-1.0, 0.5, 1.5]).sum(-1)
    keep = [s for s in range(5) if len(np.unique(y[s])) == 4]
    beta, _, ok = fit_ordinal_each(y[keep], x[keep], 4)
    for i, s in enumerate(keep):
        ref = fit_ordinal_arrays(y[s], x[s][:, None], 4)  # [beta, cut-points]
        assert ok[i]
        assert_allclose(beta[i], ref[0], atol=1e-7)
