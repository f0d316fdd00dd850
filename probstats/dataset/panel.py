"""An analyst's own staffing figures: the long staffing panel.

One row per figure, in the columns of
:data:`probstats.dataset.schema.STAFFING_PANEL` (the data dictionary in
``data/README.md`` documents them; ``data/templates/staffing_panel_template.csv`` is a
template)::

    unit,period,measure,grade,value,provenance,private,notes
    Synthetic 001,2024-09,fte_in_post,PO,31.4,"internal extract, PDU workforce report",true,

* ``unit``: a unit name or alias as in ``units.csv`` (compared without case, accents,
  punctuation or a trailing "PDU"), or the canonical ``unit_id``;
* ``period``: ``YYYY-MM`` stands for the **last day** of the month (staff in post as
  at month end), ``YYYY-MM-DD`` for that day; flows (sickness) cover the 12 months
  ending then. A year alone is too coarse for an as-of join and is refused;
* ``measure`` and ``grade``: a code of :data:`probstats.dataset.vocab.PANEL_MEASURES`
  and the grade it is for (``fte_in_post`` + ``PO``: PO staff in post, FTE);
* ``value``: a number >= 0; ``provenance``: where it comes from, in words (no URL
  needed); ``private``: ``true`` if it may not be published.

Reading is strict and every problem is reported at once, with file, line and column:
unknown units (with suggestions), unknown measures, a grade the measure does not take,
percentages over 100, dates in the future, year-only periods, missing provenance,
negative values and duplicate unit-period-measure-grade rows (after names and dates
are resolved, so "Northvale" and "Northvale PDU" in the same month are duplicates).
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Literal

import pandas as pd

from probstats.dataset import vocab
from probstats.dataset.dates import PartialDate, parse_partial_date
from probstats.dataset.paths import data_dir
from probstats.dataset.raw import load_raw_table, parse_rows, read_csv_text
from probstats.dataset.schema import STAFFING_PANEL
from probstats.dataset.units import UnitIndex, normalise_name
from probstats.errors import (
    DataValidationError,
    InvalidArgumentError,
    Problem,
    UnknownUnitError,
)

__all__ = [
    "PANEL_COLUMNS",
    "check_staffing_panel",
    "default_units",
    "read_staffing_panel",
    "resolve_unit_names",
]

#: Columns of a staffing panel file, in order.
PANEL_COLUMNS: tuple[str, ...] = tuple(c.name for c in STAFFING_PANEL)

#: Columns of a checked panel (:func:`read_staffing_panel`).
CHECKED_COLUMNS = (
    "line_no",
    "unit",
    "unit_id",
    "unit_type",
    "period",
    "as_at",
    "measure",
    "grade",
    "value",
    "provenance",
    "private",
    "notes",
)

_UNIT_TYPE_ORDER = ("PDU", "region", "national", "CRC", "NPS division")

UnknownUnits = Literal["raise", "drop"]


def default_units() -> pd.DataFrame:
    """The canonical units of the probstats dataset (``data/raw/units.csv``, checked).

    Examples
    --------
    >>> from probstats.dataset.panel import default_units
    >>> bool(default_units()["unit_id"].is_unique)
    True
    """
    return load_raw_table(data_dir("raw") / "units.csv", "units")


def resolve_unit_names(names, units: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """Map each distinct unit name (or ``unit_id``) to its canonical ``unit_id``.

    A name is tried as a ``unit_id``, then as a name or alias of every unit type
    (through :class:`~probstats.dataset.units.UnitIndex`). A name that matches units
    of several types is ambiguous: give the ``unit_id`` instead.

    Returns
    -------
    (resolved, unresolved)
        ``{name: unit_id}`` and ``{name: message}`` (the message suggests close names).

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.dataset.panel import resolve_unit_names
    >>> units = pd.DataFrame({"unit_id": ["pdu-west-kent"], "unit_type": ["PDU"],
    ...     "name": ["West Kent"], "aliases": ["Kent West"]})
    >>> ok, bad = resolve_unit_names(["WEST KENT PDU", "pdu-west-kent", "West Kemt"], units)
    >>> ok
    {'WEST KENT PDU': 'pdu-west-kent', 'pdu-west-kent': 'pdu-west-kent'}
    >>> print(bad["West Kemt"])  # doctest: +NORMALIZE_WHITESPACE
    unknown unit 'West Kemt': not a unit_id, name or alias in units.csv;
    did you mean 'West Kent' (pdu-west-kent)?
    """
    index = UnitIndex(units)
    ids = set(units["unit_id"].astype(str))
    types = [t for t in _UNIT_TYPE_ORDER if t in set(units["unit_type"].astype(str))]
    resolved: dict[str, str] = {}
    unresolved: dict[str, str] = {}
    for name in dict.fromkeys(str(n) for n in names):
        if name.strip() in ids:
            resolved[name] = name.strip()
            continue
        found = []
        for unit_type in types:
            try:
                found.append(index.resolve(name, unit_type))
            except UnknownUnitError:
                pass
        if len(set(found)) == 1:
            resolved[name] = found[0]
        elif found:
            unresolved[name] = (
                f"unit name {name!r} names several units ({', '.join(sorted(set(found)))}); "
                "give the unit_id instead"
            )
        else:
            unresolved[name] = f"unknown unit {name!r}: not a unit_id, name or alias in units.csv"
            unresolved[name] += _suggest_unit(name, units)
    return resolved, unresolved


def _suggest_unit(name: str, units: pd.DataFrame) -> str:
    choices: dict[str, tuple[str, str]] = {}
    for row in units.itertuples(index=False):
        aliases = getattr(row, "aliases", None)
        names = [row.name]
        if isinstance(aliases, str):
            names += [a.strip() for a in aliases.split(";") if a.strip()]
        for n in names:
            choices.setdefault(normalise_name(n), (row.name, row.unit_id))
    close = difflib.get_close_matches(normalise_name(name), list(choices), n=3, cutoff=0.6)
    if not close:
        return ""
    shown = ", ".join(f"{choices[c][0]!r} ({choices[c][1]})" for c in dict.fromkeys(close))
    return f"; did you mean {shown}?"


def _suggest_measure(text: str) -> str:
    """'po_fte_in_post' -> "did you mean measure 'fte_in_post' with grade 'PO'?"."""
    words = text.strip().lower().replace("-", "_").replace(" ", "_").split("_")
    grades = {g.lower(): g for g in vocab.GRADES}
    grade = None
    if words and words[0] in grades:
        grade, words = grades[words[0]], words[1:]
    elif words and words[-1] in grades:
        grade, words = grades[words[-1]], words[:-1]
    rest = "_".join(words)
    close = [rest] if rest in vocab.PANEL_MEASURES else []
    close = close or difflib.get_close_matches(rest, list(vocab.PANEL_MEASURES), n=1, cutoff=0.6)
    if not close:
        return ""
    return f"; did you mean measure {close[0]!r}" + (f" with grade {grade!r}?" if grade else "?")


def _with_suggestions(problems: list[Problem]) -> list[Problem]:
    out = []
    for p in problems:
        if p.column == "measure" and p.message.startswith("unknown value") and p.value:
            p = Problem(
                p.file,
                p.line,
                p.column,
                "unknown measure (the grade goes in the 'grade' column)"
                + _suggest_measure(str(p.value))
                + f"; allowed: {', '.join(vocab.PANEL_MEASURES)}",
                p.value,
            )
        out.append(p)
    return out


def _row_problems(
    frame: pd.DataFrame, periods: dict[str, PartialDate], name: str, today: dt.date
) -> list[Problem]:
    """Checks within a row (period precision and date, grade of the measure, range), each
    run whenever the cells it needs parsed, so every bad cell of a row is reported."""
    problems = []
    period = frame["period"].map(periods.get)
    year_only = period.map(lambda p: p is not None and p.precision == "year")
    future = period.map(lambda p: p is not None and p.precision != "year" and p.end > today)
    for row in frame[year_only].itertuples(index=False):
        message = (
            "period must be a month (YYYY-MM, meaning its last day) or a day (YYYY-MM-DD), "
            "not a year"
        )
        problems.append(Problem(name, int(row.line_no), "period", message, row.period))
    for row in frame[future].itertuples(index=False):
        end = periods[row.period].end
        message = (
            f"date in the future (the figure would be as at {end.isoformat()}; "
            f"today is {today.isoformat()})"
        )
        problems.append(Problem(name, int(row.line_no), "period", message, row.period))
    allowed = {(m, g) for m, spec in vocab.PANEL_MEASURES.items() for g in spec[2]}
    pairs = list(zip(frame["measure"], frame["grade"], strict=True))
    bad_grade = [
        isinstance(m, str) and isinstance(g, str) and (m, g) not in allowed for m, g in pairs
    ]
    for row in frame[bad_grade].itertuples(index=False):
        grades = vocab.PANEL_MEASURES[row.measure][2]
        problems.append(
            Problem(
                name,
                int(row.line_no),
                "grade",
                f"measure {row.measure!r} is not given for grade {row.grade!r}; "
                f"allowed: {', '.join(grades)}",
                row.grade,
            )
        )
    bounded = [
        m
        for m, (unit, over, _, _) in vocab.PANEL_MEASURES.items()
        if unit == "percent" and not over
    ]
    over_100 = frame["measure"].isin(bounded) & (pd.to_numeric(frame["value"]) > 100)
    for row in frame[over_100.fillna(False)].itertuples(index=False):
        problems.append(
            Problem(
                name,
                int(row.line_no),
                "value",
                f"percentage must be between 0 and 100 for measure {row.measure!r}",
                row.value,
            )
        )
    return problems


def _duplicate_problems(frame: pd.DataFrame, name: str) -> list[Problem]:
    key = ["unit_id", "as_at", "measure", "grade"]
    dup = frame.duplicated(subset=key, keep="first")
    first = frame.drop_duplicates(subset=key, keep="first").set_index(key)["line_no"]
    problems = []
    for row in frame[dup].itertuples(index=False):
        seen = int(first.loc[(row.unit_id, row.as_at, row.measure, row.grade)])
        problems.append(
            Problem(
                name,
                int(row.line_no),
                "unit",
                f"duplicate figure: unit {row.unit_id}, {row.as_at:%Y-%m-%d}, {row.measure}, "
                f"grade {row.grade} first given at line {seen}",
                row.unit,
            )
        )
    return problems


def _check(
    frame: pd.DataFrame,
    problems: list[Problem],
    units: pd.DataFrame | None,
    name: str,
    today: dt.date | None,
    unknown_units: UnknownUnits = "raise",
) -> pd.DataFrame:
    problems = _with_suggestions(problems)
    if frame.empty:
        if problems:
            raise DataValidationError(sorted(problems, key=_order))
        return pd.DataFrame(columns=list(CHECKED_COLUMNS))
    units = default_units() if units is None else units
    today = dt.date.today() if today is None else today
    named = frame["unit"].notna()
    resolved, unresolved = resolve_unit_names(frame.loc[named, "unit"], units)
    if unknown_units == "raise":
        for row in frame[named].itertuples(index=False):
            if row.unit in unresolved:
                problems.append(Problem(name, int(row.line_no), "unit", unresolved[row.unit]))
    else:
        frame = frame[~frame["unit"].isin(list(unresolved))]
    frame = frame.assign(unit_id=frame["unit"].map(resolved))
    periods = {p: parse_partial_date(p) for p in frame["period"].dropna().unique()}
    problems += _row_problems(frame, periods, name, today)
    clean = frame[~frame["line_no"].isin({p.line for p in problems})]
    ends = {p: pd.Timestamp(d.end) for p, d in periods.items()}
    clean = clean.assign(as_at=clean["period"].map(ends))
    problems += _duplicate_problems(clean, name)
    if problems:
        raise DataValidationError(sorted(problems, key=_order))
    unit_type = units.set_index("unit_id")["unit_type"].astype(str)
    out = clean.assign(
        unit_type=clean["unit_id"].map(unit_type),
        as_at=pd.to_datetime(clean["as_at"]).astype("datetime64[s]"),
        private=clean["private"].astype(bool),
        value=clean["value"].astype(float),
    )
    for col in ("unit", "unit_id", "unit_type", "period", "measure", "grade", "provenance"):
        out[col] = out[col].astype("string")
    out["notes"] = out["notes"].astype("string")
    out = out[list(CHECKED_COLUMNS)].reset_index(drop=True)
    out.attrs["unmatched_units"] = dict(unresolved)
    return out


def _order(p: Problem) -> tuple:
    return (p.line or 0, p.column or "")


def read_staffing_panel(
    path: str | Path,
    units: pd.DataFrame | None = None,
    *,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Read and check a staffing panel file; raise listing every problem.

    Parameters
    ----------
    path
        The CSV file (any name).
    units
        Canonical units to resolve names against (``unit_id``, ``unit_type``, ``name``,
        ``aliases``); default: the probstats dataset's (:func:`default_units`).
    today
        Dates after this are refused as "in the future" (default: today).

    Returns
    -------
    pandas.DataFrame
        One row per figure: ``line_no, unit, unit_id, unit_type, period, as_at``
        (the date the figure refers to: a month's last day), ``measure, grade, value,
        provenance, private`` (bool) ``, notes``.

    Raises
    ------
    DataValidationError
        Listing every problem with file, line and column.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from probstats.dataset.panel import read_staffing_panel
    >>> units = pd.DataFrame({"unit_id": ["pdu-northvale"], "unit_type": ["PDU"],
    ...     "name": ["Northvale"], "aliases": [""]})
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "my_staffing.csv"
    >>> _ = p.write_text("unit,period,measure,grade,value,provenance,private,notes\\n"
    ...     "Northvale PDU,2024-09,fte_in_post,PO,31.5,internal extract,true,\\n")
    >>> panel = read_staffing_panel(p, units)
    >>> row = panel.iloc[0]
    >>> row["unit_id"], str(row["as_at"].date()), float(row["value"]), bool(row["private"])
    ('pdu-northvale', '2024-09-30', 31.5, True)
    """
    header, rows, problems = read_csv_text(Path(path))
    frame, problems = parse_rows(header, rows, problems, "staffing_panel", str(path))
    return _check(frame, problems, units, str(path), today)


