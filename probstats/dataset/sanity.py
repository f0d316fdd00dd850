"""What a sane cell looks like: the input rules of every table, in one place.

The raw parser (:mod:`probstats.dataset.raw`), the reader of processed tables
(:mod:`probstats.dataset.io`) and every CSV writer apply these rules, so a value
refused in a raw file is also refused when it turns up in a processed one.

Rules
-----
Dates
    No earlier than :data:`EARLIEST_DATE` (1 January 2014: the first inspection
    programme of the units in this dataset followed the Transforming Rehabilitation
    reforms, which created the CRCs and the NPS in 2014; nothing in the data or in
    the official series it uses is older) and no later than today plus
    :data:`FUTURE_MARGIN` (31 days, for a report announced just ahead of
    publication). Years (``previous_rating_year``) obey the same bounds. Fieldwork
    may not start or end after the report was published (checked per row in
    :mod:`probstats.dataset.raw`).
Header
    No column name twice (a second ``notes`` column would silently replace the first).
Ratings
    The four labels in any case, and the abbreviations listed in
    :mod:`probstats.dataset.ratings`; never single letters.
Control characters
    No control characters (NUL, escape, carriage return ...), invisible format
    characters (zero-width spaces, bidirectional overrides, byte-order marks),
    private-use or unpaired surrogate code points in any cell; a line break only in
    free text (``notes``, ``description``).
Identifiers and names
    Converted to Unicode normal form NFKC (fullwidth ``Ｗａｌｅｓ`` becomes ``Wales``,
    a non-breaking space a space); their letters must all be Latin (the units are in
    England and Wales), so a Cyrillic ``а`` inside ``Wаles``, a look-alike that no
    normal form removes, is refused.
URLs
    ``http://`` or ``https://`` with a host name, and no whitespace, quotes, angle
    brackets, backticks or backslashes (none of which a real address needs unencoded).
Spreadsheet formulas
    Every CSV output prefixes ``'`` to a text cell starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return (the OWASP CSV-injection rule), unless the
    cell is a plain number such as ``-0.5``. Numeric columns are never touched.
    Readers of processed tables remove the prefix again (:func:`unescape_formula`),
    so the round trip is exact.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

import pandas as pd

from probstats.dataset.dates import PartialDate

__all__ = [
    "EARLIEST_DATE",
    "FORMULA_TRIGGERS",
    "FREE_TEXT_COLUMNS",
    "FUTURE_MARGIN",
    "URL_PATTERN",
    "clean_name",
    "control_problem",
    "date_bounds_problem",
    "duplicate_columns",
    "escape_formula",
    "escape_text_columns",
    "latest_date",
    "unescape_formula",
    "url_problem",
    "year_bounds_problem",
]

#: No date in the data may be earlier than this.
EARLIEST_DATE = dt.date(2014, 1, 1)

#: No date may be later than today plus this margin.
FUTURE_MARGIN = dt.timedelta(days=31)

#: Text columns holding prose, where a line break is allowed and no NFKC or script
#: rule applies (every other text column holds an identifier or a name).
FREE_TEXT_COLUMNS: frozenset[str] = frozenset({"notes", "description"})

#: A cell starting with one of these is a formula to a spreadsheet.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

#: One source address (the URL columns join several with ``" ; "``).
URL_PATTERN = (
    r"https?://[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?(?::\d{1,5})?(?:[/?#][^\s\"'<>`\\;]*)?"
)

_URL = re.compile(URL_PATTERN)
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_BAD_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}


def latest_date(today: dt.date | None = None) -> dt.date:
    """The latest date accepted: ``today`` (default: the current date) plus the margin.

    Examples
    --------
    >>> import datetime as dt
    >>> from probstats.dataset.sanity import latest_date
    >>> latest_date(dt.date(2025, 1, 1))
    datetime.date(2025, 2, 1)
    """
    return (today or dt.date.today()) + FUTURE_MARGIN


def date_bounds_problem(date: PartialDate, today: dt.date | None = None) -> str | None:
    """Why ``date`` is implausible, or ``None`` if it lies within the bounds.

    Examples
    --------
    >>> import datetime as dt
    >>> from probstats.dataset.dates import parse_partial_date
    >>> from probstats.dataset.sanity import date_bounds_problem
    >>> date_bounds_problem(parse_partial_date("9999-12-31"), dt.date(2025, 1, 1))
    'date is after 2025-02-01 (today plus 31 days): not plausible'
    >>> date_bounds_problem(parse_partial_date("2013-12"), dt.date(2025, 1, 1))
    'date is before 2014-01-01, the start of the inspection programmes in this dataset'
    >>> date_bounds_problem(parse_partial_date("2024"), dt.date(2025, 1, 1)) is None
    True
    """
    if date.start < EARLIEST_DATE:
        return (
            f"date is before {EARLIEST_DATE.isoformat()}, "
            "the start of the inspection programmes in this dataset"
        )
    latest = latest_date(today)
    if date.start > latest:
        return (
            f"date is after {latest.isoformat()} (today plus {FUTURE_MARGIN.days} days): "
            "not plausible"
        )
    return None


def year_bounds_problem(year: int, today: dt.date | None = None) -> str | None:
    """Why ``year`` is implausible, or ``None``.

    Examples
    --------
    >>> import datetime as dt
    >>> from probstats.dataset.sanity import year_bounds_problem
    >>> year_bounds_problem(1999, dt.date(2025, 1, 1))
    'year must be between 2014 and 2025'
    >>> year_bounds_problem(2018, dt.date(2025, 1, 1)) is None
    True
    """
    last = latest_date(today).year
    if not EARLIEST_DATE.year <= year <= last:
        return f"year must be between {EARLIEST_DATE.year} and {last}"
    return None


def duplicate_columns(header: Sequence[str]) -> list[tuple[int, str, int]]:
    """``(position, name, first position)`` of every repeated column name (1-based).

    Examples
    --------
    >>> from probstats.dataset.sanity import duplicate_columns
    >>> duplicate_columns(["id", "notes", "value", "notes"])
    [(4, 'notes', 2)]
    """
    first: dict[str, int] = {}
    out = []
    for i, name in enumerate(header, start=1):
        if name in first:
            out.append((i, name, first[name]))
        else:
            first[name] = i
    return out


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"


def control_problem(text: str, *, newlines_ok: bool = False) -> str | None:
    """Why ``text`` holds a character no cell may hold, or ``None``.

    Examples
    --------
    >>> from probstats.dataset.sanity import control_problem
    >>> control_problem("West\\x00Kent")
    'contains a control or invisible character (U+0000 unnamed character) at position 5'
    >>> control_problem("two\\nlines") is not None, control_problem("two\\nlines", newlines_ok=True)
    (True, None)
    """
    for i, ch in enumerate(text, start=1):
        if ch == "\n" and newlines_ok:
            continue
        if unicodedata.category(ch) in _BAD_CATEGORIES:
            return f"contains a control or invisible character ({_describe(ch)}) at position {i}"
    return None


def _script(ch: str) -> str:
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]


def clean_name(text: str) -> tuple[str, str | None]:
    """The NFKC form of an identifier or name, and why it is refused (or ``None``).

    Examples
    --------
    >>> from probstats.dataset.sanity import clean_name
    >>> clean_name("Ｗａｌｅｓ")
    ('Wales', None)
    >>> clean_name("Ynys Môn")
    ('Ynys Môn', None)
    >>> clean_name("W\\u0430les")[1]
    "letter 'а' (U+0430 CYRILLIC SMALL LETTER A) is not Latin: a look-alike of a Latin letter?"
    """
    normal = unicodedata.normalize("NFKC", text)
    for ch in normal:
        if unicodedata.category(ch).startswith("L") and _script(ch) != "LATIN":
            return normal, (
                f"letter {ch!r} ({_describe(ch)}) is not Latin: a look-alike of a Latin letter?"
            )
    return normal, None


def url_problem(url: str) -> str | None:
    """Why ``url`` is not an acceptable source address, or ``None``.

    Examples
    --------
    >>> from probstats.dataset.sanity import url_problem
    >>> url_problem("https://www.gov.uk/government/news/x?a=1#top") is None
    True
    >>> print(url_problem('https://e.org/"><script>'))
    not an http(s) URL without spaces, quotes, angle brackets or backslashes: 'https://e.org/"><script>'
    """
    if _URL.fullmatch(url):
        return None
    return f"not an http(s) URL without spaces, quotes, angle brackets or backslashes: {url!r}"


def _is_trigger(rest: str) -> bool:
    return rest[:1] in FORMULA_TRIGGERS and not _PLAIN_NUMBER.fullmatch(rest)


def escape_formula(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula.

    Cells that already start with quotes before a trigger get one more, so that
    :func:`unescape_formula` restores every cell exactly.

    Examples
    --------
    >>> from probstats.dataset.sanity import escape_formula
    >>> escape_formula("=HYPERLINK(\\"x\\")"), escape_formula("-0.5"), escape_formula("Good")
    ('\\'=HYPERLINK("x")', '-0.5', 'Good')
    >>> escape_formula("'=1")
    "''=1"
    """
    rest = text.lstrip("'")
    return "'" + text if _is_trigger(rest) else text


