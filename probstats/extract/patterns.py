"""Regular expressions and small parsers for the wording of HMIP publications.

Everything here works on *normalised* text (straight quotes, plain spaces; see
:func:`probstats.extract.text.normalise`). Patterns avoid nested unbounded
repetition so that matching stays linear on hostile input.
"""

from __future__ import annotations

import re

from probstats.dataset.ratings import parse_rating

# --------------------------------------------------------------------------- numbers
_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}

WORD_NUMBER = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|"
    r"five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
)
DIGITS = r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|(?<![\d.,])\d+(?:\.\d+)?(?![\d])"
NUMBER = rf"(?:{DIGITS}|\b{WORD_NUMBER}\b)"


def parse_number(text: str) -> float | None:
    """Value of a number written in digits ("1,170", "15.5") or words ("seven", "forty-two").

    Examples
    --------
    >>> parse_number("1,170"), parse_number("seven"), parse_number("Forty-two")
    (1170.0, 7.0, 42.0)
    >>> parse_number("many") is None
    True
    """
    t = text.strip().lower().replace(",", "")
    try:
        return float(t)
    except ValueError:
        pass
    parts = re.split(r"[- ]+", t)
    if len(parts) == 1:
        v = _UNITS.get(parts[0], _TENS.get(parts[0]))
        return None if v is None else float(v)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS and _UNITS[parts[1]] < 10:
        return float(_TENS[parts[0]] + _UNITS[parts[1]])
    return None


def as_int(value: float | None) -> int | None:
    """Whole number or ``None`` (fractions are not counts)."""
    if value is None or value != int(value):
        return None
    return int(value)


#: A percentage: the number group is ``pct``.
PERCENT = re.compile(rf"(?P<pct>{DIGITS})\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
NUMBER_RE = re.compile(NUMBER, re.IGNORECASE)

# Qualifying words immediately before a number, longest first.
_QUALIFIERS: list[tuple[str, str]] = [
    (r"in\s+excess\s+of", ">"),
    (r"more\s+than", ">"),
    (r"greater\s+than", ">"),
    (r"just\s+over", ">"),
    (r"over", ">"),
    (r"above", ">"),
    (r"exceeding", ">"),
    (r"less\s+than", "<"),
    (r"fewer\s+than", "<"),
    (r"just\s+under", "<"),
    (r"under", "<"),
    (r"below", "<"),
    (r"nearly", "<"),
    (r"almost", "<"),
    (r"not\s+quite", "<"),
    (r"at\s+least", ">="),
    (r"a\s+minimum\s+of", ">="),
    (r"up\s+to", "<="),
    (r"at\s+most", "<="),
    (r"no\s+more\s+than", "<="),
    (r"a\s+maximum\s+of", "<="),
    (r"around", "~"),
    (r"about", "~"),
    (r"approximately", "~"),
    (r"approx\.?", "~"),
    (r"roughly", "~"),
    (r"circa", "~"),
    (r"c\.", "~"),
    (r"some", "~"),
    (r"in\s+the\s+region\s+of", "~"),
    (r"an\s+estimated", "~"),
    (r"an\s+average\s+of\s+around", "~"),
]
_QUALIFIER_TAIL = re.compile(
    r"(?:^|\W)(" + "|".join(p for p, _ in _QUALIFIERS) + r")\s*$", re.IGNORECASE
)
_QUALIFIER_MAP = [(re.compile(rf"^{p}$", re.IGNORECASE), q) for p, q in _QUALIFIERS]


def qualifier_before(pre: str) -> tuple[str, int]:
    """Qualifier stated right before a number and the length of its wording.

    Examples
    --------
    >>> qualifier_before("vacancy rate of just over ")
    ('>', 10)
    >>> qualifier_before("rate was ")
    ('', 0)
    """
    m = _QUALIFIER_TAIL.search(pre[-40:])
    if m is None:
        return "", 0
    word = m.group(1)
    for pat, q in _QUALIFIER_MAP:
        if pat.match(word):
            return q, len(pre[-40:]) - m.start(1)
    return "", 0  # pragma: no cover - every alternative is mapped


# --------------------------------------------------------------------------- dates
MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
DATE_TOKEN = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?P<month>{_MONTH})\.?\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
    rf"|\b(?P<dd>\d{{1,2}})/(?P<mm>\d{{1,2}})/(?P<yy>(?:19|20)\d\d)\b"
    rf"|\b(?P<ayear>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)


