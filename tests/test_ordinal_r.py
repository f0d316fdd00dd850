"""Parity of the ordinal engine with R (MASS::polr, ordinal::clm, car::poTest).

The numbers were produced by tests/results/polr_reference.R on tests/results/polr_data.csv
and stored in tests/results/polr_reference_values.csv (printed output in
polr_reference.txt), so these tests need no R.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from probstats.models import brant_test, fit_ordinal, proportional_odds_lr_test

pytestmark = pytest.mark.r_reference

RESULTS = Path(__file__).parent / "results"
PREDICTORS = ["vacancy_rate_po", "caseload_average_po", "sickness_days_all", "era"]
# R's names for our terms
R_NAME = {"era[pre_unification]": "erapre_unification"}


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(RESULTS / "polr_data.csv")


@pytest.fixture(scope="module")
def ref() -> pd.DataFrame:
    out = pd.read_csv(RESULTS / "polr_reference_values.csv", keep_default_na=False)
    out["value"] = out["value"].astype(float)
    return out


def r_values(ref, source, link, quantity, term2=None) -> pd.Series:
    sel = ref[(ref.source == source) & (ref.link == link) & (ref.quantity == quantity)]
    if term2 is not None:
        sel = sel[sel.term2 == term2]
    return pd.Series(sel["value"].to_numpy(), index=sel["term"].to_numpy())


def fit(data, link):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_ordinal(data, "overall_rating", PREDICTORS, link)


def r_order(res) -> list[str]:
    return [R_NAME.get(t, t) for t in res.params.index]


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_parameters_match_polr(data, ref, link):
    res = fit(data, link)
    polr = pd.concat([r_values(ref, "polr", link, "coef"), r_values(ref, "polr", link, "zeta")])
    np.testing.assert_allclose(res.params.to_numpy(), polr[r_order(res)].to_numpy(), atol=1e-5)
    assert res.llf == pytest.approx(r_values(ref, "polr", link, "loglik").iloc[0], abs=1e-8)
    assert res.aic == pytest.approx(r_values(ref, "polr", link, "aic").iloc[0], abs=1e-7)
    assert res.bic == pytest.approx(r_values(ref, "polr", link, "bic").iloc[0], abs=1e-7)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_parameters_and_covariance_match_clm(data, ref, link):
    """clm converges to a gradient of 1e-10: agreement is much tighter than with polr."""
    res = fit(data, link)
    est = r_values(ref, "clm", link, "estimate")
    np.testing.assert_allclose(
        res.params.to_numpy(), est[r_order(res)].to_numpy(), rtol=1e-7, atol=1e-8
    )
    V = ref[(ref.source == "clm") & (ref.link == link) & (ref.quantity == "vcov")]
    V = V.pivot(index="term", columns="term2", values="value")
    names = r_order(res)
    np.testing.assert_allclose(
        res.cov_params().to_numpy(), V.loc[names, names].to_numpy(), rtol=1e-6
    )
    assert res.llf == pytest.approx(r_values(ref, "clm", link, "loglik").iloc[0], abs=1e-9)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_profile_intervals_match_r(data, ref, link):
    """R interpolates a profile grid (MASS spline, ordinal spline); we solve exactly."""
    res = fit(data, link)
    ci = res.profile_conf_int(terms=res.coef_names)
    ci.index = [R_NAME.get(t, t) for t in ci.index]
    for source in ("polr", "clm"):
        low = r_values(ref, source, link, "profile_low")
        high = r_values(ref, source, link, "profile_high")
        np.testing.assert_allclose(ci["conf_low"], low[ci.index], atol=2e-5)
        np.testing.assert_allclose(ci["conf_high"], high[ci.index], atol=2e-5)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_predicted_probabilities_match_polr(data, ref, link):
    res = fit(data, link)
    sel = ref[(ref.source == "polr") & (ref.link == link) & (ref.quantity == "prob")]
    R = sel.pivot(index="term", columns="term2", values="value")
    P = res.predict_proba(data.iloc[:5])
    R = R.loc[[str(i) for i in range(1, 6)], list(P.columns)]
    np.testing.assert_allclose(P.to_numpy(), R.to_numpy(), atol=1e-6)


def test_brant_matches_car_potest(data, ref):
    res = fit(data, "logit")
    chisq = r_values(ref, "poTest", "logit", "chisq_term")
    car = brant_test(res, convention="car").table.set_index("term")
    exact = brant_test(res).table.set_index("term")
    terms = [R_NAME.get(t, t) for t in res.coef_names]
    for table in (car, exact):  # per-predictor statistics do not depend on the convention
        np.testing.assert_allclose(table.loc[res.coef_names, "statistic"], chisq[terms], rtol=1e-6)
        assert (table.loc[res.coef_names, "df"] == 2).all()
    overall = r_values(ref, "poTest", "logit", "chisq_overall").iloc[0]
    assert car.loc["omnibus", "statistic"] == pytest.approx(overall, rel=1e-6)
    assert car.loc["omnibus", "df"] == r_values(ref, "poTest", "logit", "df_overall").iloc[0]
    # the transposed cross-covariance moves the omnibus statistic, but only a little
    assert exact.loc["omnibus", "statistic"] != pytest.approx(overall, rel=1e-6)
    assert exact.loc["omnibus", "statistic"] == pytest.approx(overall, rel=0.01)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_lr_test_matches_clm_nominal_fits(data, ref, link):
    res = fit(data, link)
    lr = proportional_odds_lr_test(res)
    ll = lr.coefficients["loglik"]
    r_ll = r_values(ref, "clm_nominal", link, "loglik_nominal")
    for term in PREDICTORS:
        assert ll[term] == pytest.approx(r_ll[term], abs=1e-6)
    r_all = r_values(ref, "clm_nominal", link, "loglik_all_nominal").iloc[0]
    assert ll["omnibus"] == pytest.approx(r_all, abs=1e-6)
    table = lr.table.set_index("term")
    assert table.loc["omnibus", "statistic"] == pytest.approx(2 * (r_all - res.llf), abs=2e-6)
    assert table.loc["omnibus", "df"] == 8
