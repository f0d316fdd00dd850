"""Publication date, fieldwork dates and the year of the previous rating.

Dates are read in the sentence of their cue ("published on", "fieldwork took
place", "inspection in March 2024"). A date in a sentence about another
report (the previous inspection, a sibling unit's report) is marked
"previous" so that it never becomes this report's date.
"""

from __future__ import annotations

import datetime as dt
import re

from probstats.extract.finders.context import Doc, Found, trigger
from probstats.extract.finders.ratings import PREVIOUS_CONTEXT, PREVIOUS_TRIGGER

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1,
    "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
DATE_TOKEN = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[ ]+)?(?P<month>{_MONTH})\.?\b(?:,?[ ]+(?P<year>(?:19|20)\d\d)\b)?"
    rf"|\b(?P<dd>\d{{1,2}})/(?P<mm>\d{{1,2}})/(?P<yy>(?:19|20)\d\d)\b"
    rf"|\b(?P<ayear>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_DAY_RANGE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?[ ]*(?:and|to|-)[ ]*(?=\d{{1,2}}(?:st|nd|rd|th)?[ ]+{_MONTH}\b)",
    re.IGNORECASE,
)
_SHORT_MONTHS = frozenset({"mar", "sep", "dec", "jan", "oct", "nov", "may"})

Token = tuple[int, "int | None", "int | None", int, int]


def _valid(year: int, month: int, day: int | None) -> bool:
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return False
    return True


def _raw_tokens(text: str, lo: int, hi: int) -> list[list]:
    out: list[list] = [
        [None, None, int(m.group(1)), m.start(1), m.end(1)]
        for m in _DAY_RANGE.finditer(text, lo, hi)
    ]
    for m in DATE_TOKEN.finditer(text, lo, hi):
        if m.group("month"):
            word = m.group("month").lower()
            if word in _SHORT_MONTHS and not (m.group("day") or m.group("year")):
                continue  # "may" is a verb; "Mar", "Dec" ... alone are too ambiguous
            day = int(m.group("day")) if m.group("day") else None
            year = int(m.group("year")) if m.group("year") else None
            out.append([year, MONTHS[word], day, m.start(), m.end()])
        elif m.group("dd"):
            out.append(
                [int(m.group("yy")), int(m.group("mm")), int(m.group("dd")), m.start(), m.end()]
            )
        else:
            out.append([int(m.group("ayear")), None, None, m.start(), m.end()])
    out.sort(key=lambda t: t[3])
    return out


def date_tokens(text: str, lo: int = 0, hi: int | None = None) -> list[Token]:
    """Date mentions in ``text[lo:hi]`` as ``(year, month, day, start, end)``.

    A bare month or day-month without a year takes the year of the next
    mention that has one ("between 27 November and 8 December 2023").

    Examples
    --------
    >>> from probstats.extract.finders.dates import date_tokens
    >>> [t[:3] for t in date_tokens("from 27 November to 8 December 2023")]
    [(2023, 11, 27), (2023, 12, 8)]
    """
    out = _raw_tokens(text, lo, len(text) if hi is None else hi)
    for i in range(len(out) - 2, -1, -1):
        if out[i][1] is None and out[i][2] is not None and out[i + 1][1] is not None:
            out[i][1] = out[i + 1][1]
        if out[i][0] is None and out[i][1] is not None and out[i + 1][0] is not None:
            out[i][0] = out[i + 1][0]
    return [
        (y, mth, d, s, e)
        for y, mth, d, s, e in out
        if y is not None and (mth is None or _valid(y, mth, d))
    ]


