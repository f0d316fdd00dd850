"""Accuracy of ``probstats.extract`` on a local folder of documents with truth files.

Run:  python benchmarks/bench_extract_accuracy.py FOLDER [--details FILE]

FOLDER holds ``docs/NNN.txt`` (optionally starting with a ``URL: <address>``
line), ``truth/NNN.json`` (``{"records": [{unit_name, unit_type, ...,
staffing: [...], case_measures: [...], standard_ratings: [...]}],
"aliases"...}``) and ``split.json`` (``{"dev": [ids], "holdout": [ids]}``).
The documents themselves are never part of this project; only this script is.

For every field the table counts values the truth *states*, and of those the
ones produced *right*, produced *wrong* (a different value) and *missed*; and
*spurious* values (produced where the truth states nothing). The wrong-value
rate is wrong / stated: a wrong value is worse than a miss, because extraction
exists to grow a dataset. Tune on ``dev``; report ``holdout`` untouched.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from probstats.extract import extract_text

SCALARS = (
    "unit_type", "region", "publication_date", "fieldwork_start", "fieldwork_end",
    "overall_rating", "score", "score_max", "previous_rating", "previous_rating_year",
    "n_recommendations", "cases_inspected", "cases_community", "cases_licence",
)  # fmt: skip
#: Facts are compared on these keys (identity) and values.
FACT_KEYS = {
    "staffing": (("measure", "grade"), ("value",)),
    "case_measures": (("stage", "aspect", "judged"), ("value_pct",)),
    "standard_ratings": (("standard_name",), ("rating",)),
}


def key_of(name: str | None) -> str:
    """Unit names compared without case, accents, punctuation or type words."""
    t = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    t = t.replace("&", " and ")
    t = re.sub(r"\b(pdu|crc|nps|division|probation delivery unit|region)\b", " ", t)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", t).split())


def plain(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def produced(text: str, url: str | None) -> list[dict]:
    out = []
    for rec in extract_text(text, url=url):
        d = {f: plain(getattr(rec, f)) for f in SCALARS}
        d["unit_name"] = rec.unit_name
        d["staffing"] = [vars(f) for f in rec.staffing]
        d["case_measures"] = [vars(f) for f in rec.case_measures]
        d["standard_ratings"] = [vars(f) for f in rec.standard_ratings]
        out.append(d)
    return out


def pair(truth: list[dict], got: list[dict]) -> tuple[list[tuple[dict, dict | None]], list[dict]]:
    """Truth records with their produced record (by unit name or alias); unmatched produced."""
    left = list(got)
    pairs = []
    for t in truth:
        names = {key_of(t.get("unit_name"))} | {key_of(a) for a in t.get("aliases", [])}
        hit = next(
            (g for g in left if key_of(g["unit_name"]) in names
             or (t.get("unit_type") == "national" and g["unit_type"] == "national")),
            None,
        )  # fmt: skip
        if hit is None and len(truth) == 1 and len(left) == 1 and not left[0]["unit_name"]:
            hit = left[0]  # a nameless record in a one-unit document
        if hit is not None:
            left.remove(hit)
        pairs.append((t, hit))
    return pairs, left


def fact_tuple(kind: str, f: dict) -> tuple[tuple, tuple]:
    ident, vals = FACT_KEYS[kind]
    return tuple(f.get(k) for k in ident), tuple(plain(f.get(k)) for k in vals)


def score_doc(truth: dict, got: list[dict], tally: dict, log: list[str]) -> None:
    pairs, extra = pair(truth.get("records", []), got)
    pooled = {k: {fact_tuple(k, f) for f in v} for k, v in truth.get("pooled_facts", {}).items()}
    for t, g in pairs:
        for f in SCALARS:
            tv, gv = t.get(f), (g or {}).get(f)
            c = tally[f]
            if tv is not None:
                c["stated"] += 1
                c["right" if gv == tv else "missed" if gv is None else "wrong"] += 1
                if gv is not None and gv != tv:
                    log.append(f"  {f} wrong: {gv!r} for {tv!r} ({t.get('unit_name')})")
            elif gv is not None:
                c["spurious"] += 1
                log.append(f"  {f} spurious: {gv!r} ({t.get('unit_name')})")
        for kind in FACT_KEYS:
            score_facts(
                kind,
                t.get(kind, []),
                (g or {}).get(kind, []),
                pooled.get(kind, set()),
                tally[kind],
                log,
            )
        if g is None:
            log.append(f"  record missed: {t.get('unit_name')}")
    for g in extra:
        log.append(f"  spurious record: {g['unit_name']!r} ({g['unit_type']})")
        for f in SCALARS:
            if g.get(f) is not None and f != "unit_type":
                tally[f]["spurious"] += 1
        if g.get("overall_rating"):
            tally["_"]["invented_rating"] += 1


def score_facts(kind, truth, got, pooled, c, log) -> None:
    want = [fact_tuple(kind, f) for f in truth]
    have = [fact_tuple(kind, f) for f in got]
    c["stated"] += len(want)
    rest = list(have)
    for w in want:
        if w in rest:
            c["right"] += 1
            rest.remove(w)
            continue
        same = next((h for h in rest if h[0] == w[0]), None)
        if same is not None:
            c["wrong"] += 1
            rest.remove(same)
            log.append(f"  {kind} wrong: {same} for {w}")
        else:
            c["missed"] += 1
            log.append(f"  {kind} missed: {w}")
    for h in rest:
        if h not in pooled:
            c["spurious"] += 1
            log.append(f"  {kind} spurious: {h}")


def table(name: str, tally: dict) -> str:
    rows = [
        f"### {name}",
        "",
        "| field | stated | right | wrong | missed | spurious | right % |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    total = Counter()
    for f in (*SCALARS, *FACT_KEYS):
        c = tally[f]
        total.update(c)
        pct = f"{100 * c['right'] / c['stated']:.0f}" if c["stated"] else "-"
        counts = " | ".join(str(c[k]) for k in ("stated", "right", "wrong", "missed", "spurious"))
        rows.append(f"| {f} | {counts} | {pct} |")
    s = max(total["stated"], 1)
    counts = " | ".join(str(total[k]) for k in ("stated", "right", "wrong", "missed", "spurious"))
    rows.append(f"| **all** | {counts} | {100 * total['right'] / s:.1f} |")
    rows.append("")
    rows.append(
        f"right {100 * total['right'] / s:.1f}% of stated; "
        f"wrong-value rate {100 * total['wrong'] / s:.2f}%; "
        f"invented overall ratings on unmatched records: {tally['_']['invented_rating']}"
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--details", type=Path, help="write per-document disagreements here")
    args = parser.parse_args(argv)
    split = json.loads((args.folder / "split.json").read_text())
    log: list[str] = []
    for part in ("dev", "holdout"):
        tally: dict = defaultdict(Counter)
        for doc_id in split[part]:
            raw = (args.folder / "docs" / f"{doc_id}.txt").read_text(encoding="utf-8")
            url = None
            if raw.startswith("URL:"):
                first, _, raw = raw.partition("\n")
                url = first[4:].strip()
            truth = json.loads((args.folder / "truth" / f"{doc_id}.json").read_text())
            doc_log: list[str] = []
            score_doc(truth, produced(raw, url), tally, doc_log)
            if doc_log:
                log += [f"== {doc_id} ({part})", *doc_log]
        print(table(f"{part} ({len(split[part])} documents)", tally))
        print()
    if args.details:
        args.details.write_text("\n".join(log) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
