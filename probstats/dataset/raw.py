"""Read and check the raw CSV files, naming the file, line and column of every problem.

Parsing is strict and lossless: every problem in a file is collected (not just
the first), and a file with any problem raises :class:`DataValidationError`
rather than dropping the row. Nothing here writes to ``data/raw/``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from probstats.dataset import sanity, vocab
from probstats.dataset.dates import parse_partial_date
from probstats.dataset.ratings import parse_rating
from probstats.dataset.schema import KEYS, Column, table_columns
from probstats.errors import DataValidationError, PartialDateError, Problem, UnknownRatingError

_INT = re.compile(r"^\d+$")
_NUM = re.compile(r"^\d+(?:\.\d+)?$")


def read_csv_text(
    path: Path, data: bytes | None = None
) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    """Read a CSV file as text: header, ``(line number, cells)`` rows and problems.

    Line numbers are those a text editor shows (header = line 1), also after a
    quoted cell that spans lines. ``data`` gives the file's bytes when they have
    already been read (the file is then not opened). A column name given twice is
    a problem.
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes() if data is None else data
    except OSError as exc:
        return [], [], [Problem(name, None, None, f"cannot read file: {exc.strerror}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return [], [], [Problem(name, line, None, "file is not valid UTF-8 text")]
    if not text.strip():
        return [], [], [Problem(name, None, None, "file is empty (no header row)")]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    header: list[str] = []
    try:
        start = 1
        for cells in reader:
            if not header:
                header = [c.strip() for c in cells]
            elif any(c.strip() for c in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, None, f"malformed CSV: {exc}"))
    for position, column, first in sanity.duplicate_columns(header):
        problems.append(
            Problem(name, 1, column, f"column name repeated (columns {first} and {position})")
        )
    for line, cells in rows:
        if len(cells) != len(header):
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    f"row has {len(cells)} fields but the header has {len(header)}",
                )
            )
    return header, rows, problems


def _parse_cell(col: Column, text: str) -> tuple[object, str | None]:
    """Return ``(value, error message or None)`` for one raw cell.

    Every rule of :mod:`probstats.dataset.sanity` applies: control characters,
    NFKC names, URLs, date bounds.
    """
    free_text = col.kind == "text" and col.name in sanity.FREE_TEXT_COLUMNS
    bad = sanity.control_problem(text, newlines_ok=free_text)
    if bad is not None:
        return None, bad
    text = text.strip()
    if text == "":
        if col.required:
            return None, "required value is missing"
        return ("" if col.kind == "vocab" and "" in col.allowed else None), None
    if col.kind in ("id", "text"):
        if free_text:
            return text, None
        text, bad = sanity.clean_name(text)
        if bad is not None:
            return None, bad
        if col.kind == "id" and not re.fullmatch(col.pattern, text):
            allowed = "'_'" if "_" in col.pattern else "'-'"
            return None, f"identifier must be lower-case letters, digits and {allowed}"
        return text, None
    if col.kind == "vocab":
        if text not in col.allowed:
            allowed = ", ".join(repr(a) for a in col.allowed)
            return None, f"unknown value; allowed values are {allowed}"
        return text, None
    if col.kind == "urls":
        urls = [u.strip() for u in text.split(";")]
        for url in urls:
            bad = sanity.url_problem(url)
            if bad is not None:
                return None, bad
        return " ; ".join(urls), None
    if col.kind == "rating":
        try:
            return parse_rating(text), None
        except UnknownRatingError as exc:
            return None, str(exc)
    if col.kind == "date":
        try:
            date = parse_partial_date(text)
        except PartialDateError as exc:
            return None, str(exc)
        return (None, bad) if (bad := sanity.date_bounds_problem(date)) else (text, None)
    if col.kind == "bool":
        if text.lower() not in ("true", "false"):
            return None, "must be true or false"
        return text.lower() == "true", None
    if col.kind == "year":
        if not re.fullmatch(r"\d{4}", text):
            return None, "year must be four digits, e.g. 2022"
        return (None, bad) if (bad := sanity.year_bounds_problem(int(text))) else (int(text), None)
    if col.kind == "int":
        if not _INT.match(text):
            return None, "must be a whole number >= 0 (no commas, no units)"
        return int(text), None
    if col.kind in ("float", "pct"):
        if not _NUM.match(text):
            return None, "must be a number >= 0 (no commas, no '%' sign)"
        value = float(text)
        if col.kind == "pct" and value > 100:
            return None, "percentage must be between 0 and 100"
        return value, None
    return None, f"no parser for column kind {col.kind!r}"  # pragma: no cover


