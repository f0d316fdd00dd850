"""Read a publication file into reference text, whatever its format.

The format is detected from the bytes, never from the file name: ``%PDF-``
starts a PDF; a doctype, ``<html>`` or a run of block tags marks a web page;
anything else that decodes is plain text. Other binary files (Office, ZIP,
images) are refused with a message naming the file.

Libraries
---------
* PDF: **pypdf** (pure Python, maintained, no system libraries; per-page text
  so every value keeps its page number). pdfplumber's layout analysis is
  richer but several times slower, and the ratings tables of HMIP reports
  come through pypdf as one row per line, which the finders read.
* HTML: **lxml** (libxml2's lenient parser: it repairs the broken markup of
  saved pages, is the fastest of the three candidates, and gives the element
  tree, so headings and table rows are kept as structure). BeautifulSoup would
  add a dependency on top of a parser; selectolax has no lenient fallback for
  XML-declared pages and a smaller community.
Both are in the ``readers`` extra; without them, reading that format raises
:class:`~probstats.errors.MissingReaderError`.
"""

from __future__ import annotations

import bisect
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from probstats.extract._deps import ExtractionError, MissingReaderError, UnsupportedFormatError
from probstats.extract.sections import SectionMap, classify_heading

Format = Literal["text", "html", "pdf"]
#: Files larger than this are refused (a report PDF is a few MB; 64 MiB is a mistake).
MAX_FILE_BYTES = 64 * 1024 * 1024
_MAGIC = (
    (b"PK\x03\x04", "a ZIP or Office document"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
)
_HTML_SNIFF = re.compile(r"\s{0,200}(?:<!doctype\s+html|<html|<head|<body|<\?xml)", re.I)
_TAG = re.compile(r"<(?:p|div|br|h[1-6]|li|span|a|section|article|table|tr|td)\b", re.I)


@dataclass
class Source:
    """A document's reference text and what the reader knows about it.

    ``pages`` holds the offset where each page starts (PDF only); ``sections``
    names the report section of an offset; ``url`` is the page's canonical
    address when the file states one.
    """

    text: str
    format: Format
    name: str = "<text>"
    pages: list[int] = field(default_factory=list)
    sections: SectionMap = field(default_factory=SectionMap)
    url: str | None = None
    warnings: list[str] = field(default_factory=list)

    def page_at(self, pos: int) -> int | None:
        """1-based page number of an offset (``None`` when the format has no pages)."""
        if not self.pages:
            return None
        return max(bisect.bisect_right(self.pages, pos), 1)


def looks_like_html(text: str) -> bool:
    """True for a saved web page (doctype or several block tags near the start).

    Examples
    --------
    >>> from probstats.extract.readers import looks_like_html
    >>> looks_like_html("<!DOCTYPE html><p>x</p>"), looks_like_html("plain text")
    (True, False)
    """
    head = text[:5000]
    return bool(_HTML_SNIFF.match(head)) or len(_TAG.findall(head)) >= 5


def sniff(data: bytes) -> Format:
    """Format of a file's bytes.

    Raises
    ------
    UnsupportedFormatError
        For known binary formats and for bytes with NUL characters (no UTF-16 mark).

    Examples
    --------
    >>> from probstats.extract.readers import sniff
    >>> sniff(b"%PDF-1.7 ..."), sniff(b"<!doctype html><p>x"), sniff(b"West PDU rated")
    ('pdf', 'html', 'text')
    """
    if b"%PDF-" in data[:1024]:
        return "pdf"
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedFormatError(f"this is {what}, not text, HTML or PDF")
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in data[:65536]:
        raise UnsupportedFormatError("looks like a binary file (contains NUL bytes), not text")
    head = data[:5000].decode("utf-8", "replace").lstrip("\ufeff")
    return "html" if looks_like_html(head) else "text"


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, list[str]]:
    """Decode text bytes; return the text and any warnings.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are accepted; otherwise
    Windows-1252, the usual encoding of text saved on Windows, is used and a
    warning says so.

    Raises
    ------
    ExtractionError
        For binary data or bytes no accepted encoding can decode.

    Examples
    --------
    >>> from probstats.extract.readers import decode_bytes
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


def read_bytes(data: bytes, name: str = "<bytes>") -> Source:
    """Reference text of a file's bytes, in whichever format they are.

    Raises
    ------
    ExtractionError
        (or a subclass) with ``name`` in the message when the bytes cannot be read.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ExtractionError(f"{name}: file is larger than {MAX_FILE_BYTES // 2**20} MiB")
    try:
        fmt = sniff(data)
    except UnsupportedFormatError as exc:
        raise UnsupportedFormatError(f"{name}: {exc}") from None
    if fmt == "pdf":
        return read_pdf(data, name)
    text, warnings = decode_bytes(data, name)
    if fmt == "html":
        src = read_html(text, name)
        src.warnings[:0] = warnings
        return src
    return Source(text, "text", name, sections=SectionMap.from_text(text), warnings=warnings)


