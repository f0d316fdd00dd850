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
# # 2. PO vacancy and inspection ratings: what an ordinal model can and cannot say
#
# **Question.** Do probation delivery units with a higher probation officer (PO)
# shortfall receive worse overall inspection ratings? The PO shortfall is the PO
# vacancy rate, or 100 minus PO staffing as a percentage of target where only that is
# stated (`probstats.dataset.harmonise`; its `shortfall_po_pct_from` column says which).
#
# **Answer in one line.** With the handful of inspections that state a PO vacancy
# rate, the data are *consistent with* a strong association, with none, and with
# almost anything in between; the power calculation at the end shows why, and how many
# inspections with a stated vacancy rate a useful answer would need. Nothing here is
# evidence of cause: units with many vacancies differ from others in caseload mix,
# local labour markets, management and history, none of which is measured.
#
# The model is the project's main specification,
# `probstats.report.analysis.ordinal_rating_model`: a proportional-odds (cumulative logit)
# model of the overall rating on the PO shortfall, fitted to PDU and region
# inspections (post-2021) that state the figure. It is not re-specified here. The
# whole analysis (every staffing dimension, unit and region level, every estimator) is
# `figures/tables/analysis_table.csv`; this notebook looks at its first rows closely.

# %%
# ruff: noqa: B018 (a bare expression ending a cell is how a notebook shows a result)
import warnings
from math import comb

import numpy as np
import pandas as pd
from IPython.display import display
from scipy import stats

import probstats
from probstats.errors import ModelSpecificationError
from probstats.models import fit_ordinal, min_detectable_effect, predict_curve, scenario
from probstats.report import figures as figs
from probstats.report.analysis import MAIN_PREDICTOR, main_fits

# figures are standalone Figure objects: show them inline as cell results
# %matplotlib inline

# %% tags=["parameters"]
# Notebook parameters: kept modest so the notebook runs in seconds.
N_SIMS = 300  # simulated datasets per point of the power curve
N_GRID = 8  # odds ratios per power curve
POWER_SIZES = (20, 40, 80)  # hypothetical numbers of inspections with PO vacancy known
SCENARIO = (30.0, 10.0)  # PO vacancy from 30% to 10%
N_DRAWS = 2000  # parameter draws for simulated scenario intervals
PER = 10.0  # odds ratios are per 10 percentage points of PO vacancy
SEED = 2021

# %%
pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 200)

features = probstats.load_features()
fits = main_fits(features)
main = fits["ordinal"]
print(main.name)
print(main.description)
print(f"inspections used: {main.n_used}")

# %% [markdown]
# ## 2.1 The data the model sees
#
# These are all the rows the main model can use. Every other PDU or region
# inspection is dropped because its report (or the news coverage of it) does not
# state a PO vacancy rate; the fit reports how many and why.

# %%
used = main.result.data.sort_values(MAIN_PREDICTOR)
used

# %%
print(used["overall_rating"].value_counts().to_string())
observed = used[MAIN_PREDICTOR]
print(f"PO vacancy observed from {observed.min():g}% to {observed.max():g}%")

# %% [markdown]
# ## 2.2 The fit, and its guardrail warnings
#
# The table below is the model's coefficient table; the next one lists every warning
# the fit raised. Read them before the coefficients:
#
# * **DroppedRowsWarning**: nearly every inspection is dropped for want of a stated PO
#   vacancy rate. The estimate describes a few units, selected by what was published.
# * **SmallSampleWarning**: a handful of observations per parameter. Wald standard
#   errors and intervals are unreliable in samples this small.
# * **SparseCategoryWarning**: ratings nobody in the sample received (Good,
#   Outstanding) are dropped, so the "ordinal" model is in practice a binary logit of
#   Inadequate vs Requires improvement.
# * **SeparationWarning** (when present): every Inadequate unit in the sample has a
#   higher vacancy rate than every Requires improvement unit. The maximum-likelihood
#   estimate then does not exist: the coefficient and its standard error run off
#   towards infinity, and neither they nor the p-value mean anything. Separation in six
#   or seven points says only that the points happen to line up, which happens easily
#   by chance (section 2.3).

# %%
main.result.tidy()

# %%
main.result.glance()

# %%
main.notes_frame()

# %%
separated = main.result.separation.separated
print("The main fit is separated: its coefficient is not an estimate." if separated
      else "The main fit is not separated; its estimate is finite but very imprecise.")

# %% [markdown]
# ## 2.3 A model-free check: how surprising is the pattern?
#
# With so few points an exact rank test says more than the model. The Wilcoxon-Mann-
# Whitney test compares PO vacancy between inspections rated Inadequate and those
# rated better; its exact p-value counts every way the observed vacancy rates could
# have been split between the two groups. The smallest p-value the design can
# *ever* give, even with perfect separation, is shown alongside: when it is above
# 0.05 no pattern in these data could count as statistically significant.

# %%
inadequate = used["overall_rating"] == "Inadequate"
mwu = stats.mannwhitneyu(observed[inadequate], observed[~inadequate],
                         alternative="two-sided", method="exact")
