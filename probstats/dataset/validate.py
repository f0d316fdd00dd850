"""``probstats validate``: check any raw or processed file, or a whole folder.

The table is known from the file name; whether a file is raw or processed from its
header (processed tables have the derived columns of the registry) or, for a folder,
from the presence of the modelling view ``features.csv``. A raw folder is checked as
a whole (units, cross-references, previous ratings) exactly as the build reads it.
"""

from __future__ import annotations

from pathlib import Path

from probstats.dataset.io import read_csv
from probstats.dataset.processed import SCHEMAS, validate_frame
from probstats.dataset.raw import load_raw_table, read_csv_text
from probstats.dataset.schema import LINKED_TABLES, RAW_TABLES
from probstats.errors import DataValidationError, Problem

__all__ = ["PROCESSED_ONLY", "validate_file", "validate_path"]

#: Tables that exist only in processed form.
PROCESSED_ONLY = ("features", "panel", "sources")


def _is_processed(path: Path, table: str) -> bool:
    """Processed tables carry derived columns (``unit_id``, ``era`` ...) or live beside
    ``features.csv`` (processed ``units.csv`` has exactly the raw columns)."""
    if table in PROCESSED_ONLY:
        return True
    header, _, _ = read_csv_text(path)
    raw_names = {c.name for c in RAW_TABLES[table]}
    return bool(set(header) - raw_names) or (path.parent / "features.csv").is_file()


def _unknown(path: Path, table: str) -> DataValidationError:
    known = ", ".join(sorted({*RAW_TABLES, *PROCESSED_ONLY}))
    return DataValidationError(
        [Problem(str(path), None, None, f"unknown table name {table!r}; expected one of {known}")]
    )


def validate_file(path: Path) -> str:
    """Check one CSV file; return a one-line summary or raise :class:`DataValidationError`.

    Examples
    --------
    >>> from probstats.dataset.validate import validate_file
    >>> from probstats.dataset.paths import data_dir
    >>> validate_file(data_dir("raw") / "inspections.csv").startswith("raw inspections")
    True
    >>> validate_file(data_dir("raw") / "bulletin_2021_02.csv")
    'raw bulletin_2021_02 (13 rows)'
    """
    path = Path(path)
    table = path.stem
    if table not in RAW_TABLES and table not in PROCESSED_ONLY:
        raise _unknown(path, table)
    if not path.is_file():
        raise DataValidationError([Problem(str(path), None, None, "file not found")])
    if table in LINKED_TABLES and _is_processed(path, table) or table in PROCESSED_ONLY:
        try:
            frame = read_csv(path)
        except (ValueError, TypeError) as exc:
            raise DataValidationError(
                [Problem(str(path), None, None, f"unreadable: {exc}")]
            ) from None
        if table in SCHEMAS or table == "features":
            validate_frame(frame, table, path)
        return f"processed {table} ({len(frame)} rows)"
    frame = load_raw_table(path, table)
    return f"raw {table} ({len(frame)} rows)"


def _is_raw_folder(path: Path) -> bool:
    return (path / "inspections.csv").is_file() and not (path / "features.csv").is_file()


def validate_path(path: Path) -> list[str]:
    """Check a file, or every table in a folder (a raw folder with cross-table checks)."""
    path = Path(path)
    if not path.is_dir():
        return [validate_file(path)]
    if _is_raw_folder(path):
        from probstats.dataset.build import build_tables

        tables = build_tables(path)
        out = [f"raw folder {path}: {len(tables['inspections'])} inspections, all checks passed"]
        for table in RAW_TABLES:
            if table not in LINKED_TABLES and (path / f"{table}.csv").is_file():
                out.append(validate_file(path / f"{table}.csv"))
        return out
    results, problems = [], []
    for file in sorted(path.glob("*.csv")):
        try:
            results.append(validate_file(file))
        except DataValidationError as exc:
            problems += exc.problems
    if problems:
        raise DataValidationError(problems)
    return results
