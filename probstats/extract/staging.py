"""Staging folders: extracted rows for review, in the raw-data schema, with provenance.

``probstats extract FILES --stage DIR`` writes

* ``inspections.csv``, ``staffing.csv``, ``case_measures.csv``,
  ``standard_ratings.csv``: exactly the columns of the raw tables
  (:data:`probstats.dataset.schema.RAW_TABLES`), so a reviewed row can be copied into
  ``data/raw`` unchanged and the raw-data checks apply as they are;
* ``provenance.csv``: a **side file**, one row per staged value, giving the
  staged file and line, the field, the source file, document, page, section,
  span, confidence and extractor version. Keeping provenance out of the data
  files is the design choice: extra columns would have to be stripped before
  merging, and a forgotten strip would put review columns into ``data/raw``;
* ``candidates.csv``: values read with too little confidence to be staged;
* ``STAGING.json``: the extractor version, the files read and row counts.

Nothing is merged into ``data/raw``; :func:`validate_staging` checks a folder.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from probstats.extract._deps import (
    RAW_TABLES,
    StagingError,
    data_dir,
)
from probstats.extract.records import TABLES, Record, records_to_frame

MARKER = "STAGING.json"
PROVENANCE = "provenance.csv"
CANDIDATES = "candidates.csv"
PROVENANCE_COLUMNS = (
    "table", "line", "inspection_id", "field", "value", "source_file", "document", "page",
    "section", "span_start", "span_end", "confidence", "extractor_version", "evidence",
)  # fmt: skip
CANDIDATE_COLUMNS = (
    "source_file", "document", "inspection_id", "field", "value", "page", "section",
    "span_start", "span_end", "confidence", "reason", "evidence",
)  # fmt: skip
_INSPECTION_FIELDS = tuple(
    c.name
    for c in RAW_TABLES["inspections"]
    if c.name not in ("inspection_id", "source_url", "source_type", "notes")
)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_target(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise StagingError(f"{folder}: not a folder")
    try:
        raw = data_dir("raw").resolve()
    except Exception:  # pragma: no cover - no data folder installed
        raw = None
    if raw is not None and folder.resolve() == raw:
        raise StagingError(f"{folder}: is the raw data folder; stage into a separate folder")
    if folder.is_dir():
        files = [p.name for p in folder.iterdir() if not p.name.startswith(".")]
        if files and MARKER not in files:
            raise StagingError(
                f"{folder}: holds files not written by a staging run; use an empty folder"
            )


def _frame_csv(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def _ev_row(ev, conf: float) -> dict:
    return {
        "page": ev.page, "section": ev.section, "span_start": ev.start, "span_end": ev.end,
        "confidence": conf, "evidence": " ".join(ev.text.split())[:300],
    }  # fmt: skip


def _provenance(records: list[Record], version: str) -> list[dict]:
    rows: list[dict] = []
    line = {t: 1 for t in TABLES}
    for rec in records:
        base = {
            "inspection_id": rec.suggested_id(),
            "source_file": rec.source_file,
            "document": rec.document,
            "extractor_version": version,
        }
        line["inspections"] += 1
        for f in _INSPECTION_FIELDS:
            value, ev = getattr(rec, f), rec.evidence.get(f)
            if value is not None and ev is not None:
                conf = rec.confidence.get(f, 1.0)
                rows.append(
                    {
                        **base,
                        "table": "inspections",
                        "line": line["inspections"],
                        "field": f,
                        "value": value,
                        **_ev_row(ev, conf),
                    }
                )
        for table, facts in (
            ("staffing", rec.staffing),
            ("case_measures", rec.case_measures),
            ("standard_ratings", rec.standard_ratings),
        ):
            for fact in facts:
                line[table] += 1
                rows.append(
                    {
                        **base,
                        "table": table,
                        "line": line[table],
                        "field": "row",
                        "value": "",
                        **_ev_row(fact.evidence, fact.confidence),
                    }
                )
    return rows


def write_staging(
    records: list[Record],
    folder: str | Path,
    *,
    version: str,
    files: list[str] | None = None,
    source_type: str = "primary",
) -> dict[str, int]:
    """Write a staging folder; return the number of rows per file.

    Raises
    ------
    StagingError
        If the folder is the raw data folder or holds files not written by a stage.
    """
    folder = Path(folder)
    _check_target(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in TABLES:
        frame = records_to_frame(records, table, raw_only=True)  # type: ignore[arg-type]
        if len(frame):
            frame["source_type"] = source_type
        _atomic_write(folder / f"{table}.csv", _frame_csv(frame))
        counts[f"{table}.csv"] = len(frame)
    prov = pd.DataFrame(_provenance(records, version), columns=list(PROVENANCE_COLUMNS))
    _atomic_write(folder / PROVENANCE, _frame_csv(prov))
    cand = pd.DataFrame(
        [
            {"source_file": r.source_file, "document": r.document,
             "inspection_id": r.suggested_id(), "field": c.field, "value": c.value,
             "reason": c.reason, **_ev_row(c.evidence, c.confidence)}
            for r in records for c in r.candidates
        ],
        columns=list(CANDIDATE_COLUMNS),
    )  # fmt: skip
    _atomic_write(folder / CANDIDATES, _frame_csv(cand))
    counts[PROVENANCE], counts[CANDIDATES] = len(prov), len(cand)
    marker = {"extractor_version": version, "files": list(files or []), "rows": counts}
    _atomic_write(folder / MARKER, json.dumps(marker, indent=2) + "\n")  # written last
    return counts
