"""``probstats validate``: check any raw or processed file, or a whole folder.

The table is known from the file name; whether a file is raw or processed from its
header (processed tables have the derived columns of the registry) or, for a folder,
from the presence of the modelling view ``features.csv``. A raw folder is checked as
a whole (units, cross-references, previous ratings) exactly as the build reads it.

A file whose name is no table's is recognised by its header: an analyst's staffing
panel (:data:`~probstats.dataset.schema.INPUT_TABLES`) may be called anything, and its
unit names are resolved against the dataset's units or a ``units.csv`` given.
"""

from __future__ import annotations

from pathlib import Path

from probstats.dataset.io import read_csv
from probstats.dataset.processed import SCHEMAS, validate_frame
from probstats.dataset.raw import load_raw_table, read_csv_text
from probstats.dataset.schema import INPUT_TABLES, LINKED_TABLES, RAW_TABLES, table_columns
from probstats.errors import DataValidationError, Problem

__all__ = ["PROCESSED_ONLY", "detect_table", "validate_file", "validate_path"]

#: Tables that exist only in processed form (``staffing_features``: from ``--staffing``).
PROCESSED_ONLY = ("features", "panel", "sources", "staffing_features")

#: Columns that mark a file as a staffing panel even when others are missing or extra
#: (the parser then names them).
_PANEL_MARKERS = {"unit", "period", "measure", "value"}


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
    panel = ", ".join(c.name for c in table_columns("staffing_panel"))
    return DataValidationError(
        [
            Problem(
                str(path),
                None,
                None,
                f"unknown table name {table!r}; expected one of {known}, or a staffing panel "
                f"(any name; header {panel})",
            )
        ]
    )


def detect_table(path: Path) -> str | None:
    """The table a CSV file holds: from its header when that is exactly one table's
    columns (or a staffing panel's), else from its name; ``None`` if neither says.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from probstats.dataset.validate import detect_table
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "my_staffing.csv"
    >>> _ = p.write_text("unit,period,measure,grade,value,provenance,private,notes\\n")
    >>> detect_table(p)
    'staffing_panel'
    """
    path = Path(path)
    header, _, _ = read_csv_text(path) if path.is_file() else ([], [], [])
    names = set(header)
    for table in INPUT_TABLES:
        if names == {c.name for c in table_columns(table)}:
            return table
    if path.stem in RAW_TABLES or path.stem in PROCESSED_ONLY:
        return path.stem
    exact = [t for t in RAW_TABLES if names == {c.name for c in RAW_TABLES[t]}]
    if len(exact) == 1:
        return exact[0]
    if _PANEL_MARKERS <= names:
        return "staffing_panel"
    return None


def _validate_panel(path: Path, units: Path | None) -> str:
    from probstats.dataset.panel import read_staffing_panel

    frame = None
    if units is not None:
        units = Path(units)
        frame = load_raw_table(units / "units.csv" if units.is_dir() else units, "units")
    panel = read_staffing_panel(path, frame)
    private = "private" if panel["private"].any() else "not private"
    return (
        f"staffing panel {path.name} ({len(panel)} rows, {panel['unit_id'].nunique()} units, "
        f"{panel['measure'].nunique()} measures, {private})"
    )


def validate_file(path: Path, units: Path | None = None) -> str:
    """Check one CSV file; return a one-line summary or raise :class:`DataValidationError`.

    ``units`` (a ``units.csv`` or a raw folder holding one) resolves a staffing panel's
    unit names; default: the probstats dataset's units.

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
    if not path.is_file() and path.stem not in RAW_TABLES and path.stem not in PROCESSED_ONLY:
        raise DataValidationError([Problem(str(path), None, None, "file not found")])
    table = detect_table(path)
    if table is None:
        raise _unknown(path, path.stem)
    if table in INPUT_TABLES:
        return _validate_panel(path, units)
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


def validate_path(path: Path, units: Path | None = None) -> list[str]:
    """Check a file, or every table in a folder (a raw folder with cross-table checks).

    ``units`` resolves the unit names of staffing panels (see :func:`validate_file`).
    """
    path = Path(path)
    if not path.is_dir():
        return [validate_file(path, units)]
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
            results.append(validate_file(file, units))
        except DataValidationError as exc:
            problems += exc.problems
    if problems:
        raise DataValidationError(problems)
    return results
