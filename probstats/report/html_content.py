"""What the HTML report says: its texts and its own tables, computed from the build.

Every number in the text is computed from the build's tables, never typed in.
The functions take a :class:`~probstats.report.html_items.ReportData` and
return HTML (texts) or a frame (tables and the numbers behind figures); the
registry :data:`probstats.report.html_sections.SECTIONS` puts them in order.

Hooks for the analysis table (every staffing dimension x level x estimator)
and its forest plot: :data:`ANALYSIS_TABLE_NAMES` and :data:`FOREST_PLOT_STEMS`.
"""

from __future__ import annotations

import fnmatch
import html

import numpy as np
import pandas as pd

from probstats.report.evidence import ANALYSIS_COLUMNS
from probstats.report.html_items import ReportData

#: Hook: names the build may give the analysis table (``tables/<name>.csv``); the first
#: present is shown. A published table with all of the analysis table's columns
#: (:data:`probstats.report.evidence.ANALYSIS_COLUMNS`) is found under any name.
ANALYSIS_TABLE_NAMES: tuple[str, ...] = ("analysis_table", "staffing_analysis", "evidence")
#: Hook: file stems (glob patterns) of the analysis table's forest plot.
FOREST_PLOT_STEMS: tuple[str, ...] = ("*forest*",)

BULLETIN_TABLE = "bulletin_2021_02"
MAIN_PREDICTOR = "shortfall_po_pct"
POST_UNIFICATION = ("PDU", "region")


# --------------------------------------------------------------------------- small helpers


def _p(*sentences: str) -> str:
    return "<p>" + " ".join(s for s in sentences if s) + "</p>\n"


def _e(text: object) -> str:
    return html.escape(str(text), quote=False)


