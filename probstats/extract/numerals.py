"""Numbers as publications write them: digits, words, percentages and qualifiers.

All patterns are linear: no nested unbounded repetition, and every look-back
reads a fixed-size window before a match (never the whole sentence).
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip

WORD_NUMBER = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|"
    r"five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a\s+hundred)"
)
DIGITS = r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|(?<![\d.,])\d{1,7}(?:\.\d{1,3})?(?!\d)"
NUMBER = rf"(?:{DIGITS}|\b{WORD_NUMBER}\b)"
NUMBER_RE = re.compile(NUMBER, re.IGNORECASE)
#: A percentage written in digits or words; the number is group ``pct``.
PERCENT = re.compile(rf"(?P<pct>{NUMBER})[ ]?(?:%|per[ ]?cent\b|percent\b)", re.IGNORECASE)
_PERCENT_TAIL = re.compile(r"[ ]?(?:%|per[ ]?cent\b|percent\b)", re.IGNORECASE)


def parse_number(text: str) -> float | None:
    """Value of a number written in digits ("1,170", "15.5") or words ("seven", "forty-two").

    Examples
    --------
    >>> from probstats.extract.numerals import parse_number
    >>> parse_number("1,170"), parse_number("seven"), parse_number("Forty-two")
    (1170.0, 7.0, 42.0)
    >>> parse_number("a hundred"), parse_number("many") is None
    (100.0, True)
    """
    t = " ".join(text.strip().lower().replace(",", "").split())
    try:
        return float(t)
    except ValueError:
        pass
    if t == "a hundred":
        return 100.0
    parts = re.split(r"[- ]", t)
    if len(parts) == 1:
        v = _UNITS.get(parts[0], _TENS.get(parts[0]))
        return None if v is None else float(v)
    if len(parts) == 2 and parts[0] in _TENS and _UNITS.get(parts[1], 10) < 10:
        return float(_TENS[parts[0]] + _UNITS[parts[1]])
    return None


def as_int(value: float | None) -> int | None:
    """Whole number or ``None`` (fractions are not counts).

    Examples
    --------
    >>> from probstats.extract.numerals import as_int
    >>> as_int(3.0), as_int(2.5), as_int(None)
    (3, None, None)
    """
    if value is None or value != int(value):
        return None
    return int(value)


def is_percent_at(text: str, end: int) -> int | None:
    """End of a percent sign or "per cent" right after a number ending at ``end``.

    Examples
    --------
    >>> from probstats.extract.numerals import is_percent_at
    >>> is_percent_at("12 per cent of", 2), is_percent_at("12 cases", 2)
    (11, None)
    """
    m = _PERCENT_TAIL.match(text, end, end + 10)
    return m.end() if m else None


# Qualifying words immediately before a number; the map gives the dataset's code.
_QUALIFIERS: list[tuple[str, str]] = [
    (r"in\s+excess\s+of", ">"), (r"more\s+than", ">"), (r"greater\s+than", ">"),
    (r"just\s+over", ">"), (r"over", ">"), (r"above", ">"), (r"exceeding", ">"),
    (r"less\s+than", "<"), (r"fewer\s+than", "<"), (r"just\s+under", "<"), (r"under", "<"),
    (r"below", "<"), (r"nearly", "<"), (r"almost", "<"), (r"not\s+quite", "<"),
    (r"at\s+least", ">="), (r"a\s+minimum\s+of", ">="), (r"up\s+to", "<="),
    (r"at\s+most", "<="), (r"no\s+more\s+than", "<="), (r"a\s+maximum\s+of", "<="),
    (r"around", "~"), (r"about", "~"), (r"approximately", "~"), (r"approx\.?", "~"),
    (r"roughly", "~"), (r"circa", "~"), (r"c\.", "~"), (r"some", "~"),
    (r"in\s+the\s+region\s+of", "~"), (r"an\s+estimated", "~"),
]  # fmt: skip
_QUALIFIER_TAIL = re.compile(
    r"(?:^|\W)(" + "|".join(p for p, _ in _QUALIFIERS) + r")\s{0,3}$", re.IGNORECASE
)
_QUALIFIER_MAP = [(re.compile(rf"{p}", re.IGNORECASE), q) for p, q in _QUALIFIERS]
#: Characters read before a number to find its qualifier (the longest wording is 22).
QUALIFIER_WINDOW = 40


def qualifier_before(pre: str) -> tuple[str, int]:
    """Qualifier stated right before a number and the length of its wording.

    Only the last :data:`QUALIFIER_WINDOW` characters of ``pre`` are read.

    Examples
    --------
    >>> from probstats.extract.numerals import qualifier_before
    >>> qualifier_before("vacancy rate of just over ")
    ('>', 10)
    >>> qualifier_before("rate was ")
    ('', 0)
    """
    tail = pre[-QUALIFIER_WINDOW:]
    m = _QUALIFIER_TAIL.search(tail)
    if m is None:
        return "", 0
    word = m.group(1)
    for pat, q in _QUALIFIER_MAP:
        if pat.fullmatch(word):
            return q, len(tail) - m.start(1)
    return "", 0  # pragma: no cover - every alternative is mapped


#: Shares written as words, and the percentage each stands for.
FRACTIONS = {
    "a quarter": 25, "one quarter": 25, "a third": 33, "one third": 33, "two thirds": 67,
    "three quarters": 75, "half": 50, "a half": 50, "a fifth": 20, "one fifth": 20,
    "two fifths": 40, "a tenth": 10, "one in two": 50, "one in three": 33, "one in four": 25,
    "one in five": 20, "one in ten": 10,
}  # fmt: skip
FRACTION = re.compile(
    r"(?<![\w-])(?:(?:a|one)[ -]quarter|(?:a|one)[ -]third|two[ -]thirds|three[ -]quarters|a[ ]half|half"
    r"|(?:a|one)[ -]fifth|two[ -]fifths|a[ ]tenth|one[ ]in[ ](?:two|three|four|five|ten))(?![\w-])",
    re.IGNORECASE,
)


def fraction_value(words: str) -> int | None:
    """Percentage a share in words stands for.

    Examples
    --------
    >>> from probstats.extract.numerals import fraction_value
    >>> fraction_value("two-thirds"), fraction_value("Half"), fraction_value("most")
    (67, 50, None)
    """
    return FRACTIONS.get(" ".join(words.lower().replace("-", " ").split()))


def word_share_qualifier(pre: str) -> str:
    """Qualifier of a share in words: stated ("just over half" is ">"), else "~".

    Examples
    --------
    >>> from probstats.extract.numerals import word_share_qualifier
    >>> word_share_qualifier("in just over "), word_share_qualifier("in only "), word_share_qualifier("")
    ('>', '~', '~')
    """
    q, _ = qualifier_before(pre)
    return q or "~"
