"""Extraction CSV written for review in a spreadsheet never carries a live formula."""

from __future__ import annotations

import argparse
import io

from probstats.extract import cli as extract_cli


def _run(files, *extra):
    p = argparse.ArgumentParser()
    extract_cli.add_arguments(p)
    out, err = io.StringIO(), io.StringIO()
    extract_cli.run(p.parse_args([*map(str, files), *extra]), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_csv_output_escapes_a_formula_in_extracted_text(tmp_path, monkeypatch):
    # a file name is copied into every record: one a spreadsheet would read as a formula
    monkeypatch.chdir(tmp_path)
    doc = tmp_path / "=HYPERLINK(x).txt"
    doc.write_text(
        "Probation service in Kent rated Inadequate\n\n"
        "The probation service in Kent has been rated Inadequate by HM Inspectorate of "
        "Probation.\n",
        encoding="utf-8",
    )
    out, err = _run([doc.name], "--format", "csv")
    lines = out.splitlines()
    assert len(lines) == 2 and "Inadequate" in lines[1], err
    cells = [c.strip('"') for c in lines[1].split(",")]
    assert "'=HYPERLINK(x).txt" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@"))], lines
