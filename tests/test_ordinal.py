"""Tests of the proportional-odds engine (probstats.models.ordinal and friends).

References: numerical differentiation, simulation with known truth, statsmodels'
OrderedModel, an independent optimiser for profile intervals, and R (see
tests/test_ordinal_r.py).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special, stats
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.numdiff import approx_fprime, approx_hess3

from probstats.errors import (
    DroppedRowsWarning,
    ModelSpecificationError,
    SeparationWarning,
    SmallSampleWarning,
    SparseCategoryWarning,
)
from probstats.models import (
    OrdinalSeparationError,
    fit_ordinal,
    fit_ordinal_arrays,
    fit_ordinal_formula,
    ordinal_separation,
    proportional_odds_lr_test,
    tidy_table,
)
from probstats.models._ordinal_likelihood import CumulativeLink
from probstats.ratings import RATING_DTYPE, RATINGS

BETA = np.array([-0.06, -0.03, 0.4, 0.8])
CUTS = np.array([-2.0, 0.0, 2.0])


def simulate(n: int, seed: int, link: str = "logit", beta=BETA, cuts=CUTS):
    """Latent-variable simulation: y = category of x'beta + error among the cuts."""
    rng = np.random.default_rng(seed)
    X = np.column_stack(
        [
            rng.uniform(0, 40, n),  # vacancy rate, %
            rng.normal(0, 10, n),  # caseload, centred
            rng.normal(0, 1, n),  # standardised sickness
            rng.integers(0, 2, n).astype(float),  # era dummy
        ]
    )[:, : len(beta)]
    err = rng.logistic(size=n) if link == "logit" else rng.normal(size=n)
    # polr: P(Y <= k) = F(zeta_k - x'beta)  <=>  latent x'beta + e, Y = #cuts below it
    y = np.searchsorted(cuts, X @ beta + err)
    return y, X


def frame(y, X, names=("vacancy_rate_po", "caseload_average_po", "sickness_z", "era_pre")):
    df = pd.DataFrame(X, columns=list(names)[: X.shape[1]])
    df.insert(0, "overall_rating", pd.Categorical.from_codes(y, dtype=RATING_DTYPE))
    return df


@pytest.fixture(scope="module")
def sim120():
    y, X = simulate(120, 1)
    return frame(y, X)


