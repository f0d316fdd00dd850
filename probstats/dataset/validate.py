"""``probstats validate``: check a raw or processed file, or a whole folder."""

from __future__ import annotations

from pathlib import Path

from probstats.dataset.io import read_csv
from probstats.dataset.processed import SCHEMAS, validate_frame
from probstats.dataset.raw import load_raw_table, read_csv_text
from probstats.dataset.schema import RAW_TABLES
from probstats.errors import DataValidationError, Problem

PROCESSED_ONLY = {"features", "panel", "sources"}


def _is_processed(path: Path, table: str) -> bool:
    """Processed tables have derived columns the raw ones lack (e.g. ``unit_id``, ``era``)."""
    if table in PROCESSED_ONLY:
        return True
    header, _, _ = read_csv_text(path)
    raw_names = {c.name for c in RAW_TABLES[table]}
    return bool(set(header) - raw_names) or (table == "units" and path.parent.name == "processed")


def validate_file(path: Path) -> str:
    """Check one CSV file; return a one-line summary or raise :class:`DataValidationError`.

    The table is known from the file name (``inspections.csv``, ``staffing.csv`` ...).

    Examples
    --------
    >>> from probstats.dataset.paths import data_dir
    >>> validate_file(data_dir("raw") / "inspections.csv").startswith("raw inspections")
    True
    """
    table = path.stem
    if table == "workforce_official":
        from probstats.official import load_official

        frame = load_official(path)
        return f"raw workforce_official ({len(frame)} rows)"
    if table not in RAW_TABLES and table not in PROCESSED_ONLY:
        known = ", ".join(sorted({*RAW_TABLES, *PROCESSED_ONLY}))
        raise DataValidationError(
            [
                Problem(
                    str(path), None, None, f"unknown table name {table!r}; expected one of {known}"
                )
            ]
        )
    if not path.is_file():
        raise DataValidationError([Problem(str(path), None, None, "file not found")])
    if _is_processed(path, table):
        if table in ("panel", "sources"):
            frame = read_csv(path)
            return f"processed {table} ({len(frame)} rows, readable)"
        try:
            frame = read_csv(path)
        except (ValueError, TypeError) as exc:
            raise DataValidationError(
                [Problem(str(path), None, None, f"unreadable: {exc}")]
            ) from None
        validate_frame(frame, table if table in SCHEMAS or table == "features" else table, path)
        return f"processed {table} ({len(frame)} rows)"
    frame = load_raw_table(path, table)
    return f"raw {table} ({len(frame)} rows)"


def validate_path(path: Path) -> list[str]:
    """Check a file, or every table in a folder (a raw folder with cross-table checks)."""
    if path.is_dir():
        if (
            all((path / f"{t}.csv").is_file() for t in RAW_TABLES)
            and not (path / "features.csv").is_file()
        ):
            from probstats.dataset.build import build_tables

            tables = build_tables(path)
            out = [
                f"raw folder {path}: {len(tables['inspections'])} inspections, all checks passed"
            ]
            if (path / "workforce_official.csv").is_file():
                out.append(validate_file(path / "workforce_official.csv"))
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
    return [validate_file(path)]
