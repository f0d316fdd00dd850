"""Canonical CSV for processed tables: byte-identical on rebuild, typed and checked on reload.

CSV is the canonical processed format (Parquet embeds library versions, so it
is not byte-stable across machines). Writing fixes the line terminator, the
date format and the float representation, escapes text cells a spreadsheet
would run as formulas (:func:`probstats.dataset.sanity.escape_formula`) and
replaces the file atomically. Reading parses every cell strictly by the kind the
schema registry gives its column, applies the input rules of
:mod:`probstats.dataset.sanity` and the table's pandera schema, and names file,
line and column of any problem: a rating "good" in a processed file, a number
that is not one, or a date out of bounds is an error, never a silent NaN.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from probstats.dataset import sanity
from probstats.dataset.dates import PartialDate
from probstats.dataset.ratings import RATING_DTYPE, RATINGS
from probstats.dataset.raw import read_csv_text
from probstats.dataset.schema import processed_kind
from probstats.errors import DataValidationError, Problem
from probstats.outputs import write_bytes

__all__ = ["NON_EMPTY_TABLES", "read_csv", "write_csv"]

#: Processed tables that are never empty: a header-only file is an error.
NON_EMPTY_TABLES = ("units", "inspections", "features", "sources")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as canonical CSV (UTF-8, ``\\n`` line ends, ISO dates), atomically.

    Text cells that a spreadsheet would run as a formula get a leading ``'``.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.dataset.io import write_csv
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_csv(pd.DataFrame({"a": [0.1, 2.0], "b": ["=1+1", "x"]}), p)
    >>> p.read_text()
    "a,b\\n0.1,'=1+1\\n2.0,x\\n"
    """
    text = sanity.escape_text_columns(frame).to_csv(
        index=False, lineterminator="\n", date_format="%Y-%m-%d"
    )
    # Encode ourselves so no platform newline translation can creep in.
    write_bytes(path, text.encode("utf-8"))


_STRING_KINDS = ("id", "text", "vocab", "urls", "datestr")
_INTEGER_KINDS = ("int", "year", "integer")
_INT = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_cell(text: str) -> tuple[object, str | None]:
    if not _ISO_DAY.fullmatch(text):
        return None, "date must be written YYYY-MM-DD in a processed table"
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None, "impossible date"
    bad = sanity.date_bounds_problem(PartialDate(day, "day"))
    return (None, bad) if bad else (pd.Timestamp(day), None)


def _cell(kind: str, column: str, text: str) -> tuple[object, str | None]:
    """``(value, problem or None)`` of one non-empty processed cell."""
    bad = sanity.control_problem(text, newlines_ok=column in sanity.FREE_TEXT_COLUMNS)
    if bad is not None:
        return None, bad
    if kind in _STRING_KINDS:
        return sanity.unescape_formula(text), None
    if kind == "rating":
        if text in RATINGS:
            return text, None
        return None, f"not one of the four rating labels ({', '.join(RATINGS)})"
    if kind == "date":
        return _date_cell(text)
    if kind in _INTEGER_KINDS:
        return (int(text), None) if _INT.fullmatch(text) else (None, "not a whole number")
    return (float(text), None) if _FLOAT.fullmatch(text) else (None, "not a number")


def _column(kind: str, values: list[object]) -> object:
    if kind in _STRING_KINDS:
        return pd.array(values, dtype="string")
    if kind == "rating":
        return pd.Categorical(values, dtype=RATING_DTYPE)
    if kind == "date":
        return pd.Series(
            [pd.NaT if v is None else v for v in values], dtype="datetime64[ns]"
        ).astype("datetime64[s]")
    if kind in _INTEGER_KINDS:
        return pd.array(values, dtype="Int64")
    return np.array([np.nan if v is None else v for v in values], dtype="float64")


def _parse(path: Path, data: bytes | None) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    name = str(path)
    header, rows, problems = read_csv_text(path, data)
    if problems or not header:
        return pd.DataFrame(), [], problems or [Problem(name, None, None, "no header row")]
    kinds = [processed_kind(c) for c in header]
    columns: list[list[object]] = [[] for _ in header]
    for line, cells in rows:
        for j, (kind, text) in enumerate(zip(kinds, cells, strict=True)):
            value, bad = (None, None) if text == "" else _cell(kind, header[j], text)
            if bad is not None:
                problems.append(Problem(name, line, header[j], bad, text))
            columns[j].append(value)
    frame = pd.DataFrame(
        {c: _column(k, v) for c, k, v in zip(header, kinds, columns, strict=True)},
        index=pd.RangeIndex(len(rows)),
    )
    return frame, [line for line, _ in rows], problems


def read_csv(path: Path, *, data: bytes | None = None) -> pd.DataFrame:
    """Read a processed table written by :func:`write_csv`, typed and checked.

    Column types come from the schema registry
    (:func:`probstats.dataset.schema.processed_kind`); a table with a pandera schema
    (:data:`probstats.dataset.processed.PROCESSED_SCHEMAS`, chosen by the file's
    stem) is validated with it. ``data`` gives the file's bytes if already read.

    Raises
    ------
    DataValidationError
        Naming file, line and column of every problem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from probstats.dataset.io import read_csv
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("inspection_id,overall_rating\\nx-2024,good\\n")
    >>> read_csv(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    probstats.errors.DataValidationError: 1 problem(s) found:
      ...t.csv, line 2, column 'overall_rating': not one of the four rating labels (...)
    """
    from probstats.dataset.processed import PROCESSED_SCHEMAS, validate_frame

    path = Path(path)
    frame, lines, problems = _parse(path, data)
    if problems:
        raise DataValidationError(problems)
    table = path.stem
    if not lines and table in NON_EMPTY_TABLES:
        raise DataValidationError(
            [Problem(str(path), None, None, f"the {table} table has no rows (header only)")]
        )
    if table in PROCESSED_SCHEMAS:
        validate_frame(frame, table, path, lines=lines)
    return frame
