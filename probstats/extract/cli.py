"""The ``probstats extract`` subcommand: arguments and runner.

The main command line registers it with ``add_arguments(subparser)`` and
``subparser.set_defaults(func=run)``. Records go to standard output (JSON or
CSV); warnings and unreadable files go to standard error. The exit status is 0
when every file was read, 1 when any file could not be read (the other files
are still processed), and 2 for bad options.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from probstats.extract.core import extract_file
from probstats.extract.records import TABLES, Record, records_to_frame
from probstats.extract.text import ExtractionError

EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``extract`` options to ``parser``.

    Examples
    --------
    >>> p = argparse.ArgumentParser()
    >>> add_arguments(p)
    >>> p.parse_args(["a.txt", "--format", "csv"]).format
    'csv'
    """
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="plain-text or saved-HTML publications (several releases per file "
        "are split into separate records)",
    )
    parser.add_argument(
        "--format",
        choices=("json", "csv"),
        default="json",
        help="output format (default: %(default)s)",
    )
    parser.add_argument(
        "--table",
        choices=tuple(TABLES),
        default="inspections",
        help="with --format csv: which raw table's rows to print (default: %(default)s)",
    )
    parser.add_argument(
        "--raw-columns-only",
        action="store_true",
        help="with --format csv: only the raw table's columns, no evidence columns",
    )
    parser.add_argument(
        "--output-dir",
        metavar="DIR",
        help="also write extracted_<table>.csv for all four tables into DIR",
    )
    parser.add_argument(
        "--compare",
        metavar="INSPECTIONS_CSV",
        help="compare records with this inspections.csv (and the staffing.csv / "
        "case_measures.csv beside it) and print the disagreements instead",
    )


def _write_json(records: list[Record], out: TextIO) -> None:
    json.dump([r.to_dict() for r in records], out, indent=2, ensure_ascii=False)
    out.write("\n")


def run(
    args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the subcommand; return the exit status.

    Examples
    --------
    >>> import io, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.txt"
    >>> _ = p.write_text("Derby City PDU has received an overall rating of 'Good'.")
    >>> ns = argparse.Namespace(files=[str(p)], format="csv", table="inspections",
    ...     raw_columns_only=True, output_dir=None, compare=None)
    >>> out = io.StringIO()
    >>> run(ns, stdout=out)
    0
    >>> out.getvalue().splitlines()[1].split(",")[1:3]
    ['PDU', 'Derby City']
    """
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    status = EXIT_OK
    records: list[Record] = []
    for name in args.files:
        try:
            found = extract_file(name)
        except ExtractionError as exc:
            print(f"probstats extract: error: {exc}", file=stderr)
            status = EXIT_UNREADABLE
            continue
        if not found:
            print(f"probstats extract: warning: {name}: no text found", file=stderr)
        for rec in found:
            for w in rec.warnings:
                print(
                    f"probstats extract: note: {name} (document {rec.document}): {w}", file=stderr
                )
        records.extend(found)

    if getattr(args, "output_dir", None):
        out_dir = Path(args.output_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            records_to_frame(records, table).to_csv(  # type: ignore[arg-type]
                out_dir / f"extracted_{table}.csv", index=False, lineterminator="\n"
            )

    if getattr(args, "compare", None):
        from probstats.extract.compare import compare_records, findings_to_frame, read_dataset

        try:
            tables = read_dataset(args.compare)
        except (OSError, ValueError) as exc:
            print(f"probstats extract: error: {exc}", file=stderr)
            return EXIT_UNREADABLE
        frame = findings_to_frame(compare_records(records, tables))
        if args.format == "json":
            stdout.write(frame.to_json(orient="records", indent=2, force_ascii=False) + "\n")
        else:
            frame.to_csv(stdout, index=False, lineterminator="\n")
        return status

    if args.format == "json":
        _write_json(records, stdout)
    else:
        frame = records_to_frame(records, args.table, raw_only=args.raw_columns_only)
        frame.to_csv(stdout, index=False, lineterminator="\n")
    return status
