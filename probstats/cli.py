"""The ``probstats`` command line.

Subcommands: ``build`` (the main job), ``report`` (the analysis as one
self-contained HTML page), ``validate`` (check a raw or processed file or
folder), ``extract`` (structured records from publication text).
Errors in data are printed with file, line and column, and the exit status is
non-zero; no traceback is shown for expected errors.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from probstats import __version__
from probstats.dataset.paths import data_dir, default_output_dirs, project_root
from probstats.errors import DataValidationError, ProbstatsError

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


def _cmd_build(args: argparse.Namespace) -> int:
    from probstats.pipeline import build

    started = time.perf_counter()
    quiet = args.quiet

    def progress(message: str) -> None:
        if not quiet:
            print(f"[{time.perf_counter() - started:6.1f}s] {message}", flush=True)

    out, figures = _build_folders(args)
    if out is None:
        print(
            "probstats build: --staffing needs --out DIR: outputs made from your own data go "
            "to a folder you name, never over the committed data/processed and figures/",
            file=sys.stderr,
        )
        return EXIT_USAGE
    result = build(
        Path(args.raw),
        out,
        figures_dir=None if args.no_figures else figures,
        progress=progress,
        staffing=None if args.staffing is None else Path(args.staffing),
        force=args.force,
        lock_timeout=args.wait,
    )
    n = len(result.tables["inspections"])
    print(
        f"built {len(result.written)} files from {n} inspections "
        f"in {time.perf_counter() - started:.1f}s"
    )
    return EXIT_OK


def _build_folders(args: argparse.Namespace) -> tuple[Path | None, Path]:
    """``--out`` and ``--figures``: the committed folders by default; with ``--staffing``,
    ``--out`` is required and figures default to ``<out>/figures``."""
    if args.staffing is None:
        processed, figures = default_output_dirs()
        out = Path(args.out) if args.out else processed
        return out, Path(args.figures) if args.figures else figures
    if not args.out:
        return None, Path()
    return Path(args.out), Path(args.figures) if args.figures else Path(args.out) / "figures"


def _cmd_report(args: argparse.Namespace) -> int:
    import tempfile

    from probstats import outputs
    from probstats.errors import UnsafeOutputError
    from probstats.pipeline import build
    from probstats.report.html import REPORT_NAME

    started = time.perf_counter()
    out = Path(args.out)
    if args.staffing is not None:
        root = project_root()
        committed = [] if root is None else [root / "figures", root / "data"]
        if any(out.resolve().is_relative_to(folder.resolve()) for folder in committed):
            raise UnsafeOutputError(
                f"a report made with --staffing is not written into the committed folders "
                f"({out}): name a file elsewhere with --out"
            )
    with tempfile.TemporaryDirectory(prefix="probstats-report-") as tmp:
        build(
            Path(args.raw),
            Path(tmp) / "processed",
            figures_dir=Path(tmp) / "figures",
            progress=(lambda message: None) if args.quiet else _progress(started),
            staffing=None if args.staffing is None else Path(args.staffing),
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        outputs.write_bytes(out, (Path(tmp) / "figures" / REPORT_NAME).read_bytes())
    size = out.stat().st_size
    print(f"wrote {out} ({size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f}s")
    return EXIT_OK


def _progress(started: float):
    def progress(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {message}", flush=True)

    return progress


def _cmd_validate(args: argparse.Namespace) -> int:
    from probstats.dataset.validate import validate_paths

    units = None if args.units is None else Path(args.units)
    checked, others = [], []
    for path in map(Path, args.paths):
        if path.is_dir() and (path / "STAGING.json").is_file():
            checked.append(_validate_staging(path))
        else:
            others.append(path)
    if others:
        checked += validate_paths(others, units=units)
    for line in checked:
        print(f"ok: {line}")
    return EXIT_OK


def _validate_staging(path: Path) -> str:
    """A folder staged by ``probstats extract --stage``: raw columns, cells, provenance."""
    from probstats.extract.staging_check import validate_staging

    problems = validate_staging(path)
    if problems:
        raise DataValidationError(problems)
    return f"staging folder {path}: all checks passed"


def make_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="probstats",
        description=(
            "Probation staffing and HM Inspectorate of Probation inspection outcomes: "
            "rebuild the cited dataset, check data files, extract figures from publications."
        ),
    )
    parser.add_argument("--version", action="version", version=f"probstats {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (_add_build, _add_report, _add_validate, _add_extract):
        add(sub)
    return parser


def _add_build(sub) -> None:
    processed_default, figures_default = default_output_dirs()
    p = sub.add_parser(
        "build",
        help="rebuild data/processed, figures and tables from data/raw",
        description="Rebuild every processed table, figure and table from the raw data. "
        "Raw files are only read. Two builds in a row give byte-identical files. "
        "In a checkout, outputs go to data/processed and figures; from an installed "
        "package, to ./probstats-output/ (never into the package). Each output folder "
        "gets a lock (a second build waits) and a manifest, written last, with the "
        "SHA-256 of every file: `probstats validate` and the loaders use it to spot an "
        "interrupted or mixed build. Folders that hold raw data or files no build made "
        "are refused, and only files listed in the previous manifest are ever deleted.",
    )
    p.add_argument(
        "--raw", default=str(data_dir("raw")), help="raw data folder (default: %(default)s)"
    )
    p.add_argument(
        "--out",
        default=None,
        help=f"processed data folder (default: {processed_default}; required with --staffing)",
    )
    p.add_argument(
        "--figures",
        default=None,
        help=f"figures folder; tables go to its tables/ (default: {figures_default}; with "
        "--staffing: OUT/figures)",
    )
    p.add_argument("--no-figures", action="store_true", help="rebuild the data only")
    p.add_argument(
        "--staffing",
        metavar="PATH",
        default=None,
        help="your own staffing panel (see data/templates/staffing_panel_template.csv): "
        "checked, attached to the inspections as at fieldwork, and used for every figure "
        "and table; needs --out",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="write into output folders that also hold files no build made; those files "
        "are left alone (never deleted or overwritten). Raw data folders are refused anyway",
    )
    p.add_argument(
        "--wait",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="how long to wait for another build writing to the same folders; 0 refuses "
        "at once (default: %(default)g)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=_cmd_build)


def _add_report(sub) -> None:
    p = sub.add_parser(
        "report",
        help="write the whole analysis as one self-contained HTML page",
        description="Rebuild the analysis from the raw data (in a temporary folder) and write "
        "one HTML file: figures inline as SVG, styles embedded, nothing fetched when it is "
        "opened. Two runs give byte-identical files. `probstats build` also writes it, to "
        "figures/report.html.",
    )
    p.add_argument(
        "--raw", default=str(data_dir("raw")), help="raw data folder (default: %(default)s)"
    )
    p.add_argument(
        "--staffing",
        metavar="PATH",
        default=None,
        help="uses the analyst's staffing panel (see README); the report is then written "
        "outside the committed folders (give --out)",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        default=str(default_output_dirs()[1] / "report.html"),
        help="the HTML file to write (default: %(default)s)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=_cmd_report)


def _add_validate(sub) -> None:
    p = sub.add_parser(
        "validate",
        help="check raw or processed data files",
        description="Check CSV files (or whole folders) against the data dictionary. A raw "
        "folder is checked as a whole (units, cross-references, previous ratings); a "
        "build's output folder (processed data, figures) against its build manifest, so an "
        "interrupted or mixed build is reported; an extraction staging folder against its "
        "STAGING.json. A file whose name is not a table's is recognised by its header (e.g. "
        "your own staffing panel). Every problem is listed with file, line and column; the "
        "exit status is 1 if any.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="a CSV file or a folder of them")
    p.add_argument(
        "--units",
        metavar="PATH",
        default=None,
        help="units.csv (or a raw folder holding it) to resolve a staffing panel's unit "
        "names against (default: the probstats dataset's units)",
    )
    p.set_defaults(func=_cmd_validate)


def _add_extract(sub) -> None:
    try:
        from probstats.extract import cli as extract_cli
    except ImportError:  # pragma: no cover - extraction is part of the package
        extract_cli = None
    if extract_cli is not None:
        p = sub.add_parser(
            "extract",
            help="extract structured records from press releases or reports",
            description="Read publications (plain text, web pages or PDF reports, told apart "
            "by content) and print one record per document and unit (JSON or CSV), or stage "
            "them with provenance for review with --stage; nothing is added to data/raw.",
        )
        extract_cli.add_arguments(p)
        p.set_defaults(func=extract_cli.run)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``probstats`` console script."""
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except DataValidationError as exc:
        print(f"probstats {args.command}: {exc}", file=sys.stderr)
        return EXIT_DATA
    except (ProbstatsError, FileNotFoundError, NotADirectoryError, ValueError) as exc:
        print(f"probstats {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_DATA


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
