"""Throughput of ``probstats.extract`` on a large synthetic batch of releases.

Run:  python benchmarks/bench_extract.py [--docs N] [--seed S]
Prints documents per second for single documents, for one file holding many
pasted releases, and for the same through files on disk.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from probstats.extract import extract_file, extract_text

RATINGS = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
PLACES = ["Ashvale", "Brookmere", "Cinder Hill", "Dunmore and Fells", "Eastwick, Farleigh and Gore"]
NUMBERS = ["three", "five", "seven", "nine", "12"]


def synthetic_release(rng: random.Random) -> str:
    """One made-up release with the usual furniture (banner, notes, contact line)."""
    place = rng.choice(PLACES)
    day, month, year = (
        rng.randint(1, 28),
        rng.choice(["March", "June", "October"]),
        rng.randint(2022, 2025),
    )
    body = [
        "Skip to content",
        "All content is available under the Open Government Licence v3.0.",
        f"{place} PDU rated '{rng.choice(RATINGS)}'",
        f"{place} Probation Delivery Unit (PDU) has received an overall rating of "
        f"'{rng.choice(RATINGS)}' following an inspection.",
        f"At the time of the inspection, the vacancy rate for probation officers was "
        f"{rng.randint(5, 50)} per cent and PSOs were staffed at "
        f"{rng.randint(60, 130)}% of target.",
        f"Inspectors reviewed {rng.randint(40, 250)} cases. In {rng.randint(10, 90)} per cent of "
        "cases, work to keep other people safe was judged sufficient.",
        f"The report makes {rng.choice(NUMBERS)} recommendations.",
        "Notes to editor",
        f"  1. The report is available at on {day} {month} {year}.",
        f"  2. Fieldwork for this inspection took place in {month} {year - 1}.",
        "  3. For media enquiries, please contact the press office 01234 567890",
    ]
    filler = " ".join(
        ["Inspectors spoke with staff and partners about local services."] * rng.randint(5, 40)
    )
    body.insert(5, filler)
    return "\n\n".join(body) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    docs = [synthetic_release(rng) for _ in range(args.docs)]
    mb = sum(len(d) for d in docs) / 1e6

    t0 = time.perf_counter()
    n = sum(len(extract_text(d)) for d in docs)
    t1 = time.perf_counter()
    print(
        f"single documents : {args.docs} docs ({mb:.1f} MB) in {t1 - t0:.2f}s -> "
        f"{args.docs / (t1 - t0):,.0f} docs/s ({n} records)"
    )

    batch = "".join(docs[:500])
    t0 = time.perf_counter()
    recs = extract_text(batch)
    t1 = time.perf_counter()
    print(
        f"one pasted file  : 500 releases split into {len(recs)} records in {t1 - t0:.2f}s -> "
        f"{500 / (t1 - t0):,.0f} docs/s"
    )

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, d in enumerate(docs[:1000]):
            p = Path(tmp) / f"doc{i:05d}.txt"
            p.write_text(d, encoding="utf-8")
            paths.append(p)
        t0 = time.perf_counter()
        for p in paths:
            extract_file(p)
        t1 = time.perf_counter()
    print(f"files on disk    : 1000 files in {t1 - t0:.2f}s -> {1000 / (t1 - t0):,.0f} docs/s")


if __name__ == "__main__":
    main()
