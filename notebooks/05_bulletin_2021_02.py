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
# # 5. Side by side with the Inspectorate's Research & Analysis Bulletin 2021/02
#
# In March 2021 HM Inspectorate of Probation published *Caseloads, workloads and
# staffing levels in probation services* (Research & Analysis Bulletin 2021/02). It
# drew on inspection data from the CRC and NPS inspections of 2018-2020, interviews
# with practitioners and senior leaders, and a rapid evidence assessment of the
# research literature, and concluded that the quality of probation work falls when a
# practitioner holds more than about 50 cases. The House of Commons Justice Committee
# then used it to recommend that caseloads should not exceed 50.
#
# This notebook sets the bulletin's published headline figures beside what our data
# hold, and shows where our data let us go a little further and where they do not.
#
# **What we could and could not read.** The bulletin's full text was not available to
# us: the stored copies of its transcript show only its opening pages (title, authors,
# licence), not its tables or charts. Its headline figures are therefore taken from the
# Inspectorate's own press release and blog, and from summaries by contributors and
# sector sites, each cited row by row in `data/raw/bulletin_2021_02.csv`. The
# bulletin's case-level analysis (quality scores by caseload band) cannot be
# reproduced: it used practitioner-level caseloads linked to individual inspected
# cases, which were never published. No figure below is estimated or invented.

# %%
# ruff: noqa: B018 (a bare expression ending a cell is how a notebook shows a result)
import numpy as np
import pandas as pd
from IPython.display import display

import probstats
from probstats.dataset.paths import data_dir
from probstats.official import load_official
from probstats.report.analysis import MAIN_PREDICTOR, main_fits

pd.set_option("display.width", 170)
pd.set_option("display.max_colwidth", 110)

bulletin = pd.read_csv(data_dir("raw") / "bulletin_2021_02.csv")
assert bulletin["source_url"].notna().all(), "every bulletin figure must be cited"
inspections = probstats.load_inspections()
features = probstats.load_features()
staffing = probstats.load_staffing()
official = load_official()
fig_value = bulletin.set_index("figure_id")["value"]
bulletin[["figure_id", "description", "value", "unit", "source_type", "notes"]]

# %%
bulletin.groupby("source_type")["figure_id"].agg(figures="size", ids=", ".join)

# %% [markdown]
# Two of the figures (86% of CRC and 33% of NPS staff holding more than 40 cases) come
# from the Inspectorate's 2020 Spending Review submission as quoted in the same
# article, and two are context from after the bulletin (the HMPPS workload threshold,
# a 2021 staff survey); their `notes` say so.

# %% [markdown]
# ## 5.1 The caseload threshold against the caseloads our data state
#
# The bulletin's threshold is about **individual** caseloads: quality fell for
# practitioners holding more than 50 cases, and staff thought 50-60 the most that can
# be managed well. Our data hold **averages**: those stated in inspection reports and
# press coverage (per unit, sometimes per grade) and the national average PO caseload
# from the Workload Measurement Tool in a 2024 parliamentary answer. An average below
# 50 is compatible with many practitioners above it, so the comparison can only show
# where even the *average* is past the threshold.

# %%
threshold = fig_value["quality_falls_above_caseload"]
upper = fig_value["max_manageable_caseload_high"]
avg = staffing[staffing["measure"] == "caseload_average"].merge(
    inspections[["inspection_id", "unit_type", "era", "overall_rating", "publication_date"]],
    on="inspection_id", how="left")
avg = avg.assign(
    qualifier=avg["qualifier"].fillna("exact"),
    versus_threshold=np.select([avg["value"] > upper, avg["value"] > threshold],
                               [f"above {upper:g}", f"{threshold:g}-{upper:g}"],
                               f"{threshold:g} or below"))
avg[["inspection_id", "era", "grade", "value", "qualifier", "versus_threshold",
     "overall_rating", "notes"]].sort_values("value", ascending=False)

# %%
national = official[(official["measure"] == "caseload_average")
                    & (official["geography_type"] == "national")]
national[["period_start", "period_as_at", "grade", "value", "source_type", "notes"]]

# %% [markdown]
# Before unification several CRC reports stated average caseloads from 58 to about 70
# (one of them for some teams only, as its note says), past the 50-60 range the
# bulletin's interviewees thought manageable; the NPS division
# averages stated are in the low forties. Since unification the national average PO
# caseload recorded in the Workload Measurement Tool has been in the mid-thirties, and
# the few PDU or region averages stated are similar. On averages alone, today's
# caseloads are **below** the bulletin's threshold; whether many individual
# practitioners are above it is exactly what the published material does not say.

