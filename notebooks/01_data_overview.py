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
# # 1. The data: what was inspected, what was rated, and what staffing we know
#
# This notebook describes the dataset behind every later analysis: which probation
# units HM Inspectorate of Probation inspected and when, the ratings they received,
# which staffing figures (PO vacancy rates, caseloads, sickness, grade mix) the
# published material states, and, just as important, what is **missing and why**.
#
# Everything here comes from the library's loaders (`probstats.load_*`), its
# summaries (`probstats.dataset.summaries`, `probstats.report.tables`) and its figure functions
# (`probstats.report.figures`); the notebook only arranges them. The same tables and figures
# are written by `probstats build`.

# %%
# ruff: noqa: B018 (a bare expression ending a cell is how a notebook shows a result)
import warnings

import pandas as pd

import probstats
from probstats.dataset.summaries import coverage_by_year, rating_tally
from probstats.report import figures as figs
from probstats.report import tables as tab

# figures are standalone Figure objects: show them inline as cell results
# %matplotlib inline

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)
pd.set_option("display.max_colwidth", 80)

inspections = probstats.load_inspections()
features = probstats.load_features()
staffing = probstats.load_staffing()
cases = probstats.load_case_measures()
sources = probstats.load_sources()
print(f"{len(inspections)} inspections of {inspections['unit_id'].nunique()} units; "
      f"{len(staffing)} staffing figures; {len(cases)} case-sample figures; "
      f"{len(sources)} cited source pages")

# %% [markdown]
# ## 1.1 Coverage: which units, which years
#
# Two eras are mixed in the data and are **never compared as if they were the same
# kind of unit**: before unification (June 2021) the Inspectorate rated Community
# Rehabilitation Companies (CRCs) and National Probation Service (NPS) divisions; from
# 2021 it rates Probation Delivery Units (PDUs) and, from 2024, regions. The table
# counts inspections by publication year; inspections whose publication date we
# could not establish are counted under `unknown`, not dropped.

# %%
coverage = coverage_by_year(inspections)
coverage

# %%
figs.data_coverage(features, staffing=staffing)

# %% [markdown]
# The grid above is the whole story of this project in one picture: almost every
# inspection has a rating, but staffing measures are stated for only a minority of
# them, and each measure for very few.

# %% [markdown]
# ## 1.2 Ratings
#
# Ratings are on a four-point ordered scale (Inadequate < Requires improvement <
# Good < Outstanding). The tables count ratings by unit type and year; the figures
# show the same by year and by region (PDU and region inspections only).

# %%
tab.ratings_by_unit_type_year(inspections)

# %%
pdu_tally = rating_tally(inspections, unit_type="PDU")
crc_tally = rating_tally(inspections, unit_type="CRC")
pd.DataFrame({"PDU (2021 on)": pdu_tally, "CRC (2018-21)": crc_tally})

# %% [markdown]
# Since unification almost no PDU has been rated Good and none Outstanding: the
# outcome used in the models is in practice a two-level one (Inadequate vs Requires
# improvement). That matters later: the proportional-odds model cannot estimate
# cut-points for categories nobody reached, and a proportional-odds *test* needs at
# least three observed categories.

# %%
figs.ratings_over_time(inspections)

# %%
figs.ratings_by_region(inspections)

# %% [markdown]
# ## 1.3 Staffing figures: what is stated, for how many inspections
#
# Staffing figures come from inspection reports, press releases and local news
# reports of them. They are kept **exactly as stated**, with a qualifier when the
# source gives only a bound or an approximation ("more than 40 per cent",
# "around 140 posts"). Bounded figures stay in the long table but are left out of the
# modelling view, because a bound is not a value.

# %%
qualifier = staffing["qualifier"].fillna("exact")
stated = (
    staffing.assign(qualifier=qualifier)
    .pivot_table(index=["measure", "grade"], columns="qualifier", values="value",
                 aggfunc="size", fill_value=0)
)
stated["inspections"] = staffing.groupby(["measure", "grade"])["inspection_id"].nunique()
stated.sort_values("inspections", ascending=False)

# %%
staff_cols = [c for c in features.columns
              if c.split("_")[0] in {"vacancy", "vacancies", "staffing", "staff", "caseload",
                                     "sickness", "newly", "trainees"}]
