"""Canonical CSV for processed tables: byte-identical on rebuild, typed on reload.

CSV is the canonical processed format (Parquet embeds library versions, so it
is not byte-stable across machines). Writing fixes the line terminator, the
date format and the float representation; reading restores the dtypes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from probstats.dataset.ratings import RATING_DTYPE
from probstats.dataset.schema import processed_kind


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as canonical CSV (UTF-8, ``\\n`` line ends, ISO dates).

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.dataset.io import write_csv
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


_DTYPES = {
    "id": "string",
    "text": "string",
    "vocab": "string",
    "urls": "string",
    "datestr": "string",
    "rating": "string",  # read as text, then made the ordered rating categorical
    "date": "string",  # read as text, then parsed
    "int": "Int64",
    "year": "Int64",
    "integer": "Int64",
}


def read_csv(path: Path) -> pd.DataFrame:
    """Read a processed table written by :func:`write_csv`, restoring dtypes.

    Column types come from the schema registry
    (:func:`probstats.dataset.schema.processed_kind`).
    """
    header = pd.read_csv(path, nrows=0).columns
    kinds = {col: processed_kind(col) for col in header}
    dtypes = {col: _DTYPES.get(kind, "float64") for col, kind in kinds.items()}
    df = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    for col, kind in kinds.items():
        if kind == "rating":
            df[col] = pd.Categorical(
                df[col].astype("object").where(df[col].notna(), None), dtype=RATING_DTYPE
            )
        elif kind == "date":
            df[col] = pd.to_datetime(df[col], format="%Y-%m-%d").astype("datetime64[s]")
    return df
