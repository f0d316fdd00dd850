"""Speed of the ordinal engine against statsmodels' OrderedModel and R's MASS::polr.

Run: ``python benchmarks/bench_ordinal.py [--sm-refits 200] [--no-r]``. Prints only;
nothing here is a test. Targets: 2,000 bootstrap refits at n = 120 in under 2 s and a
refit at most a fifth of R polr's time.

For each sample size (n = 120 and n = 1,000; 4 predictors, 4 rating levels, simulated
from a proportional-odds logit model) it times

* one cold fit from the null start (numpy arrays in, parameters out);
* 2,000 case-bootstrap refits (indices drawn up front from a seeded generator), warm
  started at the full-data estimates, through the fastest path (row positions) and
  through the data-frame path that resampling code uses (``refit_fn``);
* statsmodels' stock ``OrderedModel(distr="logit").fit(method="bfgs")`` on the same
  resamples (a subset, extrapolated to 2,000, unless ``--sm-refits 2000``);
* R's ``polr`` (and ``ordinal::clm``) on the same data, per-refit time measured inside
  R with a loop, when ``Rscript`` is available, plus a check that the full-data
  estimates agree with polr (``reltol = 1e-12``) to 1e-5.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from probstats.dataset.ratings import RATING_DTYPE  # noqa: E402
from probstats.models.ordinal.model import fit_ordinal, fit_ordinal_arrays  # noqa: E402

PREDICTORS = ["vacancy_rate_po", "caseload_average_po", "sickness_days_all", "agency_share"]
N_BOOT = 2000
SEED = 20241125


def simulate(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = np.column_stack(
        [rng.gamma(4, 4, n), rng.normal(45, 8, n), rng.gamma(6, 2, n), rng.uniform(0, 0.3, n)]
    )
    latent = X @ np.array([-0.07, -0.03, -0.06, -2.0]) + rng.logistic(size=n)
    y = np.digitize(latent, np.quantile(latent, [0.15, 0.55, 0.9]))
    df = pd.DataFrame(X, columns=PREDICTORS).round(3)
    df.insert(0, "overall_rating", pd.Categorical.from_codes(y, dtype=RATING_DTYPE))
    return df


def best_of(fn, repeat: int = 5, number: int = 50) -> float:
    """Smallest mean time per call over ``repeat`` batches of ``number`` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return min(times)


R_SCRIPT = r"""
suppressPackageStartupMessages({library(MASS); library(ordinal)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
idx <- as.matrix(read.csv(args[2], header = FALSE)) + 1L
nrep <- as.integer(args[3])
d$overall_rating <- factor(d$overall_rating, ordered = TRUE,
  levels = c("Inadequate", "Requires improvement", "Good", "Outstanding"))
f <- overall_rating ~ vacancy_rate_po + caseload_average_po + sickness_days_all + agency_share
m <- polr(f, data = d, control = list(reltol = 1e-12))
cat("EST", sprintf("%.12g", c(coef(m), m$zeta)), "\n")
# per-refit time: polr with its default settings on bootstrap resamples (Hess = TRUE, as
# needed for standard errors, is slower still), then clm
t <- system.time(for (b in 1:nrep) polr(f, data = d[idx[b, ], ]))[["elapsed"]]
cat("POLR", t / nrep, "\n")
t <- system.time(for (b in 1:nrep) polr(f, data = d[idx[b, ], ], Hess = TRUE))[["elapsed"]]
cat("POLRHESS", t / nrep, "\n")
t <- system.time(for (b in 1:nrep) clm(f, data = d[idx[b, ], ]))[["elapsed"]]
cat("CLM", t / nrep, "\n")
"""


def run_r(df: pd.DataFrame, idx: np.ndarray, nrep: int) -> dict[str, object] | None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data_csv, idx_csv, script = (Path(tmp) / "d.csv", Path(tmp) / "i.csv", Path(tmp) / "b.R")
        df.assign(overall_rating=df["overall_rating"].astype(str)).to_csv(data_csv, index=False)
        np.savetxt(idx_csv, idx[:nrep], fmt="%d", delimiter=",")
        script.write_text(R_SCRIPT)
        out = subprocess.run(
            [rscript, str(script), str(data_csv), str(idx_csv), str(nrep)],
            capture_output=True,
            text=True,
            check=False,
        )
    if out.returncode != 0:
        print("  R failed:", out.stderr.strip()[:300])
        return None
    res: dict[str, object] = {}
    for line in io.StringIO(out.stdout):
        key, *vals = line.split()
        res[key] = [float(v) for v in vals] if key == "EST" else float(vals[0])
    return res


