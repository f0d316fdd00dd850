# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 3. Case-sample outcomes: "k of n cases sufficient"
#
# Besides the overall rating, each inspection reports how many of the cases it
# examined met its standards, for example "work to keep other people safe was
# sufficient in 22 per cent of cases". A share of inspected cases is far more
# informative than a four-level rating: every inspection contributes tens of binary
# judgements rather than one ordinal one. The natural model is binomial (k sufficient
# out of n inspected), with allowance for cases in one unit being more alike than cases
# in different units (overdispersion) and for units in one region sharing conditions.
#
# The main specification is `probstats.report.analysis.binomial_keep_safe_model`: a
# quasi-binomial logit of the share of cases where implementation and delivery work
# to keep people safe was sufficient, on the PO vacancy rate, with standard errors
# clustered by region. It needs the **number of cases behind each percentage**; a
# percentage without its denominator is never given an assumed one.
#
# This notebook shows what exists, demonstrates the model on a clearly labelled
# synthetic dataset of realistic shape, and computes the power of realistic designs.

# %%
# ruff: noqa: B018 (a bare expression ending a cell is how a notebook shows a result)
import numpy as np
import pandas as pd
from scipy import stats

import probstats
from probstats.dataset.vocab import REGIONS
from probstats.models import min_detectable_effect, power_binomial
from probstats.report import figures as figs
from probstats.report.analysis import KEEP_SAFE, MAIN_PREDICTOR, binomial_keep_safe_model, main_fits

# figures are standalone Figure objects: show them inline as cell results
# %matplotlib inline

# %% tags=["parameters"]
N_SIMS = 500  # simulated datasets per power calculation
N_GRID = 8  # odds ratios per minimum-detectable-effect curve
DESIGN_SIZES = (10, 25, 50, 80)  # inspections with the predictor and a stated k of n
RHOS = (0.05, 0.10)  # intra-inspection correlation of case judgements
PER = 10.0  # odds ratios per 10 percentage points of PO vacancy
SEED = 3

# %%
pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 120)

features = probstats.load_features()
cases = probstats.load_case_measures()
fits = main_fits(features)

# %% [markdown]
# ## 3.1 What is available
#
# The long table holds every case-sample figure as stated. Most are percentages;
# some are bounds ("less than half"); only a few state the count and the number of
# cases behind it (`n_counted` of `n_cases`).

# %%
summary = cases.assign(
    kind=np.select(
        [cases[["n_counted", "n_cases"]].notna().all(axis=1), cases["qualifier"].notna(),
         cases["value_pct"].notna()],
        ["k of n stated", "bound or approximate %", "exact %"], "other"),
)
summary.pivot_table(index=["stage", "aspect"], columns="kind", values="inspection_id",
                    aggfunc="size", fill_value=0)

# %% [markdown]
# Where a count and a denominator are stated we can at least give each inspection's
# share an exact (Clopper-Pearson) 95% interval. With about 50 cases per PDU
# inspection, a single share is known only to within about plus or minus 14
# percentage points.

# %%
kn = cases[cases[["n_counted", "n_cases"]].notna().all(axis=1)].copy()
cis = [stats.binomtest(int(k), int(n)).proportion_ci(method="exact")
       for k, n in zip(kn["n_counted"], kn["n_cases"], strict=True)]
kn["share_pct"] = 100 * kn["n_counted"].astype(float) / kn["n_cases"].astype(float)
kn["ci_low_pct"] = [100 * c.low for c in cis]
kn["ci_high_pct"] = [100 * c.high for c in cis]
kn[["inspection_id", "stage", "aspect", "judged", "n_counted", "n_cases", "share_pct",
    "ci_low_pct", "ci_high_pct"]].round(1)

# %% [markdown]
# The main outcome (keep-safe sufficiency in implementation and delivery) is stated as
# a percentage for a few inspections, but never with its number of cases, and never
# for an inspection that also states a PO vacancy rate. The number of cases inspected
# overall (`cases_inspected`) is sometimes known, but the keep-safe judgement applies
# only to cases where there was a risk to others, so it is an upper bound on the
# denominator, not the denominator.

# %%
outcome_known = features[KEEP_SAFE].notna()
pd.DataFrame({
    "keep-safe % stated": [int(outcome_known.sum())],
    "... with its number of cases": [int(features.get(KEEP_SAFE.removesuffix("_pct") + "_n",
                                                      pd.Series(dtype=float)).notna().sum())],
    "... and PO vacancy stated": [int((outcome_known & features[MAIN_PREDICTOR].notna()).sum())],
    "cases_inspected stated": [int(features["cases_inspected"].notna().sum())],
})

# %%
fits["binomial"].notes_frame()

# %% [markdown]
# So the main binomial model **cannot be fitted to the real data**: the fit reports
# why instead of inventing denominators. The scatter the build draws for this outcome
# says the same.

# %%
figs.staffing_vs_outcome(features, measures=[MAIN_PREDICTOR])

# %% [markdown]
# ## 3.2 What the analysis would show: a synthetic demonstration
#
# To show what the model reports once the figures exist, and that it recovers a known
# truth, we simulate **synthetic** PDU inspections (not real data): PO vacancy rates
# drawn from those observed, numbers of cases from those PDU inspections report, and
# keep-safe sufficiency from a beta-binomial model with a known odds ratio per 10
# points of vacancy. The main specification is then applied unchanged.