def quiet_fit(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_ordinal(*args, **kwargs)


# --------------------------------------------------------------------------- derivatives


@pytest.mark.parametrize("link", ["logit", "probit"])
@pytest.mark.parametrize("nominal", [(), (0,), (1, 3)])
def test_analytic_score_and_hessian_match_numerical(link, nominal):
    y, X = simulate(150, 2, link)
    lik = CumulativeLink(y, X, 4, link, nominal=nominal)
    rng = np.random.default_rng(0)
    # perturb so that derivatives are checked away from the symmetric null start; small
    # enough that cut-specific slopes cannot make cumulative probabilities cross
    theta = lik.start() + 0.002 * rng.normal(size=lik.n_params)
    assert np.isfinite(lik.loglike(theta))
    num_g = approx_fprime(theta, lik.loglike, centered=True)
    num_H = approx_hess3(theta, lik.loglike)
    np.testing.assert_allclose(lik.score(theta), num_g, rtol=1e-6, atol=1e-6)
    H = lik.hessian(theta)
    scale = np.abs(H).max()
    np.testing.assert_allclose(H, num_H, rtol=1e-5, atol=1e-7 * scale)
    # and against differences of the (verified) analytic score, which are more accurate
    jac = approx_fprime(theta, lik.score, centered=True)
    np.testing.assert_allclose(H, jac, rtol=1e-6, atol=1e-9 * scale)
    # per-row scores sum to the score; score of the per-row log-likelihood
    np.testing.assert_allclose(lik.score_obs(theta).sum(0), lik.score(theta), atol=1e-10)
    np.testing.assert_allclose(lik.loglikeobs(theta).sum(), lik.loglike(theta), rtol=1e-13)


def test_likelihood_is_accurate_in_the_tails():
    # probabilities of 1e-20 must not cancel to zero
    lik = CumulativeLink(np.array([3, 0]), np.array([[0.0], [0.0]]), 4)
    theta = np.array([0.0, -60.0, -50.0, -46.0])
    expected = np.log(special.expit(46.0)) + np.log(special.expit(-60.0))
    assert lik.loglike(theta) == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------- estimation


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_recovers_known_parameters_from_a_large_sample(link):
    y, X = simulate(20_000, 3, link)
    res = quiet_fit(
        frame(y, X),
        "overall_rating",
        ["vacancy_rate_po", "caseload_average_po", "sickness_z", "era_pre"],
        link,
    )
    truth = np.concatenate([BETA, CUTS])
    z = (res.params.to_numpy() - truth) / res.bse.to_numpy()
    assert np.all(np.abs(z) < 4), z
    np.testing.assert_allclose(res.params.to_numpy(), truth, atol=0.1)
    assert res.converged and res.n_iter < 15


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.ConvergenceWarning")
def test_matches_statsmodels_ordered_model(sim120):
    """Second reference. BFGS on numerical derivatives stops short of gtol=1e-10 (and says
    so) but lands within 1e-5 of the Newton solution."""
    preds = ["vacancy_rate_po", "caseload_average_po", "sickness_z", "era_pre"]
    res = quiet_fit(sim120, "overall_rating", preds)
    om = OrderedModel(sim120["overall_rating"], sim120[preds], distr="logit")
    omr = om.fit(method="bfgs", disp=False, maxiter=5000, gtol=1e-10)
    th = np.asarray(omr.params)
    cuts = np.cumsum(np.concatenate([th[4:5], np.exp(th[5:])]))
    np.testing.assert_allclose(res.coefficients.to_numpy(), th[:4], atol=1e-5)
    np.testing.assert_allclose(res.cutpoints.to_numpy(), cuts, atol=1e-5)
    assert res.llf == pytest.approx(omr.llf, abs=1e-8)
    # same predicted probabilities
    np.testing.assert_allclose(
        res.predict_proba().to_numpy(), omr.predict(sim120[preds]), atol=1e-6
    )


def test_statsmodels_result_object(sim120):
    res = quiet_fit(sim120, "overall_rating", ["vacancy_rate_po", "era_pre"])
    sm = res.statsmodels
    assert list(sm.params.index) == [
        "vacancy_rate_po",
        "era_pre",
        "Inadequate|Requires improvement",
        "Requires improvement|Good",
        "Good|Outstanding",
    ]
    assert "PolrModel" in str(sm.summary())
    assert sm.aic == pytest.approx(res.aic) and sm.bic == pytest.approx(res.bic)
    np.testing.assert_allclose(np.asarray(sm.bse), res.bse.to_numpy())
    # information matrix is the negative analytic Hessian at the estimate
    H = sm.model.hessian(np.asarray(sm.params))
    np.testing.assert_allclose(np.linalg.inv(-H), res.cov_params().to_numpy(), rtol=1e-8)
    # converged: the score vanishes
    assert np.max(np.abs(sm.model.score(np.asarray(sm.params)))) < 1e-8
    assert sm.prsquared == pytest.approx(res.glance()["pseudo_r2"].iloc[0])


def test_outcome_as_rating_strings_and_formula(sim120):
    df = sim120.copy()
    df["overall_rating"] = df["overall_rating"].astype(str).str.lower()
    a = quiet_fit(df, "overall_rating", ["vacancy_rate_po"])
    b = quiet_fit(sim120, "overall_rating", ["vacancy_rate_po"])
    np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy())
    assert a.categories == list(RATINGS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = fit_ordinal_formula("overall_rating ~ vacancy_rate_po + C(era_pre)", sim120)
    assert list(c.coef_names) == ["vacancy_rate_po", "era_pre[1.0]"]
    np.testing.assert_allclose(
        c.params.to_numpy(),
        quiet_fit(sim120, "overall_rating", ["vacancy_rate_po", "era_pre"]).params.to_numpy(),
    )
    with pytest.raises(ModelSpecificationError, match="not a column name"):
        fit_ordinal_formula("overall_rating ~ log(vacancy_rate_po)", sim120)


def test_categorical_predictor_dummies_and_unknown_level(sim120):
    df = sim120.copy()
    df["era"] = np.where(df["era_pre"] == 1, "pre_unification", "post_unification")
    res = quiet_fit(df, "overall_rating", ["vacancy_rate_po", "era"])
    assert res.coef_names == ["vacancy_rate_po", "era[pre_unification]"]
    num = quiet_fit(df, "overall_rating", ["vacancy_rate_po", "era_pre"])
    np.testing.assert_allclose(res.params.to_numpy(), num.params.to_numpy())
    with pytest.raises(ModelSpecificationError, match=r"level\(s\) \['transition'\]"):
        res.predict_proba(pd.DataFrame({"vacancy_rate_po": [1.0], "era": ["transition"]}))


# --------------------------------------------------------------------------- lean refits


def test_lean_refit_paths_agree_with_full_fit(sim120):
    preds = ["vacancy_rate_po", "caseload_average_po", "sickness_z", "era_pre"]
    res = quiet_fit(sim120, "overall_rating", preds)
    y = sim120["overall_rating"].cat.codes.to_numpy()
    X = sim120[preds].to_numpy()
    np.testing.assert_allclose(fit_ordinal_arrays(y, X, 4), res.params.to_numpy(), atol=1e-9)
    rows = np.random.default_rng(5).integers(0, len(y), len(y))
    boot = quiet_fit(sim120.iloc[rows].reset_index(drop=True), "overall_rating", preds)
    np.testing.assert_allclose(res.refit_rows(rows), boot.params.to_numpy(), atol=1e-9)
    np.testing.assert_allclose(
        fit_ordinal_arrays(y[rows], X[rows], 4, start=res.params.to_numpy()),
        boot.params.to_numpy(),
        atol=1e-9,
    )
    fn = res.refit_fn()
    out = fn(sim120.iloc[rows])
    assert list(out.index) == list(res.params.index)
    np.testing.assert_allclose(out.to_numpy(), boot.params.to_numpy(), atol=1e-9)
    assert list(res.refit_fn(terms="coefficients")(sim120).index) == preds


def test_lean_refit_with_an_empty_category():
    y, X = simulate(300, 8)
    keep = y != 3  # no "Outstanding"
    with pytest.raises(ModelSpecificationError, match=r"codes \[3\]"):
        fit_ordinal_arrays(y[keep], X[keep], 4)
    par = fit_ordinal_arrays(y[keep], X[keep], 4, empty_categories="drop")
    three = fit_ordinal_arrays(y[keep], X[keep], 3)
    np.testing.assert_allclose(par[:4], three[:4], atol=1e-9)
    np.testing.assert_allclose(par[4:6], three[4:6], atol=1e-9)
    assert np.isnan(par[6])


def test_refit_fn_drives_the_case_bootstrap(sim120):
    from probstats.models.resampling import bootstrap

    preds = ["vacancy_rate_po", "caseload_average_po"]
    res = quiet_fit(sim120, "overall_rating", preds)
    boot = bootstrap(res.data, res.refit_fn(), n_resamples=300, seed=3, progress=False)
    np.testing.assert_allclose(boot.estimate.to_numpy(), res.params.to_numpy(), atol=1e-9)
    assert boot.n_failed == 0
    sd = boot.replicates[preds].std()
    ratio = (sd / res.bse[preds]).to_numpy()
    assert np.all((ratio > 0.7) & (ratio < 1.4)), ratio


# --------------------------------------------------------------------------- guardrails


@pytest.mark.filterwarnings("ignore::probstats.errors.SparseCategoryWarning")
@pytest.mark.filterwarnings("ignore::probstats.errors.SmallSampleWarning")
def test_complete_separation_is_detected_and_explained():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    codes = np.repeat([3, 2, 1, 0], 3)
    df = pd.DataFrame(
        {"rating": pd.Categorical.from_codes(codes, dtype=RATING_DTYPE), "vacancy_rate_po": x}
    )
    with pytest.warns(SeparationWarning) as rec:
        res = fit_ordinal(df, "rating", ["vacancy_rate_po"])
    msg = str([w for w in rec if w.category is SeparationWarning][0].message)
    assert msg.startswith("Complete separation: vacancy_rate_po separates")
    assert "Inadequate 10 to 12" in msg and "Outstanding 1 to 3" in msg
    assert "maximum-likelihood estimate does not exist" in msg
    assert res.separation.kind == "complete" and res.separation.terms == ["vacancy_rate_po"]
    assert res.glance()["separation"].iloc[0]
    assert ordinal_separation(df, "rating", ["vacancy_rate_po"]).kind == "complete"


@pytest.mark.filterwarnings("ignore::probstats.errors.SparseCategoryWarning")
@pytest.mark.filterwarnings("ignore::probstats.errors.SmallSampleWarning")
def test_quasi_separation_by_a_category_level_names_level_and_rating():
    # the statsmodels case: a level whose rows are all in the top category.
    y, X = simulate(120, 4, beta=BETA[:1])
    df = frame(y, X)
    df["region"] = np.where(np.arange(120) % 2 == 0, "North", "South")
    top = np.flatnonzero(y == 3)[:4]
    df.loc[top, "region"] = "Wales"
    df.loc[(df["region"] == "Wales") & (y != 3), "region"] = "North"
    with pytest.warns(SeparationWarning) as rec:
        res = fit_ordinal(df, "overall_rating", ["vacancy_rate_po", "region"])
    msg = str([w for w in rec if w.category is SeparationWarning][0].message)
    assert msg.startswith("Quasi-complete separation: region separates")
    assert "every row with region = Wales (n=4) is rated Outstanding" in msg
    assert "region[Wales]" in msg and res.separation.categories == ["Outstanding"]
    # the estimate diverges; its profile interval has an infinite upper end
    ci = res.profile_conf_int(terms=["region[Wales]"])
    assert np.isinf(ci["conf_high"].iloc[0]) and np.isfinite(ci["conf_low"].iloc[0])
    # a non-separated fit raises no such warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        quiet = df.assign(region=np.where(np.arange(120) % 2 == 0, "North", "South"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SmallSampleWarning)
            assert (
                fit_ordinal(quiet, "overall_rating", ["vacancy_rate_po", "region"]).separation
                is None
            )


def test_lean_refit_reports_separation():
    x = np.arange(12.0)[:, None]
    y = np.repeat([3, 2, 1, 0], 3)
    with pytest.raises(OrdinalSeparationError, match="separated in this sample"):
        fit_ordinal_arrays(y, x, 4)
    assert np.isnan(fit_ordinal_arrays(y, x, 4, on_separation="nan")).all()


def test_empty_outcome_category_is_refused_by_name(sim120):
    df = sim120[sim120["overall_rating"] != "Outstanding"]
    with pytest.raises(
        ModelSpecificationError, match=r"no observations in categor\(ies\) 'Outstanding'"
    ):
        fit_ordinal(df, "overall_rating", ["vacancy_rate_po"])
    with pytest.warns(SparseCategoryWarning, match="without observations dropped"):
        res = fit_ordinal(df, "overall_rating", ["vacancy_rate_po"], empty_categories="drop")
    assert res.categories == list(RATINGS[:3])


def test_collinear_and_constant_predictors_are_refused_by_name(sim120):
    df = sim120.assign(total=sim120["vacancy_rate_po"] + 2 * sim120["caseload_average_po"], one=1.0)
    with pytest.raises(
        ModelSpecificationError,
        match=re.escape(
            "perfectly collinear predictors vacancy_rate_po, caseload_average_po, total"
        ),
    ):
        fit_ordinal(
            df, "overall_rating", ["vacancy_rate_po", "caseload_average_po", "sickness_z", "total"]
        )
    with pytest.raises(ModelSpecificationError, match="one is constant in the 120 rows"):
        fit_ordinal(df, "overall_rating", ["vacancy_rate_po", "one"])


@pytest.mark.filterwarnings("ignore::probstats.errors.SparseCategoryWarning")
@pytest.mark.filterwarnings("ignore::probstats.errors.SmallSampleWarning")
def test_small_sample_and_sparse_category_warnings(sim120):
    small = sim120.iloc[:45]
    with pytest.warns(
        SmallSampleWarning, match=r"only 45 observations for 7 parameters \(6.4 per parameter"
    ):
        res = fit_ordinal(
            small,
            "overall_rating",
            ["vacancy_rate_po", "caseload_average_po", "sickness_z", "era_pre"],
        )
    assert any("per parameter" in n for n in res.notes)
    counts = small["overall_rating"].value_counts()
    sparse = [c for c in RATINGS if counts[c] < 5]
    assert sparse  # the fixture's first 45 rows have a thin category
    with pytest.warns(
        SparseCategoryWarning, match=re.escape(f"{sparse[0]} (n={counts[sparse[0]]})")
    ):
        fit_ordinal(small, "overall_rating", ["vacancy_rate_po"])


def test_dropped_rows_are_named_and_counted(sim120):
    df = sim120.copy()
    df.index = [f"INS{i:03d}" for i in range(len(df))]
    df.loc["INS004", "vacancy_rate_po"] = np.nan
    df.loc["INS010", "overall_rating"] = np.nan
    with pytest.warns(
        DroppedRowsWarning,
        match=r"dropped 2 of 120 rows with missing values \(index INS004, INS010\)",
    ):
        res = fit_ordinal(df, "overall_rating", ["vacancy_rate_po"])
    g = res.glance()
    assert g["n"].iloc[0] == 118 and g["n_dropped"].iloc[0] == 2
    assert set(res.dropped.frame["row"]) == {"INS004", "INS010"}


def test_bad_options_list_allowed_values(sim120):
    with pytest.raises(ModelSpecificationError, match="allowed values are 'logit', 'probit'"):
        fit_ordinal(sim120, "overall_rating", ["vacancy_rate_po"], link="cloglog")
    res = quiet_fit(sim120, "overall_rating", ["vacancy_rate_po"])
    with pytest.raises(ModelSpecificationError, match="'wald', 'profile'"):
        res.tidy(conf_method="bootstrap")


# --------------------------------------------------------------------------- tidy & co


def test_tidy_glance_augment(sim120):
    preds = ["vacancy_rate_po", "era_pre"]
    res = quiet_fit(sim120, "overall_rating", preds)
    t = res.tidy()
    assert list(t.columns) == [
        "term",
        "estimate",
        "std_error",
        "statistic",
        "p_value",
        "conf_low",
        "conf_high",
        "coef_type",
    ]
    z = stats.norm.ppf(0.975)
    np.testing.assert_allclose(t["conf_low"], t["estimate"] - z * t["std_error"])
    np.testing.assert_allclose(t["p_value"], 2 * stats.norm.sf(np.abs(t["statistic"])))
    e = res.tidy(exponentiate=True)
    coef = e["coef_type"] == "coefficient"
    np.testing.assert_allclose(e.loc[coef, "estimate"], np.exp(t.loc[coef, "estimate"]))
    np.testing.assert_allclose(e.loc[coef, "conf_high"], np.exp(t.loc[coef, "conf_high"]))
    np.testing.assert_allclose(e.loc[~coef, "estimate"], t.loc[~coef, "estimate"])
    assert len(res.tidy(cut_points=False)) == 2
    g = res.glance()
    assert g["aic"].iloc[0] == pytest.approx(-2 * res.llf + 2 * 5)
    assert g["bic"].iloc[0] == pytest.approx(-2 * res.llf + np.log(120) * 5)
    counts = sim120["overall_rating"].value_counts().to_numpy()
    llnull = np.sum(counts * np.log(counts / 120))
    assert g["pseudo_r2"].iloc[0] == pytest.approx(1 - res.llf / llnull)
    assert g["df"].iloc[0] == 5 and g["n_dropped"].iloc[0] == 0
    a = res.augment()
    probs = a[[f".prob_{c}" for c in RATINGS]].to_numpy()
    np.testing.assert_allclose(probs.sum(1), 1.0)
    assert (a[".pred_class"].cat.codes.to_numpy() == probs.argmax(1)).all()


def test_tidy_table_is_generic():
    t = tidy_table(["a", "b"], [1.0, 2.0], [0.5, 1.0], df=10)
    q = stats.t.ppf(0.975, 10)
    np.testing.assert_allclose(t["conf_high"], [1 + 0.5 * q, 2 + q])
    np.testing.assert_allclose(t["p_value"], 2 * stats.t.sf([2.0, 2.0], 10))
    t2 = tidy_table(
        ["a", "b"], [1.0, 2.0], [0.5, 1.0], conf_low=[0.1, np.nan], exponentiate=[True, False]
    )
    assert t2["conf_low"].iloc[0] == pytest.approx(np.exp(0.1))
    assert t2["conf_low"].iloc[1] == pytest.approx(2 - stats.norm.ppf(0.975))


def test_profile_intervals_invert_the_likelihood_ratio_test(sim120):
    preds = ["vacancy_rate_po", "era_pre"]
    res = quiet_fit(sim120, "overall_rating", preds)
    ci = res.profile_conf_int()
    crit = stats.chi2.ppf(0.95, 1)
    lik = res.model._lik
    hat = res.params.to_numpy()
    for j, term in enumerate(["vacancy_rate_po", "era_pre", "Requires improvement|Good"]):
        j = list(res.params.index).index(term)
        for end in ("conf_low", "conf_high"):
            v = ci.loc[term, end]
            free = np.arange(hat.size) != j

            def negll(other, v=v, j=j, free=free):
                th = hat.copy()
                th[free] = other
                th[j] = v
                return -lik.loglike(th)

            # independent optimiser for the constrained maximum
            opt = optimize.minimize(
                negll,
                hat[free],
                method="Nelder-Mead",
                options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000, "maxfev": 40000},
            )
            assert 2 * (res.llf + opt.fun) == pytest.approx(crit, abs=2e-5)
    # profile intervals are close to Wald here (n = 120, moderate effects), not equal
    wald = res.conf_int()
    assert np.allclose(ci.to_numpy(), wald.to_numpy(), atol=0.5 * res.bse.max())
    assert not np.allclose(ci.to_numpy(), wald.to_numpy(), atol=1e-6)
    tp = res.tidy(conf_method="profile")
    np.testing.assert_allclose(tp["conf_low"], ci["conf_low"])


