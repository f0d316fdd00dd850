"""Kill ``probstats build`` at random moments and check what it leaves behind.

Run:  python benchmarks/kill_build.py [--runs 20] [--seed 0] [--no-figures]

Two valid versions of the raw data (A: ``data/raw``; B: the same with one rating
changed, so that processed tables, figures and tables all differ) are built once
each to know every file of both complete builds. Then, run after run, the output
folders get a complete build of one version and a build of the other is sent
SIGKILL after a random delay. After each kill the script checks, file by file and
folder by folder:

* every file is byte for byte the version of build A or of build B (never empty,
  truncated or unknown): a *damaged file* otherwise;
* each folder is the complete build A or B, or else ``probstats validate`` exits 1
  naming the files (an *interrupted build flagged*); a mixed folder that validate
  passes is an *undetected mix*;
* the loader either loads the table or raises IncompleteBuildError.

It prints one line per run and a summary; the exit status is 1 if any file was
damaged or any mix went undetected. A last uninterrupted build must then validate.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HIDDEN_OK = (".probstats-build.lock",)
MANIFEST = ".probstats-manifest.json"


def _kept(rel: str) -> bool:
    """Outputs and manifests; not the journal or temporary files of an unfinished build."""
    name = rel.split("/")[-1]
    return not name.startswith(".") or name == MANIFEST


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "probstats.cli", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}


def variant(raw: Path, dest: Path) -> Path:
    """Copy ``raw`` with one inspection's rating changed (a unit inspected once)."""
    import csv

    shutil.copytree(raw, dest)
    path = dest / "inspections.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    unit_col, rating_col = header.index("unit_name"), header.index("overall_rating")
    counts: dict[str, int] = {}
    for row in rows[1:]:
        counts[row[unit_col]] = counts.get(row[unit_col], 0) + 1
    for row in rows[1:]:
        if counts[row[unit_col]] == 1 and row[rating_col] == "Requires improvement":
            row[rating_col] = "Inadequate"
            break
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return dest


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (the empty lock file aside) with its SHA-256."""
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in HIDDEN_OK
    }


def build(raw: Path, out: Path, figures: bool) -> list[str]:
    args = ["build", "--raw", str(raw), "--out", str(out / "processed"), "-q"]
    args += ["--figures", str(out / "figures")] if figures else ["--no-figures"]
    return _cli(*args)


def complete(raw: Path, out: Path, figures: bool) -> None:
    subprocess.run(build(raw, out, figures), env=_env(), check=True, capture_output=True)


def validate(out: Path, figures: bool) -> tuple[int, str]:
    folders = [str(out / "processed")] + ([str(out / "figures")] if figures else [])
    proc = subprocess.run(_cli("validate", *folders), env=_env(), capture_output=True, text=True)
    return proc.returncode, proc.stderr


LOADER = """
import sys
from probstats import load_inspections
from probstats.errors import IncompleteBuildError
try:
    load_inspections(sys.argv[1])
    print("loaded")
except IncompleteBuildError:
    print("refused: incomplete build")
"""


def load(out: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", LOADER, str(out / "processed")],
        env=_env(),
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip() or f"ERROR: {proc.stderr.strip().splitlines()[-1:]}"


# long: one run per loop turn, each checked file by file, folder by folder
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-figures", action="store_true", help="processed data only")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    figures = not args.no_figures
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="kill-build-") as tmp:
        tmp = Path(tmp)
        raws = {"A": ROOT / "data" / "raw", "B": variant(ROOT / "data" / "raw", tmp / "raw_b")}
        states: dict[str, dict[str, dict[str, str]]] = {}
        durations = []
        for name, raw in raws.items():
            started = time.perf_counter()
            complete(raw, tmp / f"ref_{name}", figures)
            durations.append(time.perf_counter() - started)
            states[name] = {
                kind: snapshot(tmp / f"ref_{name}" / kind) for kind in ("processed", "figures")
            }
        for kind in ("processed", "figures") if figures else ("processed",):
            differ = sum(
                states["A"][kind].get(k) != states["B"][kind].get(k)
                for k in states["A"][kind].keys() | states["B"][kind].keys()
            )
            print(f"{kind}: {differ} files differ between builds A and B")
        print(
            f"a complete build took {max(durations):.1f} s; each kill falls between 0.3 s and "
            "95% of the time the complete build just before it took\n"
        )
        out = tmp / "out"
        tally = dict.fromkeys(
            ("complete", "flagged", "damaged", "undetected", "false alarms", "loader errors"), 0
        )
        print("run  built->killed  kill at   processed / figures     validate  loader")
        run = attempts = 0
        while run < args.runs and attempts < 3 * args.runs:
            attempts += 1
            previous = rng.choice("AB")
            which = "B" if previous == "A" else "A"
            started = time.perf_counter()
            complete(raws[previous], out, figures)  # a complete build, then another one killed
            # kill within the time a build takes now (the machine's load varies)
            delay = rng.uniform(0.3, 0.95 * (time.perf_counter() - started))
            proc = subprocess.Popen(
                build(raws[which], out, figures),
                env=_env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            time.sleep(delay)
            if proc.poll() is not None:  # finished before its kill: not a kill, draw again
                print(f"     build {which} finished before {delay:.1f} s: not counted")
                continue
            with contextlib.suppress(ProcessLookupError):  # it may end meanwhile
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            run += 1
            code, _ = validate(out, figures)
            labels, damaged, leftovers = [], 0, 0
            for kind in ("processed", "figures") if figures else ("processed",):
                now = snapshot(out / kind)
                visible = {k: v for k, v in now.items() if _kept(k)}
                leftovers += len(now) - len(visible)
                for rel, digest in visible.items():
                    if digest not in (states["A"][kind].get(rel), states["B"][kind].get(rel)):
                        damaged += 1
                        print(f"     DAMAGED: {kind}/{rel}")
                labels.append(
                    "A"
                    if visible == states["A"][kind]
                    else "B"
                    if visible == states["B"][kind]
                    else "mixed"
                )
            complete_build = "mixed" not in labels and leftovers == 0
            tally["damaged"] += damaged
            if complete_build:
                tally["complete"] += 1
                tally["false alarms"] += code != 0
            elif code != 0:
                tally["flagged"] += 1
            else:
                tally["undetected"] += 1
            loader = load(out)
            tally["loader errors"] += loader.startswith("ERROR")
            shown = " / ".join(labels) + (f" +{leftovers} leftover" if leftovers else "")
            print(
                f"{run:3d}  {previous}->{which}  {delay:5.1f} s   {shown:28s}  exit {code}    "
                + loader
            )
        complete(raws["A"], out, figures)
        final_code, final_err = validate(out, figures)
        print(
            f"\n{run} kills: {tally['complete']} left a complete build (A or B) that "
            f"validate passes, {tally['flagged']} an interrupted build that validate flagged; "
            f"{tally['damaged']} damaged files, {tally['undetected']} interrupted builds not "
            f"flagged, {tally['false alarms']} complete builds flagged, "
            f"{tally['loader errors']} loader errors other than IncompleteBuildError."
        )
        print(f"after one more build: validate exit {final_code}")
        if final_code != 0:
            print(final_err)
        bad = any(tally[k] for k in ("damaged", "undetected", "false alarms", "loader errors"))
        bad = bad or final_code != 0
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
