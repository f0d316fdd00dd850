"""Official workforce and caseload statistics beside the Inspectorate's figures.

Four jobs, one theme (official staffing quantities by region and time):

* :func:`load_official` reads and checks ``data/raw/workforce_official.csv``,
  the long table of figures copied exactly from HMPPS workforce bulletins,
  offender management statistics and parliamentary answers.
* :func:`read_official_table` and :func:`read_notes_sheet` read the
  spreadsheet tables those publications ship (ODS or XLSX) for an analyst who
  downloads a newer release, keeping suppression and shorthand markers.
* :func:`attach_regional_staffing` gives each inspection the official figure
  for its region as at the latest date **at or before** fieldwork, never a
  later one.
* Derived measures with stated formulas (:func:`po_pso_ratio`,
  :func:`po_share_of_practitioners`, :func:`staffing_pct_of_target`,
  :func:`sickness_days_per_fte`, :func:`caseload_per_practitioner_fte`).

Official figures describe a whole region (or the nation); an inspection
describes one unit at one time. Putting them side by side shows association at
best: nothing here supports a causal reading.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from probstats.dataset import vocab
from probstats.dataset.dates import parse_partial_date
from probstats.dataset.paths import data_dir
from probstats.errors import (
    DataValidationError,
    FallbackDateWarning,
    InvalidArgumentError,
    PartialDateError,
    Problem,
    UnparsedCellWarning,
    WorkforceReadError,
)

# ---------------------------------------------------------------------------
# Vocabulary of the official table
# ---------------------------------------------------------------------------

#: Columns of ``data/raw/workforce_official.csv``, in file order.
COLUMNS: tuple[str, ...] = (
    "source_url",
    "source_type",
    "publisher",
    "publication",
    "publication_date",
    "period_start",
    "period_as_at",
    "geography_type",
    "geography",
    "region_canonical",
    "grade",
    "measure",
    "value",
    "unit",
    "qualifier",
    "marker",
    "licence",
    "notes",
)

#: Kinds of geography a figure is published for.
GEOGRAPHY_TYPES: tuple[str, ...] = (
    "national",  # England and Wales, or the whole Probation Service / NPS
    "country",  # England or Wales separately
    "region",  # one of the 12 probation regions (or a pre-2021 NPS division)
    "PDU",  # probation delivery unit
    "LDU cluster",  # pre-2021 local delivery unit cluster
    "other",  # a regional function (Approved Premises, headquarters, ...)
)

#: Grades used in the official table (the project's staffing grades).
GRADES: tuple[str, ...] = vocab.GRADES

#: Measures: code -> (expected unit, meaning). Codes carry the basis (FTE or headcount).
MEASURES: dict[str, tuple[str, str]] = {
    "staff_in_post_fte": ("FTE", "Staff in post, full-time equivalent"),
    "staff_in_post_headcount": ("people", "Staff in post, headcount"),
    "staff_in_post": ("people", "Staff in post, FTE or headcount not stated"),
    "staff_in_post_fte_average": ("FTE", "Average staff in post over the period, FTE"),
    "staff_in_post_fte_courts": ("FTE", "Staff in post in the courts function, FTE"),
    "target_staffing_fte": ("FTE", "Target (required) staffing, FTE"),
    "staffing_pct_target": ("percent", "Staff in post as a percentage of target"),
    "staffing_shortfall_fte": ("FTE", "Target staffing minus staff in post, FTE"),
    "vacancy_rate": ("percent", "Percentage of posts vacant"),
    "vacancies_fte": ("FTE", "Vacant posts, FTE"),
    "vacancies": ("posts", "Vacant posts, basis not stated"),
    "joiners": ("people", "Staff who joined in the period"),
    "leavers": ("people", "Staff who left in the period, basis not stated"),
    "leavers_headcount": ("people", "Staff who left in the period, headcount"),
    "leaving_rate": ("percent", "Leavers as a percentage of average staff in post (12 months)"),
    "resignations_long_service": ("people", "Resignations of staff with long service"),
    "sickness_days_per_fte": ("days", "Average working days lost to sickness per FTE"),
    "sickness_days_lost": ("days", "Total working days lost to sickness"),
    "sickness_days_lost_stress": ("days", "Working days lost to stress-related sickness"),
    "sickness_days_per_fte_stress": ("days", "Working days lost to stress per FTE"),
    "caseload_total": ("people", "People under probation supervision"),
    "caseload_average": ("cases", "Average cases per practitioner"),
}

#: Units allowed in the ``unit`` column.
UNITS: tuple[str, ...] = ("FTE", "people", "posts", "percent", "days", "cases")

LICENCES: tuple[str, ...] = (
    "OGL-3.0",
    "Open Parliament Licence",
    "not stated (third-party page)",
)

#: GSS / StatsWales shorthand for labelling data values in statistical tables.
MARKERS: dict[str, str] = {
    "a": "average",
    "b": "break in time series",
    "c": "confidential (suppressed)",
    "e": "estimated",
    "f": "forecast",
    "k": "low figure that rounds to zero",
    "ns": "not statistically significant",
    "p": "provisional",
    "r": "revised",
    "s": "statistically significant at the 5% level",
    "ss": "statistically significant at the 1% level",
    "sss": "statistically significant at the 0.1% level",
    "t": "total",
    "u": "low reliability",
    "w": "none recorded in survey",
    "x": "not available",
    "z": "not applicable",
    # Symbols used in older, pre-accessibility tables; their meaning is the one
    # the table's own notes give, so these are only the usual readings.
    "..": "not available (legacy symbol)",
    "-": "nil or not applicable (legacy symbol)",
    "*": "suppressed (legacy symbol)",
    "unparsed": "cell text is neither a number nor a known marker: see the raw column",
}

_LEGACY_SYMBOLS = {"..": "..", "-": "-", "–": "-", "—": "-", "*": "*", ":": ".."}

_REGION_ALIASES: dict[str, str] = {}
for _region in vocab.REGIONS:
    _REGION_ALIASES[_region.lower()] = _region
_REGION_ALIASES.update(
    {
        "kent surrey and sussex": "Kent, Surrey and Sussex",
        "kss": "Kent, Surrey and Sussex",
        "yorkshire and humber": "Yorkshire and the Humber",
        "yorkshire and humberside": "Yorkshire and the Humber",
        "yorkshire & the humber": "Yorkshire and the Humber",
        "london probation service": "London",
        "wales probation service": "Wales",
    }
)


def canonical_region(name: object) -> str | None:
    """Map a published region name to one of the 12 probation regions.

    Accepts the forms official tables and answers use ("PS Kent, Surrey &
    Sussex", "Probation Service - London", "NPS Wales"). Returns ``None`` when
    the name is not unambiguously one region (e.g. "South East" from the
    pre-2010 geography, or a PDU name).

    Examples
    --------
    >>> canonical_region("PS Yorkshire & the Humber")
    'Yorkshire and the Humber'
    >>> canonical_region("PS Kent, Surrey & Sussex")
    'Kent, Surrey and Sussex'
    >>> canonical_region("South East") is None
    True
    """
    if not isinstance(name, str):
        return None
    key = name.strip().lower()
    key = re.sub(r"^(hmpps|nps|ps|probation service)\s*[-:]?\s+", "", key)
    key = re.sub(r"\s+(region|division|probation service|probation)$", "", key)
    if key in _REGION_ALIASES:
        return _REGION_ALIASES[key]
    key = key.replace("&", "and")
    key = re.sub(r"[^a-z ]+", " ", key)
    key = re.sub(r"\s+", " ", key).strip()
    if key in _REGION_ALIASES:
        return _REGION_ALIASES[key]
    for region in vocab.REGIONS:
        if key == re.sub(r"[^a-z ]+", " ", region.lower()).replace("  ", " ").strip():
            return region
    return None


# ---------------------------------------------------------------------------
# The harvested official table
# ---------------------------------------------------------------------------


def _period_bounds(text: str) -> tuple[dt.date, dt.date, str]:
    """First and last day of a stated period plus its precision."""
    pdate = parse_partial_date(text)
    return pdate.start, pdate.end, pdate.precision


def validate_official(frame: pd.DataFrame, file: str = "workforce_official.csv") -> None:
    """Check the official table as read from CSV (all cells as strings).

    Every failing cell is reported with its line number (header = line 1).

    Raises
    ------
    DataValidationError
        Listing every problem found.

    Examples
    --------
    >>> validate_official(pd.DataFrame(columns=list(COLUMNS)))
    """
    problems: list[Problem] = []
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataValidationError(
            [Problem(file, None, c, "required column is missing") for c in missing]
        )
    allowed = {
        "source_type": vocab.SOURCE_TYPES,
        "geography_type": GEOGRAPHY_TYPES,
        "grade": GRADES,
        "measure": tuple(MEASURES),
        "unit": UNITS,
        "qualifier": vocab.QUALIFIERS,
        "licence": LICENCES,
    }
    for pos, (_, row) in enumerate(frame.iterrows()):
        line = pos + 2

        def bad(column: str, message: str, value: object = None, _line: int = line) -> None:
            problems.append(Problem(file, _line, column, message, value))

        for col in ("source_url", "source_type", "publisher", "geography_type", "geography"):
            if not str(row[col]).strip():
                bad(col, "required value is empty")
        for url in str(row["source_url"]).split(" ; "):
            if url and not re.match(r"^https?://\S+$", url):
                bad("source_url", "not a URL", url)
        for col, values in allowed.items():
            text = str(row[col])
            if text and text not in values:
                bad(
                    col, f"not an allowed value; allowed: {', '.join(v for v in values if v)}", text
                )
        if not str(row["period_as_at"]).strip():
            bad("period_as_at", "required value is empty")
        for col in ("publication_date", "period_start", "period_as_at"):
            text = str(row[col]).strip()
            if text:
                try:
                    parse_partial_date(text)
                except PartialDateError as exc:
                    bad(col, str(exc), text)
        region = str(row["region_canonical"])
        if region and region not in vocab.REGIONS:
            bad("region_canonical", "not one of the 12 probation regions", region)
        value, marker = str(row["value"]).strip(), str(row["marker"]).strip()
        if value:
            if not re.match(r"^-?\d+(\.\d+)?$", value):
                bad("value", "not a plain number (no thousands separators or symbols)", value)
        elif not marker:
            bad("value", "empty value needs a marker saying why (e.g. x, c, z)")
        if marker and marker not in MARKERS:
            bad("marker", "unknown marker", marker)
        measure = str(row["measure"])
        if measure in MEASURES and value and re.match(r"^-?\d+(\.\d+)?$", value):
            if float(value) < 0:
                bad("value", "negative value", value)
            unit = str(row["unit"])
            if MEASURES[measure][0] == "percent" and unit != "percent":
                bad("unit", f"measure {measure} is a percentage", unit)
        start, end = str(row["period_start"]).strip(), str(row["period_as_at"]).strip()
        if start and end:
            try:
                if _period_bounds(start)[0] > _period_bounds(end)[1]:
                    bad("period_start", "period starts after it ends", start)
            except PartialDateError:
                pass
    if problems:
        raise DataValidationError(problems)


def load_official(path: str | Path | None = None, *, validate: bool = True) -> pd.DataFrame:
    """Read the official workforce table with typed columns.

    Parameters
    ----------
    path
        CSV file; default ``data/raw/workforce_official.csv``.
    validate
        Check every cell first (:func:`validate_official`).

    Returns
    -------
    pandas.DataFrame
        The file's columns (``value`` as float) plus ``period_end`` (last day of
        the stated ``period_as_at``: "2023-09" ends 2023-09-30),
        ``period_precision``, ``publication_end`` (last day of the stated
        publication date, NaT if unknown) and ``period_start_date``.

    Examples
    --------
    >>> official = load_official()
    >>> start = official["period_start_date"].fillna(official["period_end"])
    >>> bool((official["period_end"] >= start).all())
    True
    """
    file = Path(path) if path is not None else data_dir("raw") / "workforce_official.csv"
    frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
    if validate:
        validate_official(frame, file=str(file))
    out = frame.copy()
    out["value"] = pd.to_numeric(out["value"].replace("", np.nan))
    bounds = [_period_bounds(t) for t in out["period_as_at"]]
    out["period_end"] = pd.to_datetime([b[1] for b in bounds])
    out["period_precision"] = [b[2] for b in bounds]
    out["period_start_date"] = pd.to_datetime(
        [_period_bounds(t)[0] if t else pd.NaT for t in out["period_start"]]
    )
    out["publication_end"] = pd.to_datetime(
        [_period_bounds(t)[1] if t else pd.NaT for t in out["publication_date"]]
    )
    return out


# ---------------------------------------------------------------------------
# Readers for published spreadsheet tables
# ---------------------------------------------------------------------------

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
    engine = _engine_for(path)
    if not path.is_file():
        raise WorkforceReadError(f"{path}: file not found")
    raw = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine=engine)
    grid = [[None if _is_blank(c) else c for c in row] for row in raw.itertuples(index=False)]
    if not grid:
        raise WorkforceReadError(f"{path} [{sheet}]: the sheet is empty")
    width = max(len(r) for r in grid)
    grid = [r + [None] * (width - len(r)) for r in grid]
    if width < 2:
        raise WorkforceReadError(f"{path} [{sheet}]: no data row found (fewer than two columns)")
    if n_label_columns < 1 or n_label_columns >= width:
        raise WorkforceReadError(f"n_label_columns must be between 1 and {width - 1}")
    layout = _find_layout(grid, n_label_columns, n_header_rows, header_row)

    # Column headers: forward-fill merged upper header rows across columns.
    headers: list[list[str]] = []
    column_notes: dict[str, list[str]] = {}
    per_col_notes: list[list[str]] = [[] for _ in range(width)]
    for k, r in enumerate(layout.header_rows):
        texts = []
        last, last_notes = "", []
        for j in range(width):
            text, notes = _clean_label(grid[r][j])
            upper = k < len(layout.header_rows) - 1
            if upper and not text and j >= n_label_columns:
                # A merged heading (and its note references) covers this column too.
                text, notes = last, last_notes
            if text:
                last, last_notes = text, notes
            per_col_notes[j].extend(notes)
            texts.append(text)
        headers.append(texts)
    names: list[str] = []
    for j in range(width):
        parts = [h[j] for h in headers if h[j]]
        # Drop repeats from vertical merges ("Region" over "Region").
        dedup = [p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1]]
        name = " | ".join(dedup) if dedup else f"column_{_col_letter(j)}"
        names.append(name)
        if per_col_notes[j]:
            column_notes[name] = per_col_notes[j]
    label_names = names[:n_label_columns]
    if len(set(names)) != len(names):
        seen: dict[str, int] = {}
        for j, n in enumerate(names):
            seen[n] = seen.get(n, 0) + 1
            if seen[n] > 1:
                names[j] = f"{n} ({_col_letter(j)})"

    title_cells = [c for c in grid[0] if not _is_blank(c)] if layout.header_rows[0] > 0 else []
    above = [
        " ".join(str(c).strip() for c in grid[i] if not _is_blank(c))
        for i in range(1, layout.header_rows[0])
    ]
    below = [
        " ".join(str(c).strip() for c in row if not _is_blank(c))
        for row in grid[layout.last_data + 1 :]
    ]

    records = []
    unparsed = []
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
    out.attrs.update(
        title=" ".join(str(c).strip() for c in title_cells),
        notes=[a for a in above if a],
        footnotes=[b for b in below if b],
        column_notes=column_notes,
        sheet=sheet,
    )
    return out


def read_notes_sheet(path: str | Path, sheet: str | int = "Notes") -> pd.DataFrame:
    """Read a publication's notes sheet into ``note`` and ``text`` columns.

    The header is the first row whose first cell starts with "note" or
    "symbol"/"shorthand" (e.g. "Note number"); rows above it (title,
    instructions) are skipped. Shorthand definitions found in the text (such
    as "[c] = suppressed") are returned by :func:`marker_meanings`.

    Examples
    --------
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
    >>> t = pd.DataFrame({"Region": ["PS Wales"], "column": ["PO"], "value": [300.5],
    ...                   "marker": pd.array([pd.NA], dtype="string")})
    >>> rows = table_to_official(t, geography_column="Region", measure="staff_in_post_fte",
    ...     unit="FTE", period_as_at="2024-03-31", source_url="https://www.gov.uk/x",
    ...     publication="HMPPS workforce quarterly", grade={"PO": "PO"})
    >>> rows[["geography", "region_canonical", "grade", "value"]].values.tolist()
    [['PS Wales', 'Wales', 'PO', '300.5']]
    """
    if measure not in MEASURES:
        raise InvalidArgumentError(f"unknown measure {measure!r}; allowed: {', '.join(MEASURES)}")
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


# ---------------------------------------------------------------------------
# Join: official regional figure at or before fieldwork
# ---------------------------------------------------------------------------

_REFERENCE = Literal["fieldwork_start", "publication_date"]


def _source_rank(frame: pd.DataFrame) -> pd.Series:
    # Lower is preferred: primary before secondary, exact before qualified.
    return (frame["source_type"] != "primary").astype(int) * 2 + (frame["qualifier"] != "").astype(
        int
    )


def attach_regional_staffing(
    inspections: pd.DataFrame,
    official: pd.DataFrame,
    measure: str,
    grade: str = "all",
    *,
    geography_type: Literal["region", "national"] = "region",
    reference: _REFERENCE = "fieldwork_start",
    fallback: _REFERENCE | None = "publication_date",
    require_published_before: bool = False,
    max_lag_days: int | None = None,
    include_secondary: bool = True,
    name: str | None = None,
) -> pd.DataFrame:
    """Attach to each inspection the latest official figure at or before fieldwork.

    For every inspection, the reference date is ``fieldwork_start`` (or, when
    that is unknown, ``fallback``: the publication date, flagged in the
    ``<name>_date_used`` column). The figure attached is the one for the
    inspection's region (or the national one) whose stated period **ends**
    on or before the **first day** of the reference period: "2023-09" counts
    as 30 September 2023 and fieldwork "2023-09" as 1 September 2023, so a
    figure from the same month is not used. A figure dated after the
    reference date is never used.

    Parameters
    ----------
    inspections
        Needs ``region`` and the reference date columns (datetime64, as from
        :func:`probstats.dataset.loaders.load_inspections`, where a partial date is
        the first day of its period).
    official
        As returned by :func:`load_official`.
    measure, grade
        Which official series to attach (e.g. ``"vacancies_fte"``, ``"all"``).
    geography_type
        ``"region"`` matches ``region_canonical`` to the inspection's region;
        ``"national"`` attaches the national series to every inspection.
    reference, fallback
        Date column used, and the one used when it is missing (``None``: no
        fallback).
    require_published_before
        Also require the figure's publication date to be on or before the
        reference date (what was *known* at fieldwork, not only what was
        *true*); figures without a publication date are then not used.
    max_lag_days
        Do not attach figures older than this many days.
    include_secondary
        Use figures whose ``source_type`` is "secondary".
    name
        Prefix of the new columns; default ``"<measure>_<grade>"``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``inspections`` with columns ``<name>`` (value),
        ``<name>_as_at`` (end of the figure's period), ``<name>_lag_days``,
        ``<name>_date_used`` ("fieldwork_start", "publication_date" or NA),
        ``<name>_qualifier``, ``<name>_source_url`` and ``<name>_status``
        (``matched``, ``no_region``, ``no_date``, ``no_earlier_figure``,
        ``too_old``). Where several figures share the latest date, a primary
        exact figure wins over a secondary or approximate one.

    Warns
    -----
    FallbackDateWarning
        When the fallback date was used for some inspections.

    Examples
    --------
    >>> insp = pd.DataFrame({"inspection_id": ["a"], "region": ["London"],
    ...     "fieldwork_start": pd.to_datetime(["2024-02-05"]),
    ...     "publication_date": pd.to_datetime(["2024-05-01"])})
    >>> out = attach_regional_staffing(insp, load_official(), "vacancies_fte")
    >>> cols = ["vacancies_fte_all", "vacancies_fte_all_as_at", "vacancies_fte_all_lag_days"]
    >>> out[cols].values.tolist()
    [[457.0, Timestamp('2023-09-30 00:00:00'), 128]]
    """
    if measure not in MEASURES:
        raise InvalidArgumentError(f"unknown measure {measure!r}; allowed: {', '.join(MEASURES)}")
    if geography_type not in ("region", "national"):
        raise InvalidArgumentError("geography_type must be 'region' or 'national'")
    needed = (
        {reference}
        | ({fallback} if fallback else set())
        | ({"region"} if geography_type == "region" else set())
    )
    missing = sorted(c for c in needed if c not in inspections.columns)
    if missing:
        raise InvalidArgumentError(f"inspections lack column(s): {', '.join(missing)}")
    name = name or f"{measure}_{grade.lower()}"

    series = official[(official["measure"] == measure) & (official["grade"] == grade)]
    series = series[series["geography_type"] == geography_type]
    series = series[series["value"].notna()]
    if not include_secondary:
        series = series[series["source_type"] == "primary"]
    if geography_type == "region":
        series = series[series["region_canonical"] != ""]
    series = series.assign(_rank=_source_rank(series)).sort_values(
        ["period_end", "_rank", "source_url"], ascending=[True, False, False], kind="mergesort"
    )
    groups: dict[str, pd.DataFrame] = (
        {k: g for k, g in series.groupby("region_canonical")}
        if geography_type == "region"
        else {"": series}
    )

    out = inspections.copy()
    values, as_at, lags, used, quals, urls, status = [], [], [], [], [], [], []
    n_fallback = 0
    for _, row in inspections.iterrows():
        ref = row[reference]
        how: str | None = reference
        if pd.isna(ref) and fallback is not None:
            ref, how = row[fallback], fallback
            if not pd.isna(ref):
                n_fallback += 1
        empty = (math.nan, pd.NaT, pd.NA, pd.NA, pd.NA, pd.NA)
        if pd.isna(ref):
            result, st, how = empty, "no_date", None
        else:
            ref = pd.Timestamp(ref).normalize()
            key = row["region"] if geography_type == "region" else ""
            group = groups.get(key) if isinstance(key, str) else None
            if geography_type == "region" and (not isinstance(key, str) or key == ""):
                result, st = empty, "no_region"
            elif group is None or group.empty:
                result, st = empty, "no_earlier_figure"
            else:
                ok = group[group["period_end"] <= ref]
                if require_published_before:
                    ok = ok[ok["publication_end"].notna() & (ok["publication_end"] <= ref)]
                if ok.empty:
                    result, st = empty, "no_earlier_figure"
                else:
                    best = ok.iloc[-1]
                    lag = int((ref - best["period_end"]).days)
                    if max_lag_days is not None and lag > max_lag_days:
                        result, st = empty, "too_old"
                    else:
                        result = (
                            best["value"],
                            best["period_end"],
                            lag,
                            best["qualifier"],
                            best["source_url"],
                            None,
                        )
                        st = "matched"
        values.append(result[0])
        as_at.append(result[1])
        lags.append(result[2])
        quals.append(result[3])
        urls.append(result[4])
        used.append(how if st != "no_date" else pd.NA)
        status.append(st)
    out[name] = pd.Series(values, index=out.index, dtype=float)
    out[f"{name}_as_at"] = pd.to_datetime(pd.Series(as_at, index=out.index))
    out[f"{name}_lag_days"] = pd.Series(lags, index=out.index, dtype="Int64")
    out[f"{name}_date_used"] = pd.Series(used, index=out.index, dtype="string")
    out[f"{name}_qualifier"] = pd.Series(quals, index=out.index, dtype="string")
    out[f"{name}_source_url"] = pd.Series(urls, index=out.index, dtype="string")
    out[f"{name}_status"] = pd.Series(status, index=out.index, dtype="string")
    if n_fallback:
        warnings.warn(
            f"{n_fallback} inspection(s) had no {reference}; {fallback} was used instead "
            f"(see column {name}_date_used)",
            FallbackDateWarning,
            stacklevel=2,
        )
    return out


# ---------------------------------------------------------------------------
# Derived measures
# ---------------------------------------------------------------------------


def _arr(x: object, what: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if np.any(a[~np.isnan(a)] < 0):
        raise InvalidArgumentError(f"{what} must not be negative")
    return a


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return np.where(den == 0, np.nan, out)


def _shape_like(result: np.ndarray, *inputs: object) -> object:
    for x in inputs:
        if isinstance(x, pd.Series):
            return pd.Series(result, index=x.index)
    return float(result) if result.ndim == 0 else result


def po_pso_ratio(po_fte: object, pso_fte: object) -> object:
    """Probation officers per probation services officer.

    Formula: ``PO FTE / PSO FTE``; NaN where PSO FTE is 0 or missing.
    Band 3 PSO counts include trainee probation officers, so the ratio falls
    when trainee intakes rise even if qualified numbers do not change.

    Examples
    --------
    >>> round(po_pso_ratio(4418, 6801), 4)
    0.6496
    """
    po, pso = _arr(po_fte, "PO FTE"), _arr(pso_fte, "PSO FTE")
    return _shape_like(_ratio(po, pso), po_fte, pso_fte)


def po_share_of_practitioners(po_fte: object, pso_fte: object) -> object:
    """Probation officers as a percentage of practitioners (PO + PSO).

    Formula: ``100 * PO FTE / (PO FTE + PSO FTE)``; NaN if both are 0.

    Examples
    --------
    >>> round(po_share_of_practitioners(5519, 5213), 2)
    51.43
    """
    po, pso = _arr(po_fte, "PO FTE"), _arr(pso_fte, "PSO FTE")
    return _shape_like(100 * _ratio(po, po + pso), po_fte, pso_fte)


def staffing_pct_of_target(in_post_fte: object, target_fte: object) -> object:
    """Staff in post as a percentage of target staffing.

    Formula: ``100 * staff in post FTE / target FTE`` (may exceed 100); NaN
    where the target is 0 or missing.

    Examples
    --------
    >>> staffing_pct_of_target(70, 100)
    70.0
    """
    a, t = _arr(in_post_fte, "staff in post"), _arr(target_fte, "target")
    return _shape_like(100 * _ratio(a, t), in_post_fte, target_fte)


def sickness_days_per_fte(days_lost: object, average_fte: object) -> object:
    """Average working days lost to sickness per full-time equivalent.

    Formula: ``working days lost in the period / average FTE in post over the
    period`` (the definition the Ministry of Justice states for its workforce
    statistics, normally over 12 months).

    Examples
    --------
    >>> round(sickness_days_per_fte(1373, 17460), 3)
    0.079
    """
    d, f = _arr(days_lost, "days lost"), _arr(average_fte, "average FTE")
    return _shape_like(_ratio(d, f), days_lost, average_fte)


def caseload_per_practitioner_fte(caseload: object, po_fte: object, pso_fte: object) -> object:
    """People on probation per practitioner FTE.

    Formula: ``caseload / (PO FTE + PSO FTE)``. Caseload counts each person
    once; not every PO or PSO holds a caseload (courts, programmes, trainees
    with protected caseloads), so this is a crude pressure index, not the
    caseload an officer actually carries.

    Examples
    --------
    >>> round(caseload_per_practitioner_fte(239015, 5160, 5908), 2)
    21.6
    """
    c = _arr(caseload, "caseload")
    po, pso = _arr(po_fte, "PO FTE"), _arr(pso_fte, "PSO FTE")
    return _shape_like(_ratio(c, po + pso), caseload, po_fte, pso_fte)


def derive_official_measures(official: pd.DataFrame) -> pd.DataFrame:
    """PO:PSO ratio and PO share wherever PO and PSO FTE share a date and place.

    Only figures from the same publication, geography and ``period_as_at`` are
    combined, so numbers from different sources are never mixed.

    Returns
    -------
    pandas.DataFrame
        ``publication, geography_type, geography, region_canonical,
        period_as_at, po_fte, pso_fte, po_pso_ratio, po_share_pct``.

    Examples
    --------
    >>> d = derive_official_measures(load_official())
    >>> bool((d["po_share_pct"].between(0, 100)).all())
    True
    """
    sip = official[official["measure"] == "staff_in_post_fte"]
    keys = ["publication", "geography_type", "geography", "region_canonical", "period_as_at"]
    wide = sip[sip["grade"].isin(["PO", "PSO"])].pivot_table(
        index=keys, columns="grade", values="value", aggfunc="first"
    )
    wide = wide.dropna(subset=[c for c in ("PO", "PSO") if c in wide.columns])
    if not {"PO", "PSO"} <= set(wide.columns):
        return pd.DataFrame(columns=[*keys, "po_fte", "pso_fte", "po_pso_ratio", "po_share_pct"])
    out = wide.reset_index().rename(columns={"PO": "po_fte", "PSO": "pso_fte"})
    out["po_pso_ratio"] = po_pso_ratio(out["po_fte"], out["pso_fte"])
    out["po_share_pct"] = po_share_of_practitioners(out["po_fte"], out["pso_fte"])
    out.columns.name = None
    return out[[*keys, "po_fte", "pso_fte", "po_pso_ratio", "po_share_pct"]]


def official_series(
    official: pd.DataFrame, measure: str, grade: str = "all", geography_type: str = "region"
) -> pd.DataFrame:
    """One official series as a tidy frame, in date order.

    Examples
    --------
    >>> s = official_series(load_official(), "vacancies_fte")
    >>> int(s["region_canonical"].nunique())
    12
    """
    sel = official[
        (official["measure"] == measure)
        & (official["grade"] == grade)
        & (official["geography_type"] == geography_type)
    ]
    cols = [
        "region_canonical",
        "geography",
        "period_as_at",
        "period_end",
        "value",
        "qualifier",
        "marker",
        "source_type",
        "source_url",
    ]
    return (
        sel[cols]
        .sort_values(["period_end", "region_canonical"], kind="mergesort")
        .reset_index(drop=True)
    )


__all__ = [
    "COLUMNS",
    "GEOGRAPHY_TYPES",
    "MARKERS",
    "MEASURES",
    "FallbackDateWarning",
    "UnparsedCellWarning",
    "WorkforceReadError",
    "attach_regional_staffing",
    "canonical_region",
    "caseload_per_practitioner_fte",
    "derive_official_measures",
    "load_official",
    "marker_meanings",
    "official_series",
    "parse_cell",
    "po_pso_ratio",
    "po_share_of_practitioners",
    "read_notes_sheet",
    "read_official_table",
    "sickness_days_per_fte",
    "staffing_pct_of_target",
    "table_to_official",
    "validate_official",
]
