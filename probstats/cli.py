"""The ``probstats`` command line.

Subcommands: ``build`` (the main job), ``validate`` (check a raw or processed
file or folder), ``extract`` (structured records from publication text).
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
from probstats.dataset.paths import data_dir, default_output_dirs
from probstats.errors import DataValidationError, ProbstatsError

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


def _cmd_build(args: argparse.Namespace) -> int:
    from probstats.pipeline import build

    started = time.perf_counter()
    quiet = args.quiet

    def progress(message: str) -> None:
        if not quiet:
            print(f"[{time.perf_counter() - started:6.1f}s] {message}", flush=True)

    result = build(
        Path(args.raw),
        Path(args.out),
        figures_dir=None if args.no_figures else Path(args.figures),
        progress=progress,
        force=args.force,
        lock_timeout=args.wait,
    )
    n = len(result.tables["inspections"])
    print(
        f"built {len(result.written)} files from {n} inspections "
        f"in {time.perf_counter() - started:.1f}s"
    )
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from probstats.dataset.validate import validate_paths

    checked = validate_paths(Path(p) for p in args.paths)
    for line in checked:
        print(f"ok: {line}")
    return EXIT_OK


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
        default=str(processed_default),
        help="processed data folder (default: %(default)s)",
    )
    p.add_argument(
        "--figures",
        default=str(figures_default),
        help="figures folder; tables go to its tables/ (default: %(default)s)",
    )
    p.add_argument("--no-figures", action="store_true", help="rebuild the data only")
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

    p = sub.add_parser(
        "validate",
        help="check raw or processed data files",
        description="Check CSV files (or whole folders) against the data dictionary. A raw "
        "folder is checked as a whole (units, cross-references, previous ratings); a "
        "build's output folder (processed data, figures) against its build manifest, so an "
        "interrupted or mixed build is reported. Every problem is listed with file, line "
        "and column; the exit status is 1 if any.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="a CSV file or a folder of them")
    p.set_defaults(func=_cmd_validate)

    try:
        from probstats.extract import cli as extract_cli
    except ImportError:  # pragma: no cover - extraction is part of the package
        extract_cli = None
    if extract_cli is not None:
        p = sub.add_parser(
            "extract",
            help="extract structured records from press releases or reports",
            description="Read plain-text or HTML publications and print one record per "
            "document (JSON or CSV) for review before it is added to data/raw.",
        )
        extract_cli.add_arguments(p)
        p.set_defaults(func=extract_cli.run)
    return parser


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
