"""Helpers shared by the extraction tests: truth comparison and renderings (no tests here)."""

from __future__ import annotations

import html

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


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def to_html(text: str, *, table: list[tuple[str, str]] | None = None) -> str:
    """A report page: the first paragraph as the heading, the rest as paragraphs, an optional table."""
    paras = paragraphs(text)
    body = [f"<h1>{html.escape(paras[0])}</h1>"] + [f"<p>{html.escape(p)}</p>" for p in paras[1:]]
    if table:
        rows = "".join(
            f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td></tr>" for a, b in table
        )
        body.append(f"<h2>Ratings</h2><table>{rows}</table>")
    return (
        "<!DOCTYPE html><html><head><title>Inspection</title><script>var x = 'Good';</script></head>"
        "<body><nav>Home</nav><main>" + "".join(body) + "</main></body></html>"
    )


def to_pdf(text: str, *, per_page: int = 2) -> bytes:
    """A PDF with ``per_page`` paragraphs a page, wrapped at the page width as reports are."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=11)
    paras = paragraphs(text)
    for i, p in enumerate(paras):
        if i % per_page == 0:
            pdf.add_page()
        pdf.multi_cell(0, 6, p.encode("latin-1", "replace").decode("latin-1"))
        pdf.ln(6)
    return bytes(pdf.output())
