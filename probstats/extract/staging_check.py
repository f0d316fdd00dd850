"""Check a staging folder before anyone merges it (what ``probstats validate DIR`` runs).

Every problem names the file, the line (as an editor shows it, header = 1)
and the column. The checks:

1. ``STAGING.json`` exists and names the extractor version; every file it
   lists as written exists.
2. Each staged table has exactly the raw table's columns, in order, once each.
3. Each cell parses by its column's kind (ratings by the strict rating
   parser, partial dates, vocabularies, whole numbers, percentages 0-100,
   http(s) URLs); required cells are filled (an empty ``source_url`` means the
   reviewer must add the page the document came from).
4. Every fact row's ``inspection_id`` is a staged inspection.
5. ``provenance.csv`` covers every staged row, points only at existing lines,
   has the folder's extractor version and confidences in [threshold, 1].
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from probstats.extract._deps import RAW_TABLES, Column, Problem, parse_partial_date, parse_rating
from probstats.extract.assemble import FACT_THRESHOLD
from probstats.extract.staging import MARKER, PROVENANCE, PROVENANCE_COLUMNS

_INT = re.compile(r"\d{1,9}")
_NUM = re.compile(r"\d{1,9}(?:\.\d{1,6})?")
_URL = re.compile(r"https?://[^\s\"'<>]{1,2000}")


def _cell(col: Column, value: str) -> str | None:
    """Problem message for one cell, or None."""
    if value == "":
        return "required value is empty" if col.required else None
    kind = col.kind
    if kind == "rating":
        try:
            parse_rating(value)
        except Exception as exc:  # noqa: BLE001 - the parser's message is the problem
            return str(exc)
        return None
    if kind == "date":
        try:
            parse_partial_date(value)
        except Exception as exc:  # noqa: BLE001
            return str(exc)
        return None
    if kind == "vocab":
        return None if value in col.allowed else f"not one of {', '.join(col.allowed)}"
    if kind in ("int", "year"):
        return None if _INT.fullmatch(value) else "not a whole number"
    if kind in ("float", "pct"):
        if not _NUM.fullmatch(value):
            return "not a number >= 0"
        return "percentage above 100" if kind == "pct" and float(value) > 100 else None
    if kind == "urls":
        bad = [u for u in value.split(" ; ") if not _URL.fullmatch(u.strip())]
        return f"not an http(s) URL: {bad[0]!r}" if bad else None
    return None


def _read(path: Path) -> tuple[list[str], list[list[str]]] | None:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return (rows[0], rows[1:]) if rows else ([], [])


def _check_table(folder: Path, table: str, problems: list[Problem]) -> dict[int, dict[str, str]]:
    name = f"{table}.csv"
    got = _read(folder / name)
    if got is None:
        problems.append(Problem(name, None, None, "missing or unreadable"))
        return {}
    header, rows = got
    expected = [c.name for c in RAW_TABLES[table]]
    if header != expected:
        problems.append(
            Problem(
                name, 1, None, f"columns must be exactly {', '.join(expected)}", ", ".join(header)
            )
        )
        return {}
    out = {}
    for i, row in enumerate(rows, start=2):
        if len(row) != len(header):
            problems.append(Problem(name, i, None, f"has {len(row)} cells, expected {len(header)}"))
            continue
        for col, value in zip(RAW_TABLES[table], row, strict=True):
            msg = _cell(col, value)
            if msg:
                problems.append(Problem(name, i, col.name, msg, value or None))
        out[i] = dict(zip(header, row, strict=True))
    return out


def _check_provenance(
    folder: Path, version: str, lines: dict[str, dict], problems: list[Problem]
) -> None:
    got = _read(folder / PROVENANCE)
    if got is None:
        problems.append(Problem(PROVENANCE, None, None, "missing or unreadable"))
        return
    header, rows = got
    if header != list(PROVENANCE_COLUMNS):
        problems.append(
            Problem(PROVENANCE, 1, None, f"columns must be exactly {', '.join(PROVENANCE_COLUMNS)}")
        )
        return
    covered: set[tuple[str, int]] = set()
    for i, row in enumerate(rows, start=2):
        r = dict(zip(header, row, strict=False))
        key = (r.get("table", ""), int(r["line"]) if _INT.fullmatch(r.get("line", "")) else -1)
        if key[0] not in lines or key[1] not in lines[key[0]]:
            problems.append(
                Problem(PROVENANCE, i, "line", "points at no staged row", f"{key[0]}:{key[1]}")
            )
        covered.add(key)
        if r.get("extractor_version") != version:
            problems.append(
                Problem(
                    PROVENANCE,
                    i,
                    "extractor_version",
                    f"differs from {MARKER} ({version})",
                    r.get("extractor_version"),
                )
            )
        try:
            conf = float(r.get("confidence", ""))
        except ValueError:
            conf = -1.0
        if not FACT_THRESHOLD <= conf <= 1:
            problems.append(
                Problem(
                    PROVENANCE,
                    i,
                    "confidence",
                    f"must lie in [{FACT_THRESHOLD}, 1] for a staged value",
                    r.get("confidence"),
                )
            )
    for table, rows_by_line in lines.items():
        for line in rows_by_line:
            if (table, line) not in covered:
                problems.append(
                    Problem(f"{table}.csv", line, None, f"row has no provenance in {PROVENANCE}")
                )


def validate_staging(folder: str | Path) -> list[Problem]:
    """Every problem of a staging folder (an empty list when it may be reviewed for merging).

    Examples
    --------
    >>> from probstats.extract.staging_check import validate_staging
    >>> import tempfile
    >>> [str(p) for p in validate_staging(tempfile.mkdtemp())][:1]
    ['STAGING.json: missing: not a staging folder']
    """
    folder = Path(folder)
    problems: list[Problem] = []
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        version = str(marker["extractor_version"])
    except FileNotFoundError:
        return [Problem(MARKER, None, None, "missing: not a staging folder")]
    except (OSError, ValueError, KeyError, TypeError):
        return [Problem(MARKER, None, None, "unreadable or without extractor_version")]
    lines = {
        t: _check_table(folder, t, problems)
        for t in ("inspections", "staffing", "case_measures", "standard_ratings")
    }
    ids = {r["inspection_id"] for r in lines["inspections"].values()}
    for table in ("staffing", "case_measures", "standard_ratings"):
        for line, r in lines[table].items():
            if r["inspection_id"] and r["inspection_id"] not in ids:
                problems.append(
                    Problem(
                        f"{table}.csv",
                        line,
                        "inspection_id",
                        "not a staged inspection",
                        r["inspection_id"],
                    )
                )
    _check_provenance(folder, version, lines, problems)
    return problems
