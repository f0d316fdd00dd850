"""Extraction time on hostile input: does it grow linearly with the input size?

Run:  python benchmarks/bench_extract_linear.py [--max-kb 1024] [--repeat 3]

Each shape is a short release followed by one unit repeated to 1 KB, 4 KB, ...
up to ``--max-kb``: repeated rating mentions, repeated "N% of cases", long runs
of spaces, a whole release on one line after a cookie sentence, and other runs
that once made scans quadratic. The script prints the time for each size and
the exponent of a least-squares fit of log(time) on log(size); linear time is an
exponent near 1 (the target is at most 1.2).
"""

from __future__ import annotations

import argparse
import math
import time

from probstats.extract import extract_text

LEAD = "Westmoor PDU has received an overall rating of 'Good'. "
SHAPES = {
    "rating mentions": "rated 'Good' and 'Inadequate' then 'Requires improvement' ",
    "N% of cases": "in 45% of cases work was sufficient, ",
    "spaces": " " * 64,
    "spaces then newline": "PDU" + " " * 60 + "\n",
    "capitalised names": "Alpha Beta Gamma, Delta and Epsilon ",
    "numbers": "1,234 5 per cent ",
    "dates": "12 March 2031 and ",
    "grades": "POs PSOs SPOs managers ",
    "unit anchors": "North PDU South PDU ",
    "short sentences": "Staff vacancy rate was 12%. ",
    "cookie banner, one line": "cookies ",
    "table rows": "1.1 Leadership | Good\n",
    "quotes": "'''' \"\"\"\" ",
    "digits": "7" * 50 + " ",
}


def fit_exponent(sizes: list[int], times: list[float]) -> float:
    """Slope of log(time) against log(size) by least squares."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(t, 1e-7)) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def timed(text: str, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        extract_text(text)
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-kb", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes_kb = [k for k in (1, 4, 16, 64, 256, 1024) if k <= args.max_kb]
    worst = 0.0
    print(f"{'shape':26s}" + "".join(f"{k:>9d}KB" for k in sizes_kb) + "  exponent")
    for name, unit in SHAPES.items():
        sizes, times = [], []
        for kb in sizes_kb:
            text = LEAD + unit * max(1, kb * 1024 // len(unit))
            sizes.append(len(text))
            times.append(timed(text, args.repeat))
        exp = fit_exponent(sizes, times)
        worst = max(worst, exp)
        print(f"{name:26s}" + "".join(f"{t:10.4f}s" for t in times) + f"  {exp:8.2f}")
    print(f"largest exponent: {worst:.2f} (target <= 1.2)")
    return 0 if worst <= 1.2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
