"""Permutation tests of a fitted ordinal model that stay meaningful under separation."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from probstats.errors import ModelSpecificationError
from probstats.models.inference.exact import rank_shift_test
from probstats.models.inference.permutation_lr import permutation_test_model
from probstats.models.inference.resampling import permutation_test
from probstats.models.ordinal.model import fit_ordinal

# The shape of the real data when PO vacancy was first analysed: six PDU and regional
# inspections, the two rated Inadequate with the two highest vacancy rates (complete
# separation). Values are illustrative; the ordering is what matters.
SIX = pd.DataFrame(
    {
        "rating": ["Inadequate"] * 2 + ["Requires improvement"] * 4,
        "vacancy": [40.0, 35, 30, 20, 15, 10],
    }
)


def _fit(df, predictors, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_ordinal(df, "rating", predictors, empty_categories="drop", warn=False, **kw)


def test_separated_six_rows_give_the_exact_rank_test_p_value():
    res = _fit(SIX, ["vacancy"])
    assert res.separation.separated
    out = permutation_test_model(res, "vacancy")
    rank = rank_shift_test(SIX.vacancy[:2], SIX.vacancy[2:])
    # 2 of the C(6, 2) = 15 splits are as extreme: the two highest or the two lowest
    assert out.exact and out.p_value == pytest.approx(2 / 15)
    assert out.p_value == pytest.approx(rank.p_value)
    # the statistic is the finite supremum: 2 * (0 - loglik of the null model)
    null_ll = 2 * math.log(2 / 6) + 4 * math.log(4 / 6)
    assert out.statistic == pytest.approx(-2 * null_ll, abs=1e-6)
    # one-sided: only the observed direction (higher vacancy, worse rating) counts
    less = permutation_test_model(res, "vacancy", alternative="less")
    assert less.p_value == pytest.approx(1 / 15) and less.statistic < 0
    assert permutation_test_model(res, "vacancy", alternative="greater").p_value == 1.0
    firth = permutation_test_model(res, "vacancy", statistic="firth")
    assert firth.p_value == pytest.approx(2 / 15) and np.isfinite(firth.statistic)
    assert "likelihood-ratio" in out.tidy()["method"].iloc[0]


def test_the_wald_statistic_of_the_same_rows_is_refused_not_silently_one():
    res = _fit(SIX, ["vacancy"])
    fn = res.refit_fn(terms="coefficients", on_separation="nan")
    with pytest.raises(ModelSpecificationError, match="separated"):
        permutation_test(res.data, fn, "vacancy", progress=False)


def _g2(table: np.ndarray) -> float:
    """Likelihood-ratio (G) statistic of independence in a 2x2 table, by hand."""
    expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / table.sum()
    nz = table > 0
    return float(2 * np.sum(table[nz] * np.log(table[nz] / expected[nz])))


def test_two_by_two_exact_p_value_matches_the_hypergeometric_reference():
    # 10 units, binary outcome, binary predictor: permuting the predictor moves the
    # 2x2 table along its hypergeometric distribution; the exact p-value is the
    # probability of tables with G >= the observed G (including separated tables)
    rating = ["Inadequate"] * 4 + ["Requires improvement"] * 6
    x = [1.0, 1, 1, 0, 1, 0, 0, 0, 0, 0]
    df = pd.DataFrame({"rating": rating, "x": x})
    res = _fit(df, ["x"])
    out = permutation_test_model(res, "x", exact=True)
    # ties: the C(10, 4) = 210 distinct arrangements, not 10! orderings
    assert out.n_permutations == 210
    n, row1, col1 = 10, 4, 4  # units, Inadequate, x == 1
    a_obs = 3
    ref = 0.0
    for a in range(max(0, row1 + col1 - n), min(row1, col1) + 1):
        t = np.array([[a, row1 - a], [col1 - a, n - row1 - col1 + a]])
        t_obs = np.array([[a_obs, row1 - a_obs], [col1 - a_obs, n - row1 - col1 + a_obs]])
        if _g2(t) >= _g2(t_obs) - 1e-9:
            ref += stats.hypergeom.pmf(a, n, col1, row1)
    assert out.p_value == pytest.approx(ref, abs=1e-12)
    assert out.statistic == pytest.approx(_g2(np.array([[3, 1], [1, 5]])), abs=1e-6)


def test_cluster_permutation_agrees_with_refitting_the_model_by_hand():
    rng = np.random.default_rng(4)
    regions = [f"R{g}" for g in range(5) for _ in range(4)]
    level = dict(zip([f"R{g}" for g in range(5)], [12.0, 25, 18, 40, 31], strict=True))
    x = np.array([level[r] for r in regions])
    latent = -0.05 * x + rng.logistic(size=20)
    rating = pd.Categorical.from_codes(
        np.digitize(latent, [-2.0, -1.0]), ["Inadequate", "Requires improvement", "Good"]
    )
    df = pd.DataFrame({"rating": rating, "x": x, "region": regions})
    res = _fit(df, ["x"])
    out = permutation_test_model(res, "x", cluster="region", data=df)
    assert out.exact and out.n_permutations == math.factorial(5)

    def loglik(d):
        return pd.Series({"x": _fit(d, ["x"]).llf})

    ref = permutation_test(
        df, loglik, "x", cluster="region", alternative="greater", pivotal=False, progress=False
    )
    assert out.p_value == pytest.approx(ref.p_value)
    with pytest.raises(ModelSpecificationError, match="varies within region"):
        permutation_test_model(res, "x", cluster="region", data=df.assign(x=np.arange(20.0)))
    with pytest.raises(ModelSpecificationError, match="needs data="):
        permutation_test_model(res, "x", cluster="region")


def test_monte_carlo_p_value_approaches_the_exact_one():
    res = _fit(SIX, ["vacancy"])
    mc = permutation_test_model(res, "vacancy", exact=False, n_permutations=3000, seed=3)
    assert not mc.exact and mc.n_permutations == 3000
    assert mc.p_value == pytest.approx(2 / 15, abs=0.02)


def test_categorical_predictor_moves_as_one_and_refuses_single_coefficient_options():
    df = pd.DataFrame(
        {
            "rating": ["Inadequate", "Inadequate", "Requires improvement", "Good"] * 2,
            "grade": ["a", "b", "c", "c", "a", "b", "c", "a"],
        }
    )
    res = _fit(df, ["grade"])
    out = permutation_test_model(res, "grade", exact=False, n_permutations=200, seed=1)
    assert not out.exact and out.n_permutations == 200
    exact = permutation_test_model(res, "grade")  # 8! / (3! 2! 3!) = 560 arrangements
    assert exact.exact and exact.n_permutations == 560
    assert exact.p_value == pytest.approx(out.p_value, abs=0.12)
    # both design columns move together: every permuted design keeps the level counts,
    # so the statistic never exceeds the one of a perfect split
    assert np.all(out.null_distribution >= 0) and 0 < out.p_value <= 1
    with pytest.raises(ModelSpecificationError, match="single coefficient"):
        permutation_test_model(res, "grade", statistic="firth")
    with pytest.raises(ModelSpecificationError, match="not a predictor"):
        permutation_test_model(res, "nothing")


def test_other_models_are_refused_with_a_pointer():
    with pytest.raises(ModelSpecificationError, match="fitted ordinal model"):
        permutation_test_model(object(), "x")
