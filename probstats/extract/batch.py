"""Extraction over many files: in order, with a progress bar, in parallel when many.

A file that cannot be read gives a :class:`FileResult` with an ``error``
naming the file; the batch goes on. Results come back in the order of the
input, whatever the number of worker processes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from probstats.extract._deps import ExtractionError
from probstats.extract.pipeline import extract_file
from probstats.extract.records import Record

#: Above this many files a progress bar is shown.
PROGRESS_MIN = 5
#: From this many files on, files are shared between worker processes (below
#: it, starting the processes costs more than it saves).
PARALLEL_MIN = 200


@dataclass
class FileResult:
    """What one file gave: its records, or the reason it could not be read."""

    path: str
    records: list[Record] = field(default_factory=list)
    error: str | None = None


def extract_one(path: str) -> FileResult:
    """Extract one file, turning any failure into an error message that names it."""
    try:
        return FileResult(path, extract_file(path))
    except ExtractionError as exc:
        return FileResult(path, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop a batch
        return FileResult(path, error=f"{path}: internal error ({type(exc).__name__}: {exc})")


def expand(paths: Iterable[str | Path]) -> list[str]:
    """Files named, with folders replaced by the files under them (sorted, hidden skipped)."""
    out: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(
                str(f) for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")
            )
        else:
            out.append(str(p))
    return out


def default_jobs(n_files: int) -> int:
    """Worker processes for ``n_files``: 1 below :data:`PARALLEL_MIN`, else one per core."""
    return 1 if n_files < PARALLEL_MIN else max(1, min(os.cpu_count() or 1, 8))


def extract_many(
    paths: list[str],
    *,
    jobs: int | None = None,
    progress: bool | None = None,
    stream: TextIO | None = None,
) -> Iterator[FileResult]:
    """Extract every file, yielding results in input order.

    Parameters
    ----------
    jobs
        Worker processes (default :func:`default_jobs`).
    progress
        Show a tqdm bar on ``stream`` (default: when more than :data:`PROGRESS_MIN` files).
    """
    from tqdm import tqdm

    jobs = default_jobs(len(paths)) if jobs is None else max(1, jobs)
    show = len(paths) > PROGRESS_MIN if progress is None else progress
    bar = tqdm(total=len(paths), unit="file", disable=not show, file=stream or sys.stderr)
    try:
        if jobs == 1:
            for p in paths:
                yield extract_one(p)
                bar.update()
            return
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            chunk = max(1, min(64, len(paths) // (jobs * 8)))
            for res in pool.map(extract_one, paths, chunksize=chunk):
                yield res
                bar.update()
    finally:
        bar.close()