def unescape_formula(text: str) -> str:
    """Undo :func:`escape_formula`.

    Examples
    --------
    >>> from probstats.dataset.sanity import escape_formula, unescape_formula
    >>> all(unescape_formula(escape_formula(t)) == t for t in ["@SUM(A1)", "'=1", "'a", "-1"])
    True
    """
    rest = text.lstrip("'")
    return text[1:] if text.startswith("'") and _is_trigger(rest) else text


def _escape_value(value: object) -> object:
    return escape_formula(value) if isinstance(value, str) else value


def escape_text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`escape_formula` applied to its text cells only.

    Numeric, boolean and date columns are returned unchanged; so is the frame
    itself when no text cell needs escaping.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.dataset.sanity import escape_text_columns
    >>> df = pd.DataFrame({"note": ["+cmd|x", "ok"], "value": [-1.0, 2.0]})
    >>> escape_text_columns(df).to_dict("list")
    {'note': ["'+cmd|x", 'ok'], 'value': [-1.0, 2.0]}
    """
    out = frame
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i]
        dtype = column.dtype
        if not (
            pd.api.types.is_object_dtype(dtype)
            or pd.api.types.is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
        ):
            continue
        values = column.cat.categories if isinstance(dtype, pd.CategoricalDtype) else column
        if not any(isinstance(v, str) and _is_trigger(v.lstrip("'")) for v in values):
            continue
        if out is frame:
            out = frame.copy()
        escaped = column.map(_escape_value)
        out.isetitem(i, escaped)
    return out
