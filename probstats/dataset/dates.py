"""Dates that carry their precision.

Sources say "published 21 March 2024", "fieldwork in January 2024" or only
"in 2022". Raw files keep what was said (``YYYY-MM-DD``, ``YYYY-MM`` or
``YYYY``); processed files hold the first day of the period plus a precision
column, so that nobody mistakes "2024-01" for the first of January.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal, NamedTuple

from probstats.errors import PartialDateError

Precision = Literal["day", "month", "year"]

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class PartialDate(NamedTuple):
    """A date known to a stated precision; ``start`` is the period's first day."""

    start: dt.date
    precision: Precision

    @property
    def end(self) -> dt.date:
        """Last day of the period the date stands for."""
        if self.precision == "day":
            return self.start
        if self.precision == "month":
            nxt = dt.date(self.start.year + self.start.month // 12, self.start.month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(self.start.year, 12, 31)


def parse_partial_date(text: str) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Raises
    ------
    PartialDateError
        If the text is in another format or names an impossible date.

    Examples
    --------
    >>> from probstats.dataset.dates import parse_partial_date
    >>> parse_partial_date("2024-01")
    PartialDate(start=datetime.date(2024, 1, 1), precision='month')
    >>> parse_partial_date("2024-01").end
    datetime.date(2024, 1, 31)
    """
    m = _PATTERN.match(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise PartialDateError(f"malformed date {text!r}: expected YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = m.groups()
    try:
        if day is not None:
            return PartialDate(dt.date(int(year), int(month), int(day)), "day")
        if month is not None:
            return PartialDate(dt.date(int(year), int(month), 1), "month")
        return PartialDate(dt.date(int(year), 1, 1), "year")
    except ValueError as exc:
        raise PartialDateError(f"impossible date {text!r}: {exc}") from None
