"""Check extracted records against the hand-entered raw tables.

Documents are matched to rows of ``inspections.csv`` by unit name (compared
with :func:`probstats.dataset.units.normalise_name`) and publication year (the
fieldwork year when the document states no publication date). Each field the
document states is then compared with the row; staffing and case-measure facts
are compared with ``staffing.csv`` and ``case_measures.csv`` in the same folder.
A value stated in the document but empty in the dataset is reported too, so
the comparison also finds gaps in the hand-entered data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from probstats.errors import ExtractionError
from probstats.extract._deps import normalise_name, parse_rating
from probstats.extract.records import Record

#: Kinds of finding, from most to least serious.
KINDS = ("mismatch", "missing_in_dataset", "less_precise_in_dataset", "no_matching_row")
_FIELDS = (
    "unit_type",
    "region",
    "publication_date",
    "fieldwork_start",
    "fieldwork_end",
    "overall_rating",
    "score",
    "score_max",
    "previous_rating",
    "previous_rating_year",
    "n_recommendations",
    "cases_inspected",
    "cases_community",
    "cases_licence",
)
_DATES = ("publication_date", "fieldwork_start", "fieldwork_end")
_RATINGS = ("overall_rating", "previous_rating")


@dataclass(frozen=True)
class Finding:
    """One disagreement (or gap) between a document and the dataset."""

    source_file: str | None
    document: int
    inspection_id: str | None
    table: str
    field: str
    extracted: str
    dataset: str
    kind: str
    span_start: int | None = None
    span_end: int | None = None


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA or str(v).strip() == ""


def _norm(field: str, v: object) -> str:
    if _blank(v):
        return ""
    if field in _RATINGS:
        try:
            return parse_rating(str(v)) or ""
        except Exception:
            return str(v).strip()
    text = str(v).strip()
    try:
        f = float(text)
        return str(int(f)) if f == int(f) else repr(f)
    except ValueError:
        return text


def _unit_key(name: str) -> str:
    key = normalise_name(name)
    for word in (" crc", "nps ", " division"):
        key = key.replace(word, " ")
    return " ".join(key.split())


def read_dataset(inspections_csv: str | Path) -> dict[str, pd.DataFrame]:
    """Read inspections.csv and, when present beside it, staffing.csv and case_measures.csv."""
    path = Path(inspections_csv)
    if not path.is_file():
        raise ExtractionError(f"{path}: no such file")
    tables = {"inspections": pd.read_csv(path, dtype=str, keep_default_na=False)}
    for name in ("staffing", "case_measures"):
        other = path.with_name(f"{name}.csv")
        if other.is_file():
            tables[name] = pd.read_csv(other, dtype=str, keep_default_na=False)
    return tables


def _match(rec: Record, insp: pd.DataFrame) -> pd.DataFrame:
    year = (rec.publication_date or rec.fieldwork_start or "")[:4]
    if not rec.unit_name or not year:
        return insp.iloc[0:0]
    key = _unit_key(rec.unit_name)
    keys = insp["unit_name"].map(_unit_key)
    hit = insp[(keys == key) & (insp["publication_date"].str[:4] == year)]
    if hit.empty and not rec.publication_date:
        hit = insp[(keys == key) & (insp["fieldwork_start"].str[:4] == year)]
    if len(hit) > 1 and rec.unit_type:
        same = hit[hit["unit_type"] == rec.unit_type]
        if not same.empty:
            hit = same
    return hit


def compare_records(records: list[Record], tables: dict[str, pd.DataFrame]) -> list[Finding]:
    """Findings where the documents and the dataset disagree, or the dataset lacks a value.

    Examples
    --------
    >>> import pandas as pd
    >>> from probstats.extract.compare import compare_records
    >>> from probstats.extract import extract_text
    >>> recs = extract_text("Derby City PDU has received an overall rating of 'Good'. "
    ...                     "The report is available on 9 February 2023.")
    >>> insp = pd.DataFrame({"inspection_id": ["pdu-derby-city-2023"], "unit_type": ["PDU"],
    ...     "unit_name": ["Derby City"], "publication_date": ["2023-02-09"],
    ...     "fieldwork_start": [""], "overall_rating": ["Requires improvement"]})
    >>> [(f.field, f.extracted, f.dataset, f.kind) for f in compare_records(recs,
    ...     {"inspections": insp})]
    [('overall_rating', 'Good', 'Requires improvement', 'mismatch')]
    """
    insp = tables["inspections"]
    out: list[Finding] = []
    for rec in records:
        rows = _match(rec, insp)
        add = _adder(out, rec)
        if rows.empty:
            add("inspections", "inspection_id", rec.suggested_id() or "", "", "no_matching_row")
            continue
        iid = rows.iloc[0]["inspection_id"]
        _compare_inspection(rec, rows.iloc[0], add)
        staff = tables.get("staffing")
        if staff is not None:
            mine = staff[staff["inspection_id"] == iid]
            for f in rec.staffing:
                same = mine[(mine["measure"] == f.measure) & (mine["grade"] == f.grade)]
                _compare_fact(
                    "staffing",
                    f"{f.measure}/{f.grade}",
                    f.value,
                    same["value"],
                    f.evidence,
                    iid,
                    add,
                )
        cases = tables.get("case_measures")
        if cases is not None:
            mine = cases[cases["inspection_id"] == iid]
            for c in rec.case_measures:
                if c.value_pct is None:
                    continue
                same = mine[(mine["stage"] == c.stage) & (mine["aspect"] == c.aspect)]
                if "judged" in mine.columns:
                    same = same[same["judged"] == c.judged]
                field = f"{c.stage}/{c.aspect}/{c.judged}"
                _compare_fact(
                    "case_measures", field, c.value_pct, same["value_pct"], c.evidence, iid, add
                )
    return out


def _adder(out: list[Finding], rec: Record):
    def add(table, field, extracted, dataset, kind, ev=None, iid=None):
        start, end = (ev.start, ev.end) if ev else (None, None)
        out.append(
            Finding(
                rec.source_file,
                rec.document,
                iid,
                table,
                field,
                extracted,
                dataset,
                kind,
                start,
                end,
            )
        )

    return add


def _compare_inspection(rec: Record, row: pd.Series, add) -> None:
    iid = row["inspection_id"]
    for field in _FIELDS:
        got = _norm(field, getattr(rec, field))
        if not got:
            continue
        have = _norm(field, row.get(field, ""))
        ev = rec.evidence.get(field)
        if not have:
            add("inspections", field, got, "", "missing_in_dataset", ev, iid)
        elif have != got:
            if field in _DATES and got.startswith(have):
                add("inspections", field, got, have, "less_precise_in_dataset", ev, iid)
            elif not (field in _DATES and have.startswith(got)):
                add("inspections", field, got, have, "mismatch", ev, iid)


def _compare_fact(table: str, field: str, value, dataset: pd.Series, ev, iid, add) -> None:
    got = _norm("value", value)
    if dataset.empty:
        add(table, field, got, "", "missing_in_dataset", ev, iid)
    elif got not in {_norm("value", v) for v in dataset}:
        add(table, field, got, " ; ".join(dataset), "mismatch", ev, iid)


def findings_to_frame(findings: list[Finding]) -> pd.DataFrame:
    """Findings as a DataFrame (one row each), most serious kinds first."""
    cols = list(Finding.__dataclass_fields__)
    frame = pd.DataFrame([f.__dict__ for f in findings], columns=cols)
    frame["_order"] = frame["kind"].map({k: i for i, k in enumerate(KINDS)})
    frame = frame.sort_values(["_order", "source_file", "document"], kind="stable")
    frame = frame.drop(columns="_order").reset_index(drop=True)
    for c in ("span_start", "span_end"):
        frame[c] = frame[c].astype("Int64")
    return frame
