"""From found values to records: give each value to a unit, and keep only the sure ones.

A value belongs to the record's subject when its owner (see
:meth:`~probstats.extract.finders.context.Doc.owner`) is the subject, or when
it names no unit at all in a release about one unit. A value owned by a
sibling, by the region of a PDU (for unit figures), or stated for a previous
inspection is not the subject's. The confidence of a value is the finder's
confidence times the attachment's; below :data:`FACT_THRESHOLD` it becomes a
review :class:`~probstats.extract.records.Candidate`, never a fact.
"""

from __future__ import annotations

from probstats.extract.finders.context import Doc, Found
from probstats.extract.finders.dates import previous_year
from probstats.extract.finders.ratings import canonical_rating
from probstats.extract.finders.units import Subject, region_of
from probstats.extract.records import Candidate, Record, StandardRating

#: Values with a confidence below this are review candidates, not facts.
FACT_THRESHOLD = 0.5
#: Fields that describe the report rather than the unit (a region named in the
#: sentence does not take them away from a PDU).
_REPORT_FIELDS = frozenset(
    {"publication_date", "fieldwork", "n_recommendations", "cases_inspected", "cases_community",
     "cases_licence", "score"}
)  # fmt: skip
_HOW = {"clause": 1.0, "sentence": 0.95, "paragraph": 0.9, "none": 1.0}


def _attachment(f: Found, subj: Subject | None, multi: bool, others: bool) -> float | None:
    """Multiplier for a value's confidence, or None when the value is another unit's."""
    m, how = f.owner, f.how
    if subj is None:  # no unit identified: only facts about the report itself are kept
        return 0.9 if f.field in _REPORT_FIELDS else 0.45
    if m is None:
        if multi:
            return 0.4  # pooled over the units of a multi-unit release
        return 0.85 if others else 1.0
    if m.key == subj.key:
        return 0.4 if multi and how == "paragraph" else _HOW[how]
    if m.unit_type == subj.unit_type:
        if how == "paragraph" and f.field in _REPORT_FIELDS and not multi:
            return 0.8  # the sibling was only named in an earlier sentence
        if f.note == "shared":
            return 0.8  # "(also published on ...)": the sibling's date is this report's too
        return None  # a sibling's value
    if f.field in _REPORT_FIELDS:
        return 0.9
    if subj.unit_type == "PDU" and m.unit_type == "region":
        return 0.8 if (m.oblique or how == "paragraph") else None
    return None


def _value_text(f: Found) -> str:
    v = f.value
    if f.field == "staffing":
        return f"{v.measure}/{v.grade}={v.qualifier}{v.value:g}"
    if f.field == "case_measure":
        shown = v.value_pct if v.value_pct is not None else v.n_counted
        return f"{v.stage}/{v.aspect}/{v.judged}={shown}"
    if f.field == "standard":
        return f"{v[0]}={f.note}"
    return str(v)


def assemble(doc: Doc, subj: Subject | None, finds: list[Found], multi: bool) -> Record:
    """One record for ``subj`` from every value found in the document."""
    rec = Record(doc_start=doc.seg.start, doc_end=doc.seg.end, source_url=doc.source.url)
    _set_unit(doc, rec, subj)
    others = any(
        m.key != (subj.key if subj else None) and m.unit_type != "region" for m in doc.mentions
    )
    for f in finds:
        mult = _attachment(f, subj, multi, others)
        if mult is None:
            continue
        conf = round(f.confidence * mult, 3)
        reason = "pooled over several units" if multi and f.owner is None else ""
        if f.context == "previous" and f.field != "previous_rating":
            conf, reason = min(conf, 0.2), "stated for a previous inspection or another report"
        if conf < FACT_THRESHOLD:
            rec.candidates.append(
                Candidate(f.field, _value_text(f), f.evidence, conf, reason or "low confidence")
            )
            continue
        _apply(doc, rec, f, conf)
        if f.note == "counted from the numbered list" and rec.evidence.get(f.field) is f.evidence:
            rec.warnings.append("number of recommendations counted from the numbered list")
    _previous_year(doc, rec)
    _dedupe_facts(rec)
    return rec


