"""pandera schemas of the processed tables, checked at build time and by ``probstats validate``.

Schemas are generated from the column specifications in :mod:`probstats.dataset.schema`
so the data dictionary, the raw parser and these checks cannot drift apart.
Failures are reported as :class:`~probstats.errors.Problem` objects naming the
file, its line (header = line 1) and the column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from probstats.dataset import vocab
from probstats.dataset.ratings import RATINGS
from probstats.dataset.schema import KEYS, RAW_TABLES, Column
from probstats.errors import DataValidationError, Problem


def _column_schema(col: Column) -> pa.Column:
    checks: list[pa.Check] = []
    nullable = not col.required
    if col.kind == "vocab":
        allowed = [a for a in col.allowed if a]
        checks.append(pa.Check.isin(allowed))
        return pa.Column("string", checks, nullable=True if "" in col.allowed else nullable)
    if col.kind == "rating":
        return pa.Column(
            pd.CategoricalDtype(list(RATINGS), ordered=True), nullable=nullable, coerce=False
        )
    if col.kind == "pct":
        return pa.Column("float64", [pa.Check.in_range(0, 100)], nullable=nullable)
    if col.kind == "float":
        return pa.Column("float64", [pa.Check.ge(0)], nullable=nullable)
    if col.kind in ("int", "year"):
        return pa.Column("Int64", [pa.Check.ge(0)], nullable=nullable)
    if col.kind == "date":
        if col.name == "as_at":
            return pa.Column(
                "string", [pa.Check.str_matches(r"^\d{4}(-\d{2}(-\d{2})?)?$")], nullable=True
            )
        return pa.Column("datetime64[s]", nullable=True)
    if col.kind == "urls":
        return pa.Column("string", [pa.Check.str_matches(r"^https?://")], nullable=False)
    return pa.Column("string", nullable=nullable)


def _schema(table: str) -> pa.DataFrameSchema:
    columns = {c.name: _column_schema(c) for c in RAW_TABLES[table]}
    if table == "inspections":
        columns["unit_id"] = pa.Column("string", nullable=False)
        columns["era"] = pa.Column("string", pa.Check.isin(list(vocab.ERAS)))
        columns["rating_score"] = pa.Column("Int64", pa.Check.in_range(1, 4), nullable=True)
        for d in ("publication_date", "fieldwork_start", "fieldwork_end"):
            columns[f"{d}_precision"] = pa.Column(
                "string", pa.Check.isin(["day", "month", "year"]), nullable=True
            )
    unique = list(KEYS[table]) if table in ("inspections", "units") else None
    checks = []
    if table == "staffing":
        checks.append(
            pa.Check(_staffing_ranges, error="percentage above 100 for a measure bounded by 100")
        )
    return pa.DataFrameSchema(columns, checks=checks, strict=True, unique=unique, ordered=False)


def _staffing_ranges(df: pd.DataFrame) -> pd.Series:
    bounded = [m for m, (_unit, over, _) in vocab.STAFFING_MEASURES.items() if not over]
    return ~(df["measure"].isin(bounded) & (df["value"] > 100))


SCHEMAS: dict[str, pa.DataFrameSchema] = {t: _schema(t) for t in RAW_TABLES}

FEATURES_SCHEMA = pa.DataFrameSchema(
    {
        "inspection_id": pa.Column("string", unique=True),
        "overall_rating": pa.Column(
            pd.CategoricalDtype(list(RATINGS), ordered=True), nullable=True
        ),
        r"^case_.*_pct$": pa.Column(
            "float64", pa.Check.in_range(0, 100), nullable=True, regex=True
        ),
        r"^(vacancy_rate|sickness_rate|newly_qualified_share|turnover_rate)_.*$": pa.Column(
            "float64", pa.Check.in_range(0, 100), nullable=True, regex=True
        ),
    },
    strict=False,
)


def validate_frame(frame: pd.DataFrame, table: str, file: str | Path) -> pd.DataFrame:
    """Validate a processed frame; raise :class:`DataValidationError` naming file lines.

    Row ``i`` of the frame is line ``i + 2`` of the file (header is line 1).
    """
    schema = FEATURES_SCHEMA if table == "features" else SCHEMAS[table]
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        fc = exc.failure_cases
        for rec in fc.itertuples(index=False):
            idx = rec.index
            line = int(idx) + 2 if idx is not None and not pd.isna(idx) else None
            column = rec.column if isinstance(rec.column, str) else None
            problems.append(
                Problem(str(file), line, column, f"fails check {rec.check}", rec.failure_case)
            )
        raise DataValidationError(problems) from None
