"""Reading, cleaning and splitting publication text.

Every function here keeps character offsets meaningful: cleaning is a
one-for-one character mapping (curly quotes become straight ones, exotic
spaces become plain spaces) and boilerplate is *masked* with spaces rather
than removed, so an offset found in the working text is an offset in the text
the analyst supplied. For HTML input the reference text is the visible text
produced by :func:`html_to_text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from probstats.errors import ExtractionError

# One-for-one replacements: the working text has the same length as the original.
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\t": " ",
        "\r": "\n",
        "\f": "\n",
        "\v": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\u00ad": " ",
        "\ufeff": " ",
        "\x00": " ",
        "\ufffd": " ",
    }
)


def normalise(text: str) -> str:
    """Same-length normalisation: straight quotes, plain spaces and hyphens, ``\\n`` breaks.

    Examples
    --------
    >>> normalise("rated \u2018Good\u2019\u00a0today")
    "rated 'Good' today"
    >>> len(normalise("a\u2014b")) == len("a\u2014b")
    True
    """
    return text.translate(_TRANSLATE)


# --------------------------------------------------------------------------- reading
_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html|<head|<body|<\?xml)", re.IGNORECASE)
_TAG = re.compile(r"<(?:p|div|br|h[1-6]|li|span|a|section|article)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """True for a saved web page (doctype or many block tags near the start).

    Examples
    --------
    >>> looks_like_html("<!DOCTYPE html><p>x</p>"), looks_like_html("plain text")
    (True, False)
    """
    head = text[:5000]
    return bool(_HTML_SNIFF.match(head)) or len(_TAG.findall(head)) >= 5


class _TextParser(HTMLParser):
    _SKIP = frozenset({"script", "style", "noscript", "svg", "template", "head", "iframe"})
    _BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "li",
            "ul",
            "ol",
            "tr",
            "table",
            "section",
            "article",
            "header",
            "footer",
            "main",
            "nav",
            "aside",
            "blockquote",
            "dd",
            "dt",
            "title",
            "hr",
            "pre",
            "figure",
            "figcaption",
            "form",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":  # the page title often is the headline; keep it
            self._in_title = True
        elif tag in self._SKIP:
            self._skip += 1
        if tag in self._BLOCK:
            self.parts.append("\n\n" if tag in ("p", "h1", "h2", "h3", "title") else "\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP and self._skip:
            self._skip -= 1
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip and not self._in_title:
            return
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page with block elements on their own lines.

    Scripts, styles and the ``<head>`` (except ``<title>``) are dropped; list
    items become ``- `` lines so that numbered notes stay one per line.

    Examples
    --------
    >>> html_to_text("<html><body><h1>A &amp; B</h1><p>One.</p><script>x()</script></body></html>")
    'A & B\\n\\nOne.'
    """
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; be safe with pathological input
        return re.sub(r"<[^>]{0,2000}>", " ", html)
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, list[str]]:
    """Decode a file's bytes to text; return the text and any warnings.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are accepted; otherwise
    Windows-1252, the usual encoding of text saved on Windows, is tried and a
    warning says so.

    Raises
    ------
    ExtractionError
        For binary data (NUL bytes without a UTF-16 BOM) or bytes that no
        accepted encoding can decode.

    Examples
    --------
    >>> decode_bytes("caf\u00e9".encode("utf-8"))
    ('caf\u00e9', [])
    >>> decode_bytes(b"caf\\xe9")[1]
    ['<bytes>: not valid UTF-8; decoded as Windows-1252']
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise ExtractionError(f"{name}: invalid UTF-16 text ({exc.reason})") from None
    if b"\x00" in data[:65536]:
        raise ExtractionError(f"{name}: looks like a binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), [f"{name}: not valid UTF-8; decoded as Windows-1252"]
    except UnicodeDecodeError as exc:
        raise ExtractionError(
            f"{name}: cannot decode as UTF-8 or Windows-1252 (byte {exc.start}); "
            "save the file as UTF-8 text"
        ) from None


def read_document(path: str | Path) -> tuple[str, list[str]]:
    """Read a text or saved-HTML file; return its reference text and warnings.

    Raises
    ------
    ExtractionError
        If the file is missing, unreadable, binary or undecodable; the message
        names the file.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    text, warnings = decode_bytes(data, str(path))
    if looks_like_html(text):
        text = html_to_text(text)
    return text, warnings


