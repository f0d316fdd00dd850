"""Mutation score per module with mutmut: do the tests catch what they claim?

Run:  python benchmarks/mutation.py MODULE... --tests TEST... [--out FILE] [--jobs N]

Example (the extraction finders and their tests):

    python benchmarks/mutation.py probstats/extract/finders/*.py \\
        --tests tests/test_extract.py tests/test_extract_structures.py tests/test_extract_finders.py

The project is copied to a temporary folder (tracked files only) whose
``[tool.mutmut]`` section names the modules and tests given here, so runs for
different modules never mix and the working tree is left alone. mutmut mutates
each module, runs the selected tests against every mutant, and this script
reads mutmut's per-file results and writes a Markdown table per module: killed,
survived, timeouts, mutants no test reaches, and the score

    score = killed / (mutants - equivalent)

where equivalent mutants (changes that cannot alter behaviour, e.g. a window
size made one larger where the text can never reach it) are listed, one mutmut
name per line with a reason after ``#``, in ``benchmarks/mutation_equivalent.txt``.
Not part of the test run: a full run takes many minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = Path(__file__).with_name("mutation_equivalent.txt")
KILLED = {1, 3}
TIMEOUT = {24, -24, 36, 152, 255}


def copy_project(dest: Path) -> None:
    """Copy the tracked files of the project (no virtual environment, no outputs)."""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src = ROOT / name.decode()
        if src.is_file():
            (dest / src.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / src.relative_to(ROOT))


def configure(dest: Path, modules: list[str], tests: list[str]) -> None:
    """Replace the copy's ``[tool.mutmut]`` section with one for this run."""
    text = (dest / "pyproject.toml").read_text(encoding="utf-8")
    text = re.sub(r"\n\[tool\.mutmut\]\n(?:(?!\n\[).)*", "\n", text, flags=re.S)
    section = {
        "source_paths": ["probstats/"],
        "also_copy": ["data/"],  # tests read the committed raw and processed data
        "only_mutate": modules,
        "pytest_add_cli_args_test_selection": tests,
        "pytest_add_cli_args": [
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "-m",
            "not slow",
            "-q",
            "-x",
            "-k",
            "not rendered",  # a PDF rendering reruns the same finders, ten times slower
        ],  # fmt: skip
    }
    lines = ["", "[tool.mutmut]"] + [f"{k} = {json.dumps(v)}" for k, v in section.items()]
    (dest / "pyproject.toml").write_text(text + "\n".join(lines) + "\n", encoding="utf-8")


def equivalent_names() -> set[str]:
    if not EQUIVALENT.is_file():
        return set()
    names = set()
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.add(name)
    return names


def tally(dest: Path, modules: list[str]) -> dict[str, Counter]:
    """Counts per module from mutmut's ``mutants/<module>.meta`` files."""
    equivalent = equivalent_names()
    out: dict[str, Counter] = {}
    for module in modules:
        meta = dest / "mutants" / (module + ".meta")
        c: Counter = Counter()
        if meta.is_file():
            codes = json.loads(meta.read_text())["exit_code_by_key"]
            for name, code in codes.items():
                c["mutants"] += 1
                if name in equivalent:
                    c["equivalent"] += 1
                elif code in KILLED:
                    c["killed"] += 1
                elif code == 0:
                    c["survived"] += 1
                elif code in TIMEOUT:
                    c["timeout"] += 1
                else:
                    c["other"] += 1
        out[module] = c
    return out


def survivors(dest: Path, modules: list[str]) -> list[str]:
    equivalent = equivalent_names()
    names = []
    for module in modules:
        meta = dest / "mutants" / (module + ".meta")
        if meta.is_file():
            codes = json.loads(meta.read_text())["exit_code_by_key"]
            names += [n for n, code in codes.items() if code == 0 and n not in equivalent]
    return sorted(names)


def table(counts: dict[str, Counter]) -> str:
    rows = [
        "| module | mutants | killed | survived | timeout | other | equivalent | score |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    total: Counter = Counter()
    for module, c in counts.items():
        total.update(c)
        rows.append(_row(module, c))
    rows.append(_row("**all**", total))
    return "\n".join(rows)


def _row(name: str, c: Counter) -> str:
    scored = c["mutants"] - c["equivalent"]
    score = f"{100 * (c['killed'] + c['timeout']) / scored:.1f}%" if scored else "-"
    cells = [c[k] for k in ("mutants", "killed", "survived", "timeout", "other", "equivalent")]
    return f"| {name} | " + " | ".join(map(str, cells)) + f" | {score} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="+", help="source files to mutate (paths from the root)")
    parser.add_argument("--tests", nargs="+", required=True, help="test files to run per mutant")
    parser.add_argument("--out", type=Path, help="also write the table (and survivors) here")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it (to inspect)")
    args = parser.parse_args(argv)
    modules = [str(Path(m).resolve().relative_to(ROOT)) for m in args.modules]
    tmp = None
    if args.keep:
        dest = args.keep
        dest.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="mutation-")
        dest = Path(tmp.name)
    try:
        copy_project(dest)
        configure(dest, modules, args.tests)
        env = {**os.environ, "MPLBACKEND": "Agg"}
        subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.jobs)],
            cwd=dest, env=env, check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        counts = tally(dest, modules)
        text = table(counts)
        left = survivors(dest, modules)
        print(text)
        print(f"\n{len(left)} surviving mutants (not listed as equivalent):")
        print("\n".join(left))
        if args.out:
            args.out.write_text(
                text + "\n\nSurvivors:\n" + "\n".join(left) + "\n", encoding="utf-8"
            )
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