k, n = int(inadequate.sum()), len(observed)
pd.DataFrame({"n Inadequate": [k], "n better": [n - k], "U": [mwu.statistic],
              "exact p (two-sided)": [mwu.pvalue],
              "smallest possible p": [min(1.0, 2 / comb(n, k))]})

# %% [markdown]
# ## 2.3b A permutation test that survives separation, and the bias-reduced estimate
#
# The exact rank test compares Inadequate with everything better. Two model-based
# companions use the whole rating scale:
#
# * a **likelihood-ratio permutation test** (`probstats.models.permutation_test_model`):
#   the PO shortfall figures are shuffled across the units and the likelihood-ratio
#   statistic recomputed. Unlike a Wald statistic it stays meaningful when the units are
#   separated (a separating permutation gets the largest statistic, as it should), so
#   its p-value can be read whatever the fit looks like;
# * the **bias-reduced (Firth) estimate**, finite even under separation, with its
#   penalised profile-likelihood interval. It is shown *beside* the maximum-likelihood
#   view, never instead of it: where the data separate, it rests on the penalty as much
#   as on the data.

# %%
perm = probstats.models.permutation_test_model(main.result, MAIN_PREDICTOR,
                                               n_permutations=999, seed=SEED)
firth = fits["ordinal_firth"]
pd.concat(
    [
        perm.tidy(),
        firth.result.tidy(conf_method="profile", exponentiate=True,
                          per={MAIN_PREDICTOR: PER}).query("term == @MAIN_PREDICTOR")
        .assign(method=f"bias-reduced odds ratio per {PER:g} points (penalised profile)"),
    ],
    ignore_index=True,
)

# %% [markdown]
# ## 2.4 Does the proportional-odds assumption hold?
#
# The proportional-odds model assumes one vacancy coefficient for every cut of the
# rating scale. The Brant test (and the likelihood-ratio test against a partial
# proportional-odds model) check this, but only with at least three observed
# categories. The main fit has two, so the test is not defined there: the cell says so
# rather than printing a number.

# %%
try:
    po_check = main.result.brant_test().tidy()
except ModelSpecificationError as exc:
    po_check = f"Brant test not computable for the main fit: {exc}"
po_check

# %% [markdown]
# **Sensitivity (illustration only).** Adding the two pre-2021 NPS divisions that
# state a PO vacancy rate gives three observed categories (one Good rating), so the
# tests can at least be computed. NPS divisions had a different remit from today's
# PDUs, so this is a check on the machinery, not a better analysis: same outcome,
# same predictor, same estimator as the main specification, more mixed rows. Every
# warning is printed.

# %%
all_units = features.set_index("inspection_id")[["overall_rating", MAIN_PREDICTOR]].dropna()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    wide = fit_ordinal(all_units, "overall_rating", [MAIN_PREDICTOR], empty_categories="drop")
    try:
        brant = wide.brant_test().tidy()
    except (ModelSpecificationError, np.linalg.LinAlgError) as exc:
        brant = f"Brant test failed: {type(exc).__name__}: {exc}"
    lr = wide.proportional_odds_lr_test().tidy()
for w in caught:
    print(f"{w.category.__name__}: {str(w.message)[:240]}")
display(wide.tidy())
display(brant)
lr

# %% [markdown]
# Even when the numbers come out, they cannot be trusted: a binary split of eight
# points is (nearly) separated, the partial proportional-odds fits do not converge,
# and a test with one degree of freedom on eight observations has almost no power. The
# honest conclusion is that the proportional-odds assumption **cannot be checked** with
# these data; it is a modelling choice, not a finding.

# %% [markdown]
# ## 2.5 Predictions and the 30% to 10% scenario
#
# What does the model say an otherwise typical unit's rating probabilities would be
# at a PO vacancy of 30% and at 10%? `scenario` answers with delta-method intervals.
# Two cautions before the numbers:
#
# * 10% lies **below every PDU vacancy rate in the data**: the prediction there is an
#   extrapolation of a straight line on the logit scale fitted to a few points.
# * A scenario is a contrast between two kinds of unit *as fitted*, not a forecast of
#   what recruiting to 10% vacancy would do. Units with low vacancies may differ in many
#   unmeasured ways.
#
# When the main fit is separated its fitted probabilities are 0 or 1 and its "intervals"
# collapse to a point, which is an artefact of an estimate that does not exist. In
# that case the predictions below come from the sensitivity fit of section 2.4
# (clearly labelled), to show how wide honest intervals are.

# %%
shown = wide if separated else main.result
label = ("sensitivity fit (PDUs, regions and NPS divisions)" if separated
         else "main fit (PDUs and regions)")
print(f"predictions from the {label}, n = {shown.nobs}")
worse = {"Requires improvement or worse": ["Inadequate", "Requires improvement"]}
events = worse if "Good" in shown.categories else None
levels = scenario(shown, {MAIN_PREDICTOR: SCENARIO}, events=events)  # delta method
shifts = scenario(shown, {MAIN_PREDICTOR: SCENARIO}, events=events, method="simulation",
                  n_draws=N_DRAWS, seed=SEED)