# --------------------------------------------------------------------------- boilerplate
# Each pattern matches one boilerplate passage of the web page or release that
# must not be read as a fact (the four-point-scale note names every rating; the
# unification note names CRCs, the NPS and a year; cookie and licence text).
_BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^[^\n]{0,200}\bcookies?\b[^\n]*$",
        r"^[ ]*skip to (?:main )?content[ ]*$",
        r"^[^\n]{0,200}open government licence[^\n]*$",
        r"^[ ]*to view this licence[^\n]*$",
        r"^[ ]*(?:or )?write to:?[ ]*$",
        r"^[ ]*information policy team,?[ ]*$",
        r"^[ ]*the national archives,?[ ]*$",
        r"^[ ]*kew,?[ ]*$",
        r"^[ ]*london tw9 4du[ ]*$",
        r"^[ ]*(?:or )?e-?mail:?[^\n]{0,80}$",
        r"^[ ]*this publication is available at:?[^\n]{0,200}$",
        r"^[ ]*https?://\S+[ ]*$",
        r"^[^\n]*\buses a four[- ]point (?:rating )?scale[^\n]*$",
        r"^[^\n]*\bprobation delivery units \(pdus\) replaced[^\n]*$",
        r"^[^\n]*\bis the independent inspector of[^\n]*$",
        r"^[^\n]*\bmedia enquiries\b[^\n]*(?:\n[ ]*[0-9+][0-9 ]{6,}[^\n]*)?$",
        r"^[ ]*(?:share this page|print this page|related content|back to top)[^\n]*$",
    )
]
_BOILER_MULTI = [re.compile(p.pattern, re.IGNORECASE | re.MULTILINE) for p in _BOILERPLATE]


def mask_boilerplate(text: str) -> str:
    """Replace boilerplate lines with spaces, keeping length and line breaks.

    Examples
    --------
    >>> mask_boilerplate("Skip to content\\nWest Kent PDU rated.").strip()
    'West Kent PDU rated.'
    """
    chars = list(text)
    for pat in _BOILER_MULTI:
        for m in pat.finditer(text):
            for i in range(m.start(), m.end()):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)


# --------------------------------------------------------------------------- splitting
@dataclass(frozen=True)
class Segment:
    """One document within a file: ``text[start:end]`` of the file's text."""

    start: int
    end: int


_PAGE_START = re.compile(
    r"^[ ]*(?:are you ok with cookies\??|skip to (?:main )?content)[ ]*$",
    re.IGNORECASE | re.MULTILINE,
)
_SEPARATOR = re.compile(r"^[ ]*(?:[-=_*#~]{3,}|\x0c)[ ]*$", re.MULTILINE)
_MEDIA = re.compile(
    r"^[^\n]*\bmedia enquiries\b[^\n]*(?:\n[ ]*[0-9+][0-9 /]{6,}[^\n]*)?$",
    re.IGNORECASE | re.MULTILINE,
)
_NOTES = re.compile(r"^[ ]*notes? (?:to|for) editors?:?[ ]*$", re.IGNORECASE | re.MULTILINE)
_LIST_LINE = re.compile(
    r"^[ ]*(?:\d{1,2}[.)]|[-\u2022*])[ ]+|^[ ]+\S|^[ ]*$|^[ ]*ends[ ]*$", re.IGNORECASE
)
_WORDY = re.compile(r"inspect|\brat(?:ed|ing)\b|\bPDU\b|\bCRC\b|probation", re.IGNORECASE)


def _notes_end(text: str, heading_end: int) -> int | None:
    """Offset where a notes-to-editors list ends and unrelated prose resumes."""
    pos = heading_end
    seen_item = False
    for line in text[heading_end:].split("\n")[1:]:
        start = pos + 1
        pos = start + len(line)
        if _LIST_LINE.match(line):
            seen_item = seen_item or bool(line.strip())
            continue
        if seen_item:
            return start
    return None