# seven inspections: every Inadequate unit has a higher vacancy than every RI unit
SEPARATED7 = pd.DataFrame(
    {
        "rating": ["Inadequate"] * 3 + ["Requires improvement"] * 4,
        "x": [30.0, 35, 40, 10, 15, 20, 25],
    }
)
# seven inspections, three ratings, overlapping: estimable but nearly separated
NEAR7 = pd.DataFrame(
    {
        "rating": [
            "Inadequate",
            "Requires improvement",
            "Inadequate",
            "Good",
            "Good",
            "Inadequate",
            "Requires improvement",
        ],
        "x": [39.6, 39.2, 37.4, 15.5, 8.1, 42.9, 29.6],
    }
)


def test_profile_interval_under_separation_has_an_infinite_end():
    res = quiet_fit(SEPARATED7, "rating", ["x"], empty_categories="drop")
    assert res.separation.kind == "complete"
    ci = res.profile_conf_int()
    # the likelihood rises for ever towards -inf (the separating direction) ...
    assert np.isneginf(ci["conf_low"]).all()
    # ... and the finite end inverts the LR test against the supremum (log-likelihood 0)
    x = SEPARATED7["x"].to_numpy()
    inad = (SEPARATED7["rating"] == "Inadequate").to_numpy()

    def loglik(beta, zeta):  # binary logit in polr's parameterisation
        eta = zeta - x * beta
        return np.sum(np.where(inad, special.log_expit(eta), special.log_expit(-eta)))

    crit = stats.chi2.ppf(0.95, 1)
    b_hi = ci.loc["x", "conf_high"]
    opt = optimize.minimize_scalar(
        lambda z: -loglik(b_hi, z), bounds=(-100, 100), method="bounded", options={"xatol": 1e-10}
    )
    assert 2 * opt.fun == pytest.approx(crit, abs=1e-5)
    z_hi = ci.iloc[1]["conf_high"]
    opt = optimize.minimize_scalar(
        lambda b: -loglik(b, z_hi), bounds=(-10, 10), method="bounded", options={"xatol": 1e-12}
    )
    assert 2 * opt.fun == pytest.approx(crit, abs=1e-5)
    # the drifting estimate lies inside, far from the finite end
    assert res.params["x"] < b_hi < 0
    tp = res.tidy(conf_method="profile")
    np.testing.assert_array_equal(tp["conf_low"], ci["conf_low"])
    np.testing.assert_allclose(tp["conf_high"], ci["conf_high"])


