"""The input rules of probstats.dataset.sanity, one test per rule.

Raw cases are refused with file, line and column (and the CLI exits 1 without a
traceback); processed files obey the same rules when they are read back; CSV
outputs escape text cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from probstats.cli import main
from probstats.dataset.build import build_tables
from probstats.dataset.io import read_csv, write_csv
from probstats.dataset.loaders import load_inspections
from probstats.dataset.ratings import parse_rating
from probstats.dataset.sanity import (
    escape_formula,
    escape_text_columns,
    latest_date,
    unescape_formula,
)
from probstats.errors import DataValidationError, UnknownRatingError
from probstats.outputs import Build
from probstats.pipeline import build
from probstats.report.tables import write_table_csv

REPO = Path(__file__).resolve().parent.parent


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture does not contain {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _refused(raw: Path, capsys, expected: str) -> None:
    """The build refuses the raw folder naming ``expected``, and so does the CLI."""
    with pytest.raises(DataValidationError) as info:
        build_tables(raw)
    problems = [str(p) for p in info.value.problems]
    assert any(expected in p for p in problems), problems
    assert main(["validate", str(raw)]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


# --------------------------------------------------------------------------- header


def test_a_second_column_with_the_same_name_is_refused(raw_minimal, capsys):
    path = raw_minimal / "inspections.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",notes"
    lines[1:] = [line + ",replaced note" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _refused(raw_minimal, capsys, "inspections.csv, line 1, column 'notes': column name repeated")


# --------------------------------------------------------------------------- dates


def test_a_publication_date_far_in_the_future_is_refused(raw_minimal, capsys):
    _edit(raw_minimal / "inspections.csv", "2023-01-10", "9999-12-31")
    _refused(
        raw_minimal,
        capsys,
        "inspections.csv, line 4, column 'publication_date': date is after",
    )


def test_a_date_just_within_the_future_margin_is_accepted():
    from probstats.dataset.dates import parse_partial_date
    from probstats.dataset.sanity import date_bounds_problem

    today = dt.date(2025, 6, 1)
    assert date_bounds_problem(parse_partial_date("2025-07-02"), today) is None
    assert date_bounds_problem(parse_partial_date("2025-07-03"), today) is not None
    assert latest_date(today) == dt.date(2025, 7, 2)


def test_a_date_before_the_first_inspection_programme_is_refused(raw_minimal, capsys):
    _edit(raw_minimal / "staffing.csv", ",2023-12,", ",2013-12,")
    _refused(raw_minimal, capsys, "staffing.csv, line 4, column 'as_at': date is before 2014-01-01")


def test_a_previous_rating_year_out_of_bounds_is_refused(raw_minimal, capsys):
    _edit(raw_minimal / "inspections.csv", "Inadequate,2022", "Inadequate,1999")
    _refused(
        raw_minimal,
        capsys,
        "inspections.csv, line 5, column 'previous_rating_year': year must be between 2014 and",
    )


def test_fieldwork_after_publication_is_refused(raw_minimal, capsys):
    _edit(
        raw_minimal / "inspections.csv", "2023-01-10,2022-10,2022-10", "2023-01-10,2023-02,2023-03"
    )
    _refused(
        raw_minimal,
        capsys,
        "inspections.csv, line 4, column 'fieldwork_start': fieldwork starts after the report "
        "was published (2023-01-10)",
    )


def test_fieldwork_in_the_month_of_publication_is_accepted(raw_minimal):
    # "2024-03" fieldwork fits a report published on 21 March 2024 at month precision
    _edit(
        raw_minimal / "inspections.csv", "2024-03-21,2024-01,2024-01", "2024-03-21,2024-01,2024-03"
    )
    assert len(build_tables(raw_minimal)["inspections"]) == 5


# --------------------------------------------------------------------------- ratings


@pytest.mark.parametrize("letter", ["i", "o", "g", "I", "G."])
def test_single_letter_ratings_are_refused(letter, raw_minimal, capsys):
    with pytest.raises(UnknownRatingError):
        parse_rating(letter)
    _edit(raw_minimal / "inspections.csv", ",Good,15,27", f",{letter},15,27")
    _refused(
        raw_minimal, capsys, "inspections.csv, line 4, column 'overall_rating': unknown rating"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("RI", "Requires improvement"), ("r.i.", "Requires improvement"), ("Inad", "Inadequate")],
)
def test_documented_abbreviations_are_accepted(text, expected):
    assert parse_rating(text) == expected


@pytest.mark.parametrize("label", ["good", "Excellent", "RI"])
def test_a_processed_rating_that_is_not_an_exact_label_is_refused(built, capsys, label):
    path = built / "inspections.csv"
    _edit(path, ",Good,3,", f",{label},3,")
    with pytest.raises(DataValidationError) as info:
        read_csv(path)
    expected = f"{path}, line 4, column 'overall_rating': not one of the four rating labels"
    assert any(str(p).startswith(expected) for p in info.value.problems)
    assert main(["validate", str(built)]) == 1
    assert expected in capsys.readouterr().err


# --------------------------------------------------------------------------- characters


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\x00", "U+0000"),
        ("\x1b", "U+001B"),
        ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
        ("\u200b", "ZERO WIDTH SPACE"),
    ],
)
def test_control_and_invisible_characters_are_refused(raw_minimal, capsys, char, name):
    _edit(
        raw_minimal / "units.csv",
        "pdu-southmere,PDU,Southmere",
        f"pdu-southmere,PDU,South{char}mere",
    )
    _refused(
        raw_minimal, capsys, "units.csv, line 3, column 'name': contains a control or invisible"
    )
    assert main(["validate", str(raw_minimal)]) == 1
    assert name in capsys.readouterr().err


def test_a_line_break_is_allowed_in_notes_only(raw_minimal, capsys):
    _edit(
        raw_minimal / "units.csv",
        "Wales,,https://example.org/units,primary,fictional",
        'Wales,,https://example.org/units,primary,"two\nlines"',
    )
    assert "two\nlines" in set(build_tables(raw_minimal)["units"]["notes"])
    _edit(
        raw_minimal / "units.csv",
        "crc-testshire,CRC,Testshire CRC",
        'crc-testshire,CRC,"Testshire\nCRC"',
    )
    # the quoted line break moves the record one line down: line 6, not 5
    _refused(
        raw_minimal, capsys, "units.csv, line 6, column 'name': contains a control or invisible"
    )


def test_fullwidth_names_are_normalised(raw_minimal, tmp_path):
    _edit(raw_minimal / "inspections.csv", "PDU,Southmere,Wales", "PDU,Ｓｏｕｔｈｍｅｒｅ,Wales")
    build(raw_minimal, tmp_path)
    names = set(load_inspections(tmp_path)["unit_name"])
    assert "Southmere" in names and "Ｓｏｕｔｈｍｅｒｅ" not in names


def test_a_name_with_a_cyrillic_look_alike_is_refused(raw_minimal, capsys):
    _edit(raw_minimal / "inspections.csv", "PDU,Southmere,Wales", "PDU,Southm\u0435re,Wales")
    _refused(
        raw_minimal,
        capsys,
        "inspections.csv, line 4, column 'unit_name': letter 'е' (U+0435 CYRILLIC SMALL LETTER IE) is not Latin",
    )


# --------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    "url",
    [
        'https://example.org/d"><script>alert(1)</script>',
        "https://example.org/d'onmouseover",
        "javascript:alert(1)",
        "ftp://example.org/d",
        "https://",
        "https://example.org/a\\b",
    ],
)
def test_urls_must_be_plain_http_addresses(raw_minimal, capsys, url):
    _edit(
        raw_minimal / "inspections.csv",
        "https://example.org/d,",
        f'"{url.replace(chr(34), chr(34) * 2)}",',
    )
    _refused(
        raw_minimal, capsys, "inspections.csv, line 4, column 'source_url': not an http(s) URL"
    )


# --------------------------------------------------------------------------- formulas


FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-2+3"]


def test_formulas_in_text_cells_are_escaped_in_processed_csv(raw_minimal, tmp_path):
    from probstats.dataset.loaders import load_units

    path = raw_minimal / "units.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, formula in enumerate(FORMULAS, start=1):  # one formula in each unit's notes
        head, _, _ = lines[i].rpartition(",")
        lines[i] = head + ',"' + formula.replace('"', '""') + '"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build(raw_minimal, tmp_path)
    text = (tmp_path / "units.csv").read_text(encoding="utf-8")
    for formula in FORMULAS:
        assert "'" + formula.replace('"', '""') in text
    assert set(load_units(tmp_path)["notes"]) == set(FORMULAS)  # the round trip is exact


def test_formula_escaping_leaves_numbers_and_plain_text_alone(tmp_path):
    frame = pd.DataFrame(
        {
            "term": ["-0.5", "=1+2", "'=x", "Good"],
            "estimate": [-1.5, 2.0, -3.0, 0.25],
            "n": [-1, 2, 3, 4],
        }
    )
    out = write_table_csv(frame, tmp_path / "t.csv").read_text()
    assert out.splitlines() == [
        "term,estimate,n",
        "-0.5,-1.500,-1",
        "'=1+2,2.000,2",
        "''=x,-3.000,3",
        "Good,0.250,4",
    ]
    numbers = frame[["estimate", "n"]]
    assert escape_text_columns(numbers) is numbers
    for cell in ["=1", "'=1", "''+1", "'plain", "-", "@", "\tx", "-1e5", "+"]:
        assert unescape_formula(escape_formula(cell)) == cell


def test_processed_csv_round_trip_with_escaped_cells(tmp_path):
    frame = pd.DataFrame({"unit_id": ["a"], "notes": pd.array(["=1+1"], dtype="string")})
    with Build({"processed": tmp_path}) as out:
        write_csv(frame, tmp_path / "x.csv")
        out.commit()
    assert (tmp_path / "x.csv").read_text() == "unit_id,notes\na,'=1+1\n"
    assert read_csv(tmp_path / "x.csv")["notes"].tolist() == ["=1+1"]


def test_committed_outputs_carry_no_formula_prefix_they_do_not_need():
    for folder in (REPO / "data" / "processed", REPO / "figures" / "tables"):
        for path in folder.glob("*.csv"):
            assert ",'" not in path.read_text(encoding="utf-8"), path


# --------------------------------------------------------------------------- processed files


def test_a_processed_cell_that_is_not_a_number_names_file_line_and_column(built):
    path = built / "inspections.csv"
    _edit(path, ",Good,3,,15,27,", ",Good,3,,fifteen,27,")
    with pytest.raises(DataValidationError) as info:
        read_csv(path)
    assert str(info.value.problems[0]) == (
        f"{path}, line 4, column 'score': not a whole number (got 'fifteen')"
    )


def test_processed_line_numbers_are_right_after_a_quoted_newline(raw_minimal, tmp_path, capsys):
    _edit(
        raw_minimal / "units.csv",
        "Northvale,North East,Northvale PDU ; North Vale,https://example.org/units,primary,fictional",
        'Northvale,North East,Northvale PDU ; North Vale,https://example.org/units,primary,"two\nlines"',
    )
    build(raw_minimal, tmp_path)
    path = tmp_path / "units.csv"
    text = path.read_text(encoding="utf-8")
    assert '"two\nlines"' in text
    _edit(path, "pdu-southmere,PDU,Southmere,Wales", "pdu-southmere,PDU,Southmere,Atlantis")
    # header, crc-testshire, pdu-northvale (two lines), pdu-southmere on line 5
    assert main(["validate", str(path)]) == 1
    assert f"{path}, line 5, column 'region'" in capsys.readouterr().err


def test_the_official_table_reports_the_right_line_after_a_quoted_newline(tmp_path):
    import csv

    from probstats.official.load import load_official

    with open(REPO / "data" / "raw" / "workforce_official.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][-1] = "first\nsecond"  # notes of the first record span two lines
    rows[3][1] = "tertiary"  # source_type of the third record, on line 5 of the file
    path = tmp_path / "workforce_official.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(DataValidationError) as info:
        load_official(path)
    assert [(p.line, p.column) for p in info.value.problems] == [(5, "source_type")]