def bench(n: int, sm_refits: int, use_r: bool) -> None:
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    df = simulate(n, SEED + n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fit_ordinal(df, "overall_rating", PREDICTORS)
    y = df["overall_rating"].cat.codes.to_numpy()
    X = df[PREDICTORS].to_numpy()
    rng = np.random.default_rng(SEED)
    idx = rng.integers(0, n, size=(N_BOOT, n))
    counts = df["overall_rating"].value_counts(sort=False).to_dict()
    print(f"\n== n = {n}, 4 predictors, 4 levels {counts}")

    cold = best_of(lambda: fit_ordinal_arrays(y, X, 4))
    warm_one = best_of(lambda: res.refit_rows(idx[0]))
    print(f"  probstats cold fit (arrays in, null start) : {cold * 1e6:8.0f} us")
    print(f"  probstats warm refit (resampled rows)      : {warm_one * 1e6:8.0f} us")

    failures = 0
    t0 = time.perf_counter()
    boot = np.empty((N_BOOT, 7))
    for b in range(N_BOOT):
        try:
            boot[b] = res.refit_rows(idx[b])
        except Exception:  # counted, as the resampling code does
            failures += 1
            boot[b] = np.nan
    t_boot = time.perf_counter() - t0
    verdict = "OK" if t_boot < 2 else "MISSED"
    print(
        f"  probstats {N_BOOT} bootstrap refits (rows)    : {t_boot:8.2f} s "
        f"({t_boot / N_BOOT * 1e6:.0f} us each; {failures} failed)  target < 2 s: {verdict}"
    )

    fn = res.refit_fn(terms="coefficients", empty_categories="drop")
    t0 = time.perf_counter()
    for b in range(N_BOOT):
        try:
            fn(df.iloc[idx[b]])
        except Exception:
            pass
    t_df = time.perf_counter() - t0
    print(
        f"  probstats {N_BOOT} refits via refit_fn(frame) : {t_df:8.2f} s "
        f"({t_df / N_BOOT * 1e6:.0f} us each, incl. pandas resampling)"
    )

    m = min(sm_refits, N_BOOT)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for b in range(m):
            OrderedModel(y[idx[b]], X[idx[b]], distr="logit").fit(
                method="bfgs", disp=False, maxiter=1000
            )
    t_sm = (time.perf_counter() - t0) / m
    label = "" if m == N_BOOT else f" (timed {m}, extrapolated)"
    print(
        f"  statsmodels OrderedModel bfgs, per refit   : {t_sm * 1e6:8.0f} us "
        f"-> {N_BOOT} refits {t_sm * N_BOOT:6.1f} s{label}; "
        f"probstats is {t_sm / warm_one:.0f}x faster"
    )

    if not use_r:
        return
    r = run_r(df, idx, 200 if n <= 200 else 50)
    if r is None:
        print("  R: Rscript not available, skipped")
        return
    ratio = warm_one / r["POLR"]
    verdict = "OK" if ratio <= 0.2 else "MISSED"
    print(
        f"  R polr per refit (timed in R)              : {r['POLR'] * 1e6:8.0f} us "
        f"(Hess=TRUE {r['POLRHESS'] * 1e6:.0f} us; ordinal::clm {r['CLM'] * 1e6:.0f} us)"
    )
    print(f"  probstats / R polr time ratio              : {ratio:8.3f}  target <= 0.2: {verdict}")
    diff = np.max(np.abs(np.asarray(r["EST"]) - res.params.to_numpy()))
    same = "yes" if diff < 1e-5 else "NO"
    print(f"  estimates identical to R polr to 1e-5      : {same} (max abs difference {diff:.1e})")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sm-refits",
        type=int,
        default=200,
        help="statsmodels refits to time (extrapolated to 2,000)",
    )
    ap.add_argument("--no-r", action="store_true", help="skip the R comparison")
    args = ap.parse_args(argv)
    import platform

    import numpy
    import scipy
    import statsmodels

    print(
        f"python {platform.python_version()}, numpy {numpy.__version__}, "
        f"scipy {scipy.__version__}, statsmodels {statsmodels.__version__}; "
        f"{platform.machine()}"
    )
    for n in (120, 1000):
        bench(n, args.sm_refits, not args.no_r)


if __name__ == "__main__":
    main()