known = features[staff_cols].notna()
by_type = known.groupby(features["unit_type"]).sum().T
by_type["all"] = by_type.sum(axis=1)
n_any = int(known.any(axis=1).sum())
print(f"{n_any} of {len(features)} inspections ({n_any / len(features):.0%}) state at least "
      "one staffing measure exactly")
by_type.sort_values("all", ascending=False)

# %% [markdown]
# The main predictor of the models, the **PO vacancy rate**, is stated exactly for
# only a handful of inspections, many of them PDUs rated Inadequate. The
# next cell lists them: this is all the data the staffing-and-ratings models in
# notebook 2 can use.

# %%
po_known = features.loc[features["vacancy_rate_po"].notna(),
                        ["inspection_id", "unit_type", "region", "publication_date",
                         "overall_rating", "vacancy_rate_po"]]
po_known.sort_values("vacancy_rate_po")

# %%
tab.staffing_summary_by_rating(features)

# %%
figs.staffing_by_rating(features)

# %% [markdown]
# ## 1.4 What is missing, and why
#
# * **Staffing is rarely published per inspection.** Post-2021 PDU reports describe
#   staffing in words ("significant shortfall of probation officers") far more often
#   than as a number; where a number is given it is usually in the press release or
#   a local news story, and for one grade only. Different reports state different
#   measures (vacancy rate, staff in post against target, vacancies as a count,
#   average caseload), so even the known figures rarely line up on one measure.
# * **Bounds and approximations** ("more than 20 per cent") are kept but not modelled.
# * **Publication dates** are missing for some PDU and region inspections whose
#   report date we could not establish; they are kept (and counted as `unknown`),
#   but time-based matching (such as attaching official regional figures) cannot
#   use them.
# * **Case-sample percentages** (the share of inspected cases judged sufficient) are
#   stated for some inspections, but the number of cases behind each percentage
#   almost never is (see notebook 3).
#
# Missingness is therefore not random: a figure is more likely to be published when
# it is striking (a very high vacancy rate, an Inadequate rating). Any association
# estimated on the few inspections with figures may not hold for the rest.

# %%
case_n = cases[["n_counted", "n_cases"]].notna().all(axis=1)
print(f"case-sample figures: {len(cases)}; with a percentage: "
      f"{int(cases['value_pct'].notna().sum())}; with a stated k of n: {int(case_n.sum())}")
missing_dates = inspections["publication_date"].isna().groupby(inspections["unit_type"]).sum()
missing_dates.rename("no publication date").to_frame()

# %% [markdown]
# ## 1.5 Official regional figures
#
# Official workforce statistics (HMPPS workforce quarterly, parliamentary answers)
# give staffing by region rather than by PDU. `load_inspections(official_measure=...)`
# attaches the latest official regional figure dated **before** each inspection's
# fieldwork (never a later one). For vacancies, the only regional snapshot we hold is
# from September 2023, so it attaches to inspections from late 2023 onwards only, and
# it is a count of vacant FTE posts for the whole region, not a PDU's vacancy rate.

# %%
with warnings.catch_warnings(record=True) as caught:  # report, don't hide, the fallback notes
    warnings.simplefilter("always")
    with_official = probstats.load_inspections(official_measure="vacancies_fte")
for w in caught:
    print(f"{w.category.__name__}: {w.message}")
with_official["vacancies_fte_all_status"].value_counts().rename("official vacancies attached")

# %%
with_official.loc[with_official["vacancies_fte_all"].notna(),
                  ["inspection_id", "region", "overall_rating", "vacancies_fte_all",
                   "vacancies_fte_all_as_at", "vacancies_fte_all_lag_days"]]

# %% [markdown]
# ## 1.6 Sources and licences
#
# Every figure carries its source URL, and `load_sources()` lists each cited page with
# its publisher and licence. Material from the Inspectorate, gov.uk and the Ministry of
# Justice is used under the Open Government Licence v3.0; figures taken from news and
# sector sites are facts reported by those publishers (no text is reproduced) and are
# marked `secondary` in the data.

# %%
sources.groupby("licence")["n_rows"].agg(pages="size", rows_citing="sum")

# %%
sources.groupby("publisher")["n_rows"].sum().sort_values(ascending=False).head(10)

# %% [markdown]
# **Take-away.** The ratings side of the data is nearly complete; the staffing side is
# thin and selective. Notebook 2 fits the main model anyway, shows exactly what it
# can and cannot say, and computes how many inspections with a stated PO vacancy rate
# would be needed to detect a plausible association.
