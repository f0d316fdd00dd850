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
# # 4. Units inspected twice: did ratings change, and did staffing change with them?
#
# Comparing a unit with itself removes everything about it that does not change
# between inspections (its size, its local labour market, the kind of people it
# supervises). That is the strongest design these data allow for relating staffing
# to ratings. It does **not** remove things that change at the same time (a new head
# of service, a change in inspection methodology, the pandemic, unification), so
# associations here are still not causal.
#
# The panel (`probstats.load_panel`) holds every inspection of a unit inspected more
# than once, in time order, with the previous rating and the change in rating
# (`rating_change`, later score minus earlier on the 1-4 scale, so +1 is one step
# better) and `delta_<measure>` for each staffing measure known at both visits.
# CRCs and NPS divisions (2018-2021) and PDUs (2021 on) are different units and are
# never linked across unification.

# %%
# ruff: noqa: B018 (a bare expression ending a cell is how a notebook shows a result)
import numpy as np
import pandas as pd
from IPython.display import display

import probstats
from probstats.dataset.ratings import RATINGS, rating_score
from probstats.models import direction_agreement, fit_change, mcnemar_change, sign_test
from probstats.report import figures as figs

# figures are standalone Figure objects: show them inline as cell results
# %matplotlib inline

pd.set_option("display.width", 160)

panel = probstats.load_panel()
pairs = panel[panel["visit_number"] > 1].copy()
print(f"{panel['unit_id'].nunique()} units inspected more than once; {len(pairs)} repeat "
      f"inspections; {int(pairs['rating_change'].isna().sum())} without a rating at one of "
      "the two visits")
pairs.groupby("era")["days_since_previous"].describe()[["count", "mean", "min", "max"]]

# %% [markdown]
# ## 4.1 Rating transitions
#
# Rows are the earlier rating, columns the later one; the diagonal counts units whose
# rating did not change. Pairs with a missing rating at either visit are counted in
# the margin line printed below the table, not silently dropped.

# %%
before = pairs["previous_overall_rating"].astype(pd.CategoricalDtype(RATINGS, ordered=True))
after = pairs["overall_rating"].astype(pd.CategoricalDtype(RATINGS, ordered=True))
transitions = pd.crosstab(before.rename("earlier"), after.rename("later"), dropna=False)
print(f"pairs with both ratings: {int(transitions.to_numpy().sum())} of {len(pairs)}")
transitions

# %%
pd.crosstab(pairs["era"], pairs["rating_change"].astype("float").rename("change in steps"),
            margins=True)

# %%
figs.repeat_inspections(panel)

# %% [markdown]
# ## 4.2 Did ratings go up more often than down?
#
# The exact **sign test** uses only units whose rating changed and asks whether
# improvements outnumber declines more than chance would explain (ties are left out,
# as in the classical test). The **McNemar-type** summaries look at movement across a
# threshold (for example "Requires improvement or better") and use only the units
# that crossed it, in either direction. All p-values are exact binomial ones, which is
# what a sample this small needs.

# %%
signs = pd.concat({"all eras": sign_test(pairs["rating_change"]),
                   **{era: sign_test(g["rating_change"]) for era, g in pairs.groupby("era")}})
signs.round(3)

# %%
pd.concat({t: mcnemar_change(pairs["previous_overall_rating"], pairs["overall_rating"],
                             threshold=t) for t in ("Requires improvement", "Good")}).round(3)

# %% [markdown]
# With a handful of changed ratings the sign test cannot distinguish "units tend to
# improve" from "ratings wander". Even a perfectly one-sided split needs at least six
# changed units to reach p < 0.05 two-sided; the Clopper-Pearson interval of the share
# of changes that were improvements spans most of 0 to 1.

# %% [markdown]
# ## 4.3 Change models: rating change against staffing change
#
# The question this notebook was built for is whether units whose staffing improved
# between inspections also improved their rating. That needs a staffing measure stated
# at **both** visits of the same unit. The count below is how many repeat inspections
# have that for each measure.

# %%
deltas = pairs.filter(like="delta_")
known_change = deltas.notna().sum()
print(f"repeat inspections with any staffing change known: "
      f"{int(deltas.drop(columns=deltas.filter(like='delta_case_').columns).notna().any(axis=1).sum())}")
known_change[known_change > 0].rename("pairs with the change known")

# %%
po_change = pairs["delta_vacancy_rate_po"]
if po_change.notna().sum() >= 3:
    display(direction_agreement(po_change, pairs["rating_change"], staffing_better="lower"))
    display(fit_change(pairs, ["delta_vacancy_rate_po"]).tidy())
else:
    print(f"PO vacancy change known for {int(po_change.notna().sum())} repeat inspection(s): "
          "no change model or direction test can be fitted.")

# %% [markdown]
# No unit in the panel has the same staffing measure stated at both inspections: the
# published material rarely states staffing figures at all (notebook 1), and when it
# does, the two reports on one unit state different measures. The official regional
# vacancy figures cannot fill the gap either: we hold one regional snapshot
# (September 2023), so no change between a unit's two inspections can be computed
# from it.
#
# **What the change model can still show: regression to the mean.** A change model
# with the *earlier rating* as its only predictor describes a pattern every panel of
# ratings shows: units rated low tend to move up, units rated high tend to move down,
# partly through measurement error in a single inspection. Any future staffing-change
# model must include the earlier rating, or it will credit staffing with this
# artefact. The model below is `fit_change` (OLS with HC3 standard errors, t on n - p
# degrees of freedom).

# %%
# rating_score returns a new 0..n-1 index, so align by position
pairs["previous_rating_score"] = rating_score(pairs["previous_overall_rating"]).to_numpy(
    dtype=float, na_value=np.nan)
rtm = fit_change(pairs, ["previous_rating_score"], warn=False)  # caveats shown as text below
print(f"pairs dropped: {rtm.dropped.summary()}")
display(rtm.glance())
rtm.tidy()

# %% [markdown]
# A negative coefficient on the earlier rating means units rated lower at the first
# visit moved up more. With about twenty pairs, most of them unchanged, the interval is
# wide; the point is the design, not the number.
#
# ## 4.4 What the panel can and cannot carry
#
# * **Can:** describe how ratings moved between two inspections of the same unit, with
#   exact tests that are valid at this size.
# * **Cannot (yet):** relate changes in staffing to changes in ratings, because no
#   unit has a staffing figure stated at both visits.
# * **Would help:** the PO vacancy rate (or staffing against target) at each fieldwork
#   for the PDUs inspected twice since 2022, which HMPPS holds. Even then, with about
#   a dozen PDU pairs, only the exact direction test (`direction_agreement`) would be
#   appropriate, and only a consistent, large association could show up.
