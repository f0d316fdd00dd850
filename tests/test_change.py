"""Change models and exact small-sample summaries on repeat inspections."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

from probstats.errors import ModelSpecificationError, SmallSampleWarning
from probstats.models.change import (
    add_changes,
    direction_agreement,
    fit_change,
    mcnemar_change,
    sign_test,
)


def panel(n=60, seed=0, slope=-0.04):
    rng = np.random.default_rng(seed)
    dv = rng.normal(0, 10, n)
    rc = np.clip(np.round(slope * dv + rng.normal(0, 0.6, n)), -3, 3)
    return pd.DataFrame(
        {"vac_change": dv, "rating_change": rc, "region": rng.integers(0, 12, n).astype(str)}
    )


def test_add_changes_within_unit_in_time_order():
    df = pd.DataFrame(
        {
            "unit_id": ["a", "b", "a", "b", "a"],
            "publication_date": pd.to_datetime(
                ["2019-01", "2019-05", "2022-01", "2023-02", "2024-06"]
            ),
            "v": [30.0, 10.0, 20.0, 12.0, 25.0],
        }
    )
    out = add_changes(df, ["v"])
    assert_allclose(out["v_change"], [np.nan, np.nan, -10.0, 2.0, 5.0])
    assert_allclose(out["previous_v"], [np.nan, np.nan, 30.0, 10.0, 20.0])
    shuffled = add_changes(df.iloc[[4, 2, 0, 3, 1]], ["v"])
    assert_allclose(shuffled.sort_index()["v_change"], out["v_change"])


def test_linear_change_model_hc3_by_hand():
    df = panel()
    res = fit_change(df, ["vac_change"], warn=False)
    X = np.column_stack([np.ones(len(df)), df["vac_change"]])
    y = df["rating_change"].to_numpy()
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - X @ beta
    bread = np.linalg.inv(X.T @ X)
    h = np.einsum("ij,jk,ik->i", X, bread, X)
    V = bread @ (X.T * (e**2 / (1 - h) ** 2)) @ X @ bread
    assert_allclose(res.params, beta, rtol=1e-10)
    assert_allclose(np.sqrt(np.diag(res.cov)), np.sqrt(np.diag(V)), rtol=1e-8)
    t = res.tidy().set_index("term").loc["vac_change"]
    assert_allclose(t.p_value, 2 * stats.t.sf(abs(t.statistic), len(df) - 2))
    assert t.estimate < 0 and t.conf_high < 0
    g = res.glance()
    assert {"n", "n_dropped", "log_likelihood", "aic", "bic", "pseudo_r2"} <= set(g.columns)
    assert_allclose(res.augment()[".resid"], e, atol=1e-10)


def test_change_model_cluster_and_validation():
    df = panel()
    res = fit_change(df, ["vac_change"], cov_type="cluster", warn=False)
    assert res.df_inference == df["region"].nunique() - 1
    with pytest.raises(ModelSpecificationError, match="'HC3', 'cluster', 'nonrobust'"):
        fit_change(df, ["vac_change"], cov_type="HC1")
    with pytest.warns(SmallSampleWarning, match="repeat inspections"):
        fit_change(df.iloc[:10], ["vac_change"])


def test_sign_test_is_exact_binomial():
    out = sign_test([2, 1, 1, 1, 0, 0, -1, np.nan, 1, 1])
    assert out.loc[0, ["n_up", "n_down", "n_tied", "n_missing"]].tolist() == [6, 1, 2, 1]
    assert_allclose(out.loc[0, "p_value"], stats.binomtest(6, 7).pvalue)
    assert_allclose(out.loc[0, "p_value"], 2 * (1 + 7) / 2**7)  # closed form
    one = sign_test([1, 1, 1], alternative="greater")
    assert_allclose(one.loc[0, "p_value"], 1 / 8)


def test_mcnemar_matches_statsmodels_exact():
    before = ["Requires improvement"] * 7 + ["Good"] * 4 + ["Inadequate"] * 3
    after = (
        ["Good"] * 5
        + ["Requires improvement"] * 2
        + ["Good"] * 2
        + ["Requires improvement"] * 2
        + ["Inadequate", "Good", "Inadequate"]
    )
    out = mcnemar_change(before, after).iloc[0]
    table = [[out.both_below, out.moved_up], [out.moved_down, out.both_above]]
    ref = mcnemar(table, exact=True)
    assert (out.moved_up, out.moved_down) == (6, 2)
    assert_allclose(out.p_value, ref.pvalue)
    with pytest.raises(ModelSpecificationError):
        mcnemar_change(before, after, threshold="Excellent")


def test_direction_agreement_counts_and_exact_p():
    s = [-10, -5, -8, 4, 6, 0, 3, -2]
    r = [1, 1, 1, -1, -1, 1, 1, 0]
    out = direction_agreement(s, r).iloc[0]
    # concordant: (-10,1) (-5,1) (-8,1) (4,-1) (6,-1); discordant: (3,1); untied pairs: 6
    assert (out.n_concordant, out.n_discordant, out.n_untied) == (5, 1, 6)
    assert_allclose(out.p_value, stats.binomtest(5, 6).pvalue)
    flipped = direction_agreement(s, r, staffing_better="higher").iloc[0]
    assert (flipped.n_concordant, flipped.n_discordant) == (1, 5)


def test_change_slope_recovered_in_simulation():
    df = panel(n=400, seed=3, slope=-0.05)
    t = fit_change(df, ["vac_change"], warn=False).tidy().set_index("term").loc["vac_change"]
    # rounding and clipping attenuate a little; the truth is -0.05 on the latent scale
    assert t.conf_low < -0.03 and t.conf_high < 0


def test_ordinal_change_model_via_engine():
    df = panel(n=150, seed=4, slope=-0.06)
    res = fit_change(df, ["vac_change"], model="ordinal", warn=False)
    t = res.tidy().set_index("term")
    assert t.loc["vac_change", "estimate"] < 0 and t.loc["vac_change", "conf_high"] < 0
    assert res.glance()["n_dropped"].iloc[0] == 0
    lin = fit_change(df, ["vac_change"], warn=False).tidy().set_index("term")
    # both models agree on the direction and on significance
    assert np.sign(lin.loc["vac_change", "estimate"]) == np.sign(t.loc["vac_change", "estimate"])