def read_path(path: str | Path) -> Source:
    """Read a file (text, HTML or PDF, detected from its content).

    Raises
    ------
    ExtractionError
        If the file is missing, unreadable, too large, binary or malformed.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ExtractionError(f"{path}: file is larger than {MAX_FILE_BYTES // 2**20} MiB")
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    return read_bytes(data, str(path))


# --------------------------------------------------------------------------- HTML
_SKIP = frozenset(
    {"script", "style", "noscript", "svg", "template", "head", "iframe", "button", "nav"}
)  # site menus ("nav") are furniture, never content
_BLOCK = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol tr table section article header footer main nav aside "
    "blockquote dd dt hr pre figure figcaption form caption thead tbody".split()
)
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4"})
_XML_DECL = re.compile(r"^\s{0,100}<\?xml[^>]{0,200}\?>")


class _HtmlText:
    """Accumulate visible text with block breaks, table rows and heading offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.headings: list[tuple[int, str]] = []
        self.h1 = False

    def add(self, s: str | None) -> None:
        if s:
            s = " ".join(s.split()) if "\n" in s or "  " in s else s
            self.parts.append(s)
            self.size += len(s)

    def brk(self, s: str = "\n") -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append(s)
            self.size += len(s)


def _walk(root, out: _HtmlText) -> None:
    from lxml import etree

    skip = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _SKIP:
                skip += 1
            if skip:
                continue
            if tag in _BLOCK:
                out.brk("\n\n" if tag in ("p", "h1", "h2", "h3", "table") else "\n")
            if tag in _HEADING_TAGS:
                out.h1 = out.h1 or tag == "h1"
                out.headings.append((out.size, " ".join(el.text_content().split())))
            if tag == "li":
                out.add("- ")
            if tag in ("td", "th") and el.getprevious() is not None:
                out.add(" | ")
            out.add(el.text)
        else:
            if tag in _SKIP:
                skip -= 1
            elif skip:
                continue
            if tag in _BLOCK:
                out.brk("\n\n" if tag in ("p", "h1", "h2", "h3") else "\n")
            if not skip and el is not root:
                out.add(el.tail)


def _canonical_url(root) -> str | None:
    for xp in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content'):
        got = root.xpath(xp)
        if got and str(got[0]).startswith(("http://", "https://")):
            return str(got[0]).strip()
    return None


