"""Harmonised staffing measures: the four dimensions of the analysis, each with its formula.

Sources state staffing in several comparable forms (a PO vacancy rate, PO staffing as
a percentage of target, staff in post by grade, average caseloads, sickness days).
Analysed apart, each has a handful of rows; harmonised, comparable forms pool. Each
measure is derived from figures stated for the same inspection, by a stated formula,
and carries a ``<measure>_from`` column naming the formula and inputs used, so a
reader can always tell a stated vacancy rate from one derived from a fill rate.
Grades are never mixed: an all-staff figure is a separate, labelled proxy, never a
stand-in for the probation officer (PO) grade.

=================================  =====  =========================================================
measure                            unit   derived from (first available wins)
=================================  =====  =========================================================
``shortfall_po_pct``               %      PO vacancy rate; else 100 - PO staffing as % of target
``shortfall_all_pct``              %      all-staff vacancy rate; else 100 - all-staff % of target
``mix_po_share_pct``               %      100 * PO / (PO + PSO), staff in post, same inspection
``mix_po_pso_ratio``               ratio  PO / PSO staff in post, same inspection
``workload_caseload_po``           cases  PO average caseload
``workload_caseload_practitioner`` cases  practitioners' (PO and PSO together) average caseload
``sickness_days_per_fte``          days   all-staff working days lost to sickness per person/FTE
=================================  =====  =========================================================

"100 - % of target" is a vacancy rate only when both refer to the same posts, which
is how the Inspectorate states them for a unit; above 100% of target it is negative
(posts filled beyond target).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["MEASURES", "HarmonisedMeasure", "harmonise", "measure_label"]


@dataclass(frozen=True)
class HarmonisedMeasure:
    """One harmonised measure: name, dimension, unit and the formulas tried in order."""

    name: str
    dimension: str
    label: str
    unit: str
    formulas: tuple[tuple[str, tuple[str, ...]], ...]
    proxy: bool = False
    #: A change of this size is the "per" unit of reported effects (e.g. 10 points).
    per: float = 10.0


#: The harmonised measures, by dimension.
MEASURES: tuple[HarmonisedMeasure, ...] = (
    HarmonisedMeasure(
        "shortfall_po_pct",
        "shortfall",
        "PO shortfall (vacancy, %)",
        "percentage points",
        (
            ("vacancy_rate_po", ("vacancy_rate_po",)),
            ("100 - staffing_pct_target_po", ("staffing_pct_target_po",)),
        ),
    ),
    HarmonisedMeasure(
        "shortfall_all_pct",
        "shortfall",
        "All-staff shortfall (vacancy, %; proxy)",
        "percentage points",
        (
            ("vacancy_rate_all", ("vacancy_rate_all",)),
            ("100 - staffing_pct_target_all", ("staffing_pct_target_all",)),
        ),
        proxy=True,
    ),
    HarmonisedMeasure(
        "mix_po_share_pct",
        "mix",
        "PO share of practitioners (%)",
        "percentage points",
        (
            (
                "100 * staff_in_post_po / (staff_in_post_po + staff_in_post_pso)",
                ("staff_in_post_po", "staff_in_post_pso"),
            ),
        ),
    ),
    HarmonisedMeasure(
        "mix_po_pso_ratio",
        "mix",
        "POs per PSO",
        "ratio",
        (("staff_in_post_po / staff_in_post_pso", ("staff_in_post_po", "staff_in_post_pso")),),
        per=0.5,
    ),
    HarmonisedMeasure(
        "workload_caseload_po",
        "workload",
        "PO average caseload",
        "cases",
        (("caseload_average_po", ("caseload_average_po",)),),
    ),
    HarmonisedMeasure(
        "workload_caseload_practitioner",
        "workload",
        "Practitioner average caseload (PO and PSO)",
        "cases",
        (("caseload_average_practitioner", ("caseload_average_practitioner",)),),
    ),
    HarmonisedMeasure(
        "sickness_days_per_fte",
        "sickness",
        "Sickness days per person, all staff",
        "days",
        (("sickness_days_all", ("sickness_days_all",)),),
        per=5.0,
    ),
)

_BY_NAME = {m.name: m for m in MEASURES}


def measure_label(name: str) -> str:
    """Axis label of a harmonised measure.

    Examples
    --------
    >>> from probstats.dataset.harmonise import measure_label
    >>> measure_label("shortfall_po_pct")
    'PO shortfall (vacancy, %)'
    """
    return _BY_NAME[name].label


def _value(formula: str, wide: pd.DataFrame) -> pd.Series:
    """Evaluate one of the formulas above on the wide stated figures."""
    col = wide.get
    if formula.startswith("100 - "):
        return 100.0 - col(formula[len("100 - ") :])
    if formula.startswith("100 * staff_in_post_po"):
        po, pso = col("staff_in_post_po"), col("staff_in_post_pso")
        total = po + pso
        return (100.0 * po / total).where(total > 0)
    if formula == "staff_in_post_po / staff_in_post_pso":
        pso = col("staff_in_post_pso")
        return (col("staff_in_post_po") / pso).where(pso > 0)
    return col(formula).astype(float)


def harmonise(wide: pd.DataFrame) -> pd.DataFrame:
    """The harmonised measures and their ``_from`` trail, one row per row of ``wide``.

    Parameters
    ----------
    wide
        The stated figures in wide form (``<measure>_<grade>`` columns, as in the
        features view); absent columns count as not stated.

    Returns
    -------
    pandas.DataFrame
        For each measure of :data:`MEASURES`, the value (float, NaN when no formula's
        inputs are all stated) and ``<name>_from`` (the formula used, or missing).

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.dataset.harmonise import harmonise
    >>> wide = pd.DataFrame({"vacancy_rate_po": [30.0, None],
    ...                      "staffing_pct_target_po": [None, 80.0]})
    >>> out = harmonise(wide)
    >>> out["shortfall_po_pct"].tolist(), out["shortfall_po_pct_from"].tolist()
    ([30.0, 20.0], ['vacancy_rate_po', '100 - staffing_pct_target_po'])
    """
    out = pd.DataFrame(index=wide.index)
    for m in MEASURES:
        value = pd.Series(np.nan, index=wide.index, dtype=float)
        source = pd.Series(pd.NA, index=wide.index, dtype="string")
        for formula, inputs in m.formulas:
            if not all(c in wide.columns for c in inputs):
                continue
            candidate = _value(formula, wide).astype(float)
            take = value.isna() & candidate.notna()
            value = value.where(~take, candidate)
            source = source.where(~take, formula)
        out[m.name] = value
        out[f"{m.name}_from"] = source
    return out
