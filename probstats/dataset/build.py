"""The main job: rebuild ``data/processed/`` (and figures and tables) from ``data/raw/``.

Raw data is only ever read. Every output is regenerated, written canonically
and checked against its schema before it is written, so two builds in a row
give byte-identical files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from probstats.dataset import clean
from probstats.dataset.io import write_csv
from probstats.dataset.processed import validate_frame
from probstats.dataset.sources import sources_table
from probstats.errors import DataValidationError, UnsafeOutputError

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


@dataclass
class BuildResult:
    """What a build produced."""

    tables: dict[str, pd.DataFrame]
    written: list[Path] = field(default_factory=list)


def build_tables(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """Read, check and tidy the raw tables into the processed tables (in memory).

    Raises
    ------
    DataValidationError
        If any raw file or derived table fails a check.

    Examples
    --------
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
            ]
        ),
    }
    official = Path(raw_dir) / "workforce_official.csv"
    if official.is_file():  # checked here so a bad official file fails the build
        from probstats.official import load_official

        load_official(official)
    for name in (
        "units",
        "inspections",
        "staffing",
        "case_measures",
        "standard_ratings",
        "features",
    ):
        validate_frame(tables[name], name, f"data/processed/{name}.csv")
    return tables


def build(
    raw_dir: Path,
    processed_dir: Path,
    *,
    figures_dir: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> BuildResult:
    """Rebuild processed data (and, if ``figures_dir`` is given, figures and tables).

    Parameters
    ----------
    raw_dir, processed_dir
        Input and output folders. ``raw_dir`` is never written to.
    figures_dir
        Where to write figures and tables; ``None`` skips them.
    progress
        Called with a short message as each step finishes.
    """
    raw_dir, processed_dir = Path(raw_dir).resolve(), Path(processed_dir).resolve()
    if processed_dir == raw_dir or raw_dir in processed_dir.parents:
        raise UnsafeOutputError("refusing to write inside the raw data folder")
    progress(f"reading and checking {raw_dir}")
    tables = build_tables(raw_dir)
    result = BuildResult(tables=tables)
    for name in PROCESSED_FILES:
        path = processed_dir / f"{name}.csv"
        write_csv(tables[name], path)
        result.written.append(path)
        progress(f"wrote {path} ({len(tables[name])} rows)")
    if figures_dir is not None:
        from probstats.report.publication import build_publication

        result.written += build_publication(tables, Path(figures_dir), progress=progress)
    return result