def read_html(html: str, name: str = "<html>") -> Source:
    """Visible text of a web page: headings, paragraphs, list items and table rows.

    Table cells are joined with ``" | "`` so a ratings table reads one
    standard per line. The page ``<title>`` is kept as the first line when the
    page has no ``<h1>``.

    Raises
    ------
    ExtractionError
        When the markup has no content at all.

    Examples
    --------
    >>> from probstats.extract.readers import read_html
    >>> src = read_html("<html><body><h1>A &amp; B</h1><table><tr><td>1.1 Leadership</td>"
    ...                 "<td>Good</td></tr></table><script>x()</script></body></html>")
    >>> src.text
    'A & B\\n\\n1.1 Leadership | Good'
    """
    try:
        from lxml import etree
        from lxml import html as lxml_html
    except ImportError:  # pragma: no cover - lxml is in the readers extra
        raise MissingReaderError(
            f"{name}: reading HTML needs lxml (pip install 'probstats[readers]')"
        ) from None
    try:
        root = lxml_html.document_fromstring(_XML_DECL.sub("", html, count=1))
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"{name}: not a readable web page ({exc})") from None
    out = _HtmlText()
    body = root.find("body")
    _walk(body if body is not None else root, out)
    text = "".join(out.parts)
    title = root.findtext(".//title")
    if title and title.strip() and not out.h1:
        head = " ".join(title.split()) + "\n\n"
        text = head + text
        out.headings = [(p + len(head), h) for p, h in out.headings]
    text = re.sub(r"[ ]+\n", "\n", text).strip("\n")
    marks = [(p, c) for p, h in out.headings if (c := classify_heading(h))]
    sections = SectionMap.from_text(text, marks)
    return Source(text, "html", name, sections=sections, url=_canonical_url(root))


# --------------------------------------------------------------------------- PDF
#: A line break inside a sentence: after a full line (50+ characters) not ending a
#: sentence, or before a lower-case word. Replaced by a space, so offsets are kept.
_WRAPPED = re.compile(
    r"(?<=[^\n]{50})(?<![.!?:;])\n(?=[ ]?[A-Za-z0-9(\"'])|(?<=[^\n.!?:;])\n(?=[a-z])"
)


def looks_wrapped(text: str, sample: int = 200) -> bool:
    r"""True for text hard-wrapped at a fixed width (copied from a PDF or an e-mail).

    Most of its first ``sample`` lines are 40-90 characters long and end without a
    stop. Releases saved from a web page have one paragraph per line instead.

    Examples
    --------
    >>> from probstats.extract.readers import looks_wrapped
    >>> looks_wrapped("A report about the unit and the wider service that has\n" * 10)
    True
    >>> looks_wrapped("One paragraph per line.\n" * 10)
    False
    """
    lines = [ln for ln in text.split("\n", sample)[:sample] if ln.strip()]
    if len(lines) < 8:
        return False
    wrapped = sum(1 for ln in lines if 40 <= len(ln) <= 90 and ln.rstrip()[-1:] not in ".!?:;")
    return wrapped >= 0.5 * len(lines)


def unwrap(text: str) -> str:
    r"""Join the lines a PDF wrapped inside sentences (same length: newline -> space).

    Examples
    --------
    >>> from probstats.extract.readers import unwrap
    >>> unwrap("A PDU rated 'Good'\nThe vacancy rate for all probation officers was\nhigh.")
    "A PDU rated 'Good'\nThe vacancy rate for all probation officers was high."
    """
    return _WRAPPED.sub(" ", text)


def read_pdf(data: bytes, name: str = "<pdf>") -> Source:
    """Text of a PDF, page by page (pages joined by a blank line; offsets kept per page).

    Raises
    ------
    ExtractionError
        For encrypted, malformed or text-less (scanned) PDFs.
    """
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf is in the readers extra
        raise MissingReaderError(
            f"{name}: reading PDF needs pypdf (pip install 'probstats[readers]')"
        ) from None
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    parts, pages, size = [], [], 0
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ExtractionError(f"{name}: the PDF is encrypted")
        for page in reader.pages:
            pages.append(size)
            chunk = unwrap((page.extract_text() or "").strip("\n")) + "\n\n"
            parts.append(chunk)
            size += len(chunk)
    except ExtractionError:
        raise
    except Exception as exc:  # pypdf raises many types on malformed files
        raise ExtractionError(f"{name}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    text = "".join(parts)
    if not text.strip():
        raise ExtractionError(f"{name}: the PDF has no text layer (scanned?); run OCR first")
    return Source(text, "pdf", name, pages=pages, sections=SectionMap.from_text(text))
