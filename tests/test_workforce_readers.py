"""Readers for published workforce tables, on small ODS/XLSX files built here.

The fixtures imitate the layout of official statistics spreadsheets: a title
and notes above the header, a merged period heading over grade columns,
shorthand markers ([x], [z], [c], [u], [p]) in cells, footnotes under the
table and a notes sheet that defines the markers. The real HMPPS layout was not
seen when these were written; they test the reader's rules, not a copy of it.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import CoveredTableCell, Table, TableCell, TableRow
from odf.text import P

from probstats.official import (
    MARKERS,
    UnparsedCellWarning,
    WorkforceReadError,
    marker_meanings,
    parse_cell,
    read_notes_sheet,
    read_official_table,
    table_to_official,
    validate_official,
)

SPAN = object()  # placeholder for a cell covered by a merge

#: Staff in post by Probation Service region: one merged heading per date.
STAFF_SHEET = [
    ["Table 4: Probation Service staff in post by region and grade [note 1]"],
    ["This worksheet contains one table. Some cells refer to notes on the Notes sheet."],
    ["Probation Service region", "31 March 2024", SPAN, "30 June 2024 [note 2]", SPAN],
    [
        None,
        "Band 4 Probation Officer",
        "Band 3 Probation Services Officer",
        "Band 4 Probation Officer",
        "Band 3 Probation Services Officer",
    ],
    ["PS London", 610.5, 845.25, "598.0 [p]", "[u]"],
    ["PS Wales", 330, 410, 331.75, 405],
    ["PS North East", "[c]", 250, "[x]", "[z]"],
    ["PS Kent, Surrey & Sussex", "1,020.5", 300, 1010, 290],
    [None, None, None, None, None],
    ["Source: HR data warehouse (illustrative fixture)"],
]

NOTES_SHEET = [
    ["Notes"],
    ["The following notes and shorthand apply to the tables."],
    ["Note number", "Note text"],
    ["note 1", "Staff in post are full-time equivalent at the end of the quarter."],
    ["note 2", "Figures for the latest quarter are provisional."],
    ["[c]", "Suppressed because fewer than 5 staff."],
    ["[u]", "Low reliability: data returns incomplete."],
]

#: Older layout: group label in column A, grade in column B, spacer column.
GROUPED_SHEET = [
    ["Table 3: Staff in post, by grade (full time equivalent)"],
    [None, None, "31 Mar 2020", "31 Mar 2021"],
    ["National Probation Service", "Probation Officer", 3500, 3600],
    [None, "Probation Services Officer", 2500, "-"],
    ["Approved Premises", "Residential Worker", "..", 410],
]


def _write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            c = 1
            while c <= len(row):
                value = row[c - 1]
                if value is SPAN:
                    c += 1
                    continue
                ws.cell(row=r, column=c, value=value)
                span = 1
                while c - 1 + span < len(row) and row[c - 1 + span] is SPAN:
                    span += 1
                if span > 1:
                    ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + span - 1)
                c += span
    wb.save(path)
    return path


def _write_ods(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for j, value in enumerate(row):
                if value is SPAN:
                    tr.addElement(CoveredTableCell())
                    continue
                span = 1
                while j + span < len(row) and row[j + span] is SPAN:
                    span += 1
                extra = {"numbercolumnsspanned": span} if span > 1 else {}
                if value is None:
                    tc = TableCell(**extra)
                elif isinstance(value, (int, float)):
                    tc = TableCell(valuetype="float", value=value, **extra)
                    tc.addElement(P(text=str(value)))
                else:
                    tc = TableCell(valuetype="string", **extra)
                    tc.addElement(P(text=str(value)))
                tr.addElement(tc)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


@pytest.fixture(params=["xlsx", "ods"])
def workbook(request, tmp_path) -> Path:
    sheets = {"Notes": NOTES_SHEET, "Table_4": STAFF_SHEET, "Table_3": GROUPED_SHEET}
    writer = _write_xlsx if request.param == "xlsx" else _write_ods
    return writer(tmp_path / f"workforce.{request.param}", sheets)


def _cell(table: pd.DataFrame, region: str, column: str) -> pd.Series:
    row = table[(table["Probation Service region"] == region) & (table["column"] == column)]
    assert len(row) == 1
    return row.iloc[0]


def test_staff_table_values_markers_and_layout(workbook):
    t = read_official_table(workbook, "Table_4", n_header_rows=2)
    # 4 regions x 4 value columns: every published cell is kept, none dropped.
    assert len(t) == 16
    assert t.attrs["title"].startswith("Table 4: Probation Service staff in post")
    assert t.attrs["notes"] == [STAFF_SHEET[1][0]]
    assert t.attrs["footnotes"] == ["Source: HR data warehouse (illustrative fixture)"]
    mar_po = "31 March 2024 | Band 4 Probation Officer"
    jun_pso = "30 June 2024 | Band 3 Probation Services Officer"
    assert _cell(t, "PS London", mar_po)["value"] == 610.5
    # Number with a marker keeps both; a marker alone becomes NaN with the marker.
    london_jun = _cell(t, "PS London", "30 June 2024 | Band 4 Probation Officer")
    assert (london_jun["value"], london_jun["marker"]) == (598.0, "p")
    assert math.isnan(_cell(t, "PS London", jun_pso)["value"])
    assert _cell(t, "PS London", jun_pso)["marker"] == "u"
    ne = t[t["Probation Service region"] == "PS North East"].set_index("column")
    assert ne.loc[mar_po, "marker"] == "c" and math.isnan(ne.loc[mar_po, "value"])
    assert ne.loc[jun_pso, "marker"] == "z"
    # Thousands separators in text cells.
    assert _cell(t, "PS Kent, Surrey & Sussex", mar_po)["value"] == 1020.5
    # The "[note 2]" reference is moved out of the header text.
    assert t.attrs["column_notes"] == {
        "30 June 2024 | Band 4 Probation Officer": ["2"],
        "30 June 2024 | Band 3 Probation Services Officer": ["2"],
    }
    # Traceability back to the spreadsheet cell.
    assert (_cell(t, "PS Wales", mar_po)[["sheet_row", "sheet_column"]] == [6, "B"]).all()
    # Markers never hide a value: every marker-only cell is NaN, every number has no loss.
    marker_only = t["raw"].str.fullmatch(r"\[[a-z]\]", na=False)
    assert t.loc[marker_only, "value"].isna().all()
    assert t.loc[marker_only, "marker"].notna().all()


def test_xlsx_and_ods_read_identically(tmp_path):
    sheets = {"Table_4": STAFF_SHEET}
    a = read_official_table(_write_xlsx(tmp_path / "a.xlsx", sheets), "Table_4", n_header_rows=2)
    b = read_official_table(_write_ods(tmp_path / "b.ods", sheets), "Table_4", n_header_rows=2)
    cols = ["Probation Service region", "column", "value", "marker", "sheet_row", "sheet_column"]
    pd.testing.assert_frame_equal(a[cols], b[cols])


def test_grouped_labels_and_legacy_symbols(workbook):
    t = read_official_table(workbook, "Table_3", n_label_columns=2)
    labels = t.columns[:2].tolist()
    assert labels == ["column_A", "column_B"]
    pso = t[(t["column_B"] == "Probation Services Officer") & (t["column"] == "31 Mar 2021")].iloc[
        0
    ]
    # Group label carried down from the row above; "-" kept as a legacy marker.
    assert pso["column_A"] == "National Probation Service"
    assert math.isnan(pso["value"]) and pso["marker"] == "-"
    ap = t[(t["column_A"] == "Approved Premises") & (t["column"] == "31 Mar 2020")].iloc[0]
    assert ap["marker"] == ".."
    assert len(t) == 6


def test_unparsed_text_warns_and_is_kept(tmp_path):
    sheet = [["T"], ["Region", "PO"], ["PS Wales", 12], ["PS London", "see note"]]
    path = _write_xlsx(tmp_path / "u.xlsx", {"S": sheet})
    with pytest.warns(UnparsedCellWarning, match="B4"):
        t = read_official_table(path, "S", header_row=1)
    bad = t[t["Region"] == "PS London"].iloc[0]
    assert bad["marker"] == "unparsed" and bad["raw"] == "see note"


def test_numeric_year_headers_need_header_row(tmp_path):
    sheet = [["Leavers by year"], ["Region", 2022, 2023], ["PS Wales", 40, 41]]
    path = _write_xlsx(tmp_path / "y.xlsx", {"S": sheet})
    t = read_official_table(path, "S", header_row=1)
    assert t["column"].tolist() == ["2022", "2023"]
    assert t["value"].tolist() == [40.0, 41.0]


def test_reader_errors(tmp_path):
    with pytest.raises(WorkforceReadError, match="ods or .xlsx"):
        read_official_table(tmp_path / "x.csv", 0)
    path = _write_xlsx(tmp_path / "t.xlsx", {"S": [["Only a title"], ["and notes"]]})
    with pytest.raises(WorkforceReadError, match="no data row"):
        read_official_table(path, "S")


def test_notes_sheet_and_marker_meanings(workbook):
    notes = read_notes_sheet(workbook)
    assert notes["note"].tolist() == ["note 1", "note 2", "[c]", "[u]"]
    meanings = marker_meanings(notes)
    assert meanings["c"] == "Suppressed because fewer than 5 staff."
    assert meanings["u"].startswith("Low reliability")
    assert meanings["x"] == MARKERS["x"]  # GSS default kept where the sheet is silent


def test_marker_meanings_from_running_text():
    notes = pd.DataFrame(
        {"note": ["note 9"], "text": ["Shorthand: [x] = not collected; [z] = n/a"]}
    )
    meanings = marker_meanings(notes)
    assert meanings["x"] == "not collected" and meanings["z"] == "n/a"


def test_table_to_official_round_trip_validates(workbook):
    t = read_official_table(workbook, "Table_4", n_header_rows=2)
    mar = t[t["column"].str.startswith("31 March 2024")]
    rows = table_to_official(
        mar,
        geography_column="Probation Service region",
        measure="staff_in_post_fte",
        unit="FTE",
        period_as_at="2024-03-31",
        source_url="https://www.gov.uk/government/statistics/example",
        publication="HMPPS workforce quarterly (fixture)",
        grade={
            "31 March 2024 | Band 4 Probation Officer": "PO",
            "31 March 2024 | Band 3 Probation Services Officer": "PSO",
        },
    )
    validate_official(rows)
    assert len(rows) == 8 and rows.attrs["dropped_cells"] == 0
    ne_po = rows[(rows["geography"] == "PS North East") & (rows["grade"] == "PO")].iloc[0]
    assert ne_po["value"] == "" and ne_po["marker"] == "c"
    kss = rows[(rows["geography"] == "PS Kent, Surrey & Sussex") & (rows["grade"] == "PO")].iloc[0]
    assert kss["value"] == "1020.5" and kss["region_canonical"] == "Kent, Surrey and Sussex"


def test_table_to_official_counts_unmapped_cells(workbook):
    t = read_official_table(workbook, "Table_4", n_header_rows=2)
    rows = table_to_official(
        t,
        geography_column="Probation Service region",
        measure="staff_in_post_fte",
        unit="FTE",
        period_as_at="2024-03-31",
        source_url="https://www.gov.uk/x",
        publication="p",
        grade={"31 March 2024 | Band 4 Probation Officer": "PO"},
    )
    assert len(rows) == 4 and rows.attrs["dropped_cells"] == 12


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (12, (12.0, None)),
        (0, (0.0, None)),
        ("0", (0.0, None)),
        (" 1,234 ", (1234.0, None)),
        ("12.5%", (12.5, None)),
        ("[x]", (math.nan, "x")),
        ("[ C ]", (math.nan, "c")),
        ("14.2 [u]", (14.2, "u")),
        ("3 [p] [r]", (3.0, "p,r")),
        ("..", (math.nan, "..")),
        ("–", (math.nan, "-")),
        (None, (math.nan, None)),
        ("", (math.nan, None)),
        ("n/a", (math.nan, "unparsed")),
        (True, (math.nan, "unparsed")),
    ],
)
def test_parse_cell(cell, expected):
    value, marker = parse_cell(cell)
    assert marker == expected[1]
    if math.isnan(expected[0]):
        assert math.isnan(value)
    else:
        assert value == expected[0]


def test_reading_raises_no_other_warnings(workbook):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_official_table(workbook, "Table_4", n_header_rows=2)
