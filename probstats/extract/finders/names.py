"""Capitalised unit names read before or after an anchor word ("... PDU", "NPS ...").

A name is a run of capitalised words and connectors ("and", "upon", "of the",
commas) with at most three characters between tokens, read in a window of
:data:`NAME_WINDOW` characters, so a long run of capitalised words costs a
fixed amount per anchor.
"""

from __future__ import annotations

import re

#: Characters read before or after an anchor for a unit name (the longest PDU
#: name, "Hammersmith, Fulham, Kensington, Chelsea and Westminster", is 56).
NAME_WINDOW = 120

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
    "neighbouring",
    "nearby",
    "adjacent",
    "unlike",
    "like",
    "also",
    "requiring",
    "whereas",
    "compared",
    "sister",
    "another",
    "other",
}
#: Lower-case words allowed inside a name ("Yorkshire and the Humber", "Newcastle upon Tyne").
NAME_CONNECTORS = {"and", "&", ",", "upon", "on", "of", "the", "-"}
_NAME_TOKEN = re.compile(
    r"[^\W\d_](?:[^\W_]|['.\-]){0,40}|&|,|[^\s\w]"
)  # letters include accented ones


def _is_name_word(tok: str) -> bool:
    return tok[:1].isupper() and tok.lower().strip(".'") not in UNIT_STOP or tok in ("&",)


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


def name_before(text: str, end: int, window: int = NAME_WINDOW) -> tuple[str, int] | None:
    """Capitalised name ending at ``end`` (e.g. before " PDU"): ``(name, start)`` or ``None``.

    Examples
    --------
    >>> from probstats.extract.finders.names import name_before
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
        if "\n" in between or len(between) > 3:
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


def name_after(text: str, start: int, window: int = NAME_WINDOW) -> tuple[str, int] | None:
    """Capitalised name starting at ``start``: ``(name, end)`` or ``None``.

    Examples
    --------
    >>> from probstats.extract.finders.names import name_after
    >>> t = "Probation services in Kent, Surrey and Sussex (KSS) have"
    >>> name_after(t, t.index("Kent"))
    ('Kent, Surrey and Sussex', 45)
    """
    chunk = text[start : start + window]
    kept: list[tuple[str, int]] = []
    last_end = start
    for m in _NAME_TOKEN.finditer(chunk):
        tok, pos = m.group(), m.start() + start
        if len(text[last_end:pos]) > 3 or "\n" in text[last_end:pos]:
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
