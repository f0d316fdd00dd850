"""Binomial, quasi-binomial, beta-binomial and random-intercept models of case samples."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import integrate, optimize, special, stats

from probstats.errors import (
    DroppedRowsWarning,
    ModelSpecificationError,
    SeparationWarning,
    SmallSampleWarning,
)
from probstats.models.binomial import betabinomial_loglik, fit_binomial
from probstats.models.contextual import (
    ClusteringWarning,
    attach_region_covariates,
    covariate_levels,
    fit_contextual,
    within_between,
)

TIDY = ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]
REGIONS = [f"R{i:02d}" for i in range(12)]


def simulate(seed=0, per_region=8, b0=0.3, b1=0.5, sd_region=0.5, rho=0.0, n_lo=15, n_hi=40):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(12), per_region)
    x = rng.normal(size=len(g))
    u = rng.normal(0, sd_region, 12)[g]
    n = rng.integers(n_lo, n_hi, len(g))
    mu = special.expit(b0 + b1 * x + u)
    if rho > 0:
        c = (1 - rho) / rho
        mu = rng.beta(mu * c, (1 - mu) * c)
    k = rng.binomial(n, mu)
    return pd.DataFrame(
        {
            "region": np.array(REGIONS)[g],
            "x": x,
            "k": k,
            "n": n,
            "y_pct": np.round(100 * k / n),
            "y_n": n,
        }
    )


def fit(df, **kw):
    kw.setdefault("warn", False)
    return fit_binomial(df, "k", ["x"], trials="n", outcome_scale="count", **kw)


# ---------------------------------------------------------------- closed forms


def test_intercept_only_mle_is_pooled_proportion_and_ci_near_clopper_pearson():
    df = simulate(1, per_region=20, b1=0.0, sd_region=0.0)
    res = fit_binomial(
        df,
        "k",
        [],
        trials="n",
        outcome_scale="count",
        family="binomial",
        region_effect="none",
        warn=False,
    )
    k, n = df["k"].sum(), df["n"].sum()
    assert_allclose(special.expit(res.params["Intercept"]), k / n, rtol=1e-10)
    t = res.tidy().iloc[0]
    cp = stats.binomtest(int(k), int(n)).proportion_ci(0.95, method="exact")
    # logit-Wald and Clopper-Pearson agree closely with ~6000 cases
    assert_allclose(special.expit([t.conf_low, t.conf_high]), [cp.low, cp.high], atol=2e-3)
    # log-likelihood includes the binomial coefficients
    assert_allclose(res.llf, stats.binom.logpmf(df["k"], df["n"], k / n).sum(), rtol=1e-10)


def test_betabinomial_loglik_matches_scipy():
    rng = np.random.default_rng(2)
    n = rng.integers(1, 60, 50)
    k = rng.integers(0, n + 1)
    eta, theta = rng.normal(size=50), rng.normal(-1, 1, 50)
    mu, rho = special.expit(eta), special.expit(theta)
    a, b = mu * (1 - rho) / rho, (1 - mu) * (1 - rho) / rho
    assert_allclose(
        betabinomial_loglik(k, n, eta, theta), stats.betabinom.logpmf(k, n, a, b), rtol=1e-10
    )


def test_betabinomial_mle_matches_direct_scipy_optimisation():
    df = simulate(3, b1=0.4, sd_region=0.0, rho=0.1)
    res = fit(df, family="betabinomial", region_effect="none")
    k, n, x = df["k"].to_numpy(), df["n"].to_numpy(), df["x"].to_numpy()

    def negll(p):  # independent parameterisation: log a/b linear in x is not the same, so
        mu = special.expit(p[0] + p[1] * x)  # use mean/precision with log precision
        phi = np.exp(p[2])
        return -stats.betabinom.logpmf(k, n, mu * phi, (1 - mu) * phi).sum()

    ref = optimize.minimize(
        negll,
        [0, 0, 2],
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000},
    )
    assert_allclose(res.params[["Intercept", "x"]], ref.x[:2], atol=1e-4)
    rho_ref = 1 / (1 + np.exp(ref.x[2]))
    assert_allclose(res.tidy().set_index("term").loc["rho", "estimate"], rho_ref, rtol=1e-3)
    assert_allclose(res.llf, -ref.fun, rtol=1e-8)
    # recovers the generating overdispersion roughly
    assert 0.03 < rho_ref < 0.25


def test_quasibinomial_scale_is_pearson_with_trial_weights():
    df = simulate(4, sd_region=0.6)
    b = fit(df, family="binomial", region_effect="none")
    q = fit(df, family="quasibinomial", region_effect="none")
    assert_allclose(q.params, b.params)
    mu = special.expit(b.params["Intercept"] + b.params["x"] * df["x"])
    x2 = (((df["k"] - df["n"] * mu) ** 2) / (df["n"] * mu * (1 - mu))).sum()
    phi = x2 / (len(df) - 2)
    assert phi > 1.2  # the data are overdispersed by construction
    assert_allclose(q.bse, b.bse * np.sqrt(phi), rtol=1e-6)
    assert_allclose(q.glance()["dispersion"].iloc[0], phi, rtol=1e-8)
    assert np.isnan(q.glance()["aic"].iloc[0])  # no likelihood, no AIC
    assert q.df_inference == len(df) - 2


def test_cluster_robust_matches_hand_cr1_sandwich_with_t_on_g_minus_1():
    df = simulate(5)
    res = fit(df, family="binomial", region_effect="cluster")
    X = np.column_stack([np.ones(len(df)), df["x"]])
    beta = res.params.to_numpy()
    mu = special.expit(X @ beta)
    k, n = df["k"].to_numpy(), df["n"].to_numpy()
    scores = (k - n * mu)[:, None] * X
    bread = np.linalg.inv((X * (n * mu * (1 - mu))[:, None]).T @ X)
    meat = sum(np.outer(s, s) for s in pd.DataFrame(scores).groupby(df["region"]).sum().values)
    G, N = 12, len(df)
    V = G / (G - 1) * (N - 1) / (N - 2) * bread @ meat @ bread
    assert_allclose(res.bse, np.sqrt(np.diag(V)), rtol=1e-6)
    assert res.df_inference == 11
    t = res.tidy().set_index("term").loc["x"]
    q = stats.t.ppf(0.975, 11)
    assert_allclose(
        [t.conf_low, t.conf_high], [t.estimate - q * t.std_error, t.estimate + q * t.std_error]
    )
    assert_allclose(t.p_value, 2 * stats.t.sf(abs(t.statistic), 11))


def test_betabinomial_cluster_uses_score_sandwich():
    df = simulate(6, rho=0.05)
    model = fit(df, family="betabinomial", region_effect="none")
    clus = fit(df, family="betabinomial", region_effect="cluster")
    assert_allclose(clus.params, model.params)
    assert clus.df_inference == 11
    assert not np.allclose(clus.bse, model.bse)


# ---------------------------------------------------------------- random intercept


def test_agq_marginal_likelihood_matches_brute_force_integration():
    df = simulate(7, per_region=4, sd_region=0.8)
    res = fit(df, family="binomial", region_effect="random", n_quad=15)
    b0, b1 = res.params["Intercept"], res.params["x"]
    sigma = np.exp(res.params["log_sd__region"])
    total = 0.0
    for _, grp in df.groupby("region"):

        def integrand(u, grp=grp):
            p = special.expit(b0 + b1 * grp["x"].to_numpy() + u)
            return np.exp(stats.binom.logpmf(grp["k"], grp["n"], p).sum()) * stats.norm.pdf(
                u, 0, sigma
            )

        val, _ = integrate.quad(integrand, -8 * sigma, 8 * sigma, limit=200, epsabs=0)
        total += np.log(val)
    assert_allclose(res.llf, total, rtol=1e-7)
    # Laplace (1 node) is close but not equal
    lap = fit(df, family="binomial", region_effect="random", n_quad=1)
    assert abs(lap.llf - res.llf) < 1.0


def test_random_intercept_recovers_parameters():
    df = simulate(8, per_region=30, b0=0.3, b1=0.5, sd_region=0.6)
    res = fit(df, family="binomial", region_effect="random")
    t = res.tidy().set_index("term")
    assert abs(t.loc["x", "estimate"] - 0.5) < 3 * t.loc["x", "std_error"]
    assert 0.3 < t.loc["sd__region", "estimate"] < 1.1
    assert np.isnan(t.loc["sd__region", "p_value"])
    aug = res.augment()
    assert {".random_effect", ".fitted_region"} <= set(aug.columns)
    assert aug.groupby("region")[".random_effect"].nunique().max() == 1


def test_betabinomial_random_intercept_runs_and_nests_binomial():
    df = simulate(9, per_region=5, sd_region=0.5, rho=0.0)
    bb = fit(df, family="betabinomial", region_effect="random", n_quad=5)
    bi = fit(df, family="binomial", region_effect="random", n_quad=5)
    assert bb.llf >= bi.llf - 1e-3  # one extra parameter cannot lower the maximum
    assert_allclose(bb.params["x"], bi.params["x"], atol=0.05)


# ---------------------------------------------------------------- recovery, interface


def test_binomial_recovers_slope_within_standard_errors():
    df = simulate(10, per_region=40, b0=-0.2, b1=0.7, sd_region=0.0)
    res = fit(df, family="binomial", region_effect="none")
    t = res.tidy().set_index("term")
    assert abs(t.loc["x", "estimate"] - 0.7) < 3 * t.loc["x", "std_error"]
    assert abs(t.loc["Intercept", "estimate"] + 0.2) < 3 * t.loc["Intercept", "std_error"]


def test_tidy_glance_augment_columns_and_odds_ratios():
    df = simulate(11)
    res = fit(df)
    tidy = res.tidy()
    assert list(tidy.columns) == TIDY
    orr = res.tidy(exponentiate=True, per={"x": 2}).set_index("term").loc["x"]
    assert_allclose(orr.estimate, np.exp(2 * res.params["x"]))
    g = res.glance()
    assert {"n", "n_dropped", "log_likelihood", "aic", "bic", "pseudo_r2"} <= set(g.columns)
    null = fit_binomial(
        df,
        "k",
        [],
        trials="n",
        outcome_scale="count",
        family="binomial",
        region_effect="none",
        warn=False,
    )
    assert_allclose(g["pseudo_r2"].iloc[0], 1 - res.llf / null.llf)
    aug = res.augment()
    assert_allclose(
        aug[".fitted"], special.expit(res.params["Intercept"] + res.params["x"] * df["x"])
    )
    assert res.sm_result is not None


def test_percentages_converted_to_counts_with_default_trials_column():
    df = simulate(12)
    a = fit_binomial(df, "y_pct", ["x"], warn=False)
    b = fit(df)
    assert_allclose(a.params, b.params)
    bad = df.copy()
    bad.loc[0, ["y_pct", "y_n"]] = [50, 7]  # 50% of 7 cases is not a whole number
    with pytest.warns(UserWarning, match="not matching"):
        fit_binomial(bad, "y_pct", ["x"], region_effect="none", warn=True)


def test_dropped_rows_reported_with_reasons():
    df = simulate(13)
    df.loc[[0, 1], "x"] = np.nan
    df.loc[2, "n"] = 0
    with pytest.warns(DroppedRowsWarning, match="3 of 96"):
        res = fit_binomial(df, "k", ["x"], trials="n", outcome_scale="count", region_effect="none")
    assert res.glance()["n_dropped"].iloc[0] == 3
    reasons = res.dropped.frame.set_index("row")["reason"]
    assert reasons[0] == "missing x" and "trials" in reasons[2]


def test_options_validated_with_allowed_values():
    df = simulate(14)
    with pytest.raises(ModelSpecificationError, match="'cluster', 'random', 'none'"):
        fit(df, region_effect="fixed")
    with pytest.raises(ModelSpecificationError, match="allowed values"):
        fit(df, family="poisson")
    with pytest.raises(ModelSpecificationError, match="likelihood"):
        fit(df, family="quasibinomial", region_effect="random")
    with pytest.raises(ModelSpecificationError, match="not in data"):
        fit_binomial(df, "k", ["nope"], trials="n", outcome_scale="count")


def test_separation_and_few_clusters_warn():
    df = simulate(15)
    df["k"] = np.where(df["x"] > 0, df["n"], 0)
    with pytest.warns(SeparationWarning):
        fit_binomial(
            df,
            "k",
            ["x"],
            trials="n",
            outcome_scale="count",
            family="binomial",
            region_effect="none",
        )
    with pytest.warns(SmallSampleWarning, match="12 region clusters"):
        fit_binomial(simulate(16), "k", ["x"], trials="n", outcome_scale="count")


# ---------------------------------------------------------------- contextual effects


def _regional(seed=17):
    rng = np.random.default_rng(seed)
    regs = pd.DataFrame({"region": REGIONS, "vac": rng.uniform(5, 40, 12)})
    df = simulate(seed, sd_region=0.3)
    df["unit_id"] = [f"u{i}" for i in range(len(df))]
    return attach_region_covariates(df, regs, ["vac"]), regs


def test_attach_and_decompose():
    df, regs = _regional()
    assert (df.groupby("region")["vac_region"].nunique() == 1).all()
    assert_allclose(
        df.loc[df.region == "R03", "vac_region"].iloc[0], regs.set_index("region").loc["R03", "vac"]
    )
    wb = within_between(df, ["x"])
    assert_allclose(wb.groupby("region")["x_within"].sum(), 0, atol=1e-12)
    assert_allclose(wb["x_between"] + wb["x_within"], wb["x"])
    lv = covariate_levels(df, ["vac_region", "x", "unit_id"])
    assert lv["vac_region"] == "region" and lv["x"] == "unit_id"
    with pytest.raises(ModelSpecificationError, match="several rows"):
        attach_region_covariates(df, pd.concat([regs, regs.iloc[:1]]), ["vac"])


def test_region_level_covariate_clustered_at_region():
    df, _ = _regional()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        res = fit_contextual(df, "k", ["x", "vac_region"], trials="n", outcome_scale="count")
    assert res.region == "region" and res.df_inference == 11
    assert any("vac_region=region" in n for n in res.notes)
    with pytest.warns(ClusteringWarning, match="vac_region"):
        naive = fit_binomial(
            df,
            "k",
            ["x", "vac_region"],
            trials="n",
            outcome_scale="count",
            family="binomial",
            region_effect="none",
        )
    # with a region random effect in the data, naive SEs of the region covariate are too small
    assert naive.bse["vac_region"] < res.bse["vac_region"]
    with pytest.raises(ModelSpecificationError, match="finer"):
        fit_contextual(
            df, "k", ["vac_region"], trials="n", outcome_scale="count", cluster="unit_id"
        )


# ---------------------------------------------------------------- coverage (slow)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("family", "region_effect", "sd", "rho", "lo"),
    [
        ("binomial", "none", 0.0, 0.0, 0.93),
        ("quasibinomial", "none", 0.0, 0.08, 0.92),
        ("betabinomial", "none", 0.0, 0.08, 0.92),
        ("quasibinomial", "cluster", 0.4, 0.05, 0.90),
        ("binomial", "random", 0.5, 0.0, 0.92),
    ],
)
def test_coverage_of_95_percent_intervals(family, region_effect, sd, rho, lo):
    hits = []
    for s in range(400 if region_effect != "random" else 200):
        df = simulate(1000 + s, per_region=10, b1=0.5, sd_region=sd, rho=rho)
        res = fit(df, family=family, region_effect=region_effect, n_quad=5)
        t = res.tidy().set_index("term").loc["x"]
        hits.append(t.conf_low <= 0.5 <= t.conf_high)
    assert lo <= np.mean(hits) <= 0.99
