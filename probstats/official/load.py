"""The harvested official figures: ``data/raw/workforce_official.csv``, read and checked.

The file is one of the raw tables of the schema registry
(:data:`probstats.dataset.schema.RAW_TABLES`), checked cell by cell like the others.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from probstats.dataset import vocab
from probstats.dataset.dates import parse_partial_date
from probstats.dataset.paths import data_dir
from probstats.dataset.raw import check_text_frame, load_raw_table
from probstats.dataset.schema import RAW_TABLES

__all__ = [
    "COLUMNS",
    "canonical_region",
    "load_official",
    "official_series",
    "validate_official",
]

#: Columns of ``data/raw/workforce_official.csv``, in file order (from the registry).
COLUMNS: tuple[str, ...] = tuple(c.name for c in RAW_TABLES["workforce_official"])

_REGION_ALIASES: dict[str, str] = {}
for _region in vocab.REGIONS:
    _REGION_ALIASES[_region.lower()] = _region
_REGION_ALIASES.update(
    {
        "kent surrey and sussex": "Kent, Surrey and Sussex",
        "kss": "Kent, Surrey and Sussex",
        "yorkshire and humber": "Yorkshire and the Humber",
        "yorkshire and humberside": "Yorkshire and the Humber",
        "yorkshire & the humber": "Yorkshire and the Humber",
        "london probation service": "London",
        "wales probation service": "Wales",
    }
)


def canonical_region(name: object) -> str | None:
    """Map a published region name to one of the 12 probation regions.

    Accepts the forms official tables and answers use ("PS Kent, Surrey &
    Sussex", "Probation Service - London", "NPS Wales"). Returns ``None`` when
    the name is not unambiguously one region (e.g. "South East" from the
    pre-2010 geography, or a PDU name).

    Examples
    --------
    >>> from probstats.official.load import canonical_region
    >>> canonical_region("PS Yorkshire & the Humber")
    'Yorkshire and the Humber'
    >>> canonical_region("PS Kent, Surrey & Sussex")
    'Kent, Surrey and Sussex'
    >>> canonical_region("South East") is None
    True
    """
    if not isinstance(name, str):
        return None
    key = name.strip().lower()
    key = re.sub(r"^(hmpps|nps|ps|probation service)\s*[-:]?\s+", "", key)
    key = re.sub(r"\s+(region|division|probation service|probation)$", "", key)
    if key in _REGION_ALIASES:
        return _REGION_ALIASES[key]
    key = key.replace("&", "and")
    key = re.sub(r"[^a-z ]+", " ", key)
    key = re.sub(r"\s+", " ", key).strip()
    if key in _REGION_ALIASES:
        return _REGION_ALIASES[key]
    for region in vocab.REGIONS:
        if key == re.sub(r"[^a-z ]+", " ", region.lower()).replace("  ", " ").strip():
            return region
    return None


def _period_bounds(text: str) -> tuple[dt.date, dt.date, str]:
    """First and last day of a stated period plus its precision."""
    pdate = parse_partial_date(text)
    return pdate.start, pdate.end, pdate.precision


def validate_official(frame: pd.DataFrame, file: str = "workforce_official.csv") -> None:
    """Check the official table as read from CSV (all cells as strings).

    The same cell and row checks as ``probstats validate``; every failing cell is
    reported with its line number (header = line 1).

    Raises
    ------
    DataValidationError
        Listing every problem found.

    Examples
    --------
    >>> from probstats.official.load import COLUMNS
    >>> from probstats.official.load import validate_official
    >>> import pandas as pd
    >>> validate_official(pd.DataFrame(columns=list(COLUMNS)))
    """
    check_text_frame(frame, "workforce_official", file)


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def load_official(path: str | Path | None = None, *, validate: bool = True) -> pd.DataFrame:
    """Read the official workforce table with typed columns.

    Parameters
    ----------
    path
        CSV file; default ``data/raw/workforce_official.csv``.
    validate
        Check every cell first (:func:`validate_official`).

    Returns
    -------
    pandas.DataFrame
        The file's columns (``value`` as float) plus ``period_end`` (last day of
        the stated ``period_as_at``: "2023-09" ends 2023-09-30),
        ``period_precision``, ``publication_end`` (last day of the stated
        publication date, NaT if unknown) and ``period_start_date``.

    Examples
    --------
    >>> from probstats.official.load import load_official
    >>> official = load_official()
    >>> start = official["period_start_date"].fillna(official["period_end"])
    >>> bool((official["period_end"] >= start).all())
    True
    """
    file = Path(path) if path is not None else data_dir("raw") / "workforce_official.csv"
    if validate:
        # Checked as the raw file it is: right line numbers after quoted line breaks,
        # repeated column names refused.
        load_raw_table(file, "workforce_official")
    frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
    out = frame.copy()
    out["value"] = pd.to_numeric(out["value"].replace("", np.nan))
    bounds = [_period_bounds(t) for t in out["period_as_at"]]
    out["period_end"] = pd.to_datetime([b[1] for b in bounds])
    out["period_precision"] = [b[2] for b in bounds]
    out["period_start_date"] = pd.to_datetime(
        [_period_bounds(t)[0] if t else pd.NaT for t in out["period_start"]]
    )
    out["publication_end"] = pd.to_datetime(
        [_period_bounds(t)[1] if t else pd.NaT for t in out["publication_date"]]
    )
    return out


def official_series(
    official: pd.DataFrame, measure: str, grade: str = "all", geography_type: str = "region"
) -> pd.DataFrame:
    """One official series as a tidy frame, in date order.

    Examples
    --------
    >>> from probstats.official.load import load_official
    >>> from probstats.official.load import official_series
    >>> s = official_series(load_official(), "vacancies_fte")
    >>> int(s["region_canonical"].nunique())
    12
    """
    sel = official[
        (official["measure"] == measure)
        & (official["grade"] == grade)
        & (official["geography_type"] == geography_type)
    ]
    cols = [
        "region_canonical",
        "geography",
        "period_as_at",
        "period_end",
        "value",
        "qualifier",
        "marker",
        "source_type",
        "source_url",
    ]
    return (
        sel[cols]
        .sort_values(["period_end", "region_canonical"], kind="mergesort")
        .reset_index(drop=True)
    )
