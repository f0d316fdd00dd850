"""The main job: rebuild ``data/processed/``, the figures and the tables from ``data/raw/``.

Raw data is only ever read. Every output is regenerated, written canonically and
checked against its schema, so two builds in a row give byte-identical files. The
stages are those of the package: :mod:`probstats.dataset` (processed tables), then
:mod:`probstats.report` (figures, tables, their index). How the outputs are kept
safe (refused folders, the lock, atomic writes, the manifest written last) is
described in :mod:`probstats.outputs`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from probstats import outputs
from probstats.dataset.build import build_tables, write_processed

__all__ = ["BuildResult", "build"]


@dataclass
class BuildResult:
    """What a build produced."""

    tables: dict[str, pd.DataFrame]
    written: list[Path] = field(default_factory=list)


def build(
    raw_dir: Path,
    processed_dir: Path,
    *,
    figures_dir: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
    force: bool = False,
    lock_timeout: float = outputs.DEFAULT_LOCK_TIMEOUT,
) -> BuildResult:
    """Rebuild processed data (and, if ``figures_dir`` is given, figures and tables).

    Parameters
    ----------
    raw_dir, processed_dir
        Input and output folders. ``raw_dir`` is never written to.
    figures_dir
        Where to write figures and tables; ``None`` skips them.
    progress
        Called with a short message as each step finishes.
    force
        Write into output folders that also hold files no build made (those files
        are left alone). Folders holding raw data are refused all the same.
    lock_timeout
        Seconds to wait for another build writing to the same folders (0: refuse at once).

    Raises
    ------
    UnsafeOutputError
        If an output folder is refused (see :func:`probstats.outputs.check_output_folders`).
    DataValidationError
        If the raw data fail a check. In both cases nothing has been written.
    """
    raw_dir, processed_dir = Path(raw_dir).resolve(), Path(processed_dir).resolve()
    folders = {"processed": processed_dir, "figures": figures_dir}
    # Refuse before reading anything (a folder another build is writing is checked
    # again once this build holds its lock).
    outputs.check_output_folders(folders, raw_dir=raw_dir, force=force, running_ok=True)
    progress(f"reading and checking {raw_dir}")
    inputs = outputs.inputs_digest(raw_dir)
    tables = build_tables(raw_dir)
    result = BuildResult(tables=tables)
    with outputs.Build(
        folders,
        raw_dir=raw_dir,
        inputs=inputs,
        force=force,
        lock_timeout=lock_timeout,
        progress=progress,
    ) as out:
        result.written += write_processed(tables, processed_dir, progress)
        if figures_dir is not None:
            from probstats.report.publication import build_publication

            result.written += build_publication(tables, Path(figures_dir), progress=progress)
        out.commit(result.written)
    return result
