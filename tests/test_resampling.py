"""Case / cluster bootstrap and permutation tests against analytic and exact references."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import special, stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from probstats.errors import ModelSpecificationError
from probstats.models.binomial import fit_binomial
from probstats.models.resampling import (
    BootstrapFailureWarning,
    bootstrap,
    bootstrap_model,
    permutation_test,
    resample_clusters,
)


def binomial_data(n_units=400, seed=0, regions=12):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n_units)
    n = rng.integers(10, 40, n_units)
    k = rng.binomial(n, special.expit(0.2 + 0.5 * x))
    return pd.DataFrame(
        {"x": x, "k": k, "n": n, "region": rng.integers(0, regions, n_units).astype(str)}
    )


def mean_fn(d):
    return pd.Series({"mean": d["y"].mean()})


def test_case_bootstrap_se_matches_analytic_se_on_large_sample():
    df = binomial_data()
    res = fit_binomial(
        df,
        "k",
        ["x"],
        trials="n",
        outcome_scale="count",
        family="binomial",
        region_effect="none",
        warn=False,
    )
    boot = bootstrap(res.data, res.refit_fn(), n_resamples=300, seed=1, progress=False)
    assert boot.n_failed == 0
    assert_allclose(boot.bootstrap_se[["Intercept", "x"]], res.bse[["Intercept", "x"]], rtol=0.15)
    tidy = boot.tidy()
    assert list(tidy.columns[:7]) == [
        "term",
        "estimate",
        "std_error",
        "statistic",
        "p_value",
        "conf_low",
        "conf_high",
    ]
    assert_allclose(tidy.set_index("term").loc["x", "estimate"], res.params["x"])


def test_seeded_bootstrap_is_reproducible():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"y": rng.normal(size=30), "region": np.repeat(list("ABCDEF"), 5)})
    a = bootstrap(df, mean_fn, n_resamples=50, seed=7, progress=False)
    b = bootstrap(df, mean_fn, n_resamples=50, seed=np.random.default_rng(7), progress=False)
    c = bootstrap(df, mean_fn, n_resamples=50, seed=8, progress=False)
    pd.testing.assert_frame_equal(a.replicates, b.replicates)
    assert not a.replicates.equals(c.replicates)
    d = bootstrap(df, mean_fn, n_resamples=50, cluster="region", seed=7, progress=False)
    e = bootstrap(df, mean_fn, n_resamples=50, cluster="region", seed=7, progress=False)
    pd.testing.assert_frame_equal(d.replicates, e.replicates)


def test_percentile_and_bca_agree_with_scipy_bootstrap():
    rng = np.random.default_rng(4)
    y = rng.exponential(size=60)  # skewed: BCa differs from percentile
    df = pd.DataFrame({"y": y})
    ours = bootstrap(df, mean_fn, n_resamples=4000, seed=5, progress=False)
    for method in ("percentile", "bca", "basic"):
        ref = stats.bootstrap(
            (y,), np.mean, n_resamples=4000, method=method, random_state=np.random.default_rng(6)
        ).confidence_interval
        ci = ours.conf_int(method).iloc[0]
        assert_allclose([ci.conf_low, ci.conf_high], [ref.low, ref.high], atol=0.03)
    bca, pct = ours.conf_int("bca").iloc[0], ours.conf_int("percentile").iloc[0]
    assert bca.conf_high > pct.conf_high  # skewness pushes BCa to the right


def test_studentized_interval_close_to_t_interval_for_a_mean():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"y": rng.normal(2, 1, 200)})

    def fn(d):
        return pd.DataFrame(
            {"estimate": [d["y"].mean()], "std_error": [d["y"].std() / np.sqrt(len(d))]},
            index=["mean"],
        )

    boot = bootstrap(df, fn, n_resamples=1000, seed=1, progress=False)
    ci = boot.conf_int("studentized").iloc[0]
    ref = stats.ttest_1samp(df["y"], 0).confidence_interval()
    assert_allclose([ci.conf_low, ci.conf_high], [ref.low, ref.high], atol=0.03)
    with pytest.raises(ModelSpecificationError, match="std_error"):
        bootstrap(df, mean_fn, n_resamples=10, seed=1, progress=False).conf_int("studentized")


def test_cluster_bootstrap_resamples_whole_clusters_and_relabels():
    rng = np.random.default_rng(6)
    df = pd.DataFrame(
        {"region": np.repeat(list("ABCDEFGHIJKL"), 4), "y": np.repeat(rng.normal(size=12), 4)}
    )
    one = resample_clusters(df, "region", np.random.default_rng(1))
    assert one["region"].nunique() == 12 and len(one) == 48
    assert (one.groupby("region")["y"].nunique() == 1).all()
    boot = bootstrap(df, mean_fn, n_resamples=2000, cluster="region", seed=2, progress=False)
    # the mean of 12 cluster means: SE = sd(cluster means) * sqrt((G-1)/G) / sqrt(G)
    cm = df.groupby("region")["y"].mean()
    assert_allclose(boot.bootstrap_se["mean"], cm.std(ddof=0) / np.sqrt(12), rtol=0.08)
    assert boot.n_clusters == 12 and boot.kind == "cluster"


def test_failed_refits_are_reported_not_hidden():
    rng = np.random.default_rng(7)
    df = pd.DataFrame({"y": rng.normal(size=20)})
    calls = {"n": 0}

    def flaky(d):
        calls["n"] += 1
        if calls["n"] > 1 and calls["n"] % 4 == 0:
            raise RuntimeError("did not converge")
        return mean_fn(d)

    with pytest.warns(BootstrapFailureWarning, match="did not converge"):
        boot = bootstrap(df, flaky, n_resamples=40, seed=1, progress=False)
    assert boot.n_failed == 10 and len(boot.replicates) == 30
    assert boot.glance()["n_failed"].iloc[0] == 10
    assert set(boot.failures.columns) == {"replicate", "error"}


def test_ordered_model_bootstrap_reports_resamples_missing_a_category():
    rng = np.random.default_rng(8)
    x = rng.normal(size=25)
    y = np.digitize(0.8 * x + rng.logistic(size=25), [-1.5, 0.5, 2.8])
    y[np.argmax(x)] = 3  # only one or two units in the top category
    df = pd.DataFrame({"x": x, "y": pd.Categorical(y, categories=[0, 1, 2, 3], ordered=True)})

    def fit_fn(d):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = OrderedModel(d["y"], d[["x"]], distr="logit").fit(method="bfgs", disp=False)
        return pd.Series(np.asarray(res.params)[:1], index=["x"])

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        boot = bootstrap(df, fit_fn, n_resamples=60, seed=3, progress=False)
    # resamples that lose the top category cannot be fitted with 4 levels
    assert boot.n_failed > 0
    assert any(issubclass(w.category, BootstrapFailureWarning) for w in caught)
    assert boot.n_failed + len(boot.replicates) == 60


# ---------------------------------------------------------------- permutation


def test_exact_permutation_matches_scipy_exact_enumeration():
    rng = np.random.default_rng(9)
    x = rng.normal(size=7)
    y = 0.8 * x + rng.normal(size=7)
    df = pd.DataFrame({"x": x, "y": y})

    def slope(d):
        return pd.Series({"x": np.polyfit(d["x"], d["y"], 1)[0]})

    ours = permutation_test(df, slope, "x", alternative="greater", progress=False)
    assert ours.exact and len(ours.null_distribution) == math.factorial(7)
    # permuting x against fixed y: n! orderings, enumerated exactly by scipy; scipy's
    # two-sided p doubles the smaller one-sided p, so compare one-sided p-values
    ref = stats.permutation_test(
        (x,),
        lambda a: np.polyfit(a, y, 1)[0],
        permutation_type="pairings",
        n_resamples=np.inf,
        alternative="greater",
    )
    assert_allclose(ours.p_value, ref.pvalue, rtol=1e-10)
    # two-sided |T*| >= |T| against a hand enumeration
    null = np.array([np.polyfit(x[list(p)], y, 1)[0] for p in itertools.permutations(range(7))])
    obs = np.polyfit(x, y, 1)[0]
    two = permutation_test(df, slope, "x", progress=False)
    assert_allclose(two.p_value, np.mean(np.abs(null) >= abs(obs) - 1e-12))
    mc = permutation_test(df, slope, "x", exact=False, n_permutations=2000, seed=1, progress=False)
    assert not mc.exact and abs(mc.p_value - two.p_value) < 0.03


def test_cluster_level_permutation_exact_by_hand():
    rng = np.random.default_rng(10)
    regions = list("ABCDE")
    z = dict(zip(regions, [1.0, 2.0, 3.0, 4.0, 5.0], strict=True))
    df = pd.DataFrame({"region": np.repeat(regions, 3), "y": rng.normal(size=15)})
    df["z"] = df["region"].map(z)
    df.loc[df.region == "E", "y"] += 2

    def cov_fn(d):
        return pd.Series({"z": np.cov(d["z"], d["y"])[0, 1]})

    res = permutation_test(df, cov_fn, "z", cluster="region", progress=False)
    ybar = df.groupby("region")["y"].mean().to_numpy()
    zs = np.array(list(z.values()))
    obs = np.cov(np.repeat(zs, 3), np.repeat(ybar, 3))[0, 1]
    null = [
        np.cov(np.repeat(zs[list(p)], 3), np.repeat(ybar, 3))[0, 1]
        for p in itertools.permutations(range(5))
    ]
    # covariance depends on the data only through cluster means here (equal sizes)
    assert_allclose(res.statistic, obs, rtol=1e-8)
    assert_allclose(res.p_value, np.mean(np.abs(null) >= abs(obs) - 1e-12))
    with pytest.raises(ModelSpecificationError, match="varies within"):
        permutation_test(df, cov_fn, "y", cluster="region", progress=False)


def test_permutation_of_binomial_model_uses_pivotal_statistic():
    df = binomial_data(40, seed=11)
    res = fit_binomial(
        df, "k", ["x"], trials="n", outcome_scale="count", region_effect="none", warn=False
    )
    out = permutation_test(
        res.data,
        lambda d: fit_binomial(
            d, "k", ["x"], trials="n", outcome_scale="count", region_effect="none", warn=False
        ).tidy(),
        "x",
        n_permutations=99,
        seed=2,
        progress=False,
    )
    assert_allclose(out.statistic, res.tidy().set_index("term").loc["x", "statistic"])
    assert out.p_value == pytest.approx(0.01)  # strong effect: no permutation as extreme


def test_region_cluster_bootstrap_se_close_to_cluster_robust_se():
    rng = np.random.default_rng(12)
    G, per = 40, 6
    g = np.repeat(np.arange(G), per)
    x = rng.normal(size=G * per) + rng.normal(size=G)[g]
    n = rng.integers(10, 30, G * per)
    k = rng.binomial(n, special.expit(0.2 + 0.4 * x + rng.normal(0, 0.5, G)[g]))
    df = pd.DataFrame({"x": x, "k": k, "n": n, "region": g.astype(str)})
    res = fit_binomial(df, "k", ["x"], trials="n", outcome_scale="count", warn=False)
    boot = bootstrap_model(res, cluster="region", n_resamples=300, seed=4, progress=False)
    assert boot.kind == "cluster" and boot.n_failed == 0
    assert_allclose(boot.bootstrap_se["x"], res.bse["x"], rtol=0.2)


@pytest.mark.slow
def test_bootstrap_interval_coverage_for_a_skewed_mean():
    def fn(d):
        return pd.DataFrame(
            {"estimate": [d["y"].mean()], "std_error": [d["y"].std() / np.sqrt(len(d))]},
            index=["mean"],
        )

    hits = {"percentile": [], "bca": [], "studentized": []}
    for s in range(300):
        df = pd.DataFrame({"y": np.random.default_rng(500 + s).exponential(size=40)})
        boot = bootstrap(df, fn, n_resamples=400, seed=s, progress=False)
        for method, h in hits.items():
            ci = boot.conf_int(method).iloc[0]
            h.append(ci.conf_low <= 1.0 <= ci.conf_high)
    cover = {m: np.mean(h) for m, h in hits.items()}
    assert cover["studentized"] >= 0.91
    assert cover["bca"] >= 0.89 and cover["percentile"] >= 0.88
    assert cover["studentized"] >= cover["percentile"] - 0.01


def test_ordinal_engine_cluster_bootstrap_and_permutation():
    from probstats.models.ordinal import fit_ordinal
    from probstats.ratings import RATING_DTYPE

    rng = np.random.default_rng(13)
    g = np.repeat(np.arange(12), 8)
    x = rng.uniform(0, 40, 96)
    codes = np.digitize(
        2.0 - 0.06 * x + rng.normal(0, 0.5, 12)[g] + rng.logistic(size=96), [-1.0, 1.0, 3.0]
    )
    df = pd.DataFrame(
        {
            "rating": pd.Categorical.from_codes(codes, dtype=RATING_DTYPE),
            "vac": x,
            "region": [f"R{i}" for i in g],
        }
    )
    res = fit_ordinal(df, "rating", ["vac"], warn=False)
    fn = res.refit_fn(terms="coefficients", empty_categories="drop")
    with pytest.raises(ModelSpecificationError, match="data="):
        bootstrap_model(res, cluster="region", n_resamples=10)
    full = bootstrap_model(res, cluster="region", data=df, n_resamples=50, seed=2, progress=False)
    assert full.n_clusters == 12
    boot = bootstrap(
        res.data.join(df["region"]), fn, n_resamples=200, cluster="region", seed=2, progress=False
    )
    assert boot.n_failed == 0 and boot.n_clusters == 12
    ci = boot.conf_int("percentile").set_index("term").loc["vac"]
    assert ci.conf_low < res.params["vac"] < ci.conf_high
    # the case bootstrap SE estimates the model (information) SE
    case = bootstrap(res.data, fn, n_resamples=400, seed=5, progress=False)
    assert_allclose(case.bootstrap_se["vac"], res.bse["vac"], rtol=0.2)
    perm = permutation_test(
        res.data, fn, "vac", n_permutations=199, seed=3, pivotal=False, progress=False
    )
    assert perm.p_value < 0.05 and not perm.exact


# ---------------------------------------------------------------- failures and separation

SEPARATED7 = pd.DataFrame(
    {
        "rating": ["Inadequate"] * 3 + ["Requires improvement"] * 4,
        "x": [30.0, 35, 40, 10, 15, 20, 25],
    }
)
# twelve inspections, overlapping in the middle: estimable, but about 30% of resamples
# are separated
NEAR12 = pd.DataFrame(
    {
        "rating": ["Requires improvement"] * 5
        + [
            "Inadequate",
            "Requires improvement",
            "Inadequate",
            "Requires improvement",
            "Inadequate",
            "Inadequate",
            "Inadequate",
        ],
        "x": [5.0, 8, 12, 15, 18, 22, 25, 28, 31, 34, 38, 42],
    }
)


def _quiet_ordinal(df):
    from probstats.models.ordinal import fit_ordinal

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_ordinal(df, "rating", ["x"], empty_categories="drop")


def test_failed_permutations_count_as_extreme():
    df = pd.DataFrame({"x": [0, 0, 0, 1, 1, 1], "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})

    def diff(d):
        return d.loc[d.x == 1, "y"].mean() - d.loc[d.x == 0, "y"].mean()

    def fails_when_extreme(d):
        # like a refit that fails when the permuted column separates the outcome
        if d is not df and abs(diff(d)) >= 3 - 1e-9:
            raise RuntimeError("separated")
        return pd.Series({"x": diff(d)})

    with pytest.warns(BootstrapFailureWarning, match="72 of 720 permutation refits failed"):
        res = permutation_test(df, fails_when_extreme, "x", progress=False)
    # exact reference: 2 of the 20 splits of six values into halves are as extreme
    assert res.exact and res.p_value == pytest.approx(2 / 20)
    assert res.n_failed == 72 and res.n_permutations == 720 and len(res.failures) == 72
    assert res.tidy()["n_failed"].iloc[0] == 72
    # Monte Carlo: (1 + hits + failures) / (1 + B), failures included in B; only the
    # failing permutations are as extreme as the observed one here
    with pytest.warns(BootstrapFailureWarning, match="counted as at least as extreme"):
        mc = permutation_test(
            df, fails_when_extreme, "x", exact=False, n_permutations=400, seed=1, progress=False
        )
    assert 0.05 < mc.n_failed / 400 < 0.15
    assert mc.p_value == pytest.approx((1 + mc.n_failed) / 401)


def test_permutation_refuses_when_observed_statistic_is_undefined():
    res = _quiet_ordinal(SEPARATED7)
    fn = res.refit_fn(terms="coefficients", on_separation="nan")
    with pytest.raises(ModelSpecificationError, match="observed statistic for 'x' is nan"):
        permutation_test(res.data, fn, "x", pivotal=False, progress=False)
    strict = res.refit_fn(terms="coefficients")
    with pytest.raises(ModelSpecificationError, match="cannot be computed.*separated"):
        permutation_test(res.data, strict, "x", pivotal=False, progress=False)


def test_bootstrap_model_refuses_a_separated_full_data_fit():
    res = _quiet_ordinal(SEPARATED7)
    with pytest.raises(
        ModelSpecificationError, match="full-data fit is separated.*Complete separation: x"
    ):
        bootstrap_model(res, n_resamples=20, seed=1, progress=False)


def test_bootstrap_with_many_failed_resamples_reports_no_intervals():
    res = _quiet_ordinal(NEAR12)
    assert res.separation is None
    with pytest.warns(BootstrapFailureWarning, match=r"61 of 200 .*\(30%, more than the 10%"):
        boot = bootstrap_model(res, n_resamples=200, seed=1, progress=False)
    assert boot.too_many_failures and boot.failed_share == pytest.approx(61 / 200)
    assert boot.failures["error"].str.contains("separated").all()
    tidy = boot.tidy()
    assert_allclose(tidy["estimate"], res.params.to_numpy())
    for col in ("std_error", "p_value", "conf_low", "conf_high", "bias"):
        assert tidy[col].isna().all(), col
    assert boot.conf_int("basic")[["conf_low", "conf_high"]].isna().all(axis=None)
    assert not boot.glance()["intervals_reported"].iloc[0]


def test_failure_threshold_is_a_parameter():
    res = _quiet_ordinal(NEAR12)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lax = bootstrap_model(res, n_resamples=200, seed=1, progress=False, max_failed_share=0.5)
    assert not lax.too_many_failures and lax.n_failed == 61
    assert any("Intervals use the 139 successful refits" in str(w.message) for w in caught)
    ci = lax.conf_int().set_index("term")
    assert np.isfinite(ci.to_numpy()).all()
    with pytest.raises(ModelSpecificationError, match="max_failed_share"):
        bootstrap_model(res, n_resamples=20, max_failed_share=1.5)
