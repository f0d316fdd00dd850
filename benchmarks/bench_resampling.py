"""Timings of the resampling and power code on data the size of ours (about 100 units).

Run with ``python benchmarks/bench_resampling.py``; prints seconds per task.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
from scipy import special

from probstats.models.binomial.model import fit_binomial
from probstats.models.inference.power import min_detectable_effect, power_binomial, power_ordinal
from probstats.models.inference.resampling import bootstrap_model, permutation_test


def _data(n_units: int = 100, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.integers(0, 12, n_units)
    x = rng.uniform(0, 40, n_units)
    n = rng.integers(20, 60, n_units)
    k = rng.binomial(n, special.expit(0.8 - 0.03 * x + rng.normal(0, 0.4, 12)[g]))
    return pd.DataFrame({"region": [f"R{i}" for i in g], "vac": x, "k": k, "n": n})


def _time(label: str, fn) -> None:
    start = time.perf_counter()
    fn()
    print(f"{label:<55s} {time.perf_counter() - start:7.2f} s")


def main() -> None:
    df = _data()
    warnings.simplefilter("ignore")
    res = fit_binomial(df, "k", ["vac"], trials="n", outcome_scale="count")
    rand = fit_binomial(
        df,
        "k",
        ["vac"],
        trials="n",
        outcome_scale="count",
        family="binomial",
        region_effect="random",
        n_quad=5,
    )
    _time(
        "case bootstrap, quasi-binomial, B=999",
        lambda: bootstrap_model(res, n_resamples=999, seed=1, progress=False),
    )
    _time(
        "region-cluster bootstrap, quasi-binomial, B=999",
        lambda: bootstrap_model(res, cluster="region", n_resamples=999, seed=1, progress=False),
    )
    _time(
        "region-cluster bootstrap, random intercept, B=99",
        lambda: bootstrap_model(rand, cluster="region", n_resamples=99, seed=1, progress=False),
    )
    _time(
        "permutation test, quasi-binomial, 999 permutations",
        lambda: permutation_test(
            res.data, res.refit_fn(), "vac", n_permutations=999, seed=1, progress=False
        ),
    )
    _time(
        "binomial power, 25 units, 5000 simulations",
        lambda: power_binomial(25, 0.7, per=10, x_mean=20, x_sd=10, rho=0.1, n_sims=5000, seed=1),
    )
    _time(
        "ordinal power, 25 units, 5000 simulations",
        lambda: power_ordinal(25, 0.5, per=10, x_mean=20, x_sd=10, n_sims=5000, seed=1),
    )
    _time(
        "ordinal minimum detectable effect, 15 x 1000 simulations",
        lambda: min_detectable_effect("ordinal", 25, per=10, x_mean=20, x_sd=10, n_sims=1000),
    )


if __name__ == "__main__":
    main()
