"""Descriptive counts of the dataset: coverage by unit type and year, rating tallies."""

from __future__ import annotations

import pandas as pd

from probstats.dataset.ratings import RATINGS


def coverage_by_year(inspections: pd.DataFrame) -> pd.DataFrame:
    """Number of inspections by unit type (rows) and publication year (columns).

    Inspections without a publication date are counted in a column ``unknown``,
    never dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.dataset.summaries import coverage_by_year
    >>> df = pd.DataFrame({"unit_type": ["PDU", "PDU", "CRC"],
    ...     "publication_date": pd.to_datetime(["2022-05-01", None, "2019-01-01"])})
    >>> coverage_by_year(df).loc["PDU"].tolist()
    [0, 1, 1, 2]
    """
    year = (
        inspections["publication_date"].dt.year.astype("Int64").astype("string").fillna("unknown")
    )
    table = pd.crosstab(inspections["unit_type"], year)
    cols = sorted(c for c in table.columns if c != "unknown")
    if "unknown" in table.columns:
        cols.append("unknown")
    table = table[cols]
    table["total"] = table.sum(axis=1)
    table.columns.name = None
    table.index.name = "unit_type"
    return table


def rating_tally(
    inspections: pd.DataFrame,
    *,
    unit_type: str,
    start: str | None = None,
    end: str | None = None,
    date_column: str = "publication_date",
) -> pd.Series:
    """Count of each overall rating for one unit type within ``[start, end]``.

    Dates compare on the first day of the stated period; rows whose date is
    unknown are excluded and counted in the result's ``undated`` entry.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.dataset.summaries import rating_tally
    >>> df = pd.DataFrame({"unit_type": ["PDU"] * 2,
    ...     "publication_date": pd.to_datetime(["2024-03-01", "2025-06-01"]),
    ...     "overall_rating": pd.Categorical(["Good", "Inadequate"])})
    >>> rating_tally(df, unit_type="PDU", end="2024-12-31")["Good"]
    np.int64(1)
    """
    df = inspections[inspections["unit_type"] == unit_type]
    dates = df[date_column]
    keep = dates.notna()
    if start is not None:
        keep &= dates >= pd.Timestamp(start)
    if end is not None:
        keep &= dates <= pd.Timestamp(end)
    counts = df.loc[keep, "overall_rating"].astype("object").value_counts()
    out = pd.Series({r: counts.get(r, 0) for r in RATINGS}, dtype="int64")
    out["total"] = out.sum()
    out["undated"] = int(dates.isna().sum())
    return out