def test_profile_interval_on_seven_near_separated_rows_is_deterministic():
    fits = [quiet_fit(NEAR7, "rating", ["x"], empty_categories="drop") for _ in range(2)]
    res = fits[0]
    assert res.separation is None
    ci = res.profile_conf_int()  # used to raise "f(a) and f(b) must have different signs"
    assert np.isfinite(ci.to_numpy()).all()
    pd.testing.assert_frame_equal(ci, fits[1].profile_conf_int())
    crit = stats.chi2.ppf(0.95, 1)
    lik = res.model._lik
    hat = res.params.to_numpy()
    for j, term in enumerate(res.params.index):
        for end in ("conf_low", "conf_high"):
            v = ci.loc[term, end]
            assert (v < hat[j]) if end == "conf_low" else (v > hat[j])
            free = np.arange(hat.size) != j
            # independent optimiser from several starts for the constrained maximum
            best = np.inf
            for shift in (0.0, 1.0, -1.0):
                th0 = hat.copy()
                th0[j] = v
                if j == 0:
                    th0[1:] += v * NEAR7["x"].mean() - hat[0] * NEAR7["x"].mean() + shift
                else:
                    th0[1:] += v - hat[j] + shift

                def negll(other, v=v, j=j, free=free):
                    th = hat.copy()
                    th[free] = other
                    th[j] = v
                    out = -lik.loglike(th)
                    return out if np.isfinite(out) else 1e10

                opt = optimize.minimize(
                    negll,
                    th0[free],
                    method="Nelder-Mead",
                    options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000, "maxfev": 40000},
                )
                best = min(best, opt.fun)
            assert 2 * (res.llf + best) == pytest.approx(crit, abs=1e-4)


