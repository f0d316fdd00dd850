"""Cleaning, boilerplate masking and splitting of publication text.

Every function here keeps character offsets meaningful: cleaning is a
one-for-one character mapping (curly quotes become straight ones, exotic
spaces become plain spaces) and boilerplate is *masked* with spaces rather
than removed, so an offset found in the working text is an offset in the
reference text of the document.

Linear time is a design rule here: sentences are cut at
:data:`MAX_SENTENCE` characters, and every finder works inside one sentence
with windows of fixed size, so no input can make a scan quadratic.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

# One-for-one replacements: the working text has the same length as the original.
_TRANSLATE = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u00a0\u2007\u2009\u202f\u200b\u2002\u2003\t\u00ad\ufeff\x00\ufffd", " "),
        **dict.fromkeys("\r\f\v\u2028\u2029", "\n"),
        **dict.fromkeys("\u2013\u2014\u2010\u2011\u2212", "-"),
    }
)


def normalise(text: str) -> str:
    """Same-length normalisation: straight quotes, plain spaces and hyphens, ``\\n`` breaks.

    Examples
    --------
    >>> from probstats.extract.text import normalise
    >>> normalise("rated \u2018Good\u2019\u00a0today")
    "rated 'Good' today"
    >>> len(normalise("a\u2014b\\r\\n")) == len("a\u2014b\\r\\n")
    True
    """
    return text.translate(_TRANSLATE)


# --------------------------------------------------------------------------- sentences
#: Longest sentence handed to a finder. Real sentences in releases and reports
#: are under 500 characters; longer runs (tables flattened from PDF, pasted text
#: with no full stops, hostile input) are cut at a space or clause mark so that
#: every per-sentence scan has a fixed upper cost.
MAX_SENTENCE = 800


@dataclass(frozen=True)
class Sentence:
    """A sentence (or heading, list item or table row) as offsets into the working text."""

    start: int
    end: int


_SENT_BREAK = re.compile(
    r"""(?<=[.!?])["')\]]{0,3}(?:[ ]{1,40}|[ ]{0,40}\n[ \n]{0,40})
        (?=["'(\[]?[A-Z0-9])                                # a stop, then a capital or digit
      |\n[ ]{0,40}\n                                      # blank line
      |\n(?=[ ]{0,40}(?:\d{1,2}[.)]|[-\u2022*|])[ ])       # list item or table row
      |(?<=[^.,;:\-\s])[ ]{0,40}\n(?=[ ]{0,40}["'A-Z])     # a line that ends without a stop
      """,
    re.VERBOSE,
)
_LIST_MARK = re.compile(r"\s{0,5}(?:\d{1,3}|[a-z])\.[\s\"')]{0,5}")
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|etc|no|vs|cf|approx|para|Dr|St|Mr|Mrs|Ms|Prof|c)\.$", re.I)
_SOFT_CUT = re.compile(r"[;:,][ ]|[ ]")


def _pieces(text: str, a: int, b: int) -> Iterator[Sentence]:
    """``text[a:b]`` stripped, and cut into pieces of at most MAX_SENTENCE characters."""
    while a < b and text[a] in " \n":
        a += 1
    while b > a and text[b - 1] in " \n":
        b -= 1
    while b - a > MAX_SENTENCE:
        hi = a + MAX_SENTENCE
        cut = None
        for m in _SOFT_CUT.finditer(text, hi - 200, hi):
            cut = m.end()
        cut = cut if cut is not None and cut > a else hi
        yield from _pieces(text, a, cut) if cut - a < MAX_SENTENCE else [Sentence(a, cut)]
        a = cut
        while a < b and text[a] in " \n":
            a += 1
    if b > a:
        yield Sentence(a, b)


_BREAK_CHAR = re.compile(r"[.!?]+|\n")
_NEWLINE = re.compile(r"\n")
#: Characters of a line looked at for a table-cell separator.
ROW_WINDOW = 200


def _is_row_edge(text: str, nl: int) -> bool:
    """True when the line before or after this line break is a table row ("a | b")."""
    before = text.rfind("\n", max(0, nl - ROW_WINDOW), nl)
    nxt = text.find("\n", nl + 1, nl + 1 + ROW_WINDOW)
    prev_line = text[before + 1 if before >= 0 else max(0, nl - ROW_WINDOW) : nl]
    next_line = text[nl + 1 : nxt if nxt >= 0 else nl + 1 + ROW_WINDOW]
    return " | " in prev_line or " | " in next_line


def _breaks(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Matches of the sentence-break pattern, tried only where a stop or a line break is.

    Equivalent to ``_SENT_BREAK.finditer`` but the engine skips to candidate
    characters instead of trying four look-behind alternatives at every offset.
    """
    pos = start
    for c in _BREAK_CHAR.finditer(text, start, end):
        if c.start() < pos:
            continue
        if text[c.start()] == "\n" and _is_row_edge(text, c.start()):
            yield _NEWLINE.match(text, c.start())  # table rows are sentences of their own
            pos = c.end()
            continue
        if text[c.start()] == "\n":
            j = c.start()
            while j > max(pos, c.start() - 40) and text[j - 1] == " ":
                j -= 1
            m = _SENT_BREAK.match(text, j, end) or _SENT_BREAK.match(text, c.start(), end)
        else:
            m = _SENT_BREAK.match(text, c.end(), end)
        if m is not None and m.end() > m.start():
            yield m
            pos = m.end()


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[Sentence]:
    """Sentences of ``text[start:end]`` as offsets (headings, list items and rows count).

    Examples
    --------
    >>> from probstats.extract.text import MAX_SENTENCE
    >>> from probstats.extract.text import sentences
    >>> t = "Headline here\\nFirst one. Second one.\\n\\n1. A note."
    >>> [t[s.start:s.end] for s in sentences(t)]
    ['Headline here', 'First one.', 'Second one.', '1. A note.']
    >>> max(s.end - s.start for s in sentences("word " * 1000)) <= MAX_SENTENCE
    True
    """
    end = len(text) if end is None else end
    pos = start
    for m in _breaks(text, start, end):
        if m.start() > pos and (
            _ABBREV.search(text, max(pos, m.start() - 8), m.start())
            or _LIST_MARK.fullmatch(text, pos, m.start())
        ):
            continue
        yield from _pieces(text, pos, m.start())
        pos = m.end()
    yield from _pieces(text, pos, end)


# --------------------------------------------------------------------------- boilerplate
# Boilerplate is recognised per sentence. A sentence matching one of these cues is
# masked whole when it is short (it is the boilerplate); in a long sentence (a page
# pasted on one line) only the cue's own wording is masked, so the release glued to
# a cookie banner still yields its record.
_SENTENCE_CUES = re.compile(
    r"cookie|skip to (?:main )?content\b|open government licence|to view this licen[cs]e"
    r"|write to:|information policy team|the national archives|london tw9 4du"
    r"|this publication is available at|uses a four[- ]point (?:rating )?scale"
    r"|probation delivery units \(pdus\) replaced|is the independent inspector of"
    r"|media enquiries|share this page|print this page|related content|back to top"
)  # run on the lower-case text: no IGNORECASE, so the engine can skip by first letters
#: Short lines that are boilerplate only as a whole line.
_LINE_CUES = re.compile(
    r"kew,?|(?:or )?e-?mail:?.{0,80}|https?://\S{1,300}|url: https?://\S{1,300}"
)
#: Lower-cases ASCII letters only (offsets stay valid).
ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(65, 91)})
_SUBSTANTIVE = re.compile(r"PDU|CRC|Probation Delivery Unit|[Dd]ivision")
_REPORTING = re.compile(r"rated|rating|recommendation|inspection")
#: A boilerplate sentence longer than this is text glued to a banner: mask the cue only.
MAX_BOILERPLATE = 400
_CUE_EXTENT = re.compile(r"[^.?!\n]{0,200}[.?!]?")


def boilerplate_spans(
    text: str, sents: list[Sentence], low: str | None = None
) -> list[tuple[int, int]]:
    """Spans of boilerplate (cookie banner, licence, contact lines, scale notes).

    Examples
    --------
    >>> from probstats.extract.text import boilerplate_spans
    >>> from probstats.extract.text import sentences
    >>> t = "Skip to content\\nWest PDU rated 'Good'."
    >>> [t[a:b] for a, b in boilerplate_spans(t, list(sentences(t)))]
    ['Skip to content']
    """
    low = text.translate(ASCII_LOWER) if low is None else low
    spans = []
    starts = [s.start for s in sents]
    last = -1
    for m in _SENTENCE_CUES.finditer(low):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i <= last or i < 0 or m.start() >= sents[i].end:
            continue
        last, s = i, sents[i]
        m = _SENTENCE_CUES.search(low, s.start, s.end) or m
        if _SUBSTANTIVE.search(text, s.start, s.end) and _REPORTING.search(low, s.start, s.end):
            spans.append((m.start(), m.end()))  # a release glued to a banner: mask the cue only
        elif s.end - s.start <= MAX_BOILERPLATE:
            spans.append((s.start, s.end))
        else:
            tail = _CUE_EXTENT.match(text, m.end(), s.end)
            spans.append((m.start(), tail.end() if tail else m.end()))
    for s in sents:  # whole-line furniture: "Kew,", "or email:", a bare address
        if s.end - s.start <= 320 and _LINE_CUES.fullmatch(low, s.start, s.end):
            spans.append((s.start, s.end))
    spans.sort()
    return spans


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given spans replaced by spaces (line breaks kept).

    Examples
    --------
    >>> from probstats.extract.text import mask
    >>> mask("ab\\ncd", [(1, 4)])
    'a \\n d'
    """
    if not spans:
        return text
    out, pos = [], 0
    for a, b in sorted(spans):
        a = max(a, pos)
        if b <= a:
            continue
        out.append(text[pos:a])
        out.append(re.sub(r"[^\n]", " ", text[a:b]))
        pos = b
    out.append(text[pos:])
    return "".join(out)


# --------------------------------------------------------------------------- documents
@dataclass(frozen=True)
class Segment:
    """One document within a file: ``text[start:end]`` of the file's text."""

    start: int
    end: int


_PAGE_START = re.compile(
    r"^[ ]{0,20}(?:are you ok with cookies\??|skip to (?:main )?content)[ ]{0,20}$",
    re.IGNORECASE | re.MULTILINE,
)
_SEPARATOR = re.compile(r"^[ ]{0,20}[-=_*#~]{3,80}[ ]{0,20}$", re.MULTILINE)
_MEDIA = re.compile(
    r"^[^\n]{0,300}\bmedia enquiries\b[^\n]{0,300}(?:\n[ ]{0,20}[0-9+][0-9 /]{6,30}[^\n]{0,200})?$",
    re.IGNORECASE | re.MULTILINE,
)
_NOTES = re.compile(r"^[ ]{0,20}notes? (?:to|for) editors?:?[ ]{0,20}$", re.I | re.MULTILINE)
_LIST_LINE = re.compile(r"[ ]{0,20}(?:\d{1,2}[.)]|[-\u2022*])[ ]|[ ]\S|[ ]*$|[ ]*ends[ ]*$", re.I)
_WORDY = re.compile(r"inspect|\brat(?:ed|ing)\b|\bPDU\b|\bCRC\b|probation", re.IGNORECASE)
#: Lines read after a notes-to-editors heading to find where the notes end.
NOTES_MAX_LINES = 40


def _notes_end(text: str, heading_end: int) -> int | None:
    """Offset where a notes-to-editors list ends and unrelated prose resumes."""
    pos = text.find("\n", heading_end)
    seen_item = False
    for _ in range(NOTES_MAX_LINES):
        if pos < 0:
            return None
        start = pos + 1
        nxt = text.find("\n", start)
        line_end = len(text) if nxt < 0 else nxt
        if _LIST_LINE.match(text, start, min(line_end, start + 40)):
            seen_item = seen_item or bool(text[start:line_end].strip())
            pos = nxt
            continue
        return start if seen_item else None
    return None


def split_documents(norm: str, low: str | None = None) -> list[Segment]:
    """Split a (normalised) file holding one or several releases into documents.

    Boundaries: a new page header (cookie banner or "Skip to content"), a
    separator line (``---``, ``===``), the line after a "media enquiries"
    contact, and the first ordinary paragraph after a notes-to-editors list.
    Fragments that never mention an inspection are joined to a neighbour.

    Examples
    --------
    >>> from probstats.extract.text import split_documents
    >>> t = "A PDU inspection.\\nFor media enquiries call 01234 567890\\nB PDU inspection."
    >>> [t[s.start:s.end].strip() for s in split_documents(t)]
    ['A PDU inspection.\\nFor media enquiries call 01234 567890', 'B PDU inspection.']
    """
    low = norm.translate(ASCII_LOWER) if low is None else low
    cuts: set[int] = set()
    # Each boundary's literal is looked for first: most files have none of them.
    if "cookies" in low or "skip to" in low:
        cuts |= {m.start() for m in _PAGE_START.finditer(norm)}
    if any(x in norm for x in ("---", "===", "___", "***", "###", "~~~")):
        cuts |= {m.start() for m in _SEPARATOR.finditer(norm)}
    if "media enquiries" in low:
        cuts |= {min(m.end() + 1, len(norm)) for m in _MEDIA.finditer(norm)}
    if "editor" not in low:
        return _join_fragments(norm, cuts)
    for m in _NOTES.finditer(norm):
        end = _notes_end(norm, m.end())
        if end is not None:
            cuts.add(end)
    return _join_fragments(norm, cuts)


def _join_fragments(norm: str, cuts: set[int]) -> list[Segment]:
    bounds = sorted({0, len(norm), *cuts})
    merged: list[Segment] = []
    pending: int | None = None
    for a, b in zip(bounds, bounds[1:], strict=False):
        if _WORDY.search(norm, a, b) is None:
            if merged:
                merged[-1] = Segment(merged[-1].start, b)
            elif pending is None:
                pending = a
            continue
        merged.append(Segment(a if pending is None else pending, b))
        pending = None
    if pending is not None:
        if merged:
            merged[-1] = Segment(merged[-1].start, len(norm))
        elif norm.strip():
            merged.append(Segment(pending, len(norm)))
    return merged
