"""Compare extracted records with a fixture's truth (shared by the extraction tests)."""

from __future__ import annotations

SCALARS = (
    "unit_type", "unit_name", "region", "publication_date", "fieldwork_start", "fieldwork_end",
    "overall_rating", "score", "score_max", "previous_rating", "previous_rating_year",
    "n_recommendations", "cases_inspected", "cases_community", "cases_licence",
)  # fmt: skip


def produced(rec) -> dict:
    """A record in the truth files' shape (scalars, and fact lists as sorted tuples)."""
    d = {f: getattr(rec, f) for f in SCALARS}
    d["staffing"] = sorted((f.measure, f.grade, f.value, f.qualifier) for f in rec.staffing)
    d["case_measures"] = sorted(
        (c.stage, c.aspect, c.judged, c.value_pct) for c in rec.case_measures
    )
    d["standard_ratings"] = sorted((s.standard_name, s.rating) for s in rec.standard_ratings)
    return d


def expected(truth: dict) -> dict:
    """Truth with every field it does not state set to None (so spurious values fail)."""
    d = {f: truth.get(f) for f in SCALARS}
    for k in ("staffing", "case_measures", "standard_ratings"):
        d[k] = sorted(tuple(x) for x in truth.get(k, []))
    return d


def differences(records, truths: list[dict]) -> list[str]:
    """Readable differences between records and truth (empty when they agree)."""
    got = {r.unit_name: produced(r) for r in records}
    out = []
    if len(records) != len(truths):
        out.append(f"{len(records)} records for {len(truths)} units: {sorted(map(str, got))}")
    for t in truths:
        want = expected(t)
        have = got.get(t["unit_name"])
        if have is None:
            out.append(f"no record for {t['unit_name']}")
            continue
        out += [
            f"{t['unit_name']}.{k}: got {have[k]!r}, want {v!r}"
            for k, v in want.items()
            if have[k] != v
        ]
    return out
