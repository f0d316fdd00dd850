"""Derived staffing measures with stated formulas.

Each function takes numbers, arrays or Series (returning the same shape) and
refuses negative inputs; a zero denominator gives NaN, never an error or infinity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from probstats.errors import InvalidArgumentError

__all__ = [
    "caseload_per_practitioner_fte",
    "derive_official_measures",
    "po_pso_ratio",
    "po_share_of_practitioners",
    "sickness_days_per_fte",
    "staffing_pct_of_target",
]


def _arr(x: object, what: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if np.any(a[~np.isnan(a)] < 0):
        raise InvalidArgumentError(f"{what} must not be negative")
    return a


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return np.where(den == 0, np.nan, out)


def _shape_like(result: np.ndarray, *inputs: object) -> object:
    for x in inputs:
        if isinstance(x, pd.Series):
            return pd.Series(result, index=x.index)
    return float(result) if result.ndim == 0 else result


def po_pso_ratio(po_fte: object, pso_fte: object) -> object:
    """Probation officers per probation services officer.

    Formula: ``PO FTE / PSO FTE``; NaN where PSO FTE is 0 or missing.
    Band 3 PSO counts include trainee probation officers, so the ratio falls
    when trainee intakes rise even if qualified numbers do not change.

    Examples
    --------
    >>> from probstats.official.measures import po_pso_ratio
    >>> round(po_pso_ratio(4418, 6801), 4)
    0.6496
    """
    po, pso = _arr(po_fte, "PO FTE"), _arr(pso_fte, "PSO FTE")
    return _shape_like(_ratio(po, pso), po_fte, pso_fte)


def po_share_of_practitioners(po_fte: object, pso_fte: object) -> object:
    """Probation officers as a percentage of practitioners (PO + PSO).

    Formula: ``100 * PO FTE / (PO FTE + PSO FTE)``; NaN if both are 0.

    Examples
    --------
    >>> from probstats.official.measures import po_share_of_practitioners
    >>> round(po_share_of_practitioners(5519, 5213), 2)
    51.43
    """
    po, pso = _arr(po_fte, "PO FTE"), _arr(pso_fte, "PSO FTE")
    return _shape_like(100 * _ratio(po, po + pso), po_fte, pso_fte)


def staffing_pct_of_target(in_post_fte: object, target_fte: object) -> object:
    """Staff in post as a percentage of target staffing.

    Formula: ``100 * staff in post FTE / target FTE`` (may exceed 100); NaN
    where the target is 0 or missing.

    Examples
    --------
    >>> from probstats.official.measures import staffing_pct_of_target
    >>> staffing_pct_of_target(70, 100)
    70.0
    """
    a, t = _arr(in_post_fte, "staff in post"), _arr(target_fte, "target")
    return _shape_like(100 * _ratio(a, t), in_post_fte, target_fte)


def sickness_days_per_fte(days_lost: object, average_fte: object) -> object:
    """Average working days lost to sickness per full-time equivalent.

    Formula: ``working days lost in the period / average FTE in post over the
    period`` (the definition the Ministry of Justice states for its workforce
    statistics, normally over 12 months).

    Examples
    --------
    >>> from probstats.official.measures import sickness_days_per_fte
    >>> round(sickness_days_per_fte(1373, 17460), 3)
    0.079
    """
    d, f = _arr(days_lost, "days lost"), _arr(average_fte, "average FTE")
    return _shape_like(_ratio(d, f), days_lost, average_fte)


def caseload_per_practitioner_fte(caseload: object, po_fte: object, pso_fte: object) -> object:
    """People on probation per practitioner FTE.

    Formula: ``caseload / (PO FTE + PSO FTE)``. Caseload counts each person
    once; not every PO or PSO holds a caseload (courts, programmes, trainees
    with protected caseloads), so this is a crude pressure index, not the
    caseload an officer actually carries.

    Examples
    --------
    >>> from probstats.official.measures import caseload_per_practitioner_fte
    >>> round(caseload_per_practitioner_fte(239015, 5160, 5908), 2)
    21.6
    """
    c = _arr(caseload, "caseload")
    po, pso = _arr(po_fte, "PO FTE"), _arr(pso_fte, "PSO FTE")
    return _shape_like(_ratio(c, po + pso), caseload, po_fte, pso_fte)


def derive_official_measures(official: pd.DataFrame) -> pd.DataFrame:
    """PO:PSO ratio and PO share wherever PO and PSO FTE share a date and place.

    Only figures from the same publication, geography and ``period_as_at`` are
    combined, so numbers from different sources are never mixed.

    Returns
    -------
    pandas.DataFrame
        ``publication, geography_type, geography, region_canonical,
        period_as_at, po_fte, pso_fte, po_pso_ratio, po_share_pct``.

    Examples
    --------
    >>> from probstats.official.measures import derive_official_measures
    >>> from probstats.official import derive_official_measures, load_official
    >>> d = derive_official_measures(load_official())
    >>> bool((d["po_share_pct"].between(0, 100)).all())
    True
    """
    sip = official[official["measure"] == "staff_in_post_fte"]
    keys = ["publication", "geography_type", "geography", "region_canonical", "period_as_at"]
    wide = sip[sip["grade"].isin(["PO", "PSO"])].pivot_table(
        index=keys, columns="grade", values="value", aggfunc="first"
    )
    wide = wide.dropna(subset=[c for c in ("PO", "PSO") if c in wide.columns])
    if not {"PO", "PSO"} <= set(wide.columns):
        return pd.DataFrame(columns=[*keys, "po_fte", "pso_fte", "po_pso_ratio", "po_share_pct"])
    out = wide.reset_index().rename(columns={"PO": "po_fte", "PSO": "pso_fte"})
    out["po_pso_ratio"] = po_pso_ratio(out["po_fte"], out["pso_fte"])
    out["po_share_pct"] = po_share_of_practitioners(out["po_fte"], out["pso_fte"])
    out.columns.name = None
    return out[[*keys, "po_fte", "pso_fte", "po_pso_ratio", "po_share_pct"]]
