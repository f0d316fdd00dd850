"""Structured records from HMIP press releases and inspection reports (text, HTML, PDF).

An analyst adding a publication runs ``probstats extract FILE...`` and gets one
record per document (and one per unit of a multi-unit release), in the columns
of the raw tables, with the character span, page and section each value came
from and a confidence. Nothing is guessed: a value the text does not state is
``None``, and a value read with low confidence is a review candidate.

Layout: :mod:`~probstats.extract.readers` (bytes to text, by content),
:mod:`~probstats.extract.text` (cleaning, boilerplate, sentences),
:mod:`~probstats.extract.finders` (one module per field family),
:mod:`~probstats.extract.assemble` (values to units),
:mod:`~probstats.extract.pipeline`, :mod:`~probstats.extract.records`,
:mod:`~probstats.extract.staging` and :mod:`~probstats.extract.compare`
(the reviewed path into ``data/raw``), :mod:`~probstats.extract.batch` and
:mod:`~probstats.extract.cli`.

Examples
--------
>>> from probstats.extract import extract_text
>>> recs = extract_text("Derby City PDU has received an overall rating of 'Good'. "
...                     "At the time of the inspection, the vacancy rate for POs was 12 per cent.")
>>> recs[0].overall_rating, [(f.measure, f.grade, f.value) for f in recs[0].staffing]
('Good', [('vacancy_rate', 'PO', 12.0)])
"""

from __future__ import annotations

from probstats.extract._deps import ExtractionError
from probstats.extract.pipeline import EXTRACTOR_VERSION, extract_file, extract_source, extract_text
from probstats.extract.readers import Source, read_bytes, read_html, read_path
from probstats.extract.records import (
    Candidate,
    CaseMeasure,
    Evidence,
    Record,
    StaffingFact,
    StandardRating,
    records_to_frame,
)

__all__ = [
    "EXTRACTOR_VERSION",
    "Candidate",
    "CaseMeasure",
    "Evidence",
    "ExtractionError",
    "Record",
    "Source",
    "StaffingFact",
    "StandardRating",
    "extract_file",
    "extract_source",
    "extract_text",
    "read_bytes",
    "read_html",
    "read_path",
    "records_to_frame",
]