change = levels[["category", "prob_from", "from_low", "from_high", "prob_to", "to_low",
                 "to_high", "shift"]].assign(shift_low=shifts["conf_low"],
                                             shift_high=shifts["conf_high"])
change.round(3)

# %% [markdown]
# Read the `from_low`/`from_high` and `to_low`/`to_high` columns: the probability of
# each rating at 30% and at 10% vacancy, each with a 95% delta-method interval on the
# logit scale. They span most of 0 to 1. The interval of the *shift* (`shift_low`,
# `shift_high`) comes from simulating the parameters from their estimated normal
# distribution. (A plain delta-method interval of a difference of probabilities near 0
# or 1 can run past -1 or +1; `scenario`'s own delta option combines the two logit-scale
# intervals instead and stays in range, but with so few units we prefer simulation.)
# Where the simulated shift interval includes zero, the data cannot tell a large
# improvement from none.

# %%
grid = np.arange(0.0, 50.5, 2.5)
curve = predict_curve(shown, MAIN_PREDICTOR, values=grid, events=events)
figs.predicted_probabilities(
    curve, x=MAIN_PREDICTOR, xlim=(0, 50),
    subtitle=f"{label}, n = {shown.nobs}; bands are 95% delta-method intervals. "
             "An association in a few selected inspections, not a cause.",
)

# %% [markdown]
# ## 2.6 Power: how many inspections would a useful answer need?
#
# A null or unstable result from a few points is not evidence of no association. To
# read it correctly we ask: if the true odds ratio of a *better* rating per 10 points
# more PO vacancy were, say, 0.5 or 0.3, how often would the main model's Wald test
# detect it at the 5% level?
#
# The simulation (`probstats.models.power_ordinal`, through `min_detectable_effect`)
# draws PO vacancy rates from those observed, ratings from a proportional-odds model
# whose baseline probabilities match post-2021 PDU and region ratings, fits the model
# to each simulated dataset and counts rejections. Simulated datasets that cannot be
# fitted (separation, one rating only) count as failures to detect, as they would in
# a real analysis. Regional clustering is ignored, so real power is lower still.

# %%
post = features[features["unit_type"].isin(["PDU", "region"])]["overall_rating"]
counts = post.value_counts().reindex(probstats.RATINGS, fill_value=0).astype(float)
baseline = ((counts + 0.5) / (counts + 0.5).sum()).to_numpy()  # +0.5 keeps empty levels possible
print("baseline probabilities (Inadequate..Outstanding):", baseline.round(3))

# %%
sizes = (main.n_used, *POWER_SIZES)
rows, curves = [], []
for n_units in sizes:
    with warnings.catch_warnings():  # "no answer" is shown as a reason in the table
        warnings.simplefilter("ignore", probstats.errors.SmallSampleWarning)
        mde, pc = min_detectable_effect("ordinal", n_units, per=PER, x=observed.to_numpy(),
                                        baseline_probs=baseline, n_sims=N_SIMS,
                                        n_grid=N_GRID, seed=SEED)
    rows.append({"inspections": n_units, "max power": pc["power"].max(),
                 "min detectable OR per 10 pts (80% power)": mde,
                 "why no answer": pc.attrs["reason"]})
    curves.append(pc.assign(inspections=n_units))
power_table = pd.DataFrame(rows)
power_table

# %%
pd.concat(curves).pivot_table(index="odds_ratio", columns="inspections",
                              values="power").sort_index(ascending=False).round(2)

# %% [markdown]
# How to read this:
#
# * With the number of inspections we actually have, the test **essentially never
#   rejects**, whatever the true effect. A huge effect produces separated samples, in
#   which the Wald test breaks down (its standard error explodes: the Hauck-Donner
#   effect); a small one is lost in the noise. "Not significant" here says nothing about
#   whether vacancies matter.
# * Power rises only with tens of inspections; even then the power curve turns down for
#   very large effects, for the same separation reason (a profile-likelihood or
#   penalised test would do better there).
# * `NaN` in the minimum-detectable-effect column means 80% power is not reached for any
#   odds ratio down to 1/20 per 10 points; the "why no answer" column says how far the
#   power got and how many simulated fits failed.
#
# ## 2.7 What the data can and cannot carry
#
# * **Can:** describe the few inspections with a stated PO vacancy rate; show that, in
#   them, Inadequate ratings went with higher vacancy rates than Requires improvement.
# * **Cannot:** estimate the size of that association, test it, check the
#   proportional-odds assumption, or say anything about Good or Outstanding ratings.
# * **Never:** say that vacancies *cause* worse ratings. The comparison is between
#   different units at different times, selected by what was published.
# * **Would help:** PO vacancy (or staffing against target) for every PDU at the time of
#   its fieldwork, which HMPPS holds. The power table shows the scale needed: only with
#   something like 80 inspections does an odds ratio of about a third per 10 points
#   become detectable with 80% power; with 40, only very large associations are.