# --------------------------------------------------------------------------- prediction


def test_predict_proba_and_delta_method_bands(sim120):
    preds = ["vacancy_rate_po", "caseload_average_po"]
    res = quiet_fit(sim120, "overall_rating", preds)
    new = pd.DataFrame({"vacancy_rate_po": [2.0, 20.0, 38.0], "caseload_average_po": [0, 5, -5]})
    P = res.predict_proba(new)
    assert list(P.columns) == list(RATINGS)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    # closed form for the first row
    b, z = res.coefficients.to_numpy(), res.cutpoints.to_numpy()
    cum = special.expit(z - new.iloc[0].to_numpy() @ b)
    np.testing.assert_allclose(P.iloc[0].to_numpy(), np.diff(np.r_[0, cum, 1]), atol=1e-14)
    band = res.predict_proba(new, conf_int=True, scale="probability")
    # delta method against a numerical Jacobian
    theta = res.params.to_numpy()

    def probs(t):
        return res.predict_proba(new, params=t).to_numpy().ravel()

    J = approx_fprime(theta, probs, centered=True)
    se = np.sqrt(np.einsum("ij,jk,ik->i", J, res.cov_params().to_numpy(), J))
    np.testing.assert_allclose(band["std_error"].to_numpy(), se, rtol=1e-5)
    q = stats.norm.ppf(0.975)
    np.testing.assert_allclose(band["conf_high"], np.clip(band["probability"] + q * se, 0, 1))
    lg = res.predict_proba(new, conf_int=True)
    assert ((lg["conf_low"] > 0) & (lg["conf_high"] < 1)).all()
    assert ((lg["conf_low"] <= lg["probability"]) & (lg["probability"] <= lg["conf_high"])).all()
    assert list(lg["category"].cat.categories) == list(RATINGS)