def parse_table(path: Path, table: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse one raw table into typed columns, collecting every problem.

    The returned frame has a ``line_no`` column with each row's line number in
    the file, so later checks can still name the line.

    Examples
    --------
    >>> from probstats.dataset.raw import parse_table
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "case_measures.csv"
    >>> _ = p.write_text("inspection_id,stage,aspect,judged,value_pct,n_counted,n_cases,"
    ...     "qualifier,source_url,source_type,notes\\n"
    ...     "pdu-x-2024,planning,keep_safe,sufficient,140,,,,https://example.org,primary,\\n")
    >>> frame, problems = parse_table(p, "case_measures")
    >>> p = problems[0]
    >>> (p.line, p.column, p.message)
    (2, 'value_pct', 'percentage must be between 0 and 100')
    """
    header, rows, problems = read_csv_text(path)
    return parse_rows(header, rows, problems, table, str(path))


def parse_rows(
    header: list[str],
    rows: list[tuple[int, list[str]]],
    problems: list[Problem],
    table: str,
    name: str,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse rows of text cells (with their line numbers) against the table's columns."""
    columns = table_columns(table)
    if not header:
        return pd.DataFrame(), problems
    expected = [c.name for c in columns]
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    for col in missing:
        problems.append(Problem(name, 1, col, "column is missing from the header"))
    for col in extra:
        problems.append(Problem(name, 1, col, "unexpected column (not in the data dictionary)"))
    if missing or problems:
        return pd.DataFrame(), problems
    index = {h: i for i, h in enumerate(header)}
    records: list[dict[str, object]] = []
    for line, cells in rows:
        record: dict[str, object] = {"line_no": line}
        for col in columns:
            raw = cells[index[col.name]]
            value, error = _parse_cell(col, raw)
            if error is not None:
                problems.append(Problem(name, line, col.name, error, raw))
            record[col.name] = value
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=["line_no", *expected])
    return frame, problems


def check_duplicates(frame: pd.DataFrame, table: str, name: str) -> list[Problem]:
    """One problem per row whose natural key repeats an earlier row."""
    if frame.empty:
        return []
    key = list(KEYS[table])
    dup = frame.duplicated(subset=key, keep="first")
    problems = []
    for _, row in frame[dup].iterrows():
        first = frame.loc[
            (frame[key] == row[key]).all(axis=1) | _both_na(frame, row, key), "line_no"
        ]
        shown = ", ".join(f"{k}={row[k]!r}" for k in key if pd.notna(row[k]) and row[k] != "")
        problems.append(
            Problem(
                name,
                int(row["line_no"]),
                key[0],
                f"duplicate record ({shown}) first seen at line {int(first.iloc[0])}",
            )
        )
    return problems


def _both_na(frame: pd.DataFrame, row: pd.Series, key: list[str]) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for k in key:
        if pd.isna(row[k]):
            mask &= frame[k].isna().to_numpy()
        else:
            mask &= (frame[k] == row[k]).fillna(False).to_numpy()
    return pd.Series(mask, index=frame.index)


def check_staffing_rows(frame: pd.DataFrame, name: str) -> list[Problem]:
    """Per-measure checks: unit matches the measure; percentages within 0..100 unless allowed."""
    problems = []
    for _, row in frame.iterrows():
        if pd.isna(row["measure"]) or pd.isna(row["value"]):
            continue
        unit, may_exceed, _ = vocab.STAFFING_MEASURES[row["measure"]]
        if unit and pd.notna(row["unit"]) and row["unit"] != unit:
            problems.append(
                Problem(
                    name,
                    int(row["line_no"]),
                    "unit",
                    f"measure {row['measure']!r} is recorded in {unit!r}",
                    row["unit"],
                )
            )
        if row["unit"] == "percent" and not may_exceed and row["value"] > 100:
            problems.append(
                Problem(
                    name,
                    int(row["line_no"]),
                    "value",
                    f"percentage must be between 0 and 100 for measure {row['measure']!r}",
                    row["value"],
                )
            )
    return problems


def check_inspection_rows(frame: pd.DataFrame, name: str) -> list[Problem]:
    """Within-row consistency of the inspections table."""
    problems = []
    for _, row in frame.iterrows():
        line = int(row["line_no"])
        if (
            pd.notna(row["score"])
            and pd.notna(row["score_max"])
            and row["score"] > row["score_max"]
        ):
            problems.append(Problem(name, line, "score", "score exceeds score_max", row["score"]))
        if pd.notna(row["score"]) != pd.notna(row["score_max"]):
            problems.append(Problem(name, line, "score_max", "score and score_max go together"))
        parts = [row["cases_community"], row["cases_licence"]]
        if pd.notna(row["cases_inspected"]) and all(pd.notna(p) for p in parts):
            if sum(parts) != row["cases_inspected"]:
                problems.append(
                    Problem(
                        name,
                        line,
                        "cases_inspected",
                        "cases_community + cases_licence differs from cases_inspected",
                        row["cases_inspected"],
                    )
                )
        if isinstance(row["fieldwork_start"], str) and isinstance(row["fieldwork_end"], str):
            start = parse_partial_date(row["fieldwork_start"]).start
            end = parse_partial_date(row["fieldwork_end"]).end
            if start > end:
                problems.append(
                    Problem(name, line, "fieldwork_end", "fieldwork ends before it starts")
                )
        problems += _fieldwork_before_publication(row, name, line)
        if row["unit_type"] == "region" and row["region"] != row["unit_name"]:
            problems.append(
                Problem(
                    name, line, "region", "a region's region must be its own name", row["region"]
                )
            )
    return problems