def _num(x: float, digits: int = 1) -> str:
    """A number as text: integers without decimals, others rounded (trailing zeros dropped)."""
    if x is None or pd.isna(x):
        return "not known"
    x = float(x)
    if x == round(x):
        return f"{int(round(x)):,}"
    return f"{x:,.{digits}f}".rstrip("0").rstrip(".")


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def _verb(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _post(features: pd.DataFrame) -> pd.DataFrame:
    return features[features["unit_type"].isin(POST_UNIFICATION)]


def _range(values: pd.Series) -> str:
    lo, hi = values.min(), values.max()
    return f"{_num(lo)}%" if lo == hi else f"{_num(lo)}% to {_num(hi)}%"


def _strs(series: pd.Series) -> pd.Series:
    return series.astype("string")


# --------------------------------------------------------------------------- 1. the answer


def _row(table: pd.DataFrame | None, measure: str, level: str, estimator: str):
    if table is None or not {"measure", "level", "estimator"} <= set(table.columns):
        return None
    sel = table[
        (table["measure"].astype(str) == measure)
        & table["level"].astype(str).str.startswith(level)
        & (table["estimator"].astype(str) == estimator)
    ]
    return None if sel.empty else sel.iloc[0]


def _ci(row) -> str:
    lo, hi = float(row["conf_low"]), float(row["conf_high"])
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "no 95% interval possible"
    return f"95% interval {_num(lo, 2)} to {_num(hi, 2)}"


def _unit_findings(table: pd.DataFrame | None) -> list[str]:
    """Sentences on PO shortfall at unit level: exact comparison, ML, bias-reduced."""
    out = []
    exact = _row(table, MAIN_PREDICTOR, "unit", "exact rank comparison")
    if exact is not None and exact["status"] == "estimate":
        out.append(
            f"Among the {int(exact['n'])} PDU and regional inspections stating a PO shortfall, "
            f"units rated Inadequate had a shortfall {_num(exact['estimate'])} percentage "
            f"points higher than better-rated ones (median of pairs; {_ci(exact)}; exact "
            f"p = {float(exact['p_value']):.2f})."
        )
    ml = _row(table, MAIN_PREDICTOR, "unit", "maximum likelihood")
    firth = _row(table, MAIN_PREDICTOR, "unit", "bias-reduced (Firth)")
    if ml is not None and ml["status"] == "no finite estimate (separated)":
        out.append("The ratings are separated, so no maximum-likelihood estimate exists.")
    elif ml is not None and ml["status"] == "estimate":
        out.append(
            f"The proportional-odds model gives an odds ratio of a better rating of "
            f"{_num(ml['estimate'], 2)} per 10 points more shortfall ({_ci(ml)})"
            + (
                f"; the bias-reduced estimate is {_num(firth['estimate'], 2)} ({_ci(firth)})."
                if firth is not None and firth["status"] == "estimate"
                else "."
            )
        )
    return out


def _region_findings(table: pd.DataFrame | None) -> list[str]:
    if table is None or not {"level", "estimator", "n_regions"} <= set(table.columns):
        return []
    rows = table[table["level"].astype(str).str.startswith("region")]
    ml = rows[(rows["estimator"] == "maximum likelihood") & (rows["status"] == "estimate")]
    perm = rows[rows["status"] == "test"]
    if ml.empty:
        return []
    r = ml.iloc[0]
    text = (
        f"At region level, the official vacancy figures of {int(r['n_regions'])} regions "
        f"(attached to {int(r['n'])} PDU inspections without look-ahead) give an odds ratio "
        f"of {_num(r['estimate'], 2)} per 10 vacant posts per PDU ({_ci(r)}, region-cluster "
        "bootstrap)"
    )
    if len(perm):
        text += f"; shuffling the regions' figures gives p = {float(perm['p_value'].iloc[0]):.2f}"
    return [text + ". That compares regions, not PDUs."]


def answer(data: ReportData) -> str:
    question = (
        '<p class="lead"><strong>The question.</strong> Are HM Inspectorate of Probation '
        "ratings worse where probation staffing is worse: probation officer (PO) shortfall, "
        "the PO/PSO mix, caseloads, sickness?</p>\n"
    )
    table = analysis_table_of(data)
    findings = _unit_findings(table) + _region_findings(table)
    verdict = (
        "None of these excludes no association, and none could be a cause: with this few units "
        "the data are consistent with the Inspectorate's account that shortages go with poor "
        "ratings, and with no link at all."
    )
    if table is not None and "status" in table.columns:
        counts = table["status"].astype(str).value_counts()
        n_est, n_sep, n_not = (
            int(counts.get(k, 0))
            for k in ("estimate", "no finite estimate (separated)", "not estimable")
        )
        verdict += (
            f" The analysis table takes every staffing dimension in turn: of its "
            f"{len(table)} rows, {n_est} {_verb(n_est, 'gives', 'give')} an estimate, "
            f"{n_sep} {_verb(n_sep, 'has', 'have')} no finite estimate because the data "
            f"separate the ratings, and {n_not} cannot be estimated from these data (mostly "
            "because no inspection states the measure); each row says what it can and "
            "cannot support."
        )
    bulletin = data.raw.get(BULLETIN_TABLE)
    context = ""
    if bulletin is not None:
        row = bulletin.loc[bulletin["figure_id"] == "quality_falls_above_caseload"]
        if len(row):
            context = (
                "The Inspectorate's own research (R&amp;A Bulletin 2021/02) found that the "
                f"quality of work falls when caseloads exceed {_num(row['value'].iloc[0])} "
                '<a href="#comparison">(see the comparison)</a>.'
            )
    defended = (
        "<p><strong>What these data can defend.</strong> Little, yet. "
        + " ".join(_e(x) for x in (*findings, verdict) if x)
        + "</p>\n"
    )
    return question + defended + (_p(context) if context else "")


# --------------------------------------------------------------------------- 2. the data


def glance_text(data: ReportData) -> str:
    insp, staffing = data.tables["inspections"], data.tables["staffing"]
    cases, standards = data.tables["case_measures"], data.tables["standard_ratings"]
    by_type = insp["unit_type"].value_counts().sort_index()
    kinds = ", ".join(f"{n} {_e(t)}" for t, n in by_type.items())
    undated = int(insp["publication_date"].isna().sum())
    unrated = int(insp["overall_rating"].isna().sum())
    exact = int(staffing["qualifier"].isna().sum())
    with_n = int(cases["n_cases"].notna().sum()) if "n_cases" in cases else 0
    official = data.raw.get("workforce_official")
    official_text = (
        f" The raw data also hold {_plural(len(official), 'official workforce figure')} "
        "(HMPPS workforce statistics), used at region level."
        if official is not None
        else ""
    )
    return _p(
        f"The dataset holds {_plural(len(insp), 'inspection')} ({kinds}), each with its source "
        f"URL; {len(insp) - unrated} have an overall rating and {undated} have no publication "
        "date visible in any source we could cite.",
        f"Staffing is the thin part: {_plural(len(staffing), 'staffing figure')} are stated in "
        f"{staffing['inspection_id'].nunique()} inspections, {exact} of them exactly and "
        f"{len(staffing) - exact} only as a bound (\u201cmore than\u201d, \u201cless than\u201d) "
        "or approximately; models use exact figures only.",
        f"There are also {_plural(len(cases), 'case-sample percentage')} ({with_n} with the "
        f"number of cases behind them) and {_plural(len(standards), 'standard rating')}."
        + official_text,
    )


def stated_table(data: ReportData) -> pd.DataFrame:
    """Each staffing measure: inspections stating it exactly, or only as a bound."""
    from probstats.report.figures._common import measure_label

    s = data.tables["staffing"].copy()
    s["kind"] = np.where(s["qualifier"].isna(), "exact", "bound")
    s["label"] = [
        "Other staffing figure (see notes)" if m == "other" else measure_label(f"{m}_{g.lower()}")
        for m, g in zip(s["measure"].astype(str), s["grade"].astype(str), strict=True)
    ]
    insp = data.tables["inspections"].set_index("inspection_id")["unit_type"]
    s["post"] = s["inspection_id"].map(insp).isin(POST_UNIFICATION)
    rows = []
    for label, g in s.groupby("label", sort=True):
        exact = g[g["kind"] == "exact"]
        rows.append(
            {
                "measure": label,
                "inspections_stating_it_exactly": exact["inspection_id"].nunique(),
                "of_which_PDU_or_region": exact.loc[exact["post"], "inspection_id"].nunique(),
                "stated_only_as_a_bound_or_approximately": g.loc[
                    g["kind"] == "bound", "inspection_id"
                ].nunique(),
            }
        )
    columns = [
        "measure",
        "inspections_stating_it_exactly",
        "of_which_PDU_or_region",
        "stated_only_as_a_bound_or_approximately",
    ]
    out = pd.DataFrame(rows, columns=columns)  # no staffing figures: an empty table
    return out.sort_values(["inspections_stating_it_exactly", "measure"], ascending=[False, True])


def not_stated_table(data: ReportData) -> pd.DataFrame:
    insp, feats, cases = (
        data.tables["inspections"],
        data.tables["features"],
        data.tables["case_measures"],
    )
    post = _post(feats)
    staffing_cols = [
        c
        for c in feats.columns
        if c
        in set(
            data.tables["staffing"]["measure"].astype(str)
            + "_"
            + data.tables["staffing"]["grade"].astype(str)
        )
    ]
    no_staffing = int(post[staffing_cols].isna().all(axis=1).sum()) if staffing_cols else len(post)
    rows = [
        (
            "Publication date not visible in any cited source",
            insp["publication_date"].isna().sum(),
            len(insp),
            "inspections",
        ),
        ("No overall rating", insp["overall_rating"].isna().sum(), len(insp), "inspections"),
        (
            "PDU and regional inspections with no staffing figure stated exactly",
            no_staffing,
            len(post),
            "PDU and regional inspections",
        ),
        (
            "PDU and regional inspections without a PO shortfall (vacancy or % of target)",
            post[MAIN_PREDICTOR].isna().sum() if MAIN_PREDICTOR in post else len(post),
            len(post),
            "PDU and regional inspections",
        ),
        (
            "Case-sample percentages without the number of cases behind them",
            cases["n_cases"].isna().sum() if "n_cases" in cases else len(cases),
            len(cases),
            "case-sample percentages",
        ),
    ]
    return pd.DataFrame(rows, columns=["what_is_not_stated", "count", "out_of", "counted_among"])


def coverage_numbers(data: ReportData) -> pd.DataFrame:
    """Figure 'data coverage': inspections stating each measure exactly."""
    from probstats.report.figures._common import ID_COLUMNS, measure_label

    feats = data.tables["features"]
    skip = {"year", "year_source", "rating_score", "score", "score_max", "cases_inspected"}
    cols = [
        c
        for c in feats.columns
        if c not in ID_COLUMNS
        and c not in skip
        and not c.endswith(("_n", "_from"))
        and pd.api.types.is_numeric_dtype(feats[c])
    ]
    counts = [(measure_label(c), int(feats[c].notna().sum())) for c in cols]
    frame = pd.DataFrame(counts, columns=["measure", "inspections_stating_it"])
    return frame[frame["inspections_stating_it"] > 0].reset_index(drop=True)


# --------------------------------------------------------------------------- 3. the analysis


def staffing_by_rating_numbers(data: ReportData) -> pd.DataFrame | None:
    from probstats.report.figures._common import measure_label

    t = data.publication.table("staffing_by_rating")
    if t is None or "measure" not in t.columns:
        return t
    return t.assign(measure=t["measure"].astype(str).map(measure_label))


def analysis_table_of(data: ReportData) -> pd.DataFrame | None:
    """Hook: the analysis table (every staffing dimension x level x estimator), if built."""
    pub = data.publication
    for name in ANALYSIS_TABLE_NAMES:
        if pub.table(name) is not None:
            return pub.table(name)
    try:
        from probstats.report.evidence import ANALYSIS_COLUMNS
    except ImportError:  # pragma: no cover - the analysis module arrives separately
        return None
    for name in sorted(pub.tables):
        if set(ANALYSIS_COLUMNS) <= set(pub.tables[name].columns):
            return pub.tables[name]
    return None


def analysis_display(data: ReportData) -> pd.DataFrame | None:
    table = analysis_table_of(data)
    if table is None:
        return None
    # the analysis table's own columns, less the machine keys (dimension, measure)
    skip = {"dimension", "measure"}
    keep = [c for c in ANALYSIS_COLUMNS if c not in skip and c in table.columns]
    return table[keep]


def analysis_text(data: ReportData) -> str:
    post = _post(data.tables["features"])
    return _p(
        "The main comparison is between PDUs and regions inspected since the probation "
        "services were unified in June 2021 (CRCs and NPS divisions had a different remit and "
        f"framework): {_plural(len(post), 'inspection')}. Each staffing figure is the one the "
        "Inspectorate stated for the unit; where the table below uses regional official "
        "figures, it says so in its level column.",
        "Estimates come with their intervals and the number of inspections they rest on; "
        "where the data separate the ratings, the table says that no finite estimate exists "
        "instead of showing one.",
    )


def staffing_vs_outcome_numbers(data: ReportData) -> pd.DataFrame:
    from probstats.report.figures._common import DEFAULT_STAFFING_MEASURES, KEEP_SAFE_OUTCOME

    feats = data.tables["features"]
    measures = [m for m in DEFAULT_STAFFING_MEASURES if m in feats.columns]
    cols = ["inspection_id", "unit_type", "overall_rating", KEEP_SAFE_OUTCOME, *measures]
    n_col = KEEP_SAFE_OUTCOME.removesuffix("_pct") + "_n"
    if n_col in feats.columns:
        cols.insert(4, n_col)
    cols = [c for c in cols if c in feats.columns]
    if KEEP_SAFE_OUTCOME not in feats.columns:
        return pd.DataFrame(columns=cols)
    rows = feats.dropna(subset=[KEEP_SAFE_OUTCOME])
    rows = rows[rows[measures].notna().any(axis=1)] if measures else rows.iloc[0:0]
    return rows[cols]


def coefficient_numbers(data: ReportData) -> pd.DataFrame:
    frames = [
        t.assign(model=name.removeprefix("model_").removesuffix("_tidy"))
        for name, t in sorted(data.publication.tables.items())
        if fnmatch.fnmatch(name, "model_*_tidy")
    ]
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    keep = [
        c
        for c in ("model", "term", "estimate", "std_error", "conf_low", "conf_high", "p_value")
        if c in out.columns
    ]
    return out[keep]


def model_tables(data: ReportData) -> pd.DataFrame | None:
    frame = coefficient_numbers(data)
    return frame if len(frame) else None


def predicted_numbers(data: ReportData) -> pd.DataFrame:
    t = data.publication.table("predicted_rating_by_po_shortfall")
    return t if t is not None else pd.DataFrame()


def analysis_numbers(data: ReportData) -> pd.DataFrame | None:
    return analysis_display(data)


# --------------------------------------------------------------------------- 4. repeat inspections


def repeat_pairs(data: ReportData) -> pd.DataFrame:
    panel = data.tables["panel"]
    pairs = panel[panel["visit_number"] > 1]
    cols = [
        "unit_name",
        "unit_type",
        "previous_overall_rating",
        "overall_rating",
        "rating_change",
        "days_since_previous",
        "delta_vacancy_rate_po",
    ]
    out = pairs[[c for c in cols if c in pairs.columns]]
    return out.sort_values(["unit_type", "unit_name"]).reset_index(drop=True)


def repeat_text(data: ReportData) -> str:
    pairs = repeat_pairs(data)
    change = pairs["rating_change"].dropna()
    known = (
        int(pairs["delta_vacancy_rate_po"].notna().sum()) if "delta_vacancy_rate_po" in pairs else 0
    )
    return _p(
        f"{_plural(len(pairs), 'unit')} were inspected twice under the rated framework. Of the "
        f"{len(change)} with a rating both times, {int((change > 0).sum())} improved, "
        f"{int((change == 0).sum())} kept the same rating and {int((change < 0).sum())} got "
        "worse.",
        f"The change in PO vacancy between the two inspections is known for {known} of them, "
        "so the data cannot yet relate a change in staffing to a change in rating; the pairs "
        "are shown for what they are.",
    )


# --------------------------------------------------------------------------- 5. the bulletin


def bulletin_table(data: ReportData) -> pd.DataFrame | None:
    b = data.raw.get(BULLETIN_TABLE)
    if b is None:
        return None
    return b[["description", "value", "unit", "source_type", "source_url"]]


def caseloads_stated(data: ReportData) -> pd.DataFrame:
    s = data.tables["staffing"]
    s = s[(s["measure"] == "caseload_average") & s["qualifier"].isna()]
    insp = data.tables["inspections"].set_index("inspection_id")
    out = pd.DataFrame(
        {
            "unit_name": s["inspection_id"].map(insp["unit_name"]),
            "unit_type": s["inspection_id"].map(insp["unit_type"]),
            "overall_rating": s["inspection_id"].map(insp["overall_rating"]).astype("string"),
            "grade": s["grade"].astype("string"),
            "average_caseload": s["value"].astype(float),
        }
    )
    threshold = _bulletin_threshold(data)
    if threshold is not None:
        out[f"above_{_num(threshold)}"] = np.where(out["average_caseload"] > threshold, "yes", "no")
    return out.sort_values(["average_caseload", "unit_name"], ascending=[False, True])


def _bulletin_threshold(data: ReportData) -> float | None:
    b = data.raw.get(BULLETIN_TABLE)
    if b is None:
        return None
    row = b.loc[b["figure_id"] == "quality_falls_above_caseload", "value"]
    return float(row.iloc[0]) if len(row) else None


def bulletin_text(data: ReportData) -> str:
    b = data.raw.get(BULLETIN_TABLE)
    if b is None:
        return _p("The bulletin's figures are not in this build's raw data.")
    primary = int((b["source_type"] == "primary").sum())
    threshold = _bulletin_threshold(data)
    stated = caseloads_stated(data)
    above = int((stated["average_caseload"] > threshold).sum()) if threshold is not None else 0
    comparison = (
        f"Of the {_plural(len(stated), 'average caseload')} stated exactly in the "
        f"inspections, {above} {'is' if above == 1 else 'are'} above the bulletin's "
        f"{_num(threshold)} cases per practitioner."
        if threshold is not None
        else ""
    )
    return _p(
        "HM Inspectorate of Probation's Research and Analysis Bulletin 2021/02 (March 2021) "
        "studied caseloads, workloads and staffing across its inspections. It is the nearest "
        "published evidence to this question, and it works at the level of practitioners and "
        "cases, not units: its findings and these ratings answer different questions.",
        f"The dataset holds {_plural(len(b), 'figure')} about the bulletin, {primary} from "
        "the Inspectorate's own pages and the rest second-hand (marked secondary).",
        comparison,
        "Few inspections state a caseload, so this comparison describes those units only.",
    )


# --------------------------------------------------------------------------- 6. methods


def methods_text(data: ReportData) -> str:
    items = [
        "Overall ratings are an ordered scale (Inadequate, Requires improvement, Good, "
        "Outstanding), modelled by a proportional-odds (cumulative logit) model; cut-points of "
        "categories no inspection reached are dropped, not estimated.",
        "Separation (a staffing figure that sorts the ratings perfectly) is detected exactly by "
        "a linear programme; a separated model has no finite estimate and none is shown. The "
        "bias-reduced (Firth) estimate stays finite and is reported where the analysis table "
        "has it.",
        "Exact rank tests (Mann-Whitney, all arrangements enumerated) need no model and stay "
        "valid under separation and with a handful of units.",
        "Case-sample percentages are modelled only with the stated number of cases behind them; "
        "a denominator is never assumed.",
        "Regions are few (12): inference across regions uses cluster-robust standard errors "
        "with t on G-1 degrees of freedom and region-cluster resampling.",
        "Rows without the figures a model needs are dropped and reported by name in the model "
        "notes below.",
    ]
    caveats = [
        "Associations in these data are not causes: units with worse staffing may differ in "
        "many other ways (caseload mix, local labour markets, leadership).",
        "Staffing figures are stated in a minority of inspections, chosen by the Inspectorate "
        "for each report; units that state them may not be typical.",
        "With a handful of units, a null result says little: absence of evidence is not "
        "evidence of absence.",
        "Some figures come from secondary sources (news and commentary quoting the reports); "
        "they are marked secondary in the data.",
    ]
    ul = "".join(f"<li>{_e(x)}</li>" for x in items)
    cl = "".join(f"<li>{_e(x)}</li>" for x in caveats)
    return f"<h3>Methods</h3>\n<ul>{ul}</ul>\n<h3>Caveats</h3>\n<ul>{cl}</ul>\n"
