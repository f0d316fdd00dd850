"""pandera schemas of the processed tables, checked at build time and by ``probstats validate``.

Schemas are generated from the registry in :mod:`probstats.dataset.schema` (raw
columns with their processed kinds, plus the derived columns), so the data
dictionary, the raw parser and these checks cannot drift apart. Percentages bounded
by 100 are those the staffing vocabulary marks as such. Failures are reported as
:class:`~probstats.errors.Problem` objects naming the file, its line (header = line
1) and the column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from probstats.dataset import vocab
from probstats.dataset.ratings import RATINGS
from probstats.dataset.sanity import URL_PATTERN
from probstats.dataset.schema import (
    DERIVED_COLUMNS,
    KEYS,
    LINKED_TABLES,
    RAW_TABLES,
    Column,
    processed_kind,
)
from probstats.errors import DataValidationError, Problem

__all__ = [
    "FEATURES_SCHEMA",
    "PANEL_SCHEMA",
    "PROCESSED_SCHEMAS",
    "SCHEMAS",
    "SOURCES_SCHEMA",
    "bounded_measures",
    "validate_frame",
]

_RATING = pd.CategoricalDtype(list(RATINGS), ordered=True)

#: One or more source URLs joined by " ; " (the rule of probstats.dataset.sanity).
_URLS = rf"^{URL_PATTERN}(?: ; {URL_PATTERN})*$"


def bounded_measures() -> list[str]:
    """Staffing measures whose percentages cannot exceed 100 (from the vocabulary).

    Examples
    --------
    >>> from probstats.dataset.processed import bounded_measures
    >>> "vacancy_rate" in bounded_measures(), "staffing_pct_target" in bounded_measures()
    (True, False)
    """
    return [
        m
        for m, (unit, over, _) in vocab.STAFFING_MEASURES.items()
        if unit == "percent" and not over
    ]


def _column_schema(col: Column) -> pa.Column:
    kind = processed_kind(col.name)
    nullable = not col.required
    if kind == "vocab":
        allowed = [a for a in col.allowed if a]
        return pa.Column(
            "string", [pa.Check.isin(allowed)], nullable=True if "" in col.allowed else nullable
        )
    if kind == "rating":
        return pa.Column(_RATING, nullable=nullable, coerce=False)
    if kind == "pct":
        return pa.Column("float64", [pa.Check.in_range(0, 100)], nullable=nullable)
    if kind == "float":
        return pa.Column("float64", [pa.Check.ge(0)], nullable=nullable)
    if kind in ("int", "year"):
        return pa.Column("Int64", [pa.Check.ge(0)], nullable=nullable)
    if kind == "integer":
        return pa.Column("Int64", nullable=True)
    if kind == "datestr":
        return pa.Column(
            "string", [pa.Check.str_matches(r"^\d{4}(-\d{2}(-\d{2})?)?$")], nullable=True
        )
    if kind == "date":
        return pa.Column("datetime64[s]", nullable=True)
    if kind == "urls":
        return pa.Column("string", [pa.Check.str_matches(_URLS)], nullable=False)
    return pa.Column("string", nullable=nullable)


_DERIVED_BY_TABLE: dict[str, tuple[str, ...]] = {
    "inspections": (
        "unit_id",
        "era",
        "rating_score",
        "year",
        "year_source",
        "publication_date_precision",
        "fieldwork_start_precision",
        "fieldwork_end_precision",
    ),
}


def _schema(table: str) -> pa.DataFrameSchema:
    columns = {c.name: _column_schema(c) for c in RAW_TABLES[table]}
    for name in _DERIVED_BY_TABLE.get(table, ()):
        col = DERIVED_COLUMNS[name]
        schema = _column_schema(col)
        if name == "unit_id":
            schema = pa.Column("string", nullable=False)
        elif name == "era":
            schema = pa.Column("string", pa.Check.isin(list(vocab.ERAS)))
        elif name == "rating_score":
            schema = pa.Column("Int64", pa.Check.in_range(1, 4), nullable=True)
        columns[name] = schema
    unique = list(KEYS[table]) if table in ("inspections", "units") else None
    checks = []
    if table == "staffing":
        checks.append(
            pa.Check(_staffing_ranges, error="percentage above 100 for a measure bounded by 100")
        )
    return pa.DataFrameSchema(columns, checks=checks, strict=True, unique=unique, ordered=False)


def _staffing_ranges(df: pd.DataFrame) -> pd.Series:
    return ~(df["measure"].isin(bounded_measures()) & (df["value"] > 100))


SCHEMAS: dict[str, pa.DataFrameSchema] = {t: _schema(t) for t in LINKED_TABLES}

_BOUNDED = "|".join(sorted(bounded_measures()))

FEATURES_SCHEMA = pa.DataFrameSchema(
    {
        "inspection_id": pa.Column("string", unique=True),
        "overall_rating": pa.Column(_RATING, nullable=True),
        # a raw folder may state no case-sample or staffing figure at all (a synthetic
        # one for --staffing): these columns are checked where present, not required
        r"^case_.*_pct$": pa.Column(
            "float64", pa.Check.in_range(0, 100), nullable=True, regex=True, required=False
        ),
        rf"^({_BOUNDED})_.*$": pa.Column(
            "float64", pa.Check.in_range(0, 100), nullable=True, regex=True, required=False
        ),
        r"^(mix_po_share_pct|shortfall_po_pct|shortfall_all_pct)$": pa.Column(
            "float64", pa.Check.le(100), nullable=True, regex=True
        ),
    },
    strict=False,
)


PANEL_SCHEMA = pa.DataFrameSchema(
    {
        **FEATURES_SCHEMA.columns,
        "inspection_id": pa.Column("string", unique=True),
        "visit_number": pa.Column("Int64", pa.Check.ge(1)),
        "previous_overall_rating": pa.Column(_RATING, nullable=True),
        "rating_change": pa.Column("Int64", pa.Check.in_range(-3, 3), nullable=True),
    },
    strict=False,
)

SOURCES_SCHEMA = pa.DataFrameSchema(
    {
        "url": pa.Column("string", pa.Check.str_matches(rf"^{URL_PATTERN}$"), unique=True),
        "domain": pa.Column("string"),
        "publisher": pa.Column("string"),
        "licence": pa.Column("string"),
        "n_rows": pa.Column("Int64", pa.Check.ge(1)),
    },
    strict=True,
)

#: Every processed table's schema, by file stem.
PROCESSED_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    **SCHEMAS,
    "features": FEATURES_SCHEMA,
    "panel": PANEL_SCHEMA,
    "sources": SOURCES_SCHEMA,
}


def validate_frame(
    frame: pd.DataFrame,
    table: str,
    file: str | Path,
    *,
    lines: list[int] | None = None,
) -> pd.DataFrame:
    """Validate a processed frame; raise :class:`DataValidationError` naming file lines.

    ``lines`` gives each row's line number in the file (from
    :func:`probstats.dataset.raw.read_csv_text`, right after quoted line breaks);
    without it row ``i`` is reported as line ``i + 2`` (header is line 1).
    """
    schema = PROCESSED_SCHEMAS[table]
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        fc = exc.failure_cases
        for rec in fc.itertuples(index=False):
            idx = rec.index
            line = None
            if idx is not None and not pd.isna(idx):
                line = lines[int(idx)] if lines is not None else int(idx) + 2
            column = rec.column if isinstance(rec.column, str) else None
            problems.append(
                Problem(str(file), line, column, f"fails check {rec.check}", rec.failure_case)
            )
        raise DataValidationError(problems) from None
