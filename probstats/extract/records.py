"""Extracted records and their conversion to the raw tables' columns.

A :class:`Record` is one document. Its inspection fields are named exactly as
the columns of ``data/raw/inspections.csv``; its staffing, case-measure and
standard-rating facts carry the columns of ``staffing.csv``,
``case_measures.csv`` and ``standard_ratings.csv``. Every value carries an
:class:`Evidence` span so a reviewer can check it against the document.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import pandas as pd

from probstats.extract._deps import RAW_TABLES, ExtractionOptionError


def _columns(table: str) -> tuple[str, ...]:
    return tuple(c.name for c in RAW_TABLES[table])


# Taken from the raw-data schema so that extracted rows always fit the raw files.
INSPECTION_COLUMNS: tuple[str, ...] = _columns("inspections")
STAFFING_COLUMNS: tuple[str, ...] = _columns("staffing")
CASE_COLUMNS: tuple[str, ...] = _columns("case_measures")
STANDARD_COLUMNS: tuple[str, ...] = _columns("standard_ratings")
TABLES: dict[str, tuple[str, ...]] = {
    "inspections": INSPECTION_COLUMNS,
    "staffing": STAFFING_COLUMNS,
    "case_measures": CASE_COLUMNS,
    "standard_ratings": STANDARD_COLUMNS,
}
Table = Literal["inspections", "staffing", "case_measures", "standard_ratings"]
#: Review columns appended after the raw columns (dropped with ``raw_only=True``).
REVIEW_COLUMNS: tuple[str, ...] = ("source_file", "document", "span_start", "span_end", "evidence")


@dataclass(frozen=True)
class Evidence:
    """Where a value came from: ``text[start:end]`` of the document's reference text.

    ``start``/``end`` delimit the matched wording; ``sentence_start`` and
    ``sentence_end`` the sentence around it; ``page`` is the 1-based PDF page
    (``None`` for text and HTML) and ``section`` the report section
    (:data:`probstats.extract.sections.SECTIONS`). For HTML input the reference
    text is the page's visible text (see :func:`probstats.extract.readers.read_html`).
    """

    start: int
    end: int
    text: str
    sentence_start: int
    sentence_end: int
    page: int | None = None
    section: str = ""


@dataclass
class StaffingFact:
    """One staffing figure, in the vocabulary of ``staffing.csv``."""

    measure: str
    grade: str
    value: float
    unit: str
    qualifier: str
    evidence: Evidence
    basis: str = ""
    as_at: str = ""
    notes: str = ""
    confidence: float = 1.0


@dataclass
class CaseMeasure:
    """One case-sample percentage, in the vocabulary of ``case_measures.csv``."""

    stage: str
    aspect: str
    value_pct: float | None
    evidence: Evidence
    judged: str = "sufficient"
    n_counted: int | None = None
    n_cases: int | None = None
    qualifier: str = ""
    notes: str = ""
    confidence: float = 1.0


@dataclass
class StandardRating:
    """A rating of one standard or domain."""

    standard_name: str
    rating: str
    evidence: Evidence
    standard_code: str = ""
    notes: str = ""
    confidence: float = 1.0


@dataclass
class Candidate:
    """A value read with too little confidence to be a fact: for a reviewer to decide.

    ``field`` is an inspection column ("overall_rating") or a fact kind
    ("staffing:vacancy_rate/PO"); ``value`` is what was read, as text.
    """

    field: str
    value: str
    evidence: Evidence
    confidence: float
    reason: str


@dataclass
class Record:
    """Everything extracted from one document; ``None`` means "not stated".

    Examples
    --------
    >>> from probstats.extract.records import Record
    >>> r = Record(unit_type="PDU", unit_name="West Kent", publication_date="2024-03-21")
    >>> r.suggested_id()
    'pdu-west-kent-2024'
    """

    unit_type: str | None = None
    unit_name: str | None = None
    region: str | None = None
    publication_date: str | None = None
    fieldwork_start: str | None = None
    fieldwork_end: str | None = None
    overall_rating: str | None = None
    score: int | None = None
    score_max: int | None = None
    previous_rating: str | None = None
    previous_rating_year: int | None = None
    n_recommendations: int | None = None
    cases_inspected: int | None = None
    cases_community: int | None = None
    cases_licence: int | None = None
    source_url: str | None = None
    source_type: str | None = None
    notes: str | None = None
    evidence: dict[str, Evidence] = field(default_factory=dict)
    staffing: list[StaffingFact] = field(default_factory=list)
    case_measures: list[CaseMeasure] = field(default_factory=list)
    standard_ratings: list[StandardRating] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)
    source_file: str | None = None
    document: int = 0
    doc_start: int = 0
    doc_end: int = 0

    def suggested_id(self) -> str | None:
        """``inspection_id`` by the dataset's rule, or ``None`` if unit or year is unknown."""
        year = (self.publication_date or self.fieldwork_start or "")[:4]
        if not self.unit_name or not year or self.unit_type not in _TYPE_CODES:
            return None
        return f"{_TYPE_CODES[self.unit_type]}-{slug(self.unit_name, self.unit_type)}-{year}"

    @property
    def inspection_id(self) -> str | None:
        return self.suggested_id()

    def is_empty(self) -> bool:
        """True when nothing at all was found."""
        return not (self.evidence or self.staffing or self.case_measures or self.standard_ratings)

    def inspection_row(self) -> dict[str, Any]:
        """The record as a row of ``inspections.csv`` (``None`` for unknown)."""
        row = {c: getattr(self, c, None) for c in INSPECTION_COLUMNS}
        row["inspection_id"] = self.suggested_id()
        return row

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form: inspection fields, evidence and the three fact lists."""
        return {
            "source_file": self.source_file,
            "document": self.document,
            "doc_start": self.doc_start,
            "doc_end": self.doc_end,
            "inspection": self.inspection_row(),
            "evidence": {k: asdict(v) for k, v in self.evidence.items()},
            "staffing": [_fact_dict(f) for f in self.staffing],
            "case_measures": [_fact_dict(f) for f in self.case_measures],
            "standard_ratings": [_fact_dict(f) for f in self.standard_ratings],
            "confidence": dict(self.confidence),
            "candidates": [asdict(c) for c in self.candidates],
            "warnings": list(self.warnings),
        }


def _fact_dict(fact: StaffingFact | CaseMeasure | StandardRating) -> dict[str, Any]:
    d = asdict(fact)
    return d


_TYPE_CODES = {
    "PDU": "pdu",
    "region": "region",
    "CRC": "crc",
    "NPS division": "nps",
    "national": "national",
}


def slug(name: str, unit_type: str | None = None) -> str:
    """Slug of a unit name as in inspection ids ("&" -> "and"; "CRC"/"NPS ... division" dropped).

    Examples
    --------
    >>> from probstats.extract.records import slug
    >>> slug("Kent, Surrey and Sussex CRC", "CRC")
    'kent-surrey-and-sussex'
    >>> slug("NPS South East & Eastern division", "NPS division")
    'south-east-and-eastern'
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    if unit_type == "CRC":
        text = re.sub(r"\b(crc|community rehabilitation company)\b", " ", text)
    if unit_type == "NPS division":
        text = re.sub(r"\b(nps|national probation service|division)\b", " ", text)
    if unit_type == "PDU":
        text = re.sub(r"\b(pdu|probation delivery unit)\b", " ", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _plain_number(v: object) -> object:
    if v is None or (isinstance(v, float) and v != v):
        return None
    return int(v) if float(v).is_integer() else v


def _inspection_row(rec: Record) -> dict[str, Any]:
    row = rec.inspection_row()
    row.update(source_file=rec.source_file, document=rec.document)
    spans = [e.start for e in rec.evidence.values()] + [e.end for e in rec.evidence.values()]
    row["span_start"] = min(spans) if spans else None
    row["span_end"] = max(spans) if spans else None
    row["evidence"] = " | ".join(f"{k}@{e.start}-{e.end}" for k, e in rec.evidence.items()) or None
    return row


def _fact_rows(rec: Record, table: str) -> list[dict[str, Any]]:
    facts = {
        "staffing": rec.staffing,
        "case_measures": rec.case_measures,
        "standard_ratings": rec.standard_ratings,
    }[table]
    rows = []
    for f in facts:
        d = asdict(f)
        ev = d.pop("evidence")
        rows.append(
            {
                "inspection_id": rec.suggested_id(),
                "source_url": rec.source_url,
                "source_type": rec.source_type,
                **d,
                "source_file": rec.source_file,
                "document": rec.document,
                "span_start": ev["start"],
                "span_end": ev["end"],
                "evidence": ev["text"],
            }
        )
    return rows


def records_to_frame(
    records: list[Record], table: Table = "inspections", *, raw_only: bool = False
) -> pd.DataFrame:
    """Records as a DataFrame with the columns of one raw table.

    Parameters
    ----------
    records
        Output of :func:`probstats.extract.extract_text` or ``extract_file``.
    table
        Which raw table: ``"inspections"``, ``"staffing"``, ``"case_measures"`` or
        ``"standard_ratings"``.
    raw_only
        Drop the review columns (source file, document number, span and
        evidence) so rows can be appended to ``data/raw`` after checking.

    Examples
    --------
    >>> from probstats.extract.records import records_to_frame
    >>> from probstats.extract import extract_text
    >>> recs = extract_text("Derby City PDU has received an overall rating of 'Good'.")
    >>> records_to_frame(recs)[["unit_name", "overall_rating"]].to_dict("records")
    [{'unit_name': 'Derby City', 'overall_rating': 'Good'}]
    """
    if table not in TABLES:
        raise ExtractionOptionError(f"table must be one of {', '.join(TABLES)}, got {table!r}")
    rows: list[dict[str, Any]] = []
    for rec in records:
        rows += [_inspection_row(rec)] if table == "inspections" else _fact_rows(rec, table)
    cols = list(TABLES[table]) + ([] if raw_only else list(REVIEW_COLUMNS))
    frame = pd.DataFrame(rows, columns=cols)
    for c in ("value", "value_pct"):  # "28", not "28.0", as in the hand-entered files
        if c in frame.columns:
            frame[c] = frame[c].map(_plain_number).astype(object)
    for c in (
        "score",
        "score_max",
        "previous_rating_year",
        "n_recommendations",
        "cases_inspected",
        "cases_community",
        "cases_licence",
        "n_counted",
        "n_cases",
        "span_start",
        "span_end",
        "document",
    ):
        if c in frame.columns:
            frame[c] = frame[c].astype("Int64")
    return frame