def format_date(year: int, month: int | None, day: int | None) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Examples
    --------
    >>> from probstats.extract.finders.dates import format_date
    >>> format_date(2024, 3, 21), format_date(2024, 1, None), format_date(2022, None, None)
    ('2024-03-21', '2024-01', '2022')
    """
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


_PUB_CUE = re.compile(
    r"\bpublished:?[ ]*(?:on[ ]+|in[ ]+)?(?=\d|[a-z])"
    r"|\bpublication[ ]+date:?[ ]*"
    r"|\breport[ ]+(?:is|was|will[ ]+be)[ ]+(?:available|published)\b[^\n]{0,250}?\b(?:on|from)[ ]+(?=\d)"
    r"|\b(?:published|publishes|publication)\b[^\n.]{0,60}?\bon[ ]+(?=\d)",
    re.IGNORECASE,
)
_FIELDWORK = re.compile(
    r"\bfieldwork\b|\binspection[ ]+(?:took[ ]+place|was[ ]+carried[ ]+out|visits?)\b"
    rf"|\b(?:inspect(?:ion|ed)|visit(?:ed)?)[ ]+(?:in|during)[ ]+(?=(?:early[ ]+|late[ ]+)?{_MONTH}[ ]+(?:19|20)\d\d)",
    re.IGNORECASE,
)
_PUB_TRIGGER = trigger("publish", "publication", "available")
_FIELD_TRIGGER = trigger(
    "fieldwork", "took place", "carried out", "inspection visit", "inspection in ",
    "inspected in ", "visited in ", "visit in ", "inspection during", "inspected during",
    "visited during",
)  # fmt: skip
_OTHER_REPORT = re.compile(
    r"\b(?:thematic|joint|youth|previous(?:ly)?|earlier|last|prior|former|neighbou?ring|sister|"
    r"another)\b",
    re.IGNORECASE,
)
_STARTED = re.compile(r"\b(?:start(?:ed|s)?|beg[ai]n|commenc\w*)\b", re.IGNORECASE)
_ALSO = re.compile(r"\balso[ ]+$", re.IGNORECASE)
#: A report cover: "HMI Probation, June 2020" (month precision).
_COVER = re.compile(
    rf"\b(?:HMI[ ]+Probation|HM[ ]+Inspectorate[ ]+of[ ]+Probation),?[ ]+(?P<d>{_MONTH}[ ]+(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
#: Characters from the start of a document in which a cover date is looked for.
COVER_WINDOW = 3000
#: Characters after a cue in which its date must start (the words "is available at on").
PUB_DATE_GAP = 3


def find_publication(doc: Doc) -> list[Found]:
    """Publication dates with their cue; "previous" when the sentence is about another report."""
    out = []
    w = doc.work
    for s in doc.sentences_with(_PUB_TRIGGER):
        for m in _PUB_CUE.finditer(w, s.start, s.end):
            toks = date_tokens(w, m.end(), min(s.end, m.end() + 40))
            if not toks or toks[0][3] - m.end() >= PUB_DATE_GAP or toks[0][1] is None:
                continue
            y, mth, d, _, e = toks[0]
            ctx = "previous" if _OTHER_REPORT.search(w, s.start, m.start()) else ""
            # "(also published on 9 May)" after a sibling: the date is this report's too
            note = "shared" if _ALSO.search(w, max(s.start, m.start() - 12), m.start()) else ""
            date = format_date(y, mth, d)
            ev = doc.evidence(m.start(), e)
            out.append(Found("publication_date", date, ev, m.start(), 0.95, ctx, note))
            break
    return out or _cover_date(doc)


def _cover_date(doc: Doc) -> list[Found]:
    """The month on a report cover ("HMI Probation, June 2020"), when no date is stated."""
    w = doc.work
    cover = _COVER.search(w, doc.seg.start, min(doc.seg.end, doc.seg.start + COVER_WINDOW))
    if cover is None:
        return []
    toks = date_tokens(w, cover.start("d"), cover.end("d"))
    if not toks or toks[0][1] is None:
        return []
    y, mth, _, _, e = toks[0]
    ev = doc.evidence(cover.start(), e)
    return [Found("publication_date", format_date(y, mth, None), ev, cover.start(), 0.8)]


def find_fieldwork(doc: Doc) -> list[Found]:
    """Fieldwork start and end from the first and last date after a fieldwork cue."""
    out = []
    w = doc.work
    for s in doc.sentences_with(_FIELD_TRIGGER):
        cue = _FIELDWORK.search(w, s.start, s.end)
        if not cue:
            continue
        toks = date_tokens(w, cue.end(), s.end)
        dated = [t for t in toks if t[1] is not None] or toks
        if not dated:
            continue
        first, last = dated[0], dated[-1]
        ctx = "previous" if PREVIOUS_CONTEXT.search(w, s.start, s.end) else ""
        ev = doc.evidence(cue.start(), last[4])
        end = format_date(*last[:3])
        if len(dated) == 1 and _STARTED.search(w, s.start, s.end):
            end = None  # "fieldwork started on 6 January": no end is stated
        value = (format_date(*first[:3]), end)
        out.append(Found("fieldwork", value, ev, cue.start(), 0.9, ctx))
    return out


def previous_year(
    doc: Doc, near: int | None, before_year: int | None
) -> tuple[int, int, int] | None:
    """Year of the previous inspection: next to the previous rating, else in another sentence.

    Returns ``(year, start, end)``.
    """
    w = doc.work
    if near is not None:
        s = doc.sentence(near)
        toks = (
            date_tokens(w, near, min(s.end, near + 80))
            or date_tokens(w, max(s.start, near - 120), near)[-1:]
        )
        good = [t for t in toks if before_year is None or t[0] < before_year]
        if good:
            return good[0][0], good[0][3], good[0][4]
    for s in doc.sentences_with(PREVIOUS_TRIGGER):
        if _PUB_CUE.search(w, s.start, s.end):
            continue
        good = [
            t for t in date_tokens(w, s.start, s.end) if before_year is None or t[0] < before_year
        ]
        if good:
            return good[0][0], good[0][3], good[0][4]
    return None
