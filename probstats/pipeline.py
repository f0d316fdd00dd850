"""The main job: rebuild ``data/processed/``, the figures and the tables from ``data/raw/``.

Raw data is only ever read. Every output is regenerated, written canonically and
checked against its schema, so two builds in a row give byte-identical files. The
stages are those of the package: :mod:`probstats.dataset` (processed tables), then
:mod:`probstats.report` (figures, tables, their index, the HTML report). How the
outputs are kept safe (refused folders, the lock, atomic writes, the manifest
written last) is described in :mod:`probstats.outputs`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from probstats import outputs
from probstats.dataset.build import build_tables, write_processed
from probstats.dataset.io import write_csv
from probstats.dataset.paths import data_dir, project_root
from probstats.errors import UnsafeOutputError

__all__ = ["BuildResult", "build"]


@dataclass
class BuildResult:
    """What a build produced."""

    tables: dict[str, pd.DataFrame]
    written: list[Path] = field(default_factory=list)
    #: Per-inspection harmonised measures from ``--staffing`` (None without a panel).
    staffing_features: pd.DataFrame | None = None


def build(
    raw_dir: Path,
    processed_dir: Path,
    *,
    figures_dir: Path | None = None,
    progress: Callable[[str], None] = lambda message: None,
    staffing: Path | None = None,
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
    staffing
        An analyst's staffing panel file (``probstats build --staffing``): checked and
        attached to the inspections before anything is written (an invalid panel
        raises and nothing is written); its harmonised measures go to
        ``processed_dir/staffing_features.csv`` and to the publication, whose source
        lines then name the panel's provenance. Outputs must then go to folders other
        than the committed ``data/processed`` and ``figures``.
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
        If the raw data (or the staffing panel) fail a check. In both cases nothing has
        been written.
    """
    raw_dir, processed_dir = Path(raw_dir).resolve(), Path(processed_dir).resolve()
    folders = {"processed": processed_dir, "figures": figures_dir}
    if staffing is not None:
        _refuse_committed_outputs(processed_dir, figures_dir)
    # Refuse before reading anything (a folder another build is writing is checked
    # again once this build holds its lock).
    outputs.check_output_folders(folders, raw_dir=raw_dir, force=force, running_ok=True)
    progress(f"reading and checking {raw_dir}")
    inputs = outputs.inputs_digest(raw_dir)
    tables = build_tables(raw_dir)
    if staffing is not None:  # outputs from other private data are another generation
        panel = outputs.sha256(Path(staffing).read_bytes())
        inputs = outputs.sha256(f"{inputs}\n{panel}".encode())
    official = raw_dir / "workforce_official.csv"
    if official.is_file():  # the region level of the analysis (checked by build_tables)
        from probstats.official import load_official

        tables["official"] = load_official(official)
    staffing_features = _staffing_features(staffing, tables, progress)
    result = BuildResult(tables=tables, staffing_features=staffing_features)
    with outputs.Build(
        folders,
        raw_dir=raw_dir,
        inputs=inputs,
        force=force,
        lock_timeout=lock_timeout,
        progress=progress,
    ) as out:
        result.written += write_processed(tables, processed_dir, progress)
        if staffing_features is not None:
            path = processed_dir / "staffing_features.csv"
            write_csv(staffing_features, path)
            result.written.append(path)
            progress(f"wrote {path} ({len(staffing_features)} rows)")
        if figures_dir is not None:
            from probstats.report.publication import build_publication

            result.written += build_publication(
                tables,
                Path(figures_dir),
                progress=progress,
                staffing_features=staffing_features,
                staffing_source=None
                if staffing_features is None
                else staffing_features.attrs["staffing_source"],
            )
            result.written.append(
                _write_report(tables, Path(figures_dir), raw_dir, progress, staffing_panel=staffing)
            )
        out.commit(result.written)
    return result


# --------------------------------------------------------------------------- --staffing


def _refuse_committed_outputs(processed_dir: Path, figures_dir: Path | None) -> None:
    """Outputs made from an analyst's panel never overwrite the committed real-data ones."""
    committed = [data_dir("processed").resolve()]
    root = project_root()
    if root is not None:
        committed.append((root / "figures").resolve())
    for folder in (processed_dir, figures_dir):
        folder = None if folder is None else Path(folder).resolve()
        if folder is not None and any(c == folder or c in folder.parents for c in committed):
            raise UnsafeOutputError(
                f"a build with --staffing writes to folders you name (--out, --figures); "
                f"refusing to write into the committed outputs ({folder})"
            )


def _staffing_features(
    staffing: Path | None, tables: dict[str, pd.DataFrame], progress: Callable[[str], None]
) -> pd.DataFrame | None:
    if staffing is None:
        return None
    from probstats.official.panel import staffing_features_from_file

    progress(f"reading and checking the staffing panel {staffing}")
    features = staffing_features_from_file(Path(staffing), tables["inspections"], tables["units"])
    for line in features.attrs["staffing_report"].summary().splitlines():
        progress(f"staffing: {line}")
    return features


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
