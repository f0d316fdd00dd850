"""Run two builds with different inputs at once, with a reader loading tables meanwhile.

Run:  python benchmarks/concurrent_builds.py [--rounds 3] [--no-figures]

Each round starts a build of raw data A (``data/raw``) and a build of B (the same
with one rating changed) into the same output folders at the same moment, and a
reader that loads the inspections and features tables over and over until both
builds end. A round passes when both builds exit 0, the folders end up exactly
as a lone build of A or of B leaves them (never a mix), ``probstats validate``
passes, and every load either returned a table or raised IncompleteBuildError
(never another error, never a silently short table). Prints one line per round
and a summary; exit status 1 if any round failed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kill_build import ROOT, _env, build, complete, snapshot, validate, variant  # noqa: E402

READER = """
import json, sys, time
from pathlib import Path
import probstats
from probstats.errors import IncompleteBuildError
folder, stop = Path(sys.argv[1]), Path(sys.argv[2])
counts = {"loaded": 0, "incomplete build": 0, "other errors": 0, "short tables": 0}
rows = {int(x) for x in sys.argv[3:]}
while not stop.exists():
    try:
        n = len(probstats.load_inspections(folder))
        probstats.load_features(folder)
        counts["loaded"] += 1
        if n not in rows:
            counts["short tables"] += 1
    except IncompleteBuildError:
        counts["incomplete build"] += 1
    except Exception as exc:
        counts["other errors"] += 1
        print(repr(exc), file=sys.stderr)
    time.sleep(0.02)
print(json.dumps(counts))
"""


# long: one round per loop turn, each checked in full
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-figures", action="store_true", help="processed data only")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    figures = not args.no_figures
    kinds = ("processed", "figures") if figures else ("processed",)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="concurrent-builds-") as tmp:
        tmp = Path(tmp)
        raws = {"A": ROOT / "data" / "raw", "B": variant(ROOT / "data" / "raw", tmp / "raw_b")}
        states = {}
        for name, raw in raws.items():
            complete(raw, tmp / f"ref_{name}", figures)
            states[name] = {k: snapshot(tmp / f"ref_{name}" / k) for k in kinds}
        n_rows = {
            str(
                len((tmp / f"ref_{n}" / "processed" / "inspections.csv").read_text().splitlines())
                - 1
            )
            for n in raws
        }
        out = tmp / "out"
        complete(raws["A"], out, figures)
        for rnd in range(1, args.rounds + 1):
            stop = tmp / f"stop{rnd}"
            reader = subprocess.Popen(
                [sys.executable, "-c", READER, str(out / "processed"), str(stop), *n_rows],
                env=_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            started = time.perf_counter()
            order = ("A", "B") if rnd % 2 else ("B", "A")
            builds = [
                subprocess.Popen(
                    build(raws[n], out, figures), env=_env(), stdout=subprocess.DEVNULL
                )
                for n in order
            ]
            codes = [b.wait() for b in builds]
            elapsed = time.perf_counter() - started
            stop.touch()
            reads, read_err = reader.communicate(timeout=120)
            counts = json.loads(reads.strip().splitlines()[-1])
            now = {k: snapshot(out / k) for k in kinds}
            final = next((n for n in raws if now == states[n]), "MIXED")
            code, err = validate(out, figures)
            ok = (
                codes == [0, 0]
                and final != "MIXED"
                and code == 0
                and counts["other errors"] == 0
                and counts["short tables"] == 0
            )
            failures += not ok
            print(
                f"round {rnd}: builds {order[0]} and {order[1]} exit {codes} in {elapsed:.1f} s; "
                f"final folders = build {final}; validate exit {code}; reader: {counts}"
                + ("" if ok else "  FAILED")
            )
            if read_err.strip():
                print("  reader errors:", read_err.strip()[:500])
    print(f"\n{args.rounds} rounds, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