_DAY_RANGE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:and|to|-)\s*(?=\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b)",
    re.IGNORECASE,
)


def _valid(year: int, month: int, day: int | None) -> bool:
    import datetime as dt

    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return False
    return True


def date_tokens(
    text: str, offset: int = 0
) -> list[tuple[int | None, int | None, int | None, int, int]]:
    """Date mentions as ``(year, month, day, start, end)``; parts not stated are ``None``.

    A bare month or day-month without a year takes the year of the next mention
    that has one ("between 27 November and 8 December 2023").

    Examples
    --------
    >>> [t[:3] for t in date_tokens("from 27 November to 8 December 2023")]
    [(2023, 11, 27), (2023, 12, 8)]
    """
    out: list[list] = []
    # "between 12 and 23 June 2023": the bare first day borrows month and year.
    for m in _DAY_RANGE.finditer(text):
        out.append([None, None, int(m.group(1)), m.start(1) + offset, m.end(1) + offset])
    for m in DATE_TOKEN.finditer(text):
        if m.group("month"):
            word = m.group("month").lower()
            # "may" is also a verb: accept it only with a day or a year.
            if word == "may" and not (m.group("day") or m.group("year")):
                continue
            if (
                word in ("mar", "sep", "dec", "jan", "oct", "nov")
                and not m.group("year")
                and not m.group("day")
            ):
                continue
            day = int(m.group("day")) if m.group("day") else None
            year = int(m.group("year")) if m.group("year") else None
            out.append([year, MONTHS[word], day, m.start() + offset, m.end() + offset])
        elif m.group("dd"):
            out.append(
                [
                    int(m.group("yy")),
                    int(m.group("mm")),
                    int(m.group("dd")),
                    m.start() + offset,
                    m.end() + offset,
                ]
            )
        else:
            out.append([int(m.group("ayear")), None, None, m.start() + offset, m.end() + offset])
    out.sort(key=lambda t: t[3])
    for i in range(len(out) - 2, -1, -1):
        if out[i][1] is None and out[i][2] is not None and out[i + 1][1] is not None:
            out[i][1] = out[i + 1][1]
        if out[i][0] is None and out[i][1] is not None and out[i + 1][0] is not None:
            out[i][0] = out[i + 1][0]
    result = []
    for y, mth, d, s, e in out:
        if y is None or (mth is not None and not _valid(y, mth, d)):
            continue
        result.append((y, mth, d, s, e))
    return result


