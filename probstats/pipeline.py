"""The main job: rebuild ``data/processed/``, the figures and the tables from ``data/raw/``.

Raw data is only ever read. Every output is regenerated, written canonically and
checked against its schema, so two builds in a row give byte-identical files. The
stages are those of the package: :mod:`probstats.dataset` (processed tables), then
:mod:`probstats.report` (figures, tables, their index, the HTML report).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from probstats.dataset.build import build_tables, write_processed
from probstats.errors import UnsafeOutputError

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
    """
    raw_dir, processed_dir = Path(raw_dir).resolve(), Path(processed_dir).resolve()
    if processed_dir == raw_dir or raw_dir in processed_dir.parents:
        raise UnsafeOutputError("refusing to write inside the raw data folder")
    progress(f"reading and checking {raw_dir}")
    tables = build_tables(raw_dir)
    result = BuildResult(tables=tables)
    result.written += write_processed(tables, processed_dir, progress)
    if figures_dir is not None:
        from probstats.report.publication import build_publication

        result.written += build_publication(tables, Path(figures_dir), progress=progress)
        result.written.append(_write_report(tables, Path(figures_dir), raw_dir, progress))
    return result


def _write_report(
    tables: dict[str, pd.DataFrame],
    figures_dir: Path,
    raw_dir: Path,
    progress: Callable[[str], None],
    staffing_panel: Path | None = None,
) -> Path:
    """The HTML report of the build, from what the build just wrote (``figures/report.html``).

    ``staffing_panel``: the analyst's panel the build used, hashed with the raw data.
    """
    from probstats.report.html import write_report

    path = write_report(tables, figures_dir, raw_dir=raw_dir, staffing_panel=staffing_panel)
    progress(f"wrote the HTML report {path}")
    return path
