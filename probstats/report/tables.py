"""Descriptive and regression tables, and writers to canonical CSV and Markdown.

Counting never drops a row: an inspection without a region, year or rating is
counted under an explicit label (``"(no region)"``, ``"unknown"``, ``"Not rated"``).
Writers give the same bytes on every run: ``\\n`` line ends, a fixed float format,
UTF-8.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from probstats.dataset.ratings import RATINGS, to_rating
from probstats.dataset.sanity import escape_text_columns
from probstats.errors import TableInputError
from probstats.outputs import write_bytes

__all__ = [
    "TableInputError",
    "NO_REGION",
    "NOT_RATED",
    "UNKNOWN_YEAR",
    "TOTAL",
    "rating_counts",
    "ratings_by_region_year",
    "ratings_by_unit_type_year",
    "staffing_summary_by_rating",
    "regression_table",
    "format_p_value",
    "write_table_csv",
    "to_markdown",
    "write_table_markdown",
]

NO_REGION = "(no region)"
NOT_RATED = "Not rated"
UNKNOWN_YEAR = "unknown"
TOTAL = "Total"


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise TableInputError(
            f"{what} needs column(s) {missing}; the frame has {list(frame.columns)}"
        )


def _rating_labels(values: pd.Series) -> pd.Series:
    cat = pd.Series(to_rating(values), index=values.index).astype(object)
    return cat.where(cat.notna(), NOT_RATED)


def _year_labels(dates: pd.Series) -> pd.Series:
    years = pd.to_datetime(dates).dt.year.astype("Int64").astype("string")
    return years.fillna(UNKNOWN_YEAR).astype(object)


def rating_counts(
    inspections: pd.DataFrame,
    by: Sequence[str],
    *,
    totals: bool = True,
) -> pd.DataFrame:
    """Number of inspections with each overall rating, by the given columns.

    Parameters
    ----------
    inspections
        Frame with ``overall_rating`` and the ``by`` columns. A ``year`` key is
        derived from ``publication_date`` when not present.
    by
        Grouping columns, e.g. ``["region", "year"]``. Missing values count
        under ``"(no region)"`` / ``"unknown"`` / ``"(missing)"``.
    totals
        Add a ``Total`` row.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, one column per rating (worst to best), ``Not rated``
        when any inspection lacks a rating, and ``total``; sorted by the keys
        (regions and years in their natural order, missing labels last).

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.tables import rating_counts
    >>> df = pd.DataFrame({"region": ["Wales", "Wales", None],
    ...     "publication_date": pd.to_datetime(["2022-01-01", "2022-06-01", "2023-01-01"]),
    ...     "overall_rating": ["Good", "Inadequate", "Good"]})
    >>> t = rating_counts(df, ["region", "year"])
    >>> t[["region", "year", "Good", "total"]].values.tolist()
    [['Wales', '2022', 1, 2], ['(no region)', '2023', 1, 1], ['Total', '', 2, 3]]
    """
    by = list(by)
    if not by:
        raise TableInputError("give at least one column in by")
    needed = ["overall_rating"] + [c for c in by if c != "year"]
    if "year" in by and "year" not in inspections.columns:
        needed.append("publication_date")
    _require(inspections, needed, "rating_counts")
    df = pd.DataFrame(index=inspections.index)
    for col in by:
        if col == "year" and "year" not in inspections.columns:
            df[col] = _year_labels(inspections["publication_date"])
        elif col == "region":
            df[col] = inspections[col].astype(object).where(inspections[col].notna(), NO_REGION)
        else:
            values = inspections[col].astype(object)
            df[col] = values.where(values.notna(), "(missing)").astype(str)
    df["rating"] = _rating_labels(inspections["overall_rating"])
    columns = list(RATINGS) + ([NOT_RATED] if (df["rating"] == NOT_RATED).any() else [])
    table = (
        df.groupby(by + ["rating"], sort=False)
        .size()
        .unstack("rating", fill_value=0)
        .reindex(columns=columns, fill_value=0)
    )
    table.columns.name = None
    table = table.reset_index()
    table = table.sort_values(by, key=_sort_key, kind="stable").reset_index(drop=True)
    table[columns] = table[columns].astype("int64")
    table["total"] = table[columns].sum(axis=1).astype("int64")
    if totals:
        total_row = {c: "" for c in by}
        total_row[by[0]] = TOTAL
        total_row.update({c: int(table[c].sum()) for c in columns + ["total"]})
        table = pd.concat([table, pd.DataFrame([total_row])], ignore_index=True)
    return table


def _sort_key(col: pd.Series) -> pd.Series:
    from probstats.dataset.vocab import REGIONS, UNIT_TYPES

    if col.name == "region":
        order = {r: i for i, r in enumerate(REGIONS)}
        return col.map(lambda v: order.get(v, len(order) + (v == NO_REGION)))
    if col.name == "unit_type":
        order = {r: i for i, r in enumerate(UNIT_TYPES)}
        return col.map(lambda v: order.get(v, len(order)))
    if col.name == "year":
        return col.map(lambda v: 99999 if v == UNKNOWN_YEAR else int(v))
    return col.astype(str)


def ratings_by_region_year(
    inspections: pd.DataFrame, *, unit_types: Sequence[str] | None = ("PDU", "region")
) -> pd.DataFrame:
    """Ratings by region and publication year (PDU and region inspections by default).

    Inspections of other unit types are left out *by choice* of ``unit_types``;
    pass ``None`` to count every inspection (CRC/NPS rows fall under ``(no region)``).

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.tables import ratings_by_region_year
    >>> df = pd.DataFrame({"unit_type": ["PDU", "CRC"], "region": ["Wales", None],
    ...     "publication_date": pd.to_datetime(["2022-01-01", "2019-01-01"]),
    ...     "overall_rating": ["Good", "Good"]})
    >>> ratings_by_region_year(df)["total"].tolist()
    [1, 1]
    """
    df = inspections
    if unit_types is not None:
        _require(inspections, ["unit_type"], "ratings_by_region_year")
        df = inspections[inspections["unit_type"].isin(unit_types)]
    return rating_counts(df, ["region", "year"])


def ratings_by_unit_type_year(inspections: pd.DataFrame) -> pd.DataFrame:
    """Ratings by unit type (PDU, region, CRC, NPS division, national) and publication year.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.tables import ratings_by_unit_type_year
    >>> df = pd.DataFrame({"unit_type": ["PDU", "CRC", "PDU"],
    ...     "publication_date": pd.to_datetime(["2022-01-01", "2019-01-01", "2022-05-01"]),
    ...     "overall_rating": ["Good", "Inadequate", "Good"]})
    >>> ratings_by_unit_type_year(df)[["unit_type", "year", "total"]].values.tolist()
    [['PDU', '2022', 2], ['CRC', '2019', 1], ['Total', '', 3]]
    """
    return rating_counts(inspections, ["unit_type", "year"])


def staffing_summary_by_rating(
    features: pd.DataFrame, measures: Sequence[str] | None = None
) -> pd.DataFrame:
    """Median and interquartile range of each staffing measure within each rating.

    Parameters
    ----------
    features
        :func:`probstats.load_features` frame.
    measures
        Columns to summarise; default the staffing columns of the figures module
        that are present.

    Returns
    -------
    pandas.DataFrame
        ``measure, rating, n_inspections, n, n_missing, median, q1, q3, iqr, min, max``;
        ratings worst to best, then ``All`` (every inspection, rated or not) and,
        when some inspections lack a rating, ``Not rated``. ``n`` counts inspections
        with the measure; quartiles use linear interpolation (pandas' default).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from probstats.report.tables import staffing_summary_by_rating
    >>> df = pd.DataFrame({"overall_rating": ["Good", "Good", "Good", "Inadequate"],
    ...     "vacancy_rate_po": [10.0, 20.0, np.nan, 40.0]})
    >>> t = staffing_summary_by_rating(df, ["vacancy_rate_po"])
    >>> t.loc[t["rating"] == "Good", ["n", "n_missing", "median"]].values.tolist()
    [[2.0, 1.0, 15.0]]
    """
    from probstats.report.figures import DEFAULT_STAFFING_MEASURES

    _require(features, ["overall_rating"], "staffing_summary_by_rating")
    if measures is None:
        measures = [m for m in DEFAULT_STAFFING_MEASURES if m in features.columns]
    _require(features, list(measures), "staffing_summary_by_rating")
    rating = _rating_labels(features["overall_rating"])
    groups = list(RATINGS) + ["All"] + ([NOT_RATED] if (rating == NOT_RATED).any() else [])
    rows = []
    for m in measures:
        values = pd.to_numeric(features[m], errors="coerce").astype("float64")
        for g in groups:
            v = values if g == "All" else values[rating == g]
            known = v.dropna()
            q1, med, q3 = known.quantile([0.25, 0.5, 0.75]).tolist() if len(known) else [np.nan] * 3
            rows.append(
                {
                    "measure": m,
                    "rating": g,
                    "n_inspections": len(v),
                    "n": len(known),
                    "n_missing": len(v) - len(known),
                    "median": med,
                    "q1": q1,
                    "q3": q3,
                    "iqr": q3 - q1,
                    "min": known.min() if len(known) else np.nan,
                    "max": known.max() if len(known) else np.nan,
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "measure",
            "rating",
            "n_inspections",
            "n",
            "n_missing",
            "median",
            "q1",
            "q3",
            "iqr",
            "min",
            "max",
        ],
    )
    return out.astype({"n_inspections": "int64", "n": "int64", "n_missing": "int64"})


def format_p_value(p: float, digits: int = 3) -> str:
    """A p-value as text: ``<0.001`` below the smallest shown value, empty when missing.

    Examples
    --------
    >>> from probstats.report.tables import format_p_value
    >>> format_p_value(0.0004), format_p_value(0.0312), format_p_value(float("nan"))
    ('<0.001', '0.031', '')
    """
    if p is None or not np.isfinite(p):
        return ""
    floor = 10.0**-digits
    return f"<{floor:.{digits}f}" if p < floor else f"{p:.{digits}f}"


def regression_table(
    tidy: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    exponentiate: bool = False,
    digits: int = 2,
    terms: Sequence[str] | None = None,
    term_labels: Mapping[str, str] | None = None,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """A formatted regression table from one tidy frame or several (one column per model).

    Parameters
    ----------
    tidy
        ``term, estimate, conf_low, conf_high`` (``p_value`` optional) as ``.tidy()``
        returns, or a mapping model name -> such a frame.
    exponentiate
        Show ``exp`` of estimates and limits (odds ratios from log-odds).
    digits
        Decimal places of estimates and limits.
    terms, term_labels
        Terms to show in order (default: all, in order of first appearance) and their
        display names.

    Returns
    -------
    pandas.DataFrame
        One model: ``term, estimate, conf_low, conf_high, p_value`` (numbers, rounded)
        plus ``estimate (CI)`` text. Several models: ``term`` then one text column per
        model, ``"est (lo to hi)"``, blank where a model lacks the term.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.tables import regression_table
    >>> t = pd.DataFrame({"term": ["x"], "estimate": [0.0], "conf_low": [-0.1],
    ...     "conf_high": [0.2], "p_value": [0.5]})
    >>> regression_table(t, exponentiate=True)["estimate (95% CI)"].tolist()
    ['1.00 (0.90 to 1.22)']
    """
    frames = {"": tidy} if isinstance(tidy, pd.DataFrame) else dict(tidy)
    if not frames:
        raise TableInputError("give at least one tidy frame")
    ci_name = f"{round(conf_level * 100)}% CI"
    labels = dict(term_labels or {})
    prepared = {}
    for name, frame in frames.items():
        _require(frame, ["term", "estimate", "conf_low", "conf_high"], "regression_table")
        f = frame.copy()
        for c in ("estimate", "conf_low", "conf_high"):
            f[c] = pd.to_numeric(f[c], errors="coerce").astype("float64")
            if exponentiate:
                f[c] = np.exp(f[c])
        f["text"] = [
            ""
            if pd.isna(e)
            else (
                f"{e:.{digits}f}"
                if pd.isna(lo) or pd.isna(hi)
                else f"{e:.{digits}f} ({lo:.{digits}f} to {hi:.{digits}f})"
            )
            for e, lo, hi in zip(f["estimate"], f["conf_low"], f["conf_high"], strict=True)
        ]
        prepared[name] = f
    order = (
        list(terms)
        if terms is not None
        else list(dict.fromkeys(t for f in prepared.values() for t in f["term"]))
    )
    if len(prepared) == 1:
        f = next(iter(prepared.values())).set_index("term").reindex(order)
        out = pd.DataFrame(
            {
                "term": [labels.get(t, t) for t in order],
                "estimate": f["estimate"].round(digits).to_numpy(),
                "conf_low": f["conf_low"].round(digits).to_numpy(),
                "conf_high": f["conf_high"].round(digits).to_numpy(),
            }
        )
        out["p_value"] = (
            f["p_value"].map(format_p_value).to_numpy() if "p_value" in f.columns else ""
        )
        out[f"estimate ({ci_name})"] = f["text"].fillna("").to_numpy()
        return out
    out = pd.DataFrame({"term": [labels.get(t, t) for t in order]})
    for name, f in prepared.items():
        out[f"{name}: estimate ({ci_name})"] = (
            f.drop_duplicates("term").set_index("term")["text"].reindex(order).fillna("").to_numpy()
        )
    return out


def write_table_csv(frame: pd.DataFrame, path: str | Path, *, float_format: str = "%.3f") -> Path:
    """Write a table as canonical CSV: UTF-8, ``\\n`` line ends, fixed float format, no index.

    Written atomically; text cells a spreadsheet would run as a formula get a
    leading ``'`` (:func:`probstats.dataset.sanity.escape_formula`).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from probstats.report.tables import write_table_csv
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = write_table_csv(pd.DataFrame({"a": [1, 2], "b": [0.5, np.nan]}), p)
    >>> p.read_bytes()
    b'a,b\\n1,0.500\\n2,\\n'
    """
    text = escape_text_columns(frame).to_csv(
        index=False,
        lineterminator="\n",
        float_format=float_format,
        na_rep="",
        date_format="%Y-%m-%d",
    )
    return write_bytes(path, text.encode("utf-8"))


def _md_cell(value: object, float_format: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, (float, np.floating)):
        text = float_format % value
    else:
        text = str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(
    frame: pd.DataFrame,
    *,
    float_format: str = "%.2f",
    caption: str | None = None,
    note: str | None = None,
) -> str:
    """A GitHub-flavoured Markdown table; numeric columns right-aligned.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.tables import to_markdown
    >>> print(to_markdown(pd.DataFrame({"rating": ["Good"], "n": [3], "median": [12.5]})))
    | rating | n | median |
    |:---|---:|---:|
    | Good | 3 | 12.50 |
    <BLANKLINE>
    """
    header = "| " + " | ".join(_md_cell(str(c), float_format) for c in frame.columns) + " |"
    align = (
        "|"
        + "|".join(
            "---:" if pd.api.types.is_numeric_dtype(frame[c]) else ":---" for c in frame.columns
        )
        + "|"
    )
    body = [
        "| " + " | ".join(_md_cell(v, float_format) for v in row) + " |"
        for row in frame.itertuples(index=False, name=None)
    ]
    parts = []
    if caption:
        parts += [f"**{caption}**", ""]
    parts += [header, align, *body]
    if note:
        parts += ["", note]
    return "\n".join(parts) + "\n"


def write_table_markdown(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    float_format: str = "%.2f",
    caption: str | None = None,
    note: str | None = None,
) -> Path:
    """Write :func:`to_markdown` to ``path`` (UTF-8, ``\\n`` line ends).

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.report.tables import write_table_markdown
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.md"
    >>> write_table_markdown(pd.DataFrame({"a": [1]}), p).read_text().splitlines()[0]
    '| a |'
    """
    text = to_markdown(frame, float_format=float_format, caption=caption, note=note)
    return write_bytes(path, text.encode("utf-8"))