# %% [markdown]
# ## 5.2 How many staff find their workload manageable
#
# The bulletin reports that fewer than half of almost 2,000 practitioners interviewed
# felt their workload was manageable. Some individual inspection reports in our data
# state comparable shares for one unit, and the Inspectorate's 2021 staff survey asked
# a similar (not identical) question after unification.

# %%
workload = staffing[staffing["notes"].fillna("").str.contains("workload")
                    & (staffing["unit"] == "percent")]
unit_rows = workload.merge(inspections[["inspection_id", "era", "overall_rating"]],
                           on="inspection_id")[["inspection_id", "era", "value", "notes",
                                                "overall_rating"]]
side = pd.concat([
    pd.DataFrame({
        "source": ["bulletin 2021/02 (interviews, inspections to 2020)",
                   "Inspectorate staff survey 2021 (after unification)"],
        "measure": ["felt workload manageable", "found workload 'not so manageable'"],
        "percent": [fig_value["workload_manageable_pct"],
                    fig_value["workload_not_so_manageable_2021_pct"]],
    }),
    pd.DataFrame({"source": "inspection report: " + unit_rows["inspection_id"],
                  "measure": unit_rows["notes"], "percent": unit_rows["value"]}),
], ignore_index=True)
side

# %% [markdown]
# The bulletin's 46% "manageable" means about 54% did not feel their workload was
# manageable; the 2021 survey's 51% "not so manageable" is of the same order, but the
# questions and samples differ, so the two are not a time series. Single inspection
# reports in our data range from 15% of staff with "dangerously high" workloads to 69%
# saying their workload was unmanageable: unit-level figures vary far more than a
# national average suggests.

# %% [markdown]
# ## 5.3 Caseload and quality: what can be linked in our data
#
# The bulletin linked each inspected case's quality to its practitioner's caseload.
# Our nearest equivalent links a unit's stated average caseload to its overall rating.
# The table below is all there is.

# %%
# one row per rated inspection: exact figures only, the highest stated average
linked = (avg[avg["qualifier"] == "exact"].dropna(subset=["overall_rating"])
          .sort_values("value", ascending=False).drop_duplicates("inspection_id"))
pd.crosstab(linked["versus_threshold"], linked["overall_rating"].astype("object"),
            margins=True)

# %% [markdown]
# A handful of units, mostly pre-unification CRCs and NPS divisions rated Requires
# improvement, with averages on both sides of 50 and different grades behind each
# average: no comparison of ratings above and below the threshold is possible. The
# bulletin's finding rests on case-level data that only the Inspectorate holds.

# %% [markdown]
# ## 5.4 Where our data go further
#
# The bulletin looked at caseloads in the CRC/NPS era. Our data add the post-2021
# PDU and region inspections and the staffing figures their reports state, chiefly the
# PO vacancy rate, which the bulletin's framing ("staffing levels") points to as the
# driver of high caseloads.

# %%
post = inspections[inspections["unit_type"].isin(["PDU", "region"])]
pre = inspections[inspections["era"] == "pre_unification"]
ratings = pd.DataFrame({
    "CRC and NPS, 2018-21": pre["overall_rating"].value_counts(),
    "PDU and region, 2021 on": post["overall_rating"].value_counts(),
}).reindex(list(probstats.RATINGS)).fillna(0).astype(int)
display(ratings)
(ratings / ratings.sum()).round(2).rename(lambda r: f"share {r}")

# %%
fit = main_fits(features)["ordinal"]
used = fit.result.data
summary = used.groupby("overall_rating", observed=True)[MAIN_PREDICTOR].agg(
    ["size", "min", "median", "max"])
print(f"{fit.name}: {fit.n_used} PDU/region inspections state a PO vacancy rate")
summary

# %% [markdown]
# * **Ratings since unification are worse.** Far fewer Good ratings and many more
#   Inadequate ones than in the CRC/NPS era, at a time when average PO caseloads were
#   below the bulletin's threshold. This is not a contradiction of the bulletin: the
#   units, standards and rating rules changed at unification, averages hide the spread
#   of individual caseloads, and vacancies shift work onto fewer, less experienced
#   staff. It is a reason not to read any single staffing number as *the* cause.
# * **PO vacancy and ratings.** In the few PDU inspections that state a PO vacancy rate,
#   those rated Inadequate had higher vacancy rates than those rated Requires
#   improvement. Notebook 2 shows this is as far as these data go: too few inspections
#   to estimate or test the association, and no basis for a causal claim.
# * **What would let us reproduce and extend the bulletin.** Per PDU and fieldwork date:
#   the distribution of practitioner caseloads (share above 50), the PO vacancy rate,
#   and the number of cases behind each published case-sample percentage. With those,
#   the binomial design of notebook 3 could test the bulletin's caseload-quality link in
#   the post-2021 service with useful power.
