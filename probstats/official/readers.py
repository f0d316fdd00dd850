"""Readers for the spreadsheet tables that accompany official statistics (ODS or XLSX).

For an analyst who downloads a newer release of, say, the HMPPS workforce
quarterly: titles, merged header rows, label columns, numbers with GSS shorthand
markers (``[x]``, ``[c]``, ``[z]`` ...) and notes sheets are read into long form
without losing a marker, and :func:`table_to_official` turns the result into rows
of ``data/raw/workforce_official.csv``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from probstats.dataset.vocab import MARKERS, OFFICIAL_MEASURES
from probstats.errors import InvalidArgumentError, UnparsedCellWarning, WorkforceReadError
from probstats.official.load import COLUMNS, canonical_region

__all__ = [
    "marker_meanings",
    "parse_cell",
    "read_notes_sheet",
    "read_official_table",
    "table_to_official",
]

_LEGACY_SYMBOLS = {"..": "..", "-": "-", "–": "-", "—": "-", "*": "*", ":": ".."}

_MARKER_RE = re.compile(r"\[\s*([A-Za-z]{1,3})\s*\]")
_NOTE_RE = re.compile(r"\[\s*note\s*(\d+)\s*\]", re.IGNORECASE)
_NUMBER_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def parse_cell(cell: object) -> tuple[float, str | None]:
    """Split a published table cell into a number and a marker.

    * numbers pass through: ``1234.5`` -> ``(1234.5, None)``;
    * text numbers lose thousands separators and a trailing ``%``;
    * a shorthand marker alone gives NaN: ``"[c]"`` -> ``(nan, "c")``;
    * a number with a marker keeps both: ``"12.3 [p]"`` -> ``(12.3, "p")``;
    * legacy symbols (``..``, ``-``, ``*``) give NaN with the symbol as marker;
    * blank cells give ``(nan, None)`` (nothing was published);
    * any other text gives ``(nan, "unparsed")`` so it is never silently lost.

    Examples
    --------
    >>> from probstats.official.readers import parse_cell
    >>> parse_cell("[x]")
    (nan, 'x')
    >>> parse_cell("1,036.8")
    (1036.8, None)
    >>> parse_cell("7.5% [p]")
    (7.5, 'p')
    """
    if cell is None or (isinstance(cell, float) and math.isnan(cell)) or cell is pd.NA:
        return math.nan, None
    if isinstance(cell, bool):
        return math.nan, "unparsed"
    if isinstance(cell, (int, float, np.integer, np.floating)):
        return float(cell), None
    if isinstance(cell, (dt.date, dt.datetime, pd.Timestamp)):
        return math.nan, "unparsed"
    text = str(cell).strip()
    if not text:
        return math.nan, None
    markers = [m.lower() for m in _MARKER_RE.findall(text)]
    rest = _MARKER_RE.sub("", text).strip()
    marker = ",".join(markers) if markers else None
    if rest in _LEGACY_SYMBOLS and not markers:
        return math.nan, _LEGACY_SYMBOLS[rest]
    if rest.endswith("%"):
        rest = rest[:-1].strip()
    if not rest:
        return math.nan, marker
    if _NUMBER_RE.match(rest):
        return float(rest.replace(",", "")), marker
    return math.nan, "unparsed"


def _engine_for(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".ods":
        return "odf"
    if suffix in (".xlsx", ".xlsm"):
        return "openpyxl"
    raise WorkforceReadError(f"{path}: expected an .ods or .xlsx file, got {suffix!r}")


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, float) and math.isnan(cell)) or str(cell).strip() == ""


def _clean_label(cell: object) -> tuple[str, list[str]]:
    """Header/label text without ``[note N]`` references (returned separately)."""
    if _is_blank(cell):
        return "", []
    text = str(cell.date() if isinstance(cell, pd.Timestamp) else cell)
    notes = _NOTE_RE.findall(text)
    text = _NOTE_RE.sub("", text)
    return re.sub(r"\s+", " ", text).strip(), notes


@dataclass(frozen=True)
class _Layout:
    header_rows: list[int]
    first_data: int
    last_data: int  # inclusive


def _looks_like_data(row: list[object], n_labels: int) -> bool:
    values = row[n_labels:]
    if _is_blank(row[0]) and all(_is_blank(c) for c in row[:n_labels]):
        return False
    seen = False
    for cell in values:
        if _is_blank(cell):
            continue
        number, marker = parse_cell(cell)
        if math.isnan(number) and marker in (None, "unparsed"):
            return False
        seen = True
    return seen


def _find_layout(
    grid: list[list[object]], n_labels: int, n_header_rows: int, header_row: int | None
) -> _Layout:
    if header_row is None:
        first = next(
            (
                i
                for i, row in enumerate(grid)
                if i >= n_header_rows and _looks_like_data(row, n_labels)
            ),
            None,
        )
        if first is None:
            raise WorkforceReadError(
                "no data row found (a row with a label and only numbers or markers); "
                "pass header_row= to say where the header is"
            )
        header_rows = list(range(first - n_header_rows, first))
    else:
        header_rows = list(range(header_row, header_row + n_header_rows))
        first = header_row + n_header_rows
    last = first
    while last + 1 < len(grid) and not all(_is_blank(c) for c in grid[last + 1]):
        last += 1
    return _Layout(header_rows, first, last)


def read_official_table(
    path: str | Path,
    sheet: str | int,
    *,
    n_label_columns: int = 1,
    n_header_rows: int = 1,
    header_row: int | None = None,
    fill_labels: bool = True,
) -> pd.DataFrame:
    """Read one published statistics table (ODS or XLSX) into long form.

    Built for the tables that accompany official statistics such as the HMPPS
    workforce quarterly: a title (and possibly notes) above the header, one or
    more header rows (upper rows may be merged cells spanning several
    columns), label columns on the left, numbers with shorthand markers
    (``[x]``, ``[c]``, ``[z]``, ``[u]``, ``[p]`` ...) and footnotes below a
    blank row. Which layout the HMPPS tables use was **not** visible in the
    public material available when this reader was written: it follows the
    Government Statistical Service conventions for accessible spreadsheets
    (a notes sheet, bracketed shorthand) and the older layout seen in a
    published NOMS staff-in-post table (title row, merged period headings,
    group labels in the first column). Check the result against the sheet.

    Parameters
    ----------
    path
        ``.ods`` (read with the ``odf`` engine) or ``.xlsx`` (``openpyxl``).
    sheet
        Sheet name or 0-based position.
    n_label_columns
        How many left-hand columns hold row labels (e.g. region, grade).
    n_header_rows
        How many rows form the column header; upper rows are forward-filled
        across merged cells and joined with ``" | "``.
    header_row
        0-based row of the (first) header row; found automatically when
        ``None`` as the rows just above the first row whose label is text and
        whose other cells are all numbers or markers. Pass it when header
        cells are themselves numbers (e.g. years).
    fill_labels
        Forward-fill blank label cells (group labels, vertically merged cells).

    Returns
    -------
    pandas.DataFrame
        One row per data cell: the label columns (named from the header),
        ``column`` (the joined header text), ``value`` (float, NaN where a
        marker stands alone or nothing was published), ``marker`` (shorthand
        code or NA), ``raw`` (the cell as published), ``sheet_row`` (1-based
        row as the spreadsheet shows it) and ``sheet_column`` (letter).
        ``attrs`` holds ``title``, ``notes`` (rows above the header),
        ``footnotes`` (rows below the table), ``column_notes`` (``[note N]``
        references per column) and ``sheet``.

    Raises
    ------
    WorkforceReadError
        Unknown file type, or no table found.

    Warns
    -----
    UnparsedCellWarning
        When cells are neither numbers nor markers (kept, marker "unparsed").

    Examples
    --------
    >>> from probstats.official.readers import read_official_table
    >>> import tempfile, openpyxl, pathlib
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Table_1"
    >>> for r in (["Staff in post, FTE"], ["Region", "PO", "PSO"], ["PS Wales", 300.5, "[c]"]):
    ...     ws.append(r)
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"; wb.save(p)
    >>> t = read_official_table(p, "Table_1")
    >>> t[["Region", "column", "value", "marker"]].values.tolist()
    [['PS Wales', 'PO', 300.5, <NA>], ['PS Wales', 'PSO', nan, 'c']]
    """
    path = Path(path)
    grid = _read_grid(path, sheet)
    width = len(grid[0])
    if width < 2:
        raise WorkforceReadError(f"{path} [{sheet}]: no data row found (fewer than two columns)")
    if n_label_columns < 1 or n_label_columns >= width:
        raise WorkforceReadError(f"n_label_columns must be between 1 and {width - 1}")
    layout = _find_layout(grid, n_label_columns, n_header_rows, header_row)
    names, label_names, column_notes = _column_names(grid, layout, n_label_columns)
    records, unparsed = _records(grid, layout, names, label_names, n_label_columns, fill_labels)
    if unparsed:
        warnings.warn(
            f"{path.name} [{sheet}]: {len(unparsed)} cell(s) are neither numbers nor "
            f"markers, kept with marker 'unparsed': {', '.join(unparsed[:10])}",
            UnparsedCellWarning,
            stacklevel=2,
        )
    out = pd.DataFrame.from_records(
        records,
        columns=[*label_names, "column", "value", "marker", "raw", "sheet_row", "sheet_column"],
    )
    out["value"] = out["value"].astype(float)
    out["marker"] = out["marker"].astype("string")
    title_cells = [c for c in grid[0] if not _is_blank(c)] if layout.header_rows[0] > 0 else []
    above = [_row_text(grid[i]) for i in range(1, layout.header_rows[0])]
    below = [_row_text(row) for row in grid[layout.last_data + 1 :]]
    out.attrs.update(
        title=" ".join(str(c).strip() for c in title_cells),
        notes=[a for a in above if a],
        footnotes=[b for b in below if b],
        column_notes=column_notes,
        sheet=sheet,
    )
    return out


def _row_text(row: list[object]) -> str:
    return " ".join(str(c).strip() for c in row if not _is_blank(c))


def _read_grid(path: Path, sheet: str | int) -> list[list[object]]:
    """The sheet as a rectangular list of rows (blank cells as ``None``)."""
    engine = _engine_for(path)
    if not path.is_file():
        raise WorkforceReadError(f"{path}: file not found")
    raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine=engine)
    grid = [[None if _is_blank(c) else c for c in row] for row in raw.itertuples(index=False)]
    if not grid:
        raise WorkforceReadError(f"{path} [{sheet}]: the sheet is empty")
    width = max(len(r) for r in grid)
    return [r + [None] * (width - len(r)) for r in grid]


def _column_names(
    grid: list[list[object]], layout: _Layout, n_label_columns: int
) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """Column names from the header rows: merged upper headings forward-filled across
    their columns and joined with ``" | "``; ``[note N]`` references set aside."""
    width = len(grid[0])
    headers: list[list[str]] = []
    per_col_notes: list[list[str]] = [[] for _ in range(width)]
    for k, r in enumerate(layout.header_rows):
        texts = []
        last, last_notes = "", []
        upper = k < len(layout.header_rows) - 1
        for j in range(width):
            text, notes = _clean_label(grid[r][j])
            if upper and not text and j >= n_label_columns:
                # a merged heading (and its note references) covers this column too
                text, notes = last, last_notes
            if text:
                last, last_notes = text, notes
            per_col_notes[j].extend(notes)
            texts.append(text)
        headers.append(texts)
    names: list[str] = []
    column_notes: dict[str, list[str]] = {}
    for j in range(width):
        parts = [h[j] for h in headers if h[j]]
        # drop repeats from vertical merges ("Region" over "Region")
        dedup = [p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1]]
        name = " | ".join(dedup) if dedup else f"column_{_col_letter(j)}"
        names.append(name)
        if per_col_notes[j]:
            column_notes[name] = per_col_notes[j]
    label_names = names[:n_label_columns]
    seen: dict[str, int] = {}
    for j, n in enumerate(list(names)):
        seen[n] = seen.get(n, 0) + 1
        if seen[n] > 1:
            names[j] = f"{n} ({_col_letter(j)})"
    return names, label_names, column_notes


def _records(grid, layout, names, label_names, n_label_columns, fill_labels):
    """One record per data cell, with its labels; unparsed cells listed by address."""
    width = len(grid[0])
    records, unparsed = [], []
    labels_prev = [None] * n_label_columns
    for i in range(layout.first_data, layout.last_data + 1):
        row = grid[i]
        labels = []
        for j in range(n_label_columns):
            text, _ = _clean_label(row[j])
            if not text and fill_labels:
                text = labels_prev[j] or ""
            labels.append(text)
        labels_prev = labels
        if all(_is_blank(c) for c in row[n_label_columns:]):
            continue  # a group heading row: its label was carried down
        for j in range(n_label_columns, width):
            cell = row[j]
            value, marker = parse_cell(cell)
            if marker == "unparsed":
                unparsed.append(f"{_col_letter(j)}{i + 1}={cell!r}")
            rec = dict(zip(label_names, labels, strict=True))
            rec.update(
                column=names[j],
                value=value,
                marker=marker,
                raw=None if _is_blank(cell) else str(cell),
                sheet_row=i + 1,
                sheet_column=_col_letter(j),
            )
            records.append(rec)
    return records, unparsed


def read_notes_sheet(path: str | Path, sheet: str | int = "Notes") -> pd.DataFrame:
    """Read a publication's notes sheet into ``note`` and ``text`` columns.

    The header is the first row whose first cell starts with "note" or
    "symbol"/"shorthand" (e.g. "Note number"); rows above it (title,
    instructions) are skipped. Shorthand definitions found in the text (such
    as "[c] = suppressed") are returned by :func:`marker_meanings`.

    Examples
    --------
    >>> from probstats.official.readers import read_notes_sheet
    >>> import tempfile, openpyxl, pathlib
    >>> wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Notes"
    >>> for r in (["Notes"], ["Note number", "Note text"], ["note 1", "FTE at month end"]):
    ...     ws.append(r)
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "n.xlsx"; wb.save(p)
    >>> read_notes_sheet(p).values.tolist()
    [['note 1', 'FTE at month end']]
    """
    path = Path(path)
    raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine=_engine_for(path))
    rows = [[c for c in r if not _is_blank(c)] for r in raw.itertuples(index=False)]
    start = next(
        (
            i
            for i, r in enumerate(rows)
            if r and re.match(r"^(note|symbol|shorthand)", str(r[0]).strip(), re.I) and len(r) >= 2
        ),
        None,
    )
    if start is None:
        raise WorkforceReadError(f"{path} [{sheet}]: no header row starting with 'Note' found")
    out = [
        (str(r[0]).strip(), " ".join(str(c).strip() for c in r[1:]))
        for r in rows[start + 1 :]
        if len(r) >= 2
    ]
    return pd.DataFrame(out, columns=["note", "text"])


def marker_meanings(notes: pd.DataFrame | None = None) -> dict[str, str]:
    """Shorthand meanings: GSS defaults overridden by a notes sheet's own.

    A notes row defines a marker when its ``note`` cell is a bracketed code
    ("[c]") or its text reads like "[c] = suppressed to protect confidentiality".

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.official.readers import marker_meanings
    >>> notes = pd.DataFrame({"note": ["[c]"], "text": ["suppressed: fewer than 5 staff"]})
    >>> marker_meanings(notes)["c"]
    'suppressed: fewer than 5 staff'
    """
    meanings = dict(MARKERS)
    if notes is None:
        return meanings
    for note, text in zip(notes["note"].astype(str), notes["text"].astype(str), strict=True):
        m = _MARKER_RE.fullmatch(note.strip())
        if m:
            meanings[m.group(1).lower()] = text.strip()
            continue
        for code, meaning in re.findall(r"\[\s*([A-Za-z]{1,3})\s*\]\s*[=:\-–]\s*([^;\[]+)", text):
            meanings[code.lower()] = meaning.strip().rstrip(".")
    return meanings


def table_to_official(
    table: pd.DataFrame,
    *,
    geography_column: str,
    measure: str,
    unit: str,
    period_as_at: str,
    source_url: str,
    publication: str,
    publication_date: str = "",
    grade: str | Mapping[str, str] = "all",
    grade_column: str = "column",
    geography_type: str = "region",
    publisher: str = "Ministry of Justice",
    licence: str = "OGL-3.0",
) -> pd.DataFrame:
    """Turn :func:`read_official_table` output into rows of the official table.

    ``grade`` is one grade for every row, or a mapping from the values of
    ``grade_column`` (by default the column header, e.g. "Band 4 Probation
    Officer") to grades; cells whose header is not in the mapping are left
    out, and the number left out is recorded in ``attrs["dropped_cells"]``.
    Markers are carried into the ``marker`` column with an empty ``value``.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.official.readers import table_to_official
    >>> t = pd.DataFrame({"Region": ["PS Wales"], "column": ["PO"], "value": [300.5],
    ...                   "marker": pd.array([pd.NA], dtype="string")})
    >>> rows = table_to_official(t, geography_column="Region", measure="staff_in_post_fte",
    ...     unit="FTE", period_as_at="2024-03-31", source_url="https://www.gov.uk/x",
    ...     publication="HMPPS workforce quarterly", grade={"PO": "PO"})
    >>> rows[["geography", "region_canonical", "grade", "value"]].values.tolist()
    [['PS Wales', 'Wales', 'PO', '300.5']]
    """
    if measure not in OFFICIAL_MEASURES:
        raise InvalidArgumentError(
            f"unknown measure {measure!r}; allowed: {', '.join(OFFICIAL_MEASURES)}"
        )
    frame = table.copy()
    if isinstance(grade, str):
        frame["_grade"] = grade
    else:
        frame["_grade"] = frame[grade_column].map(grade)
    dropped = int(frame["_grade"].isna().sum())
    frame = frame[frame["_grade"].notna()]

    def fmt(v: float) -> str:
        return "" if pd.isna(v) else (f"{v:.0f}" if float(v).is_integer() else repr(float(v)))

    out = pd.DataFrame(
        {
            "source_url": source_url,
            "source_type": "primary",
            "publisher": publisher,
            "publication": publication,
            "publication_date": publication_date,
            "period_start": "",
            "period_as_at": period_as_at,
            "geography_type": geography_type,
            "geography": frame[geography_column].astype(str).to_numpy(),
            "region_canonical": [canonical_region(g) or "" for g in frame[geography_column]],
            "grade": frame["_grade"].to_numpy(),
            "measure": measure,
            "value": [fmt(v) for v in frame["value"]],
            "unit": unit,
            "qualifier": "",
            "marker": frame["marker"].fillna("").astype(str).to_numpy(),
            "licence": licence,
            "notes": "",
        },
        columns=list(COLUMNS),
    )
    out.attrs["dropped_cells"] = dropped
    return out
