"""The analysis in a few lines: one compact row per measure, level and method.

Built from the analysis table (:func:`probstats.report.evidence.analysis_table`, written
by the build as ``figures/tables/analysis_table.csv``), so the README's headline and the
HTML report quote the same numbers. A row that is not an estimate (a separated fit, too
few units) says so in words and prints no number that could be read as one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["HEADLINE_COLUMNS", "headline_table"]

HEADLINE_COLUMNS = ["measure", "level", "units", "method", "result"]


def _num(x: float) -> str:
    if np.isinf(x):
        return "-inf" if x < 0 else "inf"
    if abs(x) >= 10:
        return f"{x:.0f}"
    return f"{x:.3f}".rstrip("0").rstrip(".") or "0"


def _result(row: pd.Series) -> str:
    status, est = row["status"], row["estimate"]
    p = "" if pd.isna(row["p_value"]) else f"; p = {row['p_value']:.2g}"
    if status == "not estimable":
        return "not estimable"
    if status == "test":
        return f"p = {row['p_value']:.2g}"
    if status.startswith("no finite estimate"):
        return (
            f"no finite estimate (separated); interval {_num(row['conf_low'])} to "
            f"{_num(row['conf_high'])}"
        )
    if row["estimator"] == "exact rank comparison":
        if not np.isfinite(row["conf_low"]) or not np.isfinite(row["conf_high"]):
            return f"shift {_num(est)} points, no 95% interval possible{p}"
        return f"shift {_num(est)} points ({_num(row['conf_low'])} to {_num(row['conf_high'])}){p}"
    return f"OR {_num(est)} ({_num(row['conf_low'])} to {_num(row['conf_high'])}){p}"


def headline_table(table: pd.DataFrame) -> pd.DataFrame:
    """One line per measure, level and method; measures with nothing to estimate in one.

    ``result`` reads: ``OR`` an odds ratio of a better rating per the measure's step
    (10 points, 10 FTE per PDU, ...) with its interval; ``shift`` the exact
    Hodges-Lehmann difference of the measure, Inadequate minus better-rated; ``p`` a
    permutation or exact p-value.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.headline import headline_table
    >>> t = pd.DataFrame({"dimension": ["shortfall"], "label": ["PO shortfall"],
    ...     "measure": ["shortfall_po_pct"],
    ...     "level": ["unit (stated figure)"], "estimator": ["maximum likelihood"],
    ...     "n": [8], "n_regions": [6], "estimate": [0.9], "conf_low": [0.18],
    ...     "conf_high": [4.1], "p_value": [0.89], "status": ["estimate"]})
    >>> headline_table(t)["result"].iloc[0]
    'OR 0.9 (0.18 to 4.1); p = 0.89'
    """
    rows = []
    keys = ["dimension", "measure", "level"]
    for (_, measure, level), group in table.groupby(keys, sort=False, dropna=False):
        label = group["label"].dropna()
        name = label.iloc[0] if len(label) and label.iloc[0] else (measure or "")
        if pd.isna(measure) or not measure:
            name = f"{group['dimension'].iloc[0]}: no official series"
        n, regions = int(group["n"].max()), int(group["n_regions"].max())
        units = f"{n} inspection{'s' * (n != 1)}, {regions} region{'s' * (regions != 1)}"
        units = units if n else "none"
        if (group["status"] == "not estimable").all():
            rows.append([name, level, units, "any", "not estimable"])
            continue
        for _, row in group.iterrows():
            rows.append([name, level, units, row["estimator"], _result(row)])
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)
