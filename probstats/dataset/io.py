"""Canonical CSV for processed tables: byte-identical on rebuild, typed on reload.

CSV is the canonical processed format (Parquet embeds library versions, so it
is not byte-stable across machines). Writing fixes the line terminator, the
date format and the float representation; reading restores the dtypes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from probstats.dataset.ratings import RATING_DTYPE
from probstats.dataset.schema import whole_number_columns

#: Columns holding ratings, dates, whole numbers: everything else is a string or a float.
RATING_COLUMNS = ("overall_rating", "previous_rating", "previous_overall_rating", "rating")
DATE_COLUMNS = ("publication_date", "fieldwork_start", "fieldwork_end")
INT_COLUMNS = (
    *whole_number_columns("inspections", "case_measures"),
    # derived columns of the processed tables
    "rating_score",
    "visit_number",
    "days_since_previous",
    "rating_change",
    "n_rows",
)
STRING_COLUMNS = (
    "inspection_id",
    "unit_id",
    "unit_type",
    "era",
    "unit_name",
    "name",
    "region",
    "aliases",
    "publication_date_precision",
    "fieldwork_start_precision",
    "fieldwork_end_precision",
    "source_url",
    "source_type",
    "notes",
    "measure",
    "grade",
    "unit",
    "qualifier",
    "basis",
    "as_at",
    "stage",
    "aspect",
    "judged",
    "standard_code",
    "standard_name",
    "previous_inspection_id",
    "url",
    "domain",
    "publisher",
    "licence",
)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as canonical CSV (UTF-8, ``\\n`` line ends, ISO dates).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_csv(pd.DataFrame({"a": [0.1, 2.0]}), p)
    >>> p.read_text()
    'a\\n0.1\\n2.0\\n'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")
    # Write bytes ourselves so no platform newline translation can creep in.
    path.write_bytes(text.encode("utf-8"))


def read_csv(path: Path) -> pd.DataFrame:
    """Read a processed table written by :func:`write_csv`, restoring dtypes."""
    header = pd.read_csv(path, nrows=0).columns
    dtypes: dict[str, str] = {}
    for col in header:
        if col in STRING_COLUMNS or col in RATING_COLUMNS or col in DATE_COLUMNS:
            dtypes[col] = "string"
        elif col in INT_COLUMNS:
            dtypes[col] = "Int64"
        else:
            dtypes[col] = "float64"
    df = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    for col in header:
        if col in RATING_COLUMNS:
            df[col] = pd.Categorical(
                df[col].astype("object").where(df[col].notna(), None), dtype=RATING_DTYPE
            )
        elif col in DATE_COLUMNS:
            df[col] = pd.to_datetime(df[col], format="%Y-%m-%d").astype("datetime64[s]")
    return df