# %%
rng = np.random.default_rng(SEED)
po_observed = features.loc[features["unit_type"].isin(["PDU", "region"]),
                           MAIN_PREDICTOR].dropna().to_numpy()
pdu_cases = features.loc[features["unit_type"] == "PDU", "cases_inspected"].dropna()
trials_pool = pdu_cases.to_numpy(dtype=float) if len(pdu_cases) else np.array([50.0])
keep_safe_obs = features[KEEP_SAFE].dropna()
baseline = float(keep_safe_obs.mean() / 100) if len(keep_safe_obs) else 0.3
print(f"baseline keep-safe share {baseline:.2f}; PDU cases per inspection "
      f"{trials_pool.min():g}-{trials_pool.max():g}")

TRUE_OR = 0.7  # per 10 points of PO vacancy (synthetic truth)
n_syn, rho = 60, 0.08
x = rng.choice(po_observed, n_syn) + rng.normal(0, 3, n_syn)
n_cases = rng.choice(trials_pool, n_syn).astype(int)
mu = 1 / (1 + np.exp(-(np.log(baseline / (1 - baseline))
                       + np.log(TRUE_OR) / PER * (x - x.mean()))))
p = rng.beta(mu * (1 - rho) / rho, (1 - mu) * (1 - rho) / rho)
k = rng.binomial(n_cases, p)
synthetic = pd.DataFrame({
    "inspection_id": [f"synthetic-{i:02d}" for i in range(n_syn)],
    "unit_type": "PDU", "region": rng.choice(REGIONS, n_syn), MAIN_PREDICTOR: x,
    KEEP_SAFE: 100 * k / n_cases, KEEP_SAFE.removesuffix("_pct") + "_n": n_cases,
    "cases_inspected": n_cases,
})
synthetic.head()

# %%
demo = binomial_keep_safe_model(synthetic)
print(demo.name, "| inspections used:", demo.n_used)
for message in demo.warnings:
    print(message)
tidy = demo.result.tidy()
tidy

# %%
row = tidy.set_index("term").loc[MAIN_PREDICTOR]
print(f"synthetic truth: OR {TRUE_OR} per {PER:g} points; estimated OR "
      f"{np.exp(PER * row['estimate']):.2f} (95% CI {np.exp(PER * row['conf_low']):.2f} to "
      f"{np.exp(PER * row['conf_high']):.2f})")
demo.result.glance()

# %%
figs.staffing_vs_outcome(synthetic, measures=[MAIN_PREDICTOR],
                         trials=KEEP_SAFE.removesuffix("_pct") + "_n",
                         title="SYNTHETIC data: what the keep-safe analysis would show",
                         subtitle=f"{n_syn} simulated PDU inspections, true odds ratio "
                                  f"{TRUE_OR} per 10 points; not real data")

# %% [markdown]
# ## 3.3 Power of realistic designs
#
# How many inspections with both a stated PO vacancy rate and a stated k of n would
# the keep-safe analysis need? `power_binomial` simulates the quasi-binomial test for
# a given number of inspections, with cases per inspection as PDU inspections report
# them, PO vacancy drawn from the observed rates, and intra-inspection correlation
# `rho` (case judgements within one unit are more alike than across units; 0.05-0.10
# is a plausible range). The effect sizes are odds ratios of a sufficient case per 10
# points more PO vacancy: 0.8 is modest, 0.7 moderate, 0.5 large.

# %%
rows = []
for n_units in DESIGN_SIZES:
    for rho_ in RHOS:
        for odds in (0.8, 0.7, 0.5):
            r = power_binomial(n_units, odds, per=PER, x=po_observed, trials=trials_pool,
                               baseline=baseline, rho=rho_, n_sims=N_SIMS, seed=SEED)
            rows.append({"inspections": n_units, "rho": rho_, "odds_ratio": odds,
                         "power": r.power})
power = pd.DataFrame(rows).pivot_table(index=["inspections", "rho"], columns="odds_ratio",
                                       values="power")
power.round(2)

# %%
mde_rows = []
for n_units in DESIGN_SIZES:
    mde, _ = min_detectable_effect("binomial", n_units, per=PER, x=po_observed,
                                   trials=trials_pool, baseline=baseline, rho=max(RHOS),
                                   n_sims=N_SIMS, n_grid=N_GRID, max_odds_ratio=5, seed=SEED)
    mde_rows.append({"inspections": n_units, f"min detectable OR (rho={max(RHOS)})": mde})
pd.DataFrame(mde_rows).round(2)

# %% [markdown]
# **Reading the power tables.** Case-level outcomes are much more informative than
# ratings: the binomial design reaches useful power with a few dozen inspections,
# where the ordinal rating model (notebook 2) needs far more. The simulation assumes
# independent inspections and a stated denominator for every percentage; with
# clustering by region (12 clusters) real power is lower, so treat these as upper
# bounds.
#
# **What would make this analysis possible.** For each inspection, the number of cases
# behind each published percentage (it is in the inspection data annexes for many
# reports, but rarely in the press material transcribed here) and the PO vacancy rate
# at fieldwork. With both for 25-50 PDU inspections a large association (odds ratio
# around 0.5 per 10 points) would very likely be detected; a moderate one (0.7) needs
# something like 80 or more. Any association found would still be between units, not
# evidence that filling vacancies *causes* better casework.