def check_staffing_panel(
    frame: pd.DataFrame,
    units: pd.DataFrame | None = None,
    *,
    file: str = "<staffing panel>",
    today: dt.date | None = None,
    unknown_units: UnknownUnits = "raise",
) -> pd.DataFrame:
    """Check a staffing panel held in a data frame exactly as a file would be.

    Row ``i`` is reported as line ``i + 2`` of ``file``. Cells may be text or numbers;
    a ``period`` may be text (``YYYY-MM``) or a date (taken as that day). With
    ``unknown_units="drop"``, rows whose unit matches no unit are dropped instead of
    reported, and listed (name and suggestion) in ``attrs["unmatched_units"]`` of the
    result; every other problem still raises.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.dataset.panel import check_staffing_panel
    >>> from probstats.errors import DataValidationError
    >>> units = pd.DataFrame({"unit_id": ["pdu-northvale"], "unit_type": ["PDU"],
    ...     "name": ["Northvale"], "aliases": [""]})
    >>> panel = pd.DataFrame({"unit": ["Northvale"], "period": ["2024-09"],
    ...     "measure": ["vacancy_rate"], "grade": ["PO"], "value": [140],
    ...     "provenance": [""], "private": [False], "notes": [""]})
    >>> try:
    ...     check_staffing_panel(panel, units)
    ... except DataValidationError as exc:
    ...     for problem in exc.problems:
    ...         print(problem.line, problem.column, problem.message)
    2 provenance required value is missing
    2 value percentage must be between 0 and 100 for measure 'vacancy_rate'
    """
    frame = frame.copy()
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(frame[col]):
            frame[col] = frame[col].map({True: "true", False: "false"})
    text = frame.astype(object).where(frame.notna(), "").astype(str)
    header = [str(c) for c in frame.columns]
    rows = [(i + 2, list(r)) for i, r in enumerate(text.itertuples(index=False, name=None))]
    parsed, problems = parse_rows(header, rows, [], "staffing_panel", file)
    if unknown_units not in ("raise", "drop"):
        raise InvalidArgumentError("unknown_units must be 'raise' or 'drop'")
    return _check(parsed, problems, units, file, today, unknown_units)
