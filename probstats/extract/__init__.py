"""Structured records from HMIP press releases and reports.

An analyst adding a publication runs ``probstats extract FILE...`` and gets one
record per document, in the columns of the raw tables, with the character span
each value came from. Nothing is guessed: a value the text does not state is
``None``.

Examples
--------
>>> from probstats.extract import extract_text, records_to_frame
>>> recs = extract_text("Derby City PDU has received an overall rating of 'Good'. "
...                     "At the time of the inspection, the vacancy rate for POs was 12 per cent.")
>>> recs[0].overall_rating, [(f.measure, f.grade, f.value) for f in recs[0].staffing]
('Good', [('vacancy_rate', 'PO', 12.0)])
"""

from __future__ import annotations

from probstats.extract.core import extract_file, extract_text
from probstats.extract.records import (
    CaseMeasure,
    Evidence,
    Record,
    StaffingFact,
    StandardRating,
    records_to_frame,
)
from probstats.extract.text import ExtractionError, html_to_text, read_document

__all__ = [
    "CaseMeasure",
    "Evidence",
    "ExtractionError",
    "Record",
    "StaffingFact",
    "StandardRating",
    "extract_file",
    "extract_text",
    "html_to_text",
    "read_document",
    "records_to_frame",
]
