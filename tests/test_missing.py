"""Complete-case reporting, chained-equations imputation and Rubin's rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from numpy.testing import assert_allclose
from scipy import stats

from probstats.errors import DroppedRowsWarning, ModelSpecificationError
from probstats.models.missing import (
    complete_cases,
    impute_chained,
    multiple_imputation,
    rubin_pool,
)


def test_complete_cases_reports_rows_and_reasons():
    df = pd.DataFrame(
        {
            "inspection_id": ["a", "b", "c", "d"],
            "y": [1.0, None, 3.0, None],
            "x": [1.0, 2.0, None, None],
        }
    )
    with pytest.warns(DroppedRowsWarning, match=r"3 of 4 rows dropped \(missing y: 2, x: 2\)"):
        kept, rep = complete_cases(df, ["y", "x"])
    assert kept["inspection_id"].tolist() == ["a"]
    assert rep.frame["inspection_id"].tolist() == ["b", "c", "d"]
    assert rep.frame["reason"].tolist() == ["missing y", "missing x", "missing y, x"]
    assert rep.n_dropped == 3 and rep.n_kept == 1
    with pytest.raises(ModelSpecificationError, match="not in data"):
        complete_cases(df, ["z"])


def test_rubin_pool_against_hand_computation():
    q = np.array([[1.0, 0.2], [1.3, 0.1], [0.8, 0.25], [1.1, 0.15]])
    u = np.array([[0.04, 0.01], [0.05, 0.012], [0.045, 0.009], [0.05, 0.011]])
    m = 4
    out = rubin_pool(pd.DataFrame(q, columns=["a", "b"]), pd.DataFrame(u, columns=["a", "b"]))
    for j, term in enumerate(["a", "b"]):
        qbar = q[:, j].mean()
        ubar = u[:, j].mean()
        b = np.sum((q[:, j] - qbar) ** 2) / (m - 1)
        t = ubar + (1 + 1 / m) * b
        r = (1 + 1 / m) * b / ubar
        df = (m - 1) * (1 + 1 / r) ** 2
        row = out.set_index("term").loc[term]
        assert_allclose(row.estimate, qbar)
        assert_allclose(row.std_error, np.sqrt(t))
        assert_allclose(row.df, df)
        assert_allclose(row.riv, r)
        assert_allclose(row.p_value, 2 * stats.t.sf(abs(qbar / np.sqrt(t)), df))
        assert_allclose(row.conf_low, qbar - stats.t.ppf(0.975, df) * np.sqrt(t))
    # Barnard-Rubin df never exceed the complete-data df
    br = rubin_pool(q, u, df_complete=20)
    assert (br["df"] <= 20).all() and (br["df"] < out["df"]).all()


def _mcar(seed=0, n=600, share=0.3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    z = 0.6 * x + rng.normal(size=n)
    y = 1 + 2 * x - 1 * z + rng.normal(size=n)
    full = pd.DataFrame({"y": y, "x": x, "z": z})
    miss = full.copy()
    miss.loc[rng.random(n) < share, "x"] = np.nan
    miss.loc[rng.random(n) < 0.15, "z"] = np.nan
    return full, miss


def ols(d):
    return sm.OLS(d["y"], sm.add_constant(d[["x", "z"]])).fit()


def test_mice_pooled_close_to_complete_data_under_mcar():
    full, miss = _mcar()
    truth = ols(full)
    res = multiple_imputation(
        miss, ols, ["y", "x", "z"], m=10, n_iter=5, seed=1, df_complete=len(miss) - 3
    )
    pooled = res.tidy().set_index("term")
    for term in ("const", "x", "z"):
        assert abs(pooled.loc[term, "estimate"] - truth.params[term]) < 2.5 * truth.bse[term]
        # missing information makes pooled SEs larger than complete-data SEs
        assert pooled.loc[term, "std_error"] > truth.bse[term]
    assert (pooled["fmi"] > 0).all() and (pooled["fmi"] < 0.6).all()
    # imputed values are observed values (predictive mean matching)
    imp = res.imputations[0]
    assert set(imp["x"]) <= set(miss["x"].dropna())
    assert res.glance()["m"].iloc[0] == 10


def test_imputation_reproducible_and_failures_reported():
    _, miss = _mcar(seed=2, n=100)
    a = impute_chained(miss, ["y", "x", "z"], m=2, n_iter=3, seed=5)
    b = impute_chained(miss, ["y", "x", "z"], m=2, n_iter=3, seed=5)
    pd.testing.assert_frame_equal(a[1], b[1])
    calls = {"n": 0}

    def flaky(d):
        calls["n"] += 1
        if calls["n"] == 2:
            raise np.linalg.LinAlgError("singular")
        return ols(d)

    with pytest.warns(RuntimeWarning, match="1 of 4 imputed analyses failed"):
        res = multiple_imputation(miss, flaky, ["y", "x", "z"], m=4, n_iter=2, seed=1)
    assert res.failures[0][0] == 1 and len(res.estimates) == 3


def test_entirely_missing_column_rejected():
    df = pd.DataFrame({"x": [np.nan, np.nan], "y": [1.0, 2.0]})
    with pytest.raises(ModelSpecificationError, match="entirely missing"):
        impute_chained(df, ["x", "y"], m=2)
