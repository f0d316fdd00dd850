"""Speed of the Jeffreys-penalised (Firth-type) fits against maximum likelihood.

Run: ``python benchmarks/bench_penalised.py``. Prints only; nothing here is a test.
Target: a penalised fit costs at most about twice the maximum-likelihood fit of the same
data (n = 120, 4 predictors, 4 rating levels, simulated from a proportional-odds logit
model, as in bench_ordinal.py).

Timed, each from the null start with numpy arrays in and parameters out:

* ML: ``CumulativeLink(y, X, 4).newton(start, tol=1e-10)`` (the engine of fit_ordinal),
  and the public ``fit_ordinal`` on the same data as a data frame (design, checks, the
  separation linear programme, result object) for context;
* penalised: ``jeffreys_cumulative(y, X, 4)`` (tol 1e-10);
* the same pair for binary data (n = 120, intercept + 4 predictors): statsmodels'
  ``GLM(..., Binomial()).fit()`` (IRLS) against ``firth_binomial``;
* one penalised profile interval of the first coefficient, for scale.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from probstats.models._base.penalised import penalised_profile_interval  # noqa: E402
from probstats.models.binomial.penalised import firth_binomial  # noqa: E402
from probstats.models.ordinal.likelihood import CumulativeLink  # noqa: E402
from probstats.models.ordinal.penalised import jeffreys_cumulative  # noqa: E402

SEED = 20241125


def simulate(n: int, seed: int):
    rng = np.random.default_rng(seed)
    X = np.column_stack(
        [rng.gamma(4, 4, n), rng.normal(45, 8, n), rng.gamma(6, 2, n), rng.uniform(0, 0.3, n)]
    ).round(3)
    latent = X @ np.array([-0.07, -0.03, -0.06, -2.0]) + rng.logistic(size=n)
    y = np.digitize(latent, np.quantile(latent, [0.15, 0.55, 0.9]))
    return y, X


def best_of(fn, repeat: int = 7, number: int = 50) -> float:
    """Smallest mean time per call over ``repeat`` batches of ``number`` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return min(times)


def main() -> None:
    y, X = simulate(120, SEED)

    def ml():
        lik = CumulativeLink(y, X, 4)
        return lik.newton(lik.start(), tol=1e-10)

    def pen():
        return jeffreys_cumulative(y, X, 4)

    import pandas as pd

    from probstats.dataset.ratings import RATING_DTYPE
    from probstats.models import fit_ordinal

    frame = pd.DataFrame(X, columns=["x1", "x2", "x3", "x4"])
    frame["rating"] = pd.Categorical.from_codes(y, dtype=RATING_DTYPE)

    def public():
        return fit_ordinal(frame, "rating", ["x1", "x2", "x3", "x4"], warn=False)

    a, b = ml(), pen()
    public()
    t_ml, t_pen = best_of(ml), best_of(pen)
    t_pub = best_of(public, repeat=5, number=10)
    print("cumulative logit, n = 120, 4 predictors, 4 levels")
    print(f"  ML (CumulativeLink.newton)      {t_ml * 1e3:8.3f} ms  ({a.n_iter} Newton steps)")
    print(f"  ML (public fit_ordinal)         {t_pub * 1e3:8.3f} ms")
    print(f"  Jeffreys (jeffreys_cumulative)  {t_pen * 1e3:8.3f} ms  ({b.n_iter} Newton steps)")
    print(f"  ratio penalised / ML engine     {t_pen / t_ml:8.2f}")
    print(f"  ratio penalised / fit_ordinal   {t_pen / t_pub:8.2f}")

    import statsmodels.api as sm

    yb = (y >= 2).astype(float)
    Xb = np.column_stack([np.ones(len(yb)), X])

    def glm():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sm.GLM(yb, Xb, family=sm.families.Binomial()).fit()

    def firth():
        return firth_binomial(yb, np.ones_like(yb), Xb)

    firth()
    t_glm, t_firth = best_of(glm), best_of(firth)
    print("binary logit, n = 120, intercept + 4 predictors")
    print(f"  ML (statsmodels GLM, IRLS)      {t_glm * 1e3:8.3f} ms")
    print(f"  Firth (firth_binomial)          {t_firth * 1e3:8.3f} ms")
    print(f"  ratio penalised / ML            {t_firth / t_glm:8.2f}")

    t_prof = best_of(lambda: penalised_profile_interval(b, 0), repeat=3, number=3)
    print(f"one penalised profile interval (cumulative, first coefficient): {t_prof * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
