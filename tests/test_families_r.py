"""The current probstats.models.fit_binomial against R, family by family.

Reference numbers: tests/results/binomial_families_reference.R on
tests/results/penalised_data/bin_aggregated.csv (60 inspections, 12 regions, k of n = 5-60
cases): glm binomial / quasibinomial, sandwich::vcovCL, a beta-binomial likelihood written
out in R in betabinomial_loglik's parameterisation, lme4::glmer with nAGQ = 1 and 10 and
the same marginal likelihood maximised by an independent R implementation of adaptive
Gauss-Hermite quadrature. Separation patterns come from brglm_reference.R (the Konis 2007
linear programme of brglm2 / detectseparation's detect_separation). No R is needed here.

Tolerances, and why:

* glm-based quantities (estimates, model-based, quasi and cluster-robust covariances):
  statsmodels' IRLS and R's IRLS both converge to machine precision; 1e-8.
* beta-binomial: fit_binomial maximises with BFGS (gtol 1e-8) and takes the covariance
  from a central-difference Hessian of the analytic gradient (step 1e-5): estimates to
  1e-6, covariances to 1e-4 relative.
* random intercept against the R implementation: fit_binomial's BFGS stops at gtol 1e-6,
  and both sides use finite-difference Hessians: estimates to 2e-6, log-likelihood to
  1e-8, standard errors to 1e-4 relative.
* random intercept against glmer: glmer's default optimiser (bobyqa then Nelder-Mead on
  the Laplace / AGQ deviance with PIRLS inner loops) stops about 1e-5 from the optimum:
  estimates to 5e-5, SD to 1e-4 relative, standard errors to 1e-3 relative.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _penalised_data import DATA, RESULTS, load, names

from probstats.errors import SeparationWarning
from probstats.models import fit_binomial
from probstats.models.separation import binomial_separation

pytestmark = pytest.mark.r_reference

TERMS = ["Intercept", "vacancy", "caseload"]
R_TERMS = ["(Intercept)", "vacancy", "caseload"]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(DATA / "bin_aggregated.csv")


@pytest.fixture(scope="module")
def ref() -> pd.DataFrame:
    out = pd.read_csv(RESULTS / "binomial_families_reference_values.csv", keep_default_na=False)
    out["value"] = out["value"].astype(float)
    return out


def vec(ref, source, quantity, terms=None) -> np.ndarray | float:
    sel = ref[(ref.source == source) & (ref.quantity == quantity)]
    s = pd.Series(sel["value"].to_numpy(), index=sel["term"].to_numpy())
    return float(s.iloc[0]) if terms is None else s[terms].to_numpy()


def mat(ref, source, quantity, terms) -> np.ndarray:
    sel = ref[(ref.source == source) & (ref.quantity == quantity)]
    return sel.pivot(index="term", columns="term2", values="value").loc[terms, terms].to_numpy()


def fit(data, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_binomial(
            data, "k", ["vacancy", "caseload"], trials="n", outcome_scale="count", **kw
        )


def test_binomial_glm(data, ref):
    res = fit(data, family="binomial", region_effect="none")
    np.testing.assert_allclose(res.params[TERMS], vec(ref, "glm", "coef", R_TERMS), atol=1e-8)
    np.testing.assert_allclose(res.cov.to_numpy(), mat(ref, "glm", "vcov", R_TERMS), rtol=1e-8)
    assert res.llf == pytest.approx(vec(ref, "glm", "loglik"), abs=1e-8)
    assert res.df_inference is None


def test_quasibinomial(data, ref):
    res = fit(data, family="quasibinomial", region_effect="none")
    np.testing.assert_allclose(
        res.params[TERMS], vec(ref, "quasibinomial", "coef", R_TERMS), atol=1e-8
    )
    np.testing.assert_allclose(
        res.cov.to_numpy(), mat(ref, "quasibinomial", "vcov", R_TERMS), rtol=1e-8
    )
    assert res.dispersion == pytest.approx(vec(ref, "quasibinomial", "dispersion"), rel=1e-10)
    assert res.df_inference == vec(ref, "quasibinomial", "df_residual")


@pytest.mark.parametrize("family", ["binomial", "quasibinomial"])
def test_cluster_robust_is_vcovCL_HC1_with_cluster_adjustment(data, ref, family):
    """statsmodels' default cluster correction G/(G-1) (N-1)/(N-K) is sandwich's
    vcovCL(type = "HC1", cadjust = TRUE); t on G - 1 = 11 degrees of freedom."""
    res = fit(data, family=family, region_effect="cluster")
    V = res.cov.to_numpy()
    np.testing.assert_allclose(V, mat(ref, "vcovCL", "vcov_HC1_cadjust", R_TERMS), rtol=1e-8)
    for other in ("vcov_HC0", "vcov_HC0_cadjust"):
        assert not np.allclose(V, mat(ref, "vcovCL", other, R_TERMS), rtol=1e-3)
    assert res.df_inference == vec(ref, "vcovCL", "G") - 1


def test_betabinomial(data, ref):
    res = fit(data, family="betabinomial", region_effect="none")
    names_r = [*R_TERMS, "logit_rho"]
    names_py = [*TERMS, "logit_rho"]
    np.testing.assert_allclose(
        res.params[names_py], vec(ref, "betabinomial", "coef", names_r), atol=1e-6
    )
    np.testing.assert_allclose(
        res.cov.to_numpy(), mat(ref, "betabinomial", "vcov", names_r), rtol=1e-4
    )
    assert res.llf == pytest.approx(vec(ref, "betabinomial", "loglik"), abs=1e-8)


def test_betabinomial_cluster(data, ref):
    res = fit(data, family="betabinomial", region_effect="cluster")
    names_r = [*R_TERMS, "logit_rho"]
    np.testing.assert_allclose(
        res.cov.to_numpy(), mat(ref, "betabinomial", "vcov_CR1", names_r), rtol=1e-4
    )
    assert res.df_inference == 11


@pytest.mark.parametrize("n_quad", [1, 10])
def test_random_intercept_matches_r_quadrature(data, ref, n_quad):
    res = fit(data, family="binomial", region_effect="random", n_quad=n_quad)
    own = f"agq_own_Q{n_quad}"
    r_names = [*R_TERMS, "log_sd_region"]
    py = res.params[[*TERMS, "log_sd__region"]].to_numpy()
    np.testing.assert_allclose(py, vec(ref, own, "coef", r_names), atol=2e-6)
    assert res.llf == pytest.approx(vec(ref, own, "loglik"), abs=1e-8)
    np.testing.assert_allclose(res.bse.to_numpy(), vec(ref, own, "se", r_names), rtol=1e-4)
    if n_quad == 10:  # ten nodes reproduce the exact integral (R integrate()) closely
        assert res.llf == pytest.approx(vec(ref, own, "loglik_exact"), abs=1e-8)


@pytest.mark.parametrize("n_quad", [1, 10])
def test_random_intercept_matches_glmer(data, ref, n_quad):
    res = fit(data, family="binomial", region_effect="random", n_quad=n_quad)
    src = f"glmer_nAGQ{n_quad}"
    np.testing.assert_allclose(res.params[TERMS], vec(ref, src, "coef", R_TERMS), atol=5e-5)
    sd = float(np.exp(res.params["log_sd__region"]))
    assert sd == pytest.approx(vec(ref, src, "sd_region"), rel=1e-4)
    np.testing.assert_allclose(res.bse[TERMS], vec(ref, src, "se", R_TERMS), rtol=1e-3)
    # glmer's logLik: the Laplace log-likelihood for nAGQ = 1; for nAGQ > 1 it omits the
    # saturated binomial log-likelihood (it is built from deviance residuals)
    constant = vec(ref, src, "loglik_constant")
    saturated = vec(ref, "glmer", "saturated_loglik")
    if n_quad == 1:
        assert abs(constant) < 1e-6
        assert res.llf == pytest.approx(vec(ref, src, "loglik"), abs=1e-6)
    else:
        assert constant == pytest.approx(-saturated, abs=1e-8)
        assert res.llf - saturated == pytest.approx(vec(ref, src, "loglik"), abs=1e-6)


# --------------------------------------------------------------------------- separation


@pytest.fixture(scope="module")
def sepref() -> pd.DataFrame:
    out = pd.read_csv(RESULTS / "brglm_reference_values.csv", keep_default_na=False)
    out["value"] = out["value"].astype(float)
    return out[out.source == "separation"]


def check_separation_pattern(sepref: pd.DataFrame, name: str) -> None:
    """Compare binomial_separation with R's detect_separation linear programme.

    * separation or not agrees;
    * per coefficient, whether some separating direction moves it to +inf / -inf agrees
      with R's own linear programmes ("can_go_up" / "can_go_down");
    * every coefficient R's single Konis vertex reports as +Inf / -Inf can move that way
      here, and under quasi-complete separation (a unique direction up to scale) the
      vertex's pattern is exactly ours.
    """
    d = load(name)
    sel = sepref[sepref.type == name]

    def q(quantity) -> pd.Series:
        s = sel[sel.quantity == quantity]
        return pd.Series(s["value"].to_numpy(), index=s["term"].to_numpy())

    ours = binomial_separation(d.y, d.trials, d.X)
    assert ours.separated == bool(q("separation").iloc[0])
    up = q("can_go_up")[d.terms].to_numpy().astype(bool)
    down = q("can_go_down")[d.terms].to_numpy().astype(bool)
    np.testing.assert_array_equal(ours.infinite_up, up)
    np.testing.assert_array_equal(ours.infinite_down, down)
    konis = q("konis_beta")[d.terms].to_numpy()
    assert np.all(ours.infinite_up[konis == np.inf])
    assert np.all(ours.infinite_down[konis == -np.inf])
    unique = ~(ours.infinite_up & ours.infinite_down)
    if ours.separated and unique.all():
        np.testing.assert_array_equal(
            np.sign(konis), ours.infinite_up.astype(int) - ours.infinite_down
        )
    if ours.separated:
        # the returned direction is a direction of separation for the expanded data
        k, n, X = d.y, d.trials, d.X
        eta = X @ ours.direction
        assert np.all(eta[k > 0] >= -1e-9) and np.all(eta[k < n] <= 1e-9)


@pytest.mark.parametrize("name", names("binomial"))
def test_separation_pattern_matches_detect_separation(sepref, name):
    check_separation_pattern(sepref, name)


@pytest.mark.parametrize("name", names("binomial"))
@pytest.mark.parametrize(
    ("family", "region_effect"),
    [
        ("binomial", "none"),
        ("quasibinomial", "cluster"),
        ("betabinomial", "none"),
        ("betabinomial", "cluster"),
        ("binomial", "random"),
    ],
)
def test_fit_binomial_flags_separation_exactly_in_every_family(name, family, region_effect):
    """Separation is decided by the linear programme, whatever the predictor's units
    (``bin_hundreds`` has a caseload in hundreds) and whatever the error model: a
    separated fit warns, says so in ``separation`` and prints no finite estimate, SE or
    p-value for the terms involved (nor a dispersion or region SD from the runaway fit)."""
    d = load(name)
    preds = [c for c in d.frame.columns if c not in ("k", "n", "region")]
    frame = d.frame.assign(region=[f"R{i % 8}" for i in range(len(d.frame))])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fit_binomial(
            frame,
            "k",
            preds,
            trials="n",
            outcome_scale="count",
            region_effect=region_effect,
            family=family,
        )
    assert not [w for w in caught if w.category is RuntimeWarning], "stray numpy warnings"
    truth = binomial_separation(d.y, d.trials, d.X).separated
    flagged = any(issubclass(w.category, SeparationWarning) for w in caught)
    assert flagged == truth == res.separation.separated
    t = res.tidy().set_index("term")
    involved = t["flag"].str.startswith("separated: estimate")
    if truth:
        assert involved.any()
        assert np.isinf(t.loc[involved, "estimate"]).all()
        assert t.loc[involved, ["std_error", "p_value"]].isna().all().all()
        nuisance = t.index.isin(["rho"]) | t.index.str.startswith("sd__")
        assert t.loc[nuisance, "estimate"].isna().all()
    else:
        assert not involved.any()
        assert np.isfinite(t.loc[res.coef_names, "estimate"]).all()
