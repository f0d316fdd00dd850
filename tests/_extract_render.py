"""Render the extraction fixtures (plain text, own wording) as a web page and as a PDF."""

from __future__ import annotations

import html


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