def format_date(year: int, month: int | None, day: int | None) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Examples
    --------
    >>> format_date(2024, 3, 21), format_date(2024, 1, None), format_date(2022, None, None)
    ('2024-03-21', '2024-01', '2022')
    """
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


_PUB_DATE = re.compile(
    r"\bpublished:?[ ]*(?:on[ ]+|in[ ]+)?(?=\d|[a-z])"
    r"|\bpublication date:?[ ]*"
    r"|\breport (?:is|was|will be) (?:available|published)\b[^\n]{0,250}?\b(?:on|from)[ ]+(?=\d)"
    r"|\b(?:published|publishes|publication)\b[^\n.]{0,60}?\bon[ ]+(?=\d)",
    re.IGNORECASE,
)


def publication_date(text: str) -> tuple[str, int, int] | None:
    """The publication date stated in a release: ``(date, start, end)`` or ``None``."""
    for m in _PUB_DATE.finditer(text):
        tail = text[m.end() : m.end() + 40]
        toks = date_tokens(tail, m.end())
        if toks and toks[0][3] - m.end() <= 2 and toks[0][1] is not None:
            y, mth, d, s, e = toks[0]
            return format_date(y, mth, d), m.start(), e
    return None


FIELDWORK = re.compile(
    r"\bfieldwork\b|\binspection\s+(?:took\s+place|was\s+carried\s+out|visits?)\b", re.IGNORECASE
)


def date_range(text: str, offset: int = 0) -> tuple[str, str, int, int] | None:
    """First and last date mentioned in ``text``: ``(start, end, span_start, span_end)``.

    Examples
    --------
    >>> date_range("took place in January 2024.")[:2]
    ('2024-01', '2024-01')
    >>> date_range("between 27 November 2023 and 26 January 2024")[:2]
    ('2023-11-27', '2024-01-26')
    """
    toks = date_tokens(text, offset)
    dated = [t for t in toks if t[1] is not None] or toks
    if not dated:
        return None
    first, last = dated[0], dated[-1] if len(dated) > 1 else dated[0]
    return (format_date(*first[:3]), format_date(*last[:3]), first[3], last[4])


# --------------------------------------------------------------------------- ratings
RATING_WORDS = r"outstanding|good|requires?\s+improvements?|inadequate"
#: Quoted rating labels (any case), or unquoted ones after a clear cue.
RATING_MENTION = re.compile(
    rf"(?P<q>['\"])(?P<r1>{RATING_WORDS})['\"]"
    rf"|\b(?:rated|rating\s+of|graded|judged(?:\s+to\s+be)?|assessed\s+as|rating\s+was)"
    rf"\s+(?:as\s+)?(?:being\s+)?(?P<r2>{RATING_WORDS})\b",
    re.IGNORECASE,
)


def canonical_rating(label: str) -> str | None:
    """Canonical rating for matched wording (``None`` if not a rating)."""
    try:
        return parse_rating(re.sub(r"\s+", " ", label))
    except Exception:
        return None


PREVIOUS_CONTEXT = re.compile(
    r"\bprevious(?:ly)?\b|\bprior\s+(?:inspection|rating|visit)|\blast\s+(?:inspect\w*|rated)\b"
    r"|\bearlier\s+inspection|\bthat\s+inspection\b|\bformerly\s+rated\b|\bwas\s+last\b",
    re.IGNORECASE,
)
OVERALL_CUE = re.compile(r"\boverall\b", re.IGNORECASE)
UNIT_CUE = re.compile(
    r"\bPDUs?\b|probation\s+delivery\s+units?|\bregions?\b|\bregional\b|\bCRCs?\b|community\s+"
    r"rehabilitation\s+compan|\bdivisions?\b|\bNPS\b|probation\s+services?\b|\bservice\b",
    re.IGNORECASE,
)
FROM_TO = re.compile(
    rf"\bfrom\s+['\"]?(?:{RATING_WORDS})['\"]?\s+(?:in\s+\d{{4}}\s+)?to\s+['\"]?(?:{RATING_WORDS})",
    re.IGNORECASE,
)

#: Inspection standards / domains as SPEC names them, with the wording that names them.
DOMAINS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(p, re.IGNORECASE))
    for name, p in (
        ("Statutory victim work", r"\b(?:statutory\s+)?victim\s+work\b|\bwork\s+with\s+victims\b"),
        ("Court work", r"\bcourt\s+work\b|\bwork\s+(?:at|in)\s+court\b"),
        ("Unpaid work", r"\bunpaid\s+work\b|\bcommunity\s+payback\b"),
        ("Implementation and delivery", r"\bimplementation\s+and\s+delivery\b"),
        ("Information and facilities", r"\binformation\s+and\s+facilities\b"),
        ("Leadership", r"\bleadership\b"),
        ("Staff", r"\bstaff(?:ing)?\b"),
        ("Services", r"(?<!probation )\bservices\b"),
        ("Assessment", r"\bassessment\b"),
        ("Planning", r"\bplanning\b"),
        ("Reviewing", r"\breviewing\b"),
        ("Case supervision", r"\bcase\s+supervision\b"),
        ("Organisational delivery", r"\borganisational\s+delivery\b"),
    )
]
STANDARD_CODE = re.compile(r"\b([1-4]\.[1-9])\s*$")

# --------------------------------------------------------------------------- units
UNIT_STOP = {
    "pdu",
    "pdus",
    "probation",
    "delivery",
    "unit",
    "units",
    "crc",
    "crcs",
    "nps",
    "inspectorate",
    "hm",
    "his",
    "her",
    "majesty's",
    "majestys",
    "the",
    "a",
    "an",
    "however",
    "in",
    "at",
    "while",
    "whilst",
    "although",
    "despite",
    "this",
    "that",
    "these",
    "today",
    "meanwhile",
    "overall",
    "inspectors",
    "inspection",
    "call",
    "services",
    "service",
    "both",
    "as",
    "for",
    "and",
    "of",
    "upon",
    "on",
    "chief",
    "inspector",
    "report",
    "mr",
    "ms",
    "mrs",
    "our",
    "we",
    "it",
    "its",
    "when",
    "where",
    "after",
    "following",
    "region",
    "regional",
    "division",
    "national",
    "community",
    "rehabilitation",
    "company",
    "within",
    "across",
    "all",
    "each",
    "new",
    "said",
    "added",
    "inadequate",
    "good",
    "outstanding",
    "requires",
    "improvement",
    "rated",
    "by",
    "from",
    "with",
    "to",
    "is",
    "was",
    "has",
    "have",
    "kss",
    "ends",
}
#: Lower-case words allowed inside a name ("Yorkshire and the Humber", "Newcastle upon Tyne").
NAME_CONNECTORS = {"and", "&", ",", "upon", "on", "of", "the", "-"}
_NAME_TOKEN = re.compile(r"[A-Za-z][A-Za-z'.\-]*|&|,|[^\sA-Za-z]")


def _is_name_word(tok: str) -> bool:
    return tok[:1].isupper() and tok.lower().strip(".") not in UNIT_STOP or tok in ("&",)


def _trim(tokens: list[str]) -> list[str]:
    while tokens and (tokens[0] in NAME_CONNECTORS or tokens[0].lower() in UNIT_STOP):
        tokens = tokens[1:]
    while tokens and (tokens[-1] in NAME_CONNECTORS or tokens[-1].lower() in UNIT_STOP):
        tokens = tokens[:-1]
    return tokens


def _join(tokens: list[str]) -> str:
    out = ""
    for t in tokens:
        out += t if t == "," or not out else " " + t
    return out.replace(" - ", "-")


def name_before(text: str, end: int, window: int = 160) -> tuple[str, int] | None:
    """Capitalised name ending at ``end`` (e.g. before " PDU"): ``(name, start)`` or ``None``.

    Examples
    --------
    >>> t = "However, Leicester, Leicestershire and Rutland PDU"
    >>> name_before(t, t.index(" PDU"))
    ('Leicester, Leicestershire and Rutland', 9)
    """
    lo = max(0, end - window)
    chunk = text[lo:end]
    toks = [(m.group(), m.start() + lo) for m in _NAME_TOKEN.finditer(chunk)]
    if lo > 0 and toks:
        toks = toks[1:]  # the first token may be cut
    kept: list[tuple[str, int]] = []
    for tok, pos in reversed(toks):
        between = text[pos + len(tok) : kept[-1][1]] if kept else text[pos + len(tok) : end]
        if "\n\n" in between or len(between) > 3:
            break
        if _is_name_word(tok) or (tok.lower() in NAME_CONNECTORS and kept):
            kept.append((tok, pos))
            continue
        break
    kept.reverse()
    words = [t for t, _ in kept]
    trimmed = _trim(words)
    if not trimmed or not any(_is_name_word(t) for t in trimmed):
        return None
    first = len(words) - len(_trim_front_only(words))
    return _join(trimmed), kept[first][1]


def _trim_front_only(tokens: list[str]) -> list[str]:
    while tokens and (tokens[0] in NAME_CONNECTORS or tokens[0].lower() in UNIT_STOP):
        tokens = tokens[1:]
    return tokens


def name_after(text: str, start: int, window: int = 160) -> tuple[str, int] | None:
    """Capitalised name starting at ``start``: ``(name, end)`` or ``None``.

    Examples
    --------
    >>> t = "Probation services in Kent, Surrey and Sussex (KSS) have"
    >>> name_after(t, t.index("Kent"))
    ('Kent, Surrey and Sussex', 45)
    """
    chunk = text[start : start + window]
    kept: list[tuple[str, int]] = []
    last_end = start
    for m in _NAME_TOKEN.finditer(chunk):
        tok, pos = m.group(), m.start() + start
        if len(text[last_end:pos]) > 3 or "\n\n" in text[last_end:pos]:
            break
        if _is_name_word(tok) or (tok.lower() in NAME_CONNECTORS and kept):
            kept.append((tok, pos))
            last_end = pos + len(tok)
            continue
        break
    words = _trim([t for t, _ in kept])
    if not words:
        return None
    # position of the end of the last kept (trimmed) word
    idx = len(_trim_back_only([t for t, _ in kept])) - 1
    return _join(words), kept[idx][1] + len(kept[idx][0])


def _trim_back_only(tokens: list[str]) -> list[str]:
    while tokens and (tokens[-1] in NAME_CONNECTORS or tokens[-1].lower() in UNIT_STOP):
        tokens = tokens[:-1]
    return tokens


UNIT_ANCHORS: list[tuple[str, re.Pattern[str], str]] = [
    # (unit type, anchor, where the name is: "before" / "after")
    ("PDU", re.compile(r"[ ]+Probation\s+Delivery\s+Unit\b(?!s)"), "before"),
    ("PDU", re.compile(r"[ ]+PDU\b(?!s)"), "before"),
    ("CRC", re.compile(r"[ ]+Community\s+Rehabilitation\s+Company\b"), "before"),
    ("CRC", re.compile(r"[ ]+CRC\b(?!s)"), "before"),
    ("NPS division", re.compile(r"\bNPS[ ]+(?=[A-Z])"), "after"),
    (
        "NPS division",
        re.compile(r"\bNational\s+Probation\s+Service\s+(?:\(NPS\)\s+)?(?:in\s+)?(?=[A-Z])"),
        "after",
    ),
    ("region", re.compile(r"[ ]+(?:probation\s+)?region\b", re.IGNORECASE), "before"),
    ("region", re.compile(r"\bprobation\s+services?\s+in\s+(?=[A-Z])", re.IGNORECASE), "after"),
    ("region", re.compile(r"\bthe\s+(?=[A-Z][\w ,&]{2,60}?\s+region\b)"), "after"),
]
DIVISION_TAIL = re.compile(r"\s*division\b", re.IGNORECASE)
AREA_INSPECTION = re.compile(r"Quality\s*(?:&|and)\s*Impact\s+inspection:[ ]*(?=[A-Z])")
NATIONAL = re.compile(
    r"\b(?:the\s+)?(?:national\s+)?Probation\s+Service\s+(?:in\s+England\s+and\s+Wales\s+)?"
    r"(?:has\s+(?:been\s+)?|was\s+|is\s+)?(?:received\s+an\s+overall\s+rating|rated)\b",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- grades
GRADE_RE = re.compile(
    r"\b(?P<SPO>SPOs?\b|senior\s+probation\s+officers?)"
    r"|\b(?P<PSO>PSOs?\b|probation\s+services?\s+officers?)"
    r"|\b(?P<PO>POs?\b|probation\s+officers?)"
    r"|\b(?P<trainee>trainee\s+probation\s+officers?|trainees?\b|PQiPs?\b)"
    r"|\b(?P<practitioner>practitioners?\b|case\s+managers?)"
    r"|\b(?P<admin>admin(?:istrative|istrators?|istration)?\b|business\s+support)"
    r"|\b(?P<manager>(?:middle\s+)?managers?\b)",
    re.IGNORECASE,
)
_CASE_SENSITIVE_GRADES = {"PO", "POS", "PSO", "PSOS", "SPO", "SPOS"}


def grade_mentions(text: str, offset: int = 0) -> list[tuple[str, int, int]]:
    """Grade mentions ``(grade, start, end)``; the abbreviations must be upper case.

    Examples
    --------
    >>> [g for g, *_ in grade_mentions("PO and Probation Services Officer (PSO) staff")]
    ['PO', 'PSO', 'PSO']
    """
    out = []
    for m in GRADE_RE.finditer(text):
        grade = m.lastgroup
        word = m.group()
        if word.upper() in _CASE_SENSITIVE_GRADES and not word[:2].isupper():
            continue
        out.append((grade, m.start() + offset, m.end() + offset))
    return out