def _set_unit(doc: Doc, rec: Record, subj: Subject | None) -> None:
    if subj is None:
        return
    ev = doc.evidence(subj.mention.start, subj.mention.end)
    rec.unit_type, rec.unit_name = subj.unit_type, subj.name
    rec.evidence["unit_name"] = rec.evidence["unit_type"] = ev
    rec.confidence["unit_name"] = rec.confidence["unit_type"] = subj.confidence
    if subj.unit_type == "region":
        rec.region, rec.evidence["region"] = subj.name, ev
    elif subj.unit_type != "NPS division":  # divisions span several regions
        reg = region_of(doc, subj)
        if reg is not None:
            rec.region = reg.name
            rec.evidence["region"] = doc.evidence(reg.start, reg.end)
            rec.confidence["region"] = 0.8


def _scalar(rec: Record, field: str, value, ev, conf: float) -> None:
    have = getattr(rec, field)
    if have is None:
        setattr(rec, field, value)
        rec.evidence[field], rec.confidence[field] = ev, conf
    elif have != value:
        if conf > rec.confidence.get(field, 0) + 0.05:
            old = rec.evidence[field]
            rec.candidates.append(
                Candidate(field, str(have), old, rec.confidence[field], "another value was surer")
            )
            setattr(rec, field, value)
            rec.evidence[field], rec.confidence[field] = ev, conf
        else:
            rec.candidates.append(
                Candidate(field, str(value), ev, conf, "a different value was stated first")
            )


def _apply(doc: Doc, rec: Record, f: Found, conf: float) -> None:
    if f.field in ("overall_rating", "previous_rating", "publication_date", "n_recommendations",
                   "cases_inspected", "cases_community", "cases_licence"):  # fmt: skip
        _scalar(rec, f.field, f.value, f.evidence, conf)
    elif f.field == "fieldwork":
        if rec.fieldwork_start is None:
            _scalar(rec, "fieldwork_start", f.value[0], f.evidence, conf)
            if f.value[1] is not None:
                _scalar(rec, "fieldwork_end", f.value[1], f.evidence, conf)
    elif f.field == "score":
        if rec.score is None:
            _scalar(rec, "score", f.value[0], f.evidence, conf)
            _scalar(rec, "score_max", f.value[1], f.evidence, conf)
    elif f.field == "standard":
        name, code = f.value
        rating = f.evidence.text
        rec.standard_ratings.append(
            StandardRating(
                name,
                canonical_rating(rating) or rating,
                f.evidence,
                standard_code=code,
                confidence=conf,
            )
        )
    elif f.field == "staffing":
        f.value.confidence = conf
        rec.staffing.append(f.value)
    elif f.field == "case_measure":
        f.value.confidence = conf
        rec.case_measures.append(f.value)


def _previous_year(doc: Doc, rec: Record) -> None:
    if rec.previous_rating is None:
        return
    pub = rec.publication_date or rec.fieldwork_start
    before = int(pub[:4]) if pub else None
    ev = rec.evidence["previous_rating"]
    got = previous_year(doc, ev.start, before)
    if got is not None:
        rec.previous_rating_year = got[0]
        rec.evidence["previous_rating_year"] = doc.evidence(got[1], got[2])
        rec.confidence["previous_rating_year"] = 0.8


def _dedupe_facts(rec: Record) -> None:
    seen: set = set()
    staffing = []
    for f in rec.staffing:
        key = (f.measure, f.grade, f.value, f.qualifier)
        if key not in seen:
            seen.add(key)
            staffing.append(f)
    rec.staffing = staffing
    if len({(f.measure, f.grade) for f in staffing}) < len(staffing):
        rec.warnings.append("more than one value stated for the same staffing measure and grade")
    seen = set()
    standards = []
    # A rating read from a table row (with its code) is kept over the same rating in prose.
    for s in sorted(rec.standard_ratings, key=lambda s: (s.standard_code == "", s.evidence.start)):
        if (s.standard_name, s.rating) not in seen:
            seen.add((s.standard_name, s.rating))
            standards.append(s)
    rec.standard_ratings = sorted(standards, key=lambda s: s.evidence.start)
