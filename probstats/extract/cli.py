"""The ``probstats extract`` subcommand: arguments and runner.

The main command line registers it with ``add_arguments(subparser)`` and
``subparser.set_defaults(func=run)``. Records go to standard output (JSON or
CSV), or to a staging folder with ``--stage``; notes and unreadable files go
to standard error, and a progress bar when more than a few files are read.

Exit status: 0 when every file was read; otherwise the number of files that
could not be read (at most 125), with "N of M files could not be read" as the
last line on standard error. Usage errors exit with 2 before any file is read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from probstats.extract._deps import ProbstatsError, data_dir, escape_text_columns
from probstats.extract.batch import expand, extract_many
from probstats.extract.pipeline import EXTRACTOR_VERSION
from probstats.extract.records import TABLES, Record, records_to_frame

EXIT_OK, EXIT_USAGE = 0, 2
MAX_STATUS = 125


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``extract`` options to ``parser``.

    Examples
    --------
    >>> import argparse
    >>> from probstats.extract.cli import add_arguments
    >>> p = argparse.ArgumentParser()
    >>> add_arguments(p)
    >>> p.parse_args(["a.txt", "--format", "csv"]).format
    'csv'
    """
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="text, HTML or PDF publications, or folders of them (format detected from content)",
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
        "--stage",
        metavar="DIR",
        help="write staging CSVs in the raw-data schema, provenance.csv and candidates.csv "
        "into DIR for review (nothing is merged)",
    )
    parser.add_argument(
        "--source-type",
        choices=("primary", "secondary"),
        default="primary",
        help="with --stage: source_type of staged rows (default: %(default)s)",
    )
    parser.add_argument(
        "--compare",
        metavar="RAW",
        nargs="?",
        const="",
        help="compare records with a raw data folder or its inspections.csv (default: the "
        "package's data/raw) and print the differences",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes (default: one per core from 200 files on)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _write_json(records: list[Record], out: TextIO) -> None:
    json.dump([r.to_dict() for r in records], out, indent=2, ensure_ascii=False, default=str)
    out.write("\n")


def _collect(args, stderr: TextIO) -> tuple[list[Record], int, int]:
    paths = expand(args.files)
    records: list[Record] = []
    failed = 0
    progress = False if getattr(args, "no_progress", False) else None
    for res in extract_many(
        paths, jobs=getattr(args, "jobs", None), progress=progress, stream=stderr
    ):
        if res.error:
            failed += 1
            print(f"probstats extract: error: {res.error}", file=stderr)
            continue
        if not res.records:
            print(f"probstats extract: warning: {res.path}: no text found", file=stderr)
        for rec in res.records:
            for w in rec.warnings:
                print(
                    f"probstats extract: note: {res.path} (document {rec.document}): {w}",
                    file=stderr,
                )
        records.extend(res.records)
    return records, failed, len(paths)


def _compare(args, records: list[Record], stdout: TextIO) -> None:
    from probstats.extract.compare import compare_records, findings_to_frame, read_dataset

    target = Path(args.compare) if args.compare else data_dir("raw")
    tables = read_dataset(target / "inspections.csv" if target.is_dir() else target)
    frame = findings_to_frame(compare_records(records, tables))
    if args.format == "json":
        stdout.write(frame.to_json(orient="records", indent=2, force_ascii=False) + "\n")
    else:
        escape_text_columns(frame).to_csv(stdout, index=False, lineterminator="\n")


def run(
    args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the subcommand; return the exit status.

    Examples
    --------
    >>> import argparse
    >>> from probstats.extract.cli import run
    >>> import io, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.txt"
    >>> _ = p.write_text("Derby City PDU has received an overall rating of 'Good'.")
    >>> ns = argparse.Namespace(files=[str(p)], format="csv", table="inspections",
    ...     raw_columns_only=True, output_dir=None, compare=None, stage=None)
    >>> out = io.StringIO()
    >>> run(ns, stdout=out, stderr=io.StringIO())
    0
    >>> out.getvalue().splitlines()[1].split(",")[1:3]
    ['PDU', 'Derby City']
    """
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    records, failed, total = _collect(args, stderr)
    try:
        if getattr(args, "output_dir", None):
            out_dir = Path(args.output_dir)
            out_dir.mkdir(parents=True, exist_ok=True)
            for table in TABLES:
                escape_text_columns(records_to_frame(records, table)).to_csv(
                    out_dir / f"extracted_{table}.csv", index=False, lineterminator="\n"
                )  # type: ignore[arg-type]
        if getattr(args, "stage", None):
            from probstats.extract.staging import write_staging

            counts = write_staging(
                records,
                args.stage,
                version=EXTRACTOR_VERSION,
                files=expand(args.files),
                source_type=getattr(args, "source_type", "primary"),
            )
            print(
                f"probstats extract: staged {counts['inspections.csv']} inspection(s) in "
                f"{args.stage}; review, then run 'probstats validate {args.stage}'",
                file=stderr,
            )
        elif getattr(args, "compare", None) is not None:
            _compare(args, records, stdout)
        elif args.format == "json":
            _write_json(records, stdout)
        else:
            escape_text_columns(
                records_to_frame(records, args.table, raw_only=args.raw_columns_only)
            ).to_csv(stdout, index=False, lineterminator="\n")
    except (ProbstatsError, OSError, ValueError) as exc:
        print(f"probstats extract: error: {exc}", file=stderr)
        return max(failed, 1)
    if failed:
        print(f"probstats extract: {failed} of {total} files could not be read", file=stderr)
    return min(failed, MAX_STATUS)
