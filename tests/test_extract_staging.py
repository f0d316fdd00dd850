"""The reviewed path into the dataset: staging folders, their check, and the comparison."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from probstats.dataset.schema import RAW_TABLES
from probstats.errors import StagingError
from probstats.extract import EXTRACTOR_VERSION, extract_file
from probstats.extract import cli as extract_cli
from probstats.extract.staging import write_staging
from probstats.extract.staging_check import validate_staging

FIX = Path(__file__).parent / "fixtures" / "extract" / "structures"


def _stage(tmp_path: Path, *names: str) -> Path:
    recs = [r for n in names for r in extract_file(FIX / n)]
    for r in recs:
        r.source_url = "https://example.org/report"
    folder = tmp_path / "stage"
    write_staging(recs, folder, version=EXTRACTOR_VERSION, files=list(names))
    return folder


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_staging_files_have_exactly_the_raw_columns_and_provenance(tmp_path):
    folder = _stage(tmp_path, "other_report_dates.txt", "misc_wording.txt")
    for table, cols in RAW_TABLES.items():
        if table not in ("inspections", "staffing", "case_measures", "standard_ratings"):
            continue
        if table == "units":
            continue
        assert _rows(folder / f"{table}.csv")[0] == [c.name for c in cols]
    prov = pd.read_csv(folder / "provenance.csv")
    staff = prov[prov["table"] == "staffing"]
    assert sorted(staff["line"]) == [2, 3]
    assert (prov["extractor_version"] == EXTRACTOR_VERSION).all()
    assert prov["confidence"].between(0.5, 1).all()
    marker = json.loads((folder / "STAGING.json").read_text())
    assert marker["rows"]["staffing.csv"] == 2 and marker["extractor_version"] == EXTRACTOR_VERSION
    assert validate_staging(folder) == []


def test_candidates_are_staged_apart(tmp_path):
    folder = _stage(tmp_path, "other_report_dates.txt")
    cands = pd.read_csv(folder / "candidates.csv")
    assert "staffing" in set(cands["field"]) and (cands["confidence"] < 0.5).all()
    staff = pd.read_csv(folder / "staffing.csv")
    assert staff["value"].tolist() == [22]


def test_validation_names_file_line_and_column(tmp_path):
    folder = _stage(tmp_path, "grade_after_figure.txt")
    rows = _rows(folder / "inspections.csv")
    rows[1][rows[0].index("overall_rating")] = "Excellent"
    rows[1][rows[0].index("source_url")] = "javascript:alert(1)"
    with (folder / "inspections.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    probs = {(p.file, p.line, p.column) for p in validate_staging(folder)}
    assert ("inspections.csv", 2, "overall_rating") in probs
    assert ("inspections.csv", 2, "source_url") in probs


def test_validation_finds_missing_provenance_and_orphans(tmp_path):
    folder = _stage(tmp_path, "grade_after_figure.txt")
    prov = _rows(folder / "provenance.csv")
    staff_rows = [r for r in prov if r[0] == "staffing"]
    kept = [r for r in prov if r not in staff_rows[:1]]
    kept.append(
        ["staffing", "99", "x", "row", "", "f", "0", "", "", "1", "2", "0.9", EXTRACTOR_VERSION, ""]
    )
    kept.append(
        ["inspections", "2", "x", "region", "", "f", "0", "", "", "1", "2", "0.2", "old", ""]
    )
    with (folder / "provenance.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(kept)
    msgs = [str(p) for p in validate_staging(folder)]
    assert any("staffing.csv, line 2" in m and "no provenance" in m for m in msgs)
    assert any("points at no staged row" in m for m in msgs)
    assert any("extractor_version" in m for m in msgs)
    assert any("confidence" in m for m in msgs)


def test_validation_of_columns_ids_and_the_marker(tmp_path):
    folder = _stage(tmp_path, "grade_after_figure.txt")
    staff = _rows(folder / "staffing.csv")
    staff[1][0] = "pdu-elsewhere-2031"
    with (folder / "staffing.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(staff)
    cm = _rows(folder / "case_measures.csv")
    cm[0].append("notes")
    with (folder / "case_measures.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(cm)
    msgs = [str(p) for p in validate_staging(folder)]
    assert any("not a staged inspection" in m for m in msgs)
    assert any(m.startswith("case_measures.csv, line 1: columns must be exactly") for m in msgs)
    (folder / "STAGING.json").write_text("{")
    assert [str(p) for p in validate_staging(folder)] == [
        "STAGING.json: unreadable or without extractor_version"
    ]
    (folder / "standard_ratings.csv").unlink()
    (folder / "STAGING.json").write_text(json.dumps({"extractor_version": EXTRACTOR_VERSION}))
    assert any(
        str(p) == "standard_ratings.csv: missing or unreadable" for p in validate_staging(folder)
    )


def test_staging_without_source_url_asks_for_it(tmp_path):
    recs = extract_file(FIX / "headline_domain.txt")
    write_staging(recs, tmp_path / "s", version=EXTRACTOR_VERSION)
    msgs = [str(p) for p in validate_staging(tmp_path / "s")]
    assert "inspections.csv, line 2, column 'source_url': required value is empty" in msgs


def test_staging_refuses_foreign_folders(tmp_path):
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(StagingError, match="not written by a staging run"):
        write_staging([], other, version="x")
    assert (other / "notes.txt").read_text() == "keep me"
    from probstats.dataset.paths import data_dir

    with pytest.raises(StagingError, match="raw data folder"):
        write_staging([], data_dir("raw"), version="x")
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(StagingError, match="not a folder"):
        write_staging([], f, version="x")


def test_restaging_replaces_a_previous_stage(tmp_path):
    folder = _stage(tmp_path, "grade_after_figure.txt")
    write_staging(extract_file(FIX / "case_shares.txt"), folder, version=EXTRACTOR_VERSION)
    assert pd.read_csv(folder / "inspections.csv")["unit_name"].tolist() == ["Orrin Vale"]
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def _args(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    extract_cli.add_arguments(p)
    return p.parse_args(list(argv))


def test_cli_stage_and_compare(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    status = extract_cli.run(
        _args(str(FIX / "misc_wording.txt"), "--stage", str(tmp_path / "st")),
        stdout=out,
        stderr=err,
    )
    assert status == 0 and "staged 1 inspection" in err.getvalue()
    assert (tmp_path / "st" / "provenance.csv").is_file() and out.getvalue() == ""
    raw = tmp_path / "raw"
    raw.mkdir()
    pd.DataFrame({"inspection_id": ["pdu-tamsworth-2031"], "unit_type": ["PDU"], "unit_name": ["Tamsworth"],
                  "publication_date": [""], "fieldwork_start": ["2031-03"], "overall_rating": ["Good"]}).to_csv(raw / "inspections.csv", index=False)  # fmt: skip
    out = io.StringIO()
    assert (
        extract_cli.run(
            _args(str(FIX / "misc_wording.txt"), "--compare", str(raw), "--format", "csv"),
            stdout=out,
            stderr=io.StringIO(),
        )
        == 0
    )
    report = pd.read_csv(io.StringIO(out.getvalue()))
    row = report[report["field"] == "overall_rating"].iloc[0]
    assert (row["extracted"], row["dataset"], row["kind"]) == (
        "Requires improvement",
        "Good",
        "mismatch",
    )
    out = io.StringIO()
    assert (
        extract_cli.run(
            _args(str(FIX / "misc_wording.txt"), "--compare"), stdout=out, stderr=io.StringIO()
        )
        == 0
    )
    assert json.loads(out.getvalue())[0]["kind"] == "no_matching_row"


def test_cli_stage_refusal_is_an_error(tmp_path):
    other = tmp_path / "mine"
    other.mkdir()
    (other / "x.csv").write_text("a")
    err = io.StringIO()
    assert (
        extract_cli.run(
            _args(str(FIX / "misc_wording.txt"), "--stage", str(other)),
            stdout=io.StringIO(),
            stderr=err,
        )
        == 1
    )
    assert "not written by a staging run" in err.getvalue()