def split_documents(text: str) -> list[Segment]:
    """Split a file holding one or several releases into document segments.

    Boundaries: a new page header (cookie banner or "Skip to content"), a
    separator line (``---``, ``===``, form feed), the line after a "media
    enquiries" contact, and the first ordinary paragraph after a
    notes-to-editors list. Fragments that never mention an inspection are
    joined to the document before them (or after, at the start).

    Examples
    --------
    >>> t = "A PDU inspection.\\nFor media enquiries call 01234 567890\\nB PDU inspection."
    >>> [t[s.start:s.end].strip() for s in split_documents(t)]
    ['A PDU inspection.\\nFor media enquiries call 01234 567890', 'B PDU inspection.']
    """
    norm = normalise(text)
    cuts: set[int] = set()
    for m in _PAGE_START.finditer(norm):
        cuts.add(m.start())
    for m in _SEPARATOR.finditer(norm):
        cuts.add(m.start())
    for m in _MEDIA.finditer(norm):
        cuts.add(min(m.end() + 1, len(norm)))
    for m in _NOTES.finditer(norm):
        end = _notes_end(norm, m.end())
        if end is not None:
            cuts.add(end)
    bounds = sorted({0, len(norm), *cuts})
    raw = [Segment(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    # Join page banners, separators and stray footers to a neighbouring document.
    merged: list[Segment] = []
    pending_start: int | None = None
    for seg in raw:
        substantive = _WORDY.search(norm, seg.start, seg.end) is not None
        if not substantive:
            if merged:
                merged[-1] = Segment(merged[-1].start, seg.end)
            elif pending_start is None:
                pending_start = seg.start
            continue
        start = pending_start if pending_start is not None else seg.start
        pending_start = None
        # A page header opens a document; material before it belongs to the previous one.
        merged.append(Segment(start, seg.end))
    if pending_start is not None:
        if merged:
            merged[-1] = Segment(merged[-1].start, len(norm))
        elif norm.strip():
            merged.append(Segment(pending_start, len(norm)))
    return merged


# --------------------------------------------------------------------------- sentences
@dataclass(frozen=True)
class Sentence:
    """A sentence (or heading, or list item) as offsets into the working text."""

    start: int
    end: int


_SENT_BREAK = re.compile(
    r"""(?<=[.!?])["')\]]*[ \n]+(?=["'(\[]?[A-Z0-9])   # full stop then a capital or digit
      |\n[ ]*\n\s*                                      # blank line
      |\n(?=[ ]*(?:\d{1,2}[.)]|[-\u2022*])[ ]+)          # list item on a new line
      |(?<=[^.,;:\-\s])[ ]*\n(?=[ ]*["'A-Z][^\n]*[.!?]["']?[ ]*(?:\n|$)  # headline, then
                                |[ ]*["'A-Z][^\n.]{0,60}(?:\n|$))         # a full line or heading
      """,
    re.VERBOSE,
)
_LIST_MARK = re.compile(r"\s*(?:\d{1,3}|[a-z])\.[\s\"')]*")
_ABBREV = re.compile(
    r"\b(?:e\.g|i\.e|etc|no|vs|cf|approx|para|Dr|St|Mr|Mrs|Ms|Prof)\.$", re.IGNORECASE
)


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[Sentence]:
    """Sentences of ``text[start:end]`` as offsets (headings and list items count as sentences).

    Examples
    --------
    >>> t = "Headline here\\nFirst one. Second one.\\n\\n1. A note."
    >>> [t[s.start:s.end] for s in sentences(t)]
    ['Headline here', 'First one.', 'Second one.', '1. A note.']
    """
    end = len(text) if end is None else end
    pos = start
    for m in _SENT_BREAK.finditer(text, start, end):
        if m.start() > pos and (
            _ABBREV.search(text, max(pos, m.start() - 8), m.start())
            or _LIST_MARK.fullmatch(text, pos, m.start())
        ):
            continue
        piece = text[pos : m.start()]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            yield Sentence(pos + lead, pos + len(piece.rstrip()))
        pos = m.end()
    piece = text[pos:end]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        yield Sentence(pos + lead, pos + len(piece.rstrip()))