def test_predict_grid_holds_others_at_typical_values(sim120):
    df = sim120.assign(era=np.where(sim120["era_pre"] == 1, "pre", "post"))
    res = quiet_fit(df, "overall_rating", ["vacancy_rate_po", "caseload_average_po", "era"])
    g = res.predict_grid("vacancy_rate_po", n_points=7)
    assert len(g) == 7 * 4
    assert np.allclose(g["caseload_average_po"], df["caseload_average_po"].median())
    assert (g["era"] == df["era"].mode().iloc[0]).all()
    assert g["vacancy_rate_po"].min() == pytest.approx(df["vacancy_rate_po"].min())
    sums = g.groupby("row")["probability"].sum()
    np.testing.assert_allclose(sums, 1.0)
    # vacancy has a negative coefficient: P(Inadequate) rises along the grid
    inad = g[g["category"] == "Inadequate"]["probability"].to_numpy()
    assert res.params["vacancy_rate_po"] < 0 and np.all(np.diff(inad) > 0)
    g2 = res.predict_grid("era", at={"vacancy_rate_po": 10.0})
    assert set(g2["era"]) == {"post", "pre"} and (g2["vacancy_rate_po"] == 10.0).all()


# --------------------------------------------------------------------------- PO tests


def test_lr_test_detects_non_proportional_odds():
    # x affects only the lowest cut: strongly non-proportional
    rng = np.random.default_rng(21)
    n = 3000
    x = rng.normal(size=n)
    u = rng.uniform(size=n)
    c1 = special.expit(-1.0 - 1.5 * x)
    c2 = special.expit(0.5 + 0.0 * x)
    c3 = special.expit(2.0 + 0.0 * x)
    y = (u > c1).astype(int) + (u > np.maximum(c2, c1)) + (u > np.maximum(c3, c1))
    df = pd.DataFrame(
        {
            "overall_rating": pd.Categorical.from_codes(y, dtype=RATING_DTYPE),
            "x": x,
            "noise": rng.normal(size=n),
        }
    )
    res = quiet_fit(df, "overall_rating", ["x", "noise"])
    lr = proportional_odds_lr_test(res).table.set_index("term")
    br = res.brant_test().table.set_index("term")
    assert lr.loc["x", "p_value"] < 1e-6 and br.loc["x", "p_value"] < 1e-6
    assert lr.loc["noise", "p_value"] > 0.001 and br.loc["noise", "p_value"] > 0.001
    assert lr.loc["omnibus", "df"] == 4 and lr.loc["x", "df"] == 2
    assert br.loc["x", "statistic"] == pytest.approx(lr.loc["x", "statistic"], rel=0.35)


