"""One test per kind of bad input: each names file, line and column, and the CLI exits 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from probstats.build import build_tables
from probstats.cli import main
from probstats.errors import DataValidationError


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture does not contain {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(raw: Path) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        build_tables(raw)
    return [str(p) for p in info.value.problems]


def _cli_fails(raw: Path, capsys, expected: str) -> None:
    code = main(["validate", str(raw)])
    err = capsys.readouterr().err
    assert code == 1
    assert expected in err
    assert "Traceback" not in err


def test_fixture_is_valid(raw_minimal, capsys):
    assert main(["validate", str(raw_minimal)]) == 0
    assert "5 inspections, all checks passed" in capsys.readouterr().out


def test_unknown_rating(raw_minimal, capsys):
    _edit(raw_minimal / "inspections.csv", ",Good,15,27", ",Excellent,15,27")
    expected = f"{raw_minimal / 'inspections.csv'}, line 4, column 'overall_rating': unknown rating 'Excellent'"
    assert any(p.startswith(expected) for p in _problems(raw_minimal))
    _cli_fails(raw_minimal, capsys, expected)


def test_percentage_over_100(raw_minimal, capsys):
    _edit(
        raw_minimal / "case_measures.csv", "keep_safe,sufficient,22,", "keep_safe,sufficient,140,"
    )
    expected = (
        f"{raw_minimal / 'case_measures.csv'}, line 2, column 'value_pct': "
        "percentage must be between 0 and 100 (got '140')"
    )
    assert expected in _problems(raw_minimal)
    _cli_fails(raw_minimal, capsys, expected)


def test_staffing_percentage_bounded_by_measure(raw_minimal):
    # 128% of target is legitimate; a 128% vacancy rate is not.
    _edit(raw_minimal / "staffing.csv", "vacancy_rate,PO,40,", "vacancy_rate,PO,140,")
    problems = _problems(raw_minimal)
    assert any(
        "staffing.csv, line 2, column 'value': percentage must be between 0 and 100 for measure 'vacancy_rate'"
        in p
        for p in problems
    )
    assert not any("line 3" in p for p in problems)  # staffing_pct_target 128 stays valid


def test_malformed_date(raw_minimal, capsys):
    _edit(raw_minimal / "inspections.csv", "2023-01-10", "10/01/2023")
    expected = (
        f"{raw_minimal / 'inspections.csv'}, line 4, column 'publication_date': "
        "malformed date '10/01/2023'"
    )
    assert any(p.startswith(expected) for p in _problems(raw_minimal))
    _cli_fails(raw_minimal, capsys, expected)


def test_duplicate_inspection(raw_minimal, capsys):
    path = raw_minimal / "inspections.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[3]]) + "\n", encoding="utf-8")
    expected = (
        f"{path}, line 7, column 'inspection_id': duplicate record "
        "(inspection_id='pdu-southmere-2023') first seen at line 4"
    )
    assert expected in _problems(raw_minimal)
    _cli_fails(raw_minimal, capsys, expected)


def test_unknown_unit(raw_minimal, capsys):
    _edit(raw_minimal / "inspections.csv", "PDU,Southmere,Wales", "PDU,Southmeer,Wales")
    expected = (
        f"{raw_minimal / 'inspections.csv'}, line 4, column 'unit_name': unknown PDU 'Southmeer'"
    )
    assert any(p.startswith(expected) for p in _problems(raw_minimal))
    _cli_fails(raw_minimal, capsys, expected)


def test_unknown_vocabulary_code(raw_minimal):
    _edit(raw_minimal / "staffing.csv", "vacancy_rate,PO,40", "vacancy_rate,Officer,40")
    assert any(
        "staffing.csv, line 2, column 'grade': unknown value" in p for p in _problems(raw_minimal)
    )


def test_row_with_wrong_field_count_is_not_dropped(raw_minimal):
    path = raw_minimal / "standard_ratings.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "pdu-southmere-2023,1.2,Staff\n", encoding="utf-8"
    )
    assert any(
        "standard_ratings.csv, line 4: row has 3 fields but the header has 7" in p
        for p in _problems(raw_minimal)
    )


def test_missing_source_url(raw_minimal):
    _edit(raw_minimal / "staffing.csv", "https://example.org/f,primary,", ",primary,")
    assert any(
        "staffing.csv, line 7, column 'source_url': required value is missing" in p
        for p in _problems(raw_minimal)
    )


def test_reference_to_unknown_inspection(raw_minimal):
    _edit(raw_minimal / "case_measures.csv", "region-wales-2024,", "region-wales-2025,")
    assert any(
        "case_measures.csv, line 4, column 'inspection_id': unknown inspection_id (got 'region-wales-2025')"
        in p
        for p in _problems(raw_minimal)
    )


def test_stated_previous_rating_must_match_dataset(raw_minimal):
    _edit(raw_minimal / "inspections.csv", "RI,,,Inadequate,2022", "RI,,,Good,2022")
    assert any(
        "inspections.csv, line 5, column 'previous_rating': stated previous rating disagrees" in p
        for p in _problems(raw_minimal)
    )


def test_not_utf8(raw_minimal, capsys):
    path = raw_minimal / "units.csv"
    path.write_bytes(
        path.read_bytes() + "pdu-x,PDU,Caf\xe9,Wales,,https://e.org,primary,\n".encode("latin-1")
    )
    assert any(
        "units.csv, line 6: file is not valid UTF-8 text" in p for p in _problems(raw_minimal)
    )
    _cli_fails(raw_minimal, capsys, "file is not valid UTF-8 text")


def test_all_problems_reported_at_once(raw_minimal):
    _edit(raw_minimal / "inspections.csv", ",Good,15,27", ",Excellent,15,27")
    _edit(
        raw_minimal / "case_measures.csv", "keep_safe,sufficient,22,", "keep_safe,sufficient,140,"
    )
    problems = _problems(raw_minimal)
    assert any("overall_rating" in p for p in problems) and any("value_pct" in p for p in problems)


def test_validate_single_raw_file(raw_minimal, capsys):
    assert main(["validate", str(raw_minimal / "staffing.csv")]) == 0
    assert "raw staffing (6 rows)" in capsys.readouterr().out
