"""The analysis table: every staffing dimension, at both levels, by every estimator.

What the evidence can say about staffing and inspection ratings, row by row:

* **dimensions**: shortfall (PO vacancy, and an all-staff proxy), mix (PO share of
  practitioners), workload (average caseload), sickness (days per FTE) — the
  harmonised measures of :mod:`probstats.dataset.harmonise`;
* **levels**: the unit's own stated figure (PDU and regional inspections since
  unification), and the official figure of the unit's region attached by a stated
  temporal rule (:func:`probstats.official.join.attach_regional_staffing`), a
  contextual predictor with 12 regions at most;
* **estimators**: an exact rank comparison (Inadequate against better-rated units:
  Hodges-Lehmann shift with its exact interval; at region level a permutation of
  the regions' values), the maximum-likelihood proportional-odds model where its
  estimate exists, and the bias-reduced (Firth) estimate, finite under separation.

Every row carries ``n`` (and the number of regions), the estimate with its interval
or the reason it has none, and a plain-language line on what it can and cannot say.
Associations are not causes; nothing here is presented as one.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from probstats.dataset.harmonise import MEASURES, HarmonisedMeasure
from probstats.errors import ProbstatsError

__all__ = [
    "ANALYSIS_COLUMNS",
    "MAIN_UNIT_TYPES",
    "RegionMeasure",
    "analysis_table",
    "region_data",
    "region_rule_sensitivity",
]

#: Units compared: PDUs and regions inspected since unification (CRCs and NPS divisions
#: had a different remit, framework and era).
MAIN_UNIT_TYPES = ("PDU", "region")

#: Columns of the analysis table, in order.
ANALYSIS_COLUMNS = [
    "dimension",
    "measure",
    "label",
    "level",
    "estimator",
    "n",
    "n_regions",
    "effect",
    "estimate",
    "conf_low",
    "conf_high",
    "interval",
    "p_value",
    "status",
    "can_say",
]


@dataclass(frozen=True)
class RegionMeasure:
    """An official regional figure used as a contextual predictor."""

    name: str
    dimension: str
    label: str
    measure: str
    grade: str
    per: float
    per_pdu: bool = True


#: Region-level predictors available in the official figures (regional vacancies only:
#: the official tables give no regional mix, caseload or sickness series).
REGION_MEASURES = (
    RegionMeasure(
        "region_vacancies_fte_per_pdu",
        "shortfall",
        "Region's vacant posts per PDU (FTE)",
        "vacancies_fte",
        "all",
        per=10.0,
    ),
)


def _row(**kw) -> dict:
    row = dict.fromkeys(ANALYSIS_COLUMNS, np.nan)
    row.update(kw)
    return row


def _fmt(x: float) -> str:
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.3g}"


def _interval_text(lo: float, hi: float) -> str:
    if np.isnan(lo) or np.isnan(hi):
        return ""
    return f"{_fmt(lo)} to {_fmt(hi)}"


# --------------------------------------------------------------------------- unit level


def unit_data(features: pd.DataFrame, measure: str) -> pd.DataFrame:
    """PDU and region inspections with a rating and the measure stated."""
    main = features[features["unit_type"].isin(MAIN_UNIT_TYPES)]
    cols = ["inspection_id", "region", "overall_rating", measure]
    return main[cols].dropna(subset=["overall_rating", measure]).set_index("inspection_id")


def _exact_row(m: HarmonisedMeasure, data: pd.DataFrame, level: str) -> dict:
    from probstats.models.inference.exact import rank_shift_test

    worse = data.loc[data["overall_rating"] == "Inadequate", m.name]
    better = data.loc[data["overall_rating"] != "Inadequate", m.name]
    base = dict(
        dimension=m.dimension,
        measure=m.name,
        label=m.label,
        level=level,
        estimator="exact rank comparison",
        n=len(data),
        n_regions=data["region"].nunique(),
        effect=f"difference in {m.label}, Inadequate minus better-rated (median of pairs)",
    )
    if len(worse) == 0 or len(better) == 0:
        rated = "Inadequate" if len(better) == 0 else "better than Inadequate"
        return _row(
            **base,
            status="not estimable",
            can_say=f"all {len(data)} inspection(s) with this measure were rated {rated}: "
            "no comparison is possible",
        )
    r = rank_shift_test(worse, better)
    bounded = np.isfinite(r.conf_low) and np.isfinite(r.conf_high)
    direction = "higher" if r.shift > 0 else "lower" if r.shift < 0 else "no different"
    can = (
        f"Inadequate units ({len(worse)}) had {m.label} {direction} than better-rated units "
        f"({len(better)}) by {abs(r.shift):.3g} {m.unit} (median of pairs); exact p = "
        f"{r.p_value:.2g}. "
    )
    if not bounded:
        can += (
            f"With so few units no 95% interval exists (the smallest possible p-value is "
            f"{r.min_p_value:.2g}): consistent with a link but not evidence of one."
        )
    elif r.conf_low <= 0 <= r.conf_high:
        can += "The interval includes no difference: not evidence of a link."
    else:
        can += "The interval excludes no difference: an association in these units, not a cause."
    return _row(
        **base,
        estimate=r.shift,
        conf_low=r.conf_low,
        conf_high=r.conf_high,
        interval="exact (Hodges-Lehmann)" if bounded else "none possible",
        p_value=r.p_value,
        status="estimate",
        can_say=can,
    )


def _ordinal_row(
    m_name: str,
    dimension: str,
    label: str,
    per: float,
    unit: str,
    data: pd.DataFrame,
    level: str,
    estimator: str,
    interval: Callable | None = None,
) -> dict:
    """A proportional-odds fit of the rating on one measure, as an odds ratio per ``per``."""
    from probstats.models import fit_ordinal

    base = dict(
        dimension=dimension,
        measure=m_name,
        label=label,
        level=level,
        estimator="maximum likelihood" if estimator == "ml" else "bias-reduced (Firth)",
        n=len(data),
        n_regions=data["region"].nunique(),
        effect=f"odds ratio of a better rating per {per:g} {unit}",
    )
    if data["overall_rating"].nunique() < 2:
        return _row(**base, status="not estimable", can_say="a single rating: nothing to model")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fit_ordinal(
                data,
                "overall_rating",
                [m_name],
                empty_categories="drop",
                estimator=estimator,
                warn=False,
            )
    except (ProbstatsError, ValueError, ArithmeticError) as exc:
        return _row(**base, status="not estimable", can_say=f"not fitted: {exc}")
    tidy = res.tidy(conf_method="profile", per={m_name: per}).set_index("term").loc[m_name]
    lo, hi = float(np.exp(tidy["conf_low"])), float(np.exp(tidy["conf_high"]))
    how = "profile likelihood" if estimator == "ml" else "penalised profile likelihood"
    if interval is not None:
        lo, hi, how = interval(res, m_name, per)
    if res.separation.separated and estimator == "ml":
        return _row(
            **base,
            conf_low=lo,
            conf_high=hi,
            interval=how + " (one end infinite)",
            status="no finite estimate (separated)",
            can_say=(
                f"The {len(data)} units are completely separated by {label}: the "
                "maximum-likelihood odds ratio does not exist. The interval still bounds "
                f"it ({_interval_text(lo, hi)}); see the bias-reduced estimate."
            ),
        )
    est = float(np.exp(tidy["estimate"]))
    includes = lo <= 1 <= hi
    can = (
        f"Each {per:g} {unit} higher {label} went with {est:.2g} times the odds of a better "
        f"rating, {how} interval {_interval_text(lo, hi)}"
        + (": includes no association." if includes else ": excludes no association.")
    )
    if len(data) < 20:
        can += f" Only {len(data)} units: imprecise."
    return _row(
        **base,
        estimate=est,
        conf_low=lo,
        conf_high=hi,
        interval=how,
        p_value=float(tidy["p_value"]) if estimator == "ml" else np.nan,
        status="estimate",
        can_say=can,
    )


def _permutation_row(
    m: HarmonisedMeasure, data: pd.DataFrame, level: str, n_perm: int, seed: int
) -> dict:
    """Likelihood-ratio permutation test of the measure: a p-value that stays meaningful
    when the units are separated (the Wald statistic of a separated fit does not)."""
    from probstats.models import fit_ordinal
    from probstats.models.inference.permutation_lr import permutation_test_model

    base = dict(
        dimension=m.dimension,
        measure=m.name,
        label=m.label,
        level=level,
        estimator="likelihood-ratio permutation test",
        n=len(data),
        n_regions=data["region"].nunique(),
        effect="likelihood-ratio statistic; the measure shuffled across units",
    )
    if data["overall_rating"].nunique() < 2 or len(data) < 3:
        return _row(**base, status="not estimable", can_say="too few units or a single rating")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fit_ordinal(data, "overall_rating", [m.name], empty_categories="drop", warn=False)
        perm = permutation_test_model(res, m.name, n_permutations=n_perm, seed=seed)
    except ProbstatsError as exc:
        return _row(**base, status="not estimable", can_say=f"not computed: {exc}")
    how = "all" if perm.exact else f"{perm.n_permutations} random"
    can = (
        f"Shuffling {m.label} across the {len(data)} units ({how} permutations): p = "
        f"{perm.p_value:.2g} (valid even when the units are separated): "
        + (
            "not evidence of a link."
            if perm.p_value >= 0.05
            else "an association in these units, not a cause."
        )
    )
    return _row(**base, p_value=perm.p_value, status="test", interval="", can_say=can)


# --------------------------------------------------------------------------- region level


def region_data(
    inspections: pd.DataFrame,
    official: pd.DataFrame,
    units: pd.DataFrame,
    rm: RegionMeasure,
    *,
    rule: str = "as_of",
    max_lag_days: int | None = None,
) -> pd.DataFrame:
    """PDU inspections with their region's official figure under a temporal rule.

    The reference date is fieldwork start, else publication date, else 1 July of the
    inspection's year (flagged). Per-PDU figures divide the region's figure by the
    number of PDUs the region has in ``units`` (a crude size adjustment: PDUs differ
    in size).

    Examples
    --------
    >>> import probstats
    >>> from probstats.official import load_official
    >>> from probstats.report.evidence import REGION_MEASURES, region_data
    >>> d = region_data(probstats.load_inspections(), load_official(), probstats.load_units(),
    ...                 REGION_MEASURES[0])
    >>> bool(d["region"].nunique() <= 12)
    True
    """
    from probstats.official import attach_regional_staffing

    pdu = inspections[inspections["unit_type"] == "PDU"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = attach_regional_staffing(
            pdu,
            official,
            rm.measure,
            rm.grade,
            fallback=("publication_date", "year"),
            rule=rule,
            max_lag_days=max_lag_days,
            name="region_value",
        )
    out = out[out["region_value_status"] == "matched"]
    value = out["region_value"]
    if rm.per_pdu:
        n_pdus = units[units["unit_type"] == "PDU"].groupby("region").size()
        value = value / out["region"].map(n_pdus)
    frame = pd.DataFrame(
        {
            "inspection_id": out["inspection_id"],
            "region": out["region"],
            "overall_rating": out["overall_rating"],
            rm.name: value,
            "date_used": out["region_value_date_used"],
            "lag_days": out["region_value_lag_days"],
        }
    )
    return frame.set_index("inspection_id").dropna(subset=["overall_rating", rm.name])


def _cluster_bootstrap_interval(n_resamples: int, seed: int, regions: pd.Series):
    """Region-cluster bootstrap percentile interval of the odds ratio (12 clusters is few)."""
    from probstats.models import bootstrap

    def interval(res, term, per):
        frame = res.data.join(regions.rename("region"))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                boot = bootstrap(
                    frame,
                    res.refit_fn(terms=[term], empty_categories="drop", on_separation="nan"),
                    n_resamples=n_resamples,
                    cluster="region",
                    seed=seed,
                    progress=False,
                )
            ci = boot.conf_int(method="percentile").set_index("term").loc[term]
            return (
                float(np.exp(ci["conf_low"] * per)),
                float(np.exp(ci["conf_high"] * per)),
                ("region-cluster bootstrap percentile"),
            )
        except ProbstatsError as exc:
            return np.nan, np.nan, f"no bootstrap interval ({exc})"

    return interval


def _region_rows(
    rm: RegionMeasure, data: pd.DataFrame, n_boot: int, n_perm: int, seed: int
) -> list[dict]:
    """ML and Firth estimates with region-cluster bootstrap intervals, and the region-level
    permutation test."""
    from probstats.models import fit_ordinal, permutation_test_model

    rows = []
    interval = _cluster_bootstrap_interval(n_boot, seed, data["region"])
    for estimator in ("ml", "firth"):
        rows.append(_with_regions(rm, data, estimator, interval))
    base = dict(
        dimension=rm.dimension,
        measure=rm.name,
        label=rm.label,
        level="region (official figure)",
        estimator="region permutation test",
        n=len(data),
        n_regions=data["region"].nunique(),
        effect="likelihood-ratio statistic; regions' values shuffled across regions",
    )
    if data["overall_rating"].nunique() < 2 or data["region"].nunique() < 3:
        rows.append(_row(**base, status="not estimable", can_say="too few regions or ratings"))
        return rows

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fit_ordinal(
                data, "overall_rating", [rm.name], empty_categories="drop", warn=False
            )
        perm = permutation_test_model(
            res, rm.name, cluster="region", data=data, n_permutations=n_perm, seed=seed
        )
        p = perm.p_value
        can = (
            f"Shuffling the {base['n_regions']} regions' figures: p = {p:.2g}. Compares "
            "regions, not PDUs: an ecological association across few regions, not evidence "
            "about any PDU's own staffing, and not a cause."
        )
        rows.append(_row(**base, p_value=p, status="test", interval="", can_say=can))
    except ProbstatsError as exc:
        rows.append(_row(**base, status="not estimable", can_say=f"not computed: {exc}"))
    return rows


def _with_regions(rm, data, estimator, interval) -> dict:
    """A region-level fit whose interval comes from the region-cluster bootstrap."""
    row = _ordinal_row(
        rm.name,
        rm.dimension,
        rm.label,
        rm.per,
        "FTE",
        data,
        "region (official figure)",
        estimator,
        interval=interval,
    )
    if row["status"] == "estimate":
        row["can_say"] += (
            f" Region-level figure: {row['n_regions']} regions, one snapshot; an ecological "
            "association, not a PDU's own staffing."
        )
    return row


# --------------------------------------------------------------------------- the table


def analysis_table(
    features: pd.DataFrame,
    inspections: pd.DataFrame | None = None,
    official: pd.DataFrame | None = None,
    units: pd.DataFrame | None = None,
    *,
    rule: str = "as_of",
    n_boot: int = 999,
    n_perm: int = 999,
    seed: int = 20261203,
) -> pd.DataFrame:
    """Every staffing dimension x level x estimator, with n, estimate, interval and a line
    on what it can and cannot say.

    Parameters
    ----------
    features
        The modelling view (harmonised measures included), e.g.
        :func:`probstats.load_features`.
    inspections, official, units
        For the region level: :func:`probstats.load_inspections`,
        :func:`probstats.official.load_official`, :func:`probstats.load_units`
        (omit them to skip the region level).
    rule
        Temporal rule for the official snapshots (``"as_of"``: no look-ahead).
    n_boot, n_perm, seed
        Region-cluster bootstrap resamples, region permutations, and the seed.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ANALYSIS_COLUMNS`; ``status`` is ``"estimate"``, ``"test"``,
        ``"no finite estimate (separated)"`` or ``"not estimable"``.

    Examples
    --------
    >>> import probstats
    >>> from probstats.report.evidence import analysis_table
    >>> t = analysis_table(probstats.load_features())
    >>> sorted(t["dimension"].unique())
    ['mix', 'shortfall', 'sickness', 'workload']
    """
    rows = []
    for m in MEASURES:
        data = unit_data(features, m.name) if m.name in features.columns else pd.DataFrame()
        level = "unit (stated figure)"
        if data.empty:
            rows.append(
                _row(
                    dimension=m.dimension,
                    measure=m.name,
                    label=m.label,
                    level=level,
                    estimator="any",
                    n=0,
                    n_regions=0,
                    status="not estimable",
                    can_say="no PDU or regional inspection states this measure",
                )
            )
            continue
        rows.append(_exact_row(m, data, level))
        for estimator in ("ml", "firth"):
            rows.append(
                _ordinal_row(m.name, m.dimension, m.label, m.per, m.unit, data, level, estimator)
            )
        rows.append(_permutation_row(m, data, level, n_perm, seed))
    if inspections is not None and official is not None and units is not None:
        for rm in REGION_MEASURES:
            data = region_data(inspections, official, units, rm, rule=rule)
            rows += _region_rows(rm, data, n_boot, n_perm, seed)
        covered = {rm.dimension for rm in REGION_MEASURES}
        for dim in sorted({m.dimension for m in MEASURES} - covered):
            rows.append(
                _row(
                    dimension=dim,
                    measure="",
                    label="",
                    level="region (official figure)",
                    estimator="any",
                    n=0,
                    n_regions=0,
                    status="not estimable",
                    can_say="no official regional series for this dimension (national figures "
                    "only), so there is nothing to compare regions by",
                )
            )
    return pd.DataFrame(rows, columns=ANALYSIS_COLUMNS)


def region_rule_sensitivity(
    inspections: pd.DataFrame,
    official: pd.DataFrame,
    units: pd.DataFrame,
    *,
    n_boot: int = 499,
    seed: int = 20261203,
) -> pd.DataFrame:
    """The region-level estimate under each temporal rule (as-of, nearest, latest).

    Shows how much the answer depends on which snapshot stands for an inspection's
    time: the official regional figures exist for one date only.
    """
    rows = []
    rm = REGION_MEASURES[0]
    for rule, lag, meaning in (
        ("as_of", None, "latest figure at or before the inspection (no look-ahead)"),
        ("nearest", 548, "nearest figure either side, within 18 months"),
        ("latest", None, "the latest figure whatever the date (a stable regional trait)"),
    ):
        data = region_data(inspections, official, units, rm, rule=rule, max_lag_days=lag)
        interval = _cluster_bootstrap_interval(n_boot, seed, data["region"])
        row = _with_regions(rm, data, "ml", interval)
        lags = data["lag_days"].astype(float)
        rows.append(
            {
                "rule": rule,
                "meaning": meaning,
                "n": len(data),
                "n_regions": data["region"].nunique(),
                "median_lag_days": float(lags.median()) if len(lags) else np.nan,
                "odds_ratio": row["estimate"],
                "conf_low": row["conf_low"],
                "conf_high": row["conf_high"],
                "status": row["status"],
            }
        )
    return pd.DataFrame(rows)
