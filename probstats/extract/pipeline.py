"""Extraction of one source: split into documents, decide the subject(s), run the finders.

Order matters and is the design: unit mentions first; then ratings, so that
the units owning an overall rating can weigh in the subject decision; then
the subject(s); then every other finder; and only then are values given to
units (:mod:`probstats.extract.assemble`).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from probstats.errors import ExtractionOptionError
from probstats.extract._deps import __version__
from probstats.extract.assemble import assemble
from probstats.extract.finders import cases, counts, dates, ratings, staffing, units
from probstats.extract.finders.context import Doc, Found
from probstats.extract.readers import Source, looks_wrapped, read_path, unwrap
from probstats.extract.records import Record
from probstats.extract.sections import SectionMap
from probstats.extract.text import (
    ASCII_LOWER,
    Segment,
    boilerplate_spans,
    mask,
    normalise,
    sentences,
    split_documents,
)

#: Version written into staging provenance; bump the suffix when results change.
EXTRACTOR_VERSION = f"{__version__}+extract.2"
_URL = re.compile(r"https?://[^\s\"'<>]{4,300}")

_FINDERS = (
    dates.find_publication,
    dates.find_fieldwork,
    counts.find_recommendations,
    counts.find_score,
    cases.find_sample,
    cases.find_case_measures,
    staffing.find_staffing,
)


def _url_in(norm: str, seg: Segment) -> str | None:
    for m in _URL.finditer(norm, seg.start, min(seg.end, seg.start + 20000)):
        if "probation" in m.group().lower():
            return m.group()
    return None


def _document(src: Source, norm: str, work: str, seg: Segment, sents) -> list[Record]:
    doc = Doc(src, work, seg, sents)
    doc.set_mentions(units.find_mentions(doc))
    counted = Counter(m.key for m in doc.mentions)
    units.add_bare_names(doc, [k for k, _ in counted.most_common(units.MAX_UNITS)])
    units.add_region_names(doc)
    finds: list[Found] = ratings.find_ratings(doc)
    for f in finds:
        owner, f.how = doc.owner(f.pos)
        f.owner = owner
    finds += _coordinated(doc, finds)
    owners = Counter(
        f.owner.key
        for f in finds
        if f.field == "overall_rating"
        and f.owner
        and f.how == "clause"
        and not f.owner.sibling
        and not f.owner.oblique
        and f.context != "bracketed"
    )
    area = units.AREA_INSPECTION.search(doc.work, doc.seg.start, doc.seg.end)
    subjects = [] if area else units.choose_subjects(doc, owners, src.url or _url_in(norm, seg))
    for finder in _FINDERS:
        for f in finder(doc):
            owner, f.how = doc.owner(f.pos)
            f.owner = owner
            finds.append(f)
    multi = len(subjects) > 1
    records = [assemble(doc, s, finds, multi) for s in subjects] or [
        assemble(doc, None, finds, False)
    ]
    if area:
        _area_inspection(doc, records[0], area)
    return records


_BRACKETED = re.compile(r"[ ]*\((?:both[ ]+|also[ ]+|each[ ]+)?(?:rated|rating)", re.IGNORECASE)


def _coordinated(doc: Doc, finds: list[Found]) -> list[Found]:
    """Copies of overall ratings for units coordinated with their owner.

    "A PDU and B PDU are rated 'Good'" gives the rating to both.

    Also marks a rating in brackets right after a unit ("B PDU (rated 'Good')"): a list of
    siblings, which does not make B a subject.
    """
    extra = []
    for f in finds:
        if f.field != "overall_rating" or f.owner is None or f.how != "clause":
            continue
        if _BRACKETED.match(doc.work, f.owner.end, f.pos):
            f.context = "bracketed"
            continue
        s = doc.sentence(f.owner.start)
        chain = [m for m in doc.mentions_in(s.start, f.owner.start)]
        nxt = f.owner
        for m in reversed(chain):
            if not units.coordinated(doc.work, m, nxt) or m.unit_type != nxt.unit_type:
                break
            extra.append(
                Found(
                    f.field,
                    f.value,
                    f.evidence,
                    f.pos,
                    f.confidence,
                    f.context,
                    "shared",
                    m,
                    "clause",
                )
            )
            nxt = m
    return extra


def _area_inspection(doc: Doc, rec: Record, area: re.Match) -> None:
    from probstats.extract.finders.names import name_after

    got = name_after(doc.work, area.end())
    if got:
        rec.unit_name = got[0]
        rec.evidence["unit_name"] = doc.evidence(area.start(), got[1])
        rec.warnings.append(
            "area inspection covering more than one provider: unit type not determined"
        )


def extract_source(src: Source) -> list[Record]:
    """Records of every document in a source (text, HTML or PDF already read).

    Evidence offsets index ``src.text``.
    """
    if not src.text.strip():
        return []
    norm = normalise(src.text)
    if src.format == "text" and looks_wrapped(norm):
        norm = unwrap(norm)  # same length: the evidence still quotes the reference text
    low = norm.translate(ASCII_LOWER)
    segs = split_documents(norm, low) if src.format == "text" else [Segment(0, len(norm))]
    per_seg = [list(sentences(norm, seg.start, seg.end)) for seg in segs]
    spans = boilerplate_spans(norm, [s for ss in per_seg for s in ss], low)
    work = mask(norm, spans)
    whole = set(spans)
    out: list[Record] = []
    for seg, sents in zip(segs, per_seg, strict=True):
        kept = [s for s in sents if (s.start, s.end) not in whole]
        for rec in _document(src, norm, work, seg, kept):
            rec.document, rec.source_file = len(out), None if src.name == "<text>" else src.name
            rec.warnings[:0] = src.warnings
            out.append(rec)
    return out


def extract_text(
    text: str, *, source_file: str | None = None, url: str | None = None
) -> list[Record]:
    """Extract one record per document (and per unit of a multi-unit release) in ``text``.

    Parameters
    ----------
    text
        Plain text of one or more press releases or reports.
    source_file
        Name recorded in each record's ``source_file``.
    url
        The page's address, when known: one more signal for the subject unit.

    Examples
    --------
    >>> from probstats.extract.pipeline import extract_text
    >>> [r] = extract_text("Derby City PDU has received an overall rating of 'Good'. "
    ...                    "The report makes nine recommendations.")
    >>> r.unit_type, r.unit_name, r.overall_rating, r.n_recommendations
    ('PDU', 'Derby City', 'Good', 9)
    >>> r.evidence["overall_rating"].text
    'Good'
    """
    if not isinstance(text, str):
        raise ExtractionOptionError(f"text must be str, got {type(text).__name__}")
    src = Source(
        text, "text", source_file or "<text>", sections=SectionMap.from_text(text), url=url
    )
    return extract_source(src)


def extract_file(path: str | Path) -> list[Record]:
    """Read a text, HTML or PDF file (detected from its content) and extract its records.

    Raises
    ------
    probstats.errors.ExtractionError
        If the file cannot be read (the message names the file).

    Examples
    --------
    >>> from probstats.extract.pipeline import extract_file
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.txt"
    >>> _ = p.write_text("Derby City PDU has received an overall rating of 'Good'.")
    >>> extract_file(p)[0].overall_rating
    'Good'
    """
    return extract_source(read_path(path))
