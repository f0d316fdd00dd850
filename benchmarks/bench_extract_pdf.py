"""Throughput of ``probstats extract`` on PDF reports, timed apart from text.

Run:  python benchmarks/bench_extract_pdf.py [--reports 20] [--pages 30]

Makes synthetic reports with fpdf2 (a release-like first page, then pages of
report prose with staffing and case-sample figures), then times reading
(pypdf text extraction) and extraction separately. Needs the ``readers`` and
``test`` extras.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from probstats.extract import extract_source, read_path

RATINGS = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
PROSE = (
    "Inspectors spoke with practitioners, managers and partner agencies about the work of "
    "the unit. The vacancy rate for probation officers was {v} per cent, and staffing "
    "stood at {t}% of target for probation services officers. Assessment of the risk of "
    "harm was sufficient in {c}% of cases we inspected."
)


def make_report(rng: random.Random, pages: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=11)
    name = rng.choice(["Ashvale", "Brookmere", "Cinder Hill", "Dunmore and Fells"])
    pdf.add_page()
    pdf.multi_cell(0, 6, f"An inspection of probation services in {name} PDU")
    pdf.ln(6)
    pdf.multi_cell(0, 6, f"Overall rating: {rng.choice(RATINGS)}")
    for _ in range(pages - 1):
        pdf.add_page()
        for _ in range(4):
            text = PROSE.format(v=rng.randint(5, 45), t=rng.randint(60, 120), c=rng.randint(20, 90))
            pdf.multi_cell(0, 6, text)
            pdf.ln(4)
    return bytes(pdf.output())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(args.reports):
            p = Path(tmp) / f"report{i:03d}.pdf"
            p.write_bytes(make_report(rng, args.pages))
            paths.append(p)
        mb = sum(p.stat().st_size for p in paths) / 1e6
        t0 = time.perf_counter()
        sources = [read_path(p) for p in paths]
        t1 = time.perf_counter()
        n = sum(len(extract_source(s)) for s in sources)
        t2 = time.perf_counter()
    pages = args.reports * args.pages
    print(f"{args.reports} PDF reports of {args.pages} pages ({mb:.1f} MB), {n} records")
    read_rate = f"{pages / (t1 - t0):7.1f} pages/s, {args.reports / (t1 - t0):.2f} reports/s"
    print(f"reading (pypdf)  : {t1 - t0:6.2f}s -> {read_rate}")
    print(f"extraction       : {t2 - t1:6.2f}s -> {pages / (t2 - t1):7.1f} pages/s")
    print(f"total            : {t2 - t0:6.2f}s -> {args.reports / (t2 - t0):6.2f} reports/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
