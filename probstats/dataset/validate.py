"""``probstats validate``: check any raw or processed file, or a whole folder.

The table is known from the file name; whether a file is raw or processed from its
header (processed tables have the derived columns of the registry) or from the
build manifest beside it. A raw folder is checked as a whole (units,
cross-references, previous ratings) exactly as the build reads it. A build's
output folder (processed data, or figures and tables) is checked against its
manifest (:mod:`probstats.outputs`): every file the build wrote must be there and
unchanged, so an interrupted or mixed build is reported file by file.

A file whose name is no table's is recognised by its header: an analyst's staffing
panel (:data:`~probstats.dataset.schema.INPUT_TABLES`) may be called anything, and its
unit names are resolved against the dataset's units or a ``units.csv`` given.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from probstats.dataset.io import read_csv
from probstats.dataset.raw import load_raw_table, read_csv_text
from probstats.dataset.schema import INPUT_TABLES, LINKED_TABLES, RAW_TABLES, table_columns
from probstats.errors import DataValidationError, IncompleteBuildError, Problem
from probstats.outputs import MANIFEST_NAME, Manifest, verified_bytes, verify_folder

__all__ = ["PROCESSED_ONLY", "detect_table", "validate_file", "validate_path", "validate_paths"]

#: Tables that exist only in processed form (``staffing_features``: from ``--staffing``).
PROCESSED_ONLY = ("features", "panel", "sources", "staffing_features")

#: Columns that mark a file as a staffing panel even when others are missing or extra
#: (the parser then names them).
_PANEL_MARKERS = {"unit", "period", "measure", "value"}


def _is_processed(path: Path, table: str) -> bool:
    """Processed tables carry derived columns (``unit_id``, ``era`` ...) or live beside
    ``features.csv`` or a build manifest (processed ``units.csv`` has exactly the raw
    columns)."""
    if table in PROCESSED_ONLY:
        return True
    header, _, _ = read_csv_text(path)
    raw_names = {c.name for c in RAW_TABLES[table]}
    return (
        bool(set(header) - raw_names)
        or (path.parent / "features.csv").is_file()
        or (path.parent / MANIFEST_NAME).is_file()
    )


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


def _processed_file(path: Path, table: str) -> str:
    """Check one processed file: its manifest entry, then every cell and the schema."""
    build_problems: list[Problem] = []
    try:
        data = verified_bytes(path)
    except IncompleteBuildError as exc:
        build_problems = exc.problems
        data = path.read_bytes()
    try:
        frame = read_csv(path, data=data)
    except DataValidationError as exc:
        cls = IncompleteBuildError if build_problems else DataValidationError
        raise cls(build_problems + exc.problems) from None
    if build_problems:
        raise IncompleteBuildError(build_problems)
    return f"processed {table} ({len(frame)} rows)"


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
        return _processed_file(path, table)
    frame = load_raw_table(path, table)
    return f"raw {table} ({len(frame)} rows)"


def _is_raw_folder(path: Path) -> bool:
    inspections = path / "inspections.csv"
    return inspections.is_file() and not _is_processed(inspections, "inspections")


def _output_folder(path: Path) -> list[str]:
    """Check a build output folder: its manifest, and each processed table in it."""
    manifest, build_problems = verify_folder(path)
    results, problems = [], []
    for file in sorted(path.glob("*.csv")):
        if file.stem not in RAW_TABLES and file.stem not in PROCESSED_ONLY:
            continue
        try:
            results.append(f"processed {file.stem} ({len(read_csv(file))} rows)")
        except DataValidationError as exc:
            problems += exc.problems
    if build_problems or problems:
        cls = IncompleteBuildError if build_problems else DataValidationError
        raise cls(build_problems + problems)
    n = len(manifest.files) if manifest is not None else 0
    return [*results, f"build output {path}: {n} files match the build manifest"]


def validate_path(path: Path, units: Path | None = None) -> list[str]:
    """Check a file, or every table in a folder (a raw folder with cross-table checks, a
    build's output folder against its manifest).

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
    return _output_folder(path)


def validate_paths(paths: Iterable[Path], units: Path | None = None) -> list[str]:
    """Check several files or folders, reporting every problem in all of them at once.

    Output folders built from different raw inputs (processed data from one
    version of ``data/raw``, figures from another) are reported too. ``units``
    resolves the unit names of staffing panels (see :func:`validate_file`).
    """
    results: list[str] = []
    problems: list[Problem] = []
    incomplete = False
    inputs: dict[str, Path] = {}
    for path in map(Path, paths):
        try:
            results += validate_path(path, units)
        except DataValidationError as exc:
            problems += exc.problems
            incomplete |= isinstance(exc, IncompleteBuildError)
        if path.is_dir() and (path / MANIFEST_NAME).is_file():
            try:
                manifest = Manifest.read(path)
            except IncompleteBuildError:
                continue
            if manifest is not None and manifest.inputs:
                inputs.setdefault(manifest.inputs, path)
    if len(inputs) > 1:
        (_, a), *rest = inputs.items()
        for _, b in rest:
            problems.append(
                Problem(
                    str(b / MANIFEST_NAME),
                    None,
                    None,
                    f"built from other raw data than {a}: a mixed build; run `probstats build`",
                )
            )
        incomplete = True
    if problems:
        raise (IncompleteBuildError if incomplete else DataValidationError)(problems)
    return results
