"""Rebuild ``data/processed/`` from ``data/raw/``: read, check, tidy, write.

Raw data is only ever read. Every output is regenerated, written canonically
and checked against its schema before it is written, so two builds in a row
give byte-identical files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from probstats.dataset import clean
from probstats.dataset.io import write_csv
from probstats.dataset.processed import validate_frame
from probstats.dataset.raw import load_raw_table
from probstats.dataset.schema import LINKED_TABLES, RAW_TABLES
from probstats.dataset.sources import sources_table
from probstats.errors import DataValidationError

#: Processed tables in the order they are written.
PROCESSED_FILES = (
    "units",
    "inspections",
    "staffing",
    "case_measures",
    "standard_ratings",
    "features",
    "panel",
    "sources",
)


def _other_raw(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """The raw files outside the linked tables (official figures, bulletin), checked.

    Checked here so that a bad file fails the build; their URLs are cited sources too.
    """
    out = {}
    for table in RAW_TABLES:
        path = raw_dir / f"{table}.csv"
        if table not in LINKED_TABLES and path.is_file():
            out[table] = load_raw_table(path, table)
    return out


def build_tables(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """Read, check and tidy the raw tables into the processed tables (in memory).

    Raises
    ------
    DataValidationError
        If any raw file or derived table fails a check.

    Examples
    --------
    >>> from probstats.dataset.build import PROCESSED_FILES
    >>> from probstats.dataset.build import build_tables
    >>> from probstats.dataset.paths import data_dir
    >>> tables = build_tables(data_dir("raw"))
    >>> sorted(tables) == sorted(PROCESSED_FILES)
    True
    """
    raw = clean.read_raw(Path(raw_dir))
    inspections = clean.tidy_inspections(raw)
    problems = clean.check_previous_ratings(inspections, raw)
    if problems:
        raise DataValidationError(problems)
    staffing = clean.tidy_long(raw.staffing, ["inspection_id", "measure", "grade"])
    cases = clean.tidy_long(raw.case_measures, ["inspection_id", "stage", "aspect"])
    standards = clean.tidy_long(raw.standard_ratings, ["inspection_id", "standard_code"])
    feats = clean.features(inspections, staffing, cases)
    tables = {
        "units": clean.tidy_units(raw),
        "inspections": inspections,
        "staffing": staffing,
        "case_measures": cases,
        "standard_ratings": standards,
        "features": feats,
        "panel": clean.panel(feats),
        "sources": sources_table(
            [
                raw.units["source_url"],
                inspections["source_url"],
                staffing["source_url"],
                cases["source_url"],
                standards["source_url"],
                *(frame["source_url"] for frame in _other_raw(Path(raw_dir)).values()),
            ]
        ),
    }
    for name in PROCESSED_FILES:
        validate_frame(tables[name], name, f"data/processed/{name}.csv")
    return tables


def write_processed(
    tables: dict[str, pd.DataFrame],
    processed_dir: Path,
    progress: Callable[[str], None] = lambda message: None,
) -> list[Path]:
    """Write the processed tables canonically; return the paths written."""
    written = []
    for name in PROCESSED_FILES:
        path = Path(processed_dir) / f"{name}.csv"
        write_csv(tables[name], path)
        written.append(path)
        progress(f"wrote {path} ({len(tables[name])} rows)")
    return written
