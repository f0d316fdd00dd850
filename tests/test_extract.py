"""Extraction of structured records from publication text.

Fixtures in tests/fixtures/extract are written for these tests in the style of
the publications (own wording); each covers one variation of the text.
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from probstats.dataset.schema import RAW_TABLES
from probstats.extract import (
    ExtractionError,
    extract_file,
    extract_text,
    records_to_frame,
)
from probstats.extract import cli as extract_cli
from probstats.extract.compare import compare_records, findings_to_frame
from probstats.extract.records import TABLES

FIX = Path(__file__).parent / "fixtures" / "extract"
SEEDS = next(
    (
        p / "shared" / "seeds"
        for p in Path(__file__).resolve().parents
        if (p / "shared" / "seeds").is_dir()
    ),
    Path(__file__).resolve().parent.parent.parent / "shared" / "seeds",
)


def one(name: str):
    recs = extract_file(FIX / name)
    assert len(recs) == 1
    return recs[0]


def fields(rec, *names):
    return {n: getattr(rec, n) for n in names}


def staffing(rec):
    return sorted((f.measure, f.grade, f.value, f.qualifier) for f in rec.staffing)


def check_spans(rec, text):
    """Every evidence span points at the text it quotes."""
    for ev in rec.evidence.values():
        assert text[ev.start : ev.end] == ev.text
        assert ev.sentence_start <= ev.start <= ev.end
    for fact in [*rec.staffing, *rec.case_measures, *rec.standard_ratings]:
        assert text[fact.evidence.start : fact.evidence.end] == fact.evidence.text


# ----------------------------------------------------------------------------- fixtures
def test_percent_sign_number_words_and_grades_kept_apart():
    rec = one("pdu_percent_words.txt")
    assert fields(
        rec,
        "unit_type",
        "unit_name",
        "overall_rating",
        "n_recommendations",
        "publication_date",
        "fieldwork_start",
        "fieldwork_end",
        "cases_inspected",
        "cases_community",
        "cases_licence",
        "previous_rating",
    ) == {
        "unit_type": "PDU",
        "unit_name": "Riverford",
        "overall_rating": "Good",
        "n_recommendations": 9,
        "publication_date": "2023-09-04",
        "fieldwork_start": "2023-06-12",
        "fieldwork_end": "2023-06-23",
        "cases_inspected": 60,
        "cases_community": 41,
        "cases_licence": 19,
        "previous_rating": None,
    }
    assert staffing(rec) == [
        ("caseload_average", "practitioner", 38.0, ""),
        ("sickness_days", "all", 9.5, ""),
        ("vacancy_rate", "PO", 12.0, ""),
        ("vacancy_rate", "PSO", 5.0, ""),
    ]
    [cm] = rec.case_measures
    assert (cm.stage, cm.aspect, cm.judged, cm.value_pct) == (
        "assessment",
        "keep_safe",
        "sufficient",
        71.0,
    )
    assert rec.suggested_id() == "pdu-riverford-2023"
    check_spans(rec, (FIX / "pdu_percent_words.txt").read_text())


def test_curly_quotes_unquoted_rating_and_domain_ratings():
    rec = one("region_curly_unquoted.txt")
    assert fields(
        rec,
        "unit_type",
        "unit_name",
        "region",
        "overall_rating",
        "n_recommendations",
        "publication_date",
    ) == {
        "unit_type": "region",
        "unit_name": "North East",
        "region": "North East",
        "overall_rating": "Good",
        "n_recommendations": 5,
        "publication_date": "2024-11-14",
    }
    assert sorted((s.standard_name, s.rating) for s in rec.standard_ratings) == [
        ("Court work", "Requires improvement"),
        ("Leadership", "Outstanding"),
    ]
    assert staffing(rec) == [
        ("staff_in_post", "all", 2300.0, "~"),
        ("staffing_pct_target", "all", 96.0, ""),
    ]


def test_crc_with_previous_rating_and_qualifiers():
    rec = one("crc_previous.txt")
    assert fields(
        rec,
        "unit_type",
        "unit_name",
        "overall_rating",
        "previous_rating",
        "previous_rating_year",
        "n_recommendations",
        "publication_date",
    ) == {
        "unit_type": "CRC",
        "unit_name": "Hillshire and Dale CRC",
        "overall_rating": "Requires improvement",
        "previous_rating": "Inadequate",
        "previous_rating_year": 2017,
        "n_recommendations": 4,
        "publication_date": "2019-10-02",
    }
    assert staffing(rec) == [
        ("caseload_range_max", "all", 80.0, ""),
        ("vacancy_rate", "PSO", 30.0, ">"),
    ]
    assert rec.suggested_id() == "crc-hillshire-and-dale-2019"


def test_cookie_banner_licence_and_scale_note_are_ignored():
    rec = one("cookie_banner.txt")
    assert fields(
        rec,
        "unit_type",
        "unit_name",
        "overall_rating",
        "previous_rating",
        "fieldwork_start",
        "fieldwork_end",
        "publication_date",
    ) == {
        "unit_type": "PDU",
        "unit_name": "Marsh Vale",
        "overall_rating": "Inadequate",
        "previous_rating": None,
        "fieldwork_start": "2025-02",
        "fieldwork_end": "2025-02",
        "publication_date": None,
    }
    assert rec.standard_ratings == []
    assert staffing(rec) == [("regional_caseload_share", "all", 17.0, "")]


def test_two_pasted_releases_become_two_records():
    text = (FIX / "two_releases.txt").read_text()
    recs = extract_text(text)
    assert [
        (r.unit_name, r.overall_rating, r.n_recommendations, r.publication_date) for r in recs
    ] == [
        ("Eastmoor", "Good", 7, "2025-01-10"),
        ("Westmoor", "Requires improvement", 11, "2025-01-11"),
    ]
    assert (recs[0].previous_rating, recs[0].previous_rating_year) == ("Requires improvement", 2022)
    assert recs[1].previous_rating is None
    assert staffing(recs[0]) == []
    assert staffing(recs[1]) == [
        ("vacancy_rate", "PO", 35.0, ""),
        ("vacancy_rate", "PSO", 20.0, ""),
    ]
    assert recs[0].doc_end <= recs[1].doc_start
    for r in recs:
        check_spans(r, text)


def test_pre_ratings_report_has_no_rating():
    rec = one("report_no_rating.txt")
    assert rec.overall_rating is None and rec.previous_rating is None
    assert rec.standard_ratings == []
    assert (rec.n_recommendations, rec.cases_inspected) == (3, 64)
    assert rec.cases_community is None and rec.cases_licence is None


def test_html_page():
    rec = one("page.html")
    assert fields(
        rec,
        "unit_type",
        "unit_name",
        "overall_rating",
        "publication_date",
        "fieldwork_start",
        "fieldwork_end",
    ) == {
        "unit_type": "PDU",
        "unit_name": "Brookfield",
        "overall_rating": "Requires improvement",
        "publication_date": "2025-03-05",
        "fieldwork_start": "2024-11",
        "fieldwork_end": "2024-12",
    }
    assert staffing(rec) == [("vacancy_rate", "PO", 27.0, "")]


def test_nps_division_domains_and_score():
    rec = one("nps_division.txt")
    assert fields(
        rec, "unit_type", "unit_name", "overall_rating", "score", "score_max", "cases_inspected"
    ) == {
        "unit_type": "NPS division",
        "unit_name": "NPS Northland division",
        "overall_rating": "Good",
        "score": 15,
        "score_max": 27,
        "cases_inspected": 120,
    }
    assert sorted((s.standard_name, s.rating) for s in rec.standard_ratings) == [
        ("Leadership", "Outstanding"),
        ("Unpaid work", "Requires improvement"),
    ]
    assert rec.suggested_id() is None  # no year stated: no id is invented


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "X PDU has received an overall rating of 'Good'. It was previously rated "
            "'Inadequate' in 2022.",
            ("Good", "Inadequate", 2022),
        ),
        (
            "X PDU has improved from 'Inadequate' to 'Requires improvement'.",
            ("Requires improvement", "Inadequate", None),
        ),
        (
            "X PDU has received an overall rating of 'Good'. That inspection made five "
            "recommendations.",
            ("Good", None, None),
        ),
    ],
)
def test_previous_rating_wordings(sentence, expected):
    [rec] = extract_text(sentence)
    assert (rec.overall_rating, rec.previous_rating, rec.previous_rating_year) == expected
    assert rec.n_recommendations is None  # the previous inspection's count is not this one's


def test_not_stated_stays_null():
    [rec] = extract_text("Inspectors visited the office and spoke with staff about their work.")
    row = rec.inspection_row()
    assert all(v is None for v in row.values())
    assert rec.staffing == rec.case_measures == rec.standard_ratings == []


# ----------------------------------------------------------------------------- frames
def test_frames_have_raw_columns():
    recs = extract_file(FIX / "pdu_percent_words.txt")
    for table in TABLES:
        frame = records_to_frame(recs, table, raw_only=True)
        assert list(frame.columns) == [c.name for c in RAW_TABLES[table]]
    staff = records_to_frame(recs, "staffing")
    assert staff["value"].tolist() == [12, 5, 38, 9.5]
    assert staff["span_start"].notna().all()


def test_records_to_frame_rejects_unknown_table():
    with pytest.raises(ValueError, match="table must be one of"):
        records_to_frame([], "nonsense")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- compare
def test_compare_reports_disagreements_and_gaps():
    recs = extract_file(FIX / "pdu_percent_words.txt")
    insp = pd.DataFrame(
        {
            "inspection_id": ["pdu-riverford-2023"],
            "unit_type": ["PDU"],
            "unit_name": ["Riverford PDU"],
            "region": [""],
            "publication_date": ["2023-09"],
            "fieldwork_start": ["2023-06"],
            "fieldwork_end": ["2023-06"],
            "overall_rating": ["requires improvement"],
            "n_recommendations": ["9"],
            "cases_inspected": ["60"],
            "cases_community": [""],
            "cases_licence": ["19"],
        }
    )
    staff = pd.DataFrame(
        {
            "inspection_id": ["pdu-riverford-2023"] * 2,
            "measure": ["vacancy_rate"] * 2,
            "grade": ["PO", "PSO"],
            "value": ["12", "7"],
        }
    )
    got = findings_to_frame(compare_records(recs, {"inspections": insp, "staffing": staff}))
    found = {(r.field, r.kind) for r in got.itertuples()}
    assert ("overall_rating", "mismatch") in found
    assert ("vacancy_rate/PSO", "mismatch") in found
    assert ("vacancy_rate/PO", "mismatch") not in found
    assert ("cases_community", "missing_in_dataset") in found
    assert ("publication_date", "less_precise_in_dataset") in found
    assert not any(f == "n_recommendations" for f, _ in found)


def test_compare_without_match():
    [rec] = extract_text(
        "Nowhere PDU has received an overall rating of 'Good'. Published: 1 May 2024"
    )
    insp = pd.DataFrame(
        columns=["inspection_id", "unit_type", "unit_name", "publication_date", "fieldwork_start"]
    )
    [f] = compare_records([rec], {"inspections": insp})
    assert (f.kind, f.extracted) == ("no_matching_row", "pdu-nowhere-2024")


# ----------------------------------------------------------------------------- cli
def _args(files, **kw):
    p = argparse.ArgumentParser()
    extract_cli.add_arguments(p)
    extra = []
    for k, v in kw.items():
        extra += [f"--{k.replace('_', '-')}"] + ([] if v is True else [str(v)])
    return p.parse_args([*map(str, files), *extra])


def test_cli_json_and_csv():
    out, err = io.StringIO(), io.StringIO()
    assert extract_cli.run(_args([FIX / "two_releases.txt"]), stdout=out, stderr=err) == 0
    data = json.loads(out.getvalue())
    assert [d["inspection"]["unit_name"] for d in data] == ["Eastmoor", "Westmoor"]
    out = io.StringIO()
    assert (
        extract_cli.run(
            _args(
                [FIX / "two_releases.txt"], format="csv", table="staffing", raw_columns_only=True
            ),
            stdout=out,
            stderr=err,
        )
        == 0
    )
    frame = pd.read_csv(io.StringIO(out.getvalue()))
    assert frame[["measure", "grade", "value"]].values.tolist() == [
        ["vacancy_rate", "PO", 35],
        ["vacancy_rate", "PSO", 20],
    ]


def test_cli_unreadable_file_names_it(tmp_path):
    bad = tmp_path / "binary.txt"
    bad.write_bytes(b"\x00\x01\x02PDU")
    missing = tmp_path / "missing.txt"
    out, err = io.StringIO(), io.StringIO()
    status = extract_cli.run(
        _args([bad, missing, FIX / "crc_previous.txt"]), stdout=out, stderr=err
    )
    assert status == 2  # the number of files that could not be read
    assert "binary.txt" in err.getvalue() and "missing.txt" in err.getvalue()
    assert "2 of 3 files could not be read" in err.getvalue()
    assert json.loads(out.getvalue())[0]["inspection"]["unit_type"] == "CRC"


def test_cli_compare_and_output_dir(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    pd.DataFrame(
        {
            "inspection_id": ["crc-hillshire-and-dale-2019"],
            "unit_type": ["CRC"],
            "unit_name": ["Hillshire and Dale CRC"],
            "publication_date": ["2019-10-02"],
            "fieldwork_start": [""],
            "overall_rating": ["Good"],
        }
    ).to_csv(raw / "inspections.csv", index=False)
    out = io.StringIO()
    args = _args(
        [FIX / "crc_previous.txt"],
        compare=raw / "inspections.csv",
        format="csv",
        output_dir=tmp_path / "out",
    )
    assert extract_cli.run(args, stdout=out, stderr=io.StringIO()) == 0
    report = pd.read_csv(io.StringIO(out.getvalue()))
    row = report[report["field"] == "overall_rating"].iloc[0]
    assert (row["extracted"], row["dataset"], row["kind"]) == (
        "Requires improvement",
        "Good",
        "mismatch",
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"extracted_{t}.csv" for t in sorted(TABLES)
    ]


def test_non_utf8_file_is_read_with_warning(tmp_path):
    p = tmp_path / "cp1252.txt"
    p.write_bytes(
        "Caf\u00e9 PDU has received an overall rating of \u2018Good\u2019.".encode("cp1252")
    )
    [rec] = extract_file(p)
    assert rec.overall_rating == "Good"
    assert any("Windows-1252" in w for w in rec.warnings)


def test_undecodable_bytes_raise_named_error(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(b"\x81\x8d\x8f\x90\x9d" * 3)
    with pytest.raises(ExtractionError, match="bad.txt"):
        extract_file(p)


def test_empty_file_gives_no_records(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    assert extract_file(p) == []


# ----------------------------------------------------------------------------- seeds corpus
SEED_EXPECTED = {
    "000_420e72dc28e0400e.txt": dict(
        unit_type="PDU",
        unit_name="West Kent",
        region="Kent, Surrey and Sussex",
        publication_date="2024-03-21",
        fieldwork_start="2024-01",
        fieldwork_end="2024-01",
        overall_rating="Requires improvement",
        previous_rating="Inadequate",
        previous_rating_year=2022,
        n_recommendations=None,
        cases_inspected=None,
    ),
    "001_8c3e46c838503907.txt": dict(
        unit_type="region",
        unit_name="Kent, Surrey and Sussex",
        region="Kent, Surrey and Sussex",
        publication_date="2024-05-09",
        fieldwork_start="2023-11-27",
        fieldwork_end="2024-01-26",
        overall_rating="Requires improvement",
        previous_rating=None,
        previous_rating_year=None,
        n_recommendations=None,
        cases_inspected=223,
        cases_community=151,
        cases_licence=72,
    ),
    "002_c08a42ae812d99cc.txt": dict(
        overall_rating=None,
        previous_rating=None,
        publication_date=None,
        unit_name="Kent",
        unit_type=None,
        n_recommendations=10,
        cases_inspected=81,
        cases_community=None,
    ),
    "003_eef246cd6e9105ca.txt": dict(
        unit_type="PDU",
        unit_name="Northamptonshire",
        publication_date="2024-07-16",
        fieldwork_start="2024-03",
        fieldwork_end="2024-03",
        overall_rating="Inadequate",
        previous_rating="Requires improvement",
        previous_rating_year=2022,
        n_recommendations=7,
    ),
    "004_bf694e2ed94d077e.txt": dict(
        unit_type="PDU",
        unit_name="Leicester, Leicestershire and Rutland",
        publication_date="2025-05-29",
        fieldwork_start="2025-03",
        fieldwork_end="2025-03",
        overall_rating="Inadequate",
        previous_rating="Inadequate",
        previous_rating_year=2022,
        n_recommendations=6,
    ),
}
SEED_STAFFING = {
    "000_420e72dc28e0400e.txt": [("regional_caseload_share", "all", 28.0, "")],
    "001_8c3e46c838503907.txt": [
        ("staff_in_post", "all", 1170.0, ""),
        ("staffing_pct_target", "PO", 70.0, ""),
        ("staffing_pct_target", "PSO", 128.0, ""),
        ("staffing_pct_target", "all", 90.0, ""),
    ],
    "003_eef246cd6e9105ca.txt": [("vacancy_rate", "PO", 40.0, "")],
    "004_bf694e2ed94d077e.txt": [],
}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed publications not available")
@pytest.mark.parametrize("name", sorted(SEED_EXPECTED))
def test_seed_publications(name):
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"{name} not available")
    recs = extract_file(path)
    assert len(recs) == 1
    rec = recs[0]
    assert fields(rec, *SEED_EXPECTED[name]) == SEED_EXPECTED[name]
    if name in SEED_STAFFING:
        assert staffing(rec) == SEED_STAFFING[name]
    check_spans(rec, path.read_text(encoding="utf-8"))


@pytest.mark.skipif(
    not (SEEDS / "001_8c3e46c838503907.txt").is_file(), reason="seed publications not available"
)
def test_seed_region_case_measures_and_domain_rating():
    [rec] = extract_file(SEEDS / "001_8c3e46c838503907.txt")
    assert sorted((c.stage, c.aspect, c.judged, c.value_pct) for c in rec.case_measures) == [
        ("implementation_delivery", "keep_safe", "sufficient", 22.0),
        ("victim_work", "victim_contribution", "sufficient", 100.0),
    ]
    assert [(s.standard_name, s.rating) for s in rec.standard_ratings] == [
        ("Statutory victim work", "Outstanding")
    ]