def _fieldwork_before_publication(row: pd.Series, name: str, line: int) -> list[Problem]:
    """Fieldwork cannot start or end after the report was published (at the dates'
    stated precision: fieldwork "2024-03" fits a report published "2024-03-01")."""
    if not isinstance(row["publication_date"], str):
        return []
    published = parse_partial_date(row["publication_date"]).end
    problems = []
    for column, verb in (("fieldwork_start", "starts"), ("fieldwork_end", "ends")):
        if isinstance(row[column], str) and parse_partial_date(row[column]).start > published:
            problems.append(
                Problem(
                    name,
                    line,
                    column,
                    f"fieldwork {verb} after the report was published ({row['publication_date']})",
                    row[column],
                )
            )
    return problems


def check_case_rows(frame: pd.DataFrame, name: str) -> list[Problem]:
    """Counts consistent with each other and with the percentage."""
    problems = []
    for _, row in frame.iterrows():
        k, n = row["n_counted"], row["n_cases"]
        if pd.notna(k) and pd.notna(n) and k > n:
            problems.append(
                Problem(name, int(row["line_no"]), "n_counted", "more cases counted than cases")
            )
        if pd.isna(row["value_pct"]) and (pd.isna(k) or pd.isna(n)):
            problems.append(
                Problem(
                    name,
                    int(row["line_no"]),
                    "value_pct",
                    "give the percentage, or both n_counted and n_cases",
                )
            )
    return problems


def check_references(
    frame: pd.DataFrame, name: str, column: str, known: Iterable[str], what: str
) -> list[Problem]:
    """Every value of ``column`` must be one of ``known``."""
    known = set(known)
    return [
        Problem(name, int(row["line_no"]), column, f"unknown {what}", row[column])
        for _, row in frame.iterrows()
        if pd.notna(row[column]) and row[column] not in known
    ]


def check_official_rows(frame: pd.DataFrame, name: str) -> list[Problem]:
    """Official figures: a value or a marker saying why not; units of percentage
    measures; a period that starts before it ends."""
    problems = []
    for row in frame.itertuples(index=False):
        line = int(row.line_no)
        if pd.isna(row.value) and not row.marker:
            problems.append(
                Problem(name, line, "value", "empty value needs a marker saying why (e.g. x, c, z)")
            )
        expected = vocab.OFFICIAL_MEASURES.get(row.measure, ("", ""))[0]
        if expected == "percent" and row.unit != "percent":
            problems.append(
                Problem(name, line, "unit", f"measure {row.measure} is a percentage", row.unit)
            )
        if isinstance(row.period_start, str) and isinstance(row.period_as_at, str):
            if (
                parse_partial_date(row.period_start).start
                > parse_partial_date(row.period_as_at).end
            ):
                problems.append(
                    Problem(
                        name, line, "period_start", "period starts after it ends", row.period_start
                    )
                )
    return problems


ROW_CHECKS = {
    "inspections": check_inspection_rows,
    "staffing": check_staffing_rows,
    "case_measures": check_case_rows,
    "workforce_official": check_official_rows,
}


def load_raw_table(path: Path, table: str) -> pd.DataFrame:
    """Parse and check one raw table on its own; raise on any problem.

    Raises
    ------
    DataValidationError
        Listing every problem with file, line and column.
    """
    frame, problems = parse_table(path, table)
    return _checked(frame, problems, table, str(path))


def _checked(frame: pd.DataFrame, problems: list[Problem], table: str, name: str) -> pd.DataFrame:
    """Add duplicate and row checks (on the rows whose cells all parsed) and raise if any."""
    if not frame.empty:
        bad_lines = {p.line for p in problems}
        clean = frame[~frame["line_no"].isin(bad_lines)]
        problems = problems + check_duplicates(clean, table, name)
        if table in ROW_CHECKS:
            problems += ROW_CHECKS[table](clean, name)
    if problems:
        raise DataValidationError(sorted(problems, key=_order))
    return frame


def _order(p: Problem) -> tuple:
    return (p.line or 0, p.column or "")


def check_text_frame(frame: pd.DataFrame, table: str, file: str) -> pd.DataFrame:
    """Parse and check a frame of text cells (as read with ``dtype=str``) like a raw file.

    Row ``i`` of the frame is reported as line ``i + 2`` of ``file``.

    Raises
    ------
    DataValidationError
        Listing every problem with file, line and column.
    """
    header = [str(c) for c in frame.columns]
    text = frame.astype(object).where(frame.notna(), "").astype(str)
    rows = [(i + 2, list(r)) for i, r in enumerate(text.itertuples(index=False, name=None))]
    parsed, problems = parse_rows(header, rows, [], table, file)
    return _checked(parsed, problems, table, file)