# --------------------------------------------------------------------------- slow


@pytest.mark.slow
@pytest.mark.parametrize("link", ["logit", "probit"])
def test_wald_interval_coverage_is_near_nominal(link):
    """95% Wald intervals from 1,000 simulated data sets of n = 200 cover near 95%."""
    beta = BETA[:2]
    cuts = np.array([-2.5, -1.0, 0.5])  # every category well populated for both links
    truth = np.concatenate([beta, cuts])
    hits = np.zeros(truth.size)
    n_sims = 1000
    for s in range(n_sims):
        y, X = simulate(200, 1000 + s, link, beta=beta, cuts=cuts)
        res = quiet_fit(
            frame(y, X), "overall_rating", ["vacancy_rate_po", "caseload_average_po"], link
        )
        ci = res.conf_int().to_numpy()
        hits += (ci[:, 0] <= truth) & (truth <= ci[:, 1])
    cover = hits / n_sims
    # binomial standard error at 95% with 1,000 draws is 0.7 percentage points
    assert np.all(np.abs(cover - 0.95) < 0.025), cover


@pytest.mark.slow
def test_proportional_odds_tests_hold_their_size():
    pvals = {"lr": [], "brant": []}
    for s in range(300):
        y, X = simulate(200, 5000 + s, beta=BETA[:2], cuts=np.array([-2.5, -1.0, 0.5]))
        res = quiet_fit(frame(y, X), "overall_rating", ["vacancy_rate_po", "caseload_average_po"])
        pvals["lr"].append(proportional_odds_lr_test(res).table["p_value"].iloc[0])
        pvals["brant"].append(res.brant_test().table["p_value"].iloc[0])
    for v in pvals.values():
        rate = np.mean(np.array(v) < 0.05)
        assert 0.02 < rate < 0.09, rate
