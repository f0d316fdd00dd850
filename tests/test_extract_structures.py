"""Extraction on fixtures that reproduce the structures of real publications in new words.

Each fixture in tests/fixtures/extract/structures is one structure (how the unit
is introduced, where the grade sits, siblings, several units, dates of other
reports, ...) with its truth in truth.json. Every fixture is also rendered as a
report web page and as a PDF, and must give the same records from each.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_extract_support import differences, to_html, to_pdf

from probstats.extract import extract_file, extract_source, extract_text, read_bytes

FIX = Path(__file__).parent / "fixtures" / "extract" / "structures"
TRUTH = json.loads((FIX / "truth.json").read_text(encoding="utf-8"))
NAMES = sorted(TRUTH)


@pytest.mark.parametrize("name", NAMES)
def test_text(name):
    assert differences(extract_file(FIX / name), TRUTH[name]) == []


@pytest.mark.parametrize("name", NAMES)
def test_rendered_as_web_page(name):
    src = read_bytes(to_html((FIX / name).read_text(encoding="utf-8")).encode(), f"{name}.html")
    assert src.format == "html"
    assert differences(extract_source(src), TRUTH[name]) == []


@pytest.mark.parametrize("name", NAMES)
def test_rendered_as_pdf(name):
    src = read_bytes(to_pdf((FIX / name).read_text(encoding="utf-8")), f"{name}.pdf")
    assert src.format == "pdf" and len(src.pages) >= 1
    records = extract_source(src)
    assert differences(records, TRUTH[name]) == []
    for rec in records:  # every value keeps its page
        assert all(ev.page is not None and ev.page >= 1 for ev in rec.evidence.values())


def test_pdf_evidence_points_at_the_right_page():
    text = (FIX / "grade_after_figure.txt").read_text(encoding="utf-8")
    src = read_bytes(to_pdf(text, per_page=2), "r.pdf")
    [rec] = extract_source(src)
    pages = {f.measure: f.evidence.page for f in rec.staffing}
    assert rec.evidence["overall_rating"].page == 1
    assert pages == {"vacancy_rate": 2, "vacancies": 2, "staffing_pct_target": 2}
    for f in rec.staffing:
        assert src.text[f.evidence.start : f.evidence.end] == f.evidence.text


def test_multi_unit_release_gives_one_record_per_unit_and_keeps_pooled_figures_apart():
    recs = extract_file(FIX / "multi_unit.txt")
    assert [r.unit_name for r in recs] == ["Harrowgate", "Ormsby", "Kestrel"]
    assert all(r.case_measures == [] for r in recs)  # the pooled 30% belongs to none of them
    assert all(any(c.reason == "pooled over several units" for c in r.candidates) for r in recs)


def test_sibling_rating_never_becomes_the_subjects():
    [rec] = extract_file(FIX / "sibling_rating.txt")
    assert (rec.unit_name, rec.overall_rating) == ("Marram", "Good")
    assert all(c.value != "Inadequate" for c in rec.candidates)  # not even as a candidate


def test_sibling_publication_date_is_not_the_subjects():
    [rec] = extract_file(FIX / "pdu_service_in.txt")
    assert rec.publication_date == "2031-06-03"


def test_previous_report_figure_is_a_candidate_not_a_fact():
    [rec] = extract_file(FIX / "other_report_dates.txt")
    assert [f.value for f in rec.staffing] == [22.0]
    cands = [c for c in rec.candidates if c.field == "staffing"]
    assert cands and "previous" in cands[0].reason and cands[0].confidence < 0.5


def test_incidental_counts_are_candidates():
    [rec] = extract_file(FIX / "incidental_counts.txt")
    assert rec.staffing[0].measure == "trainees" and len(rec.staffing) == 1
    assert [c.value for c in rec.candidates if c.field == "staffing"] == ["staff_in_post/all=140"]


def test_cookie_banner_on_one_line_still_gives_the_record():
    text = (FIX / "cookie_one_line.txt").read_text(encoding="utf-8")
    assert "\n" not in text and text.startswith("Are you OK with cookies?")
    [rec] = extract_text(text)
    assert (rec.unit_name, rec.overall_rating, rec.n_recommendations) == ("Lindwick", "Good", 5)


def test_ratings_table_of_a_report_page():
    text = (FIX / "headline_domain.txt").read_text(encoding="utf-8")
    page = to_html(
        text,
        table=[
            ("Overall rating", "Good"),
            ("1.1 Leadership", "Outstanding"),
            ("2.1 Assessment", "Requires improvement"),
        ],
    )
    [rec] = extract_source(read_bytes(page.encode(), "page.html"))
    got = sorted((s.standard_code, s.standard_name, s.rating) for s in rec.standard_ratings)
    assert got == [
        ("1.1", "Leadership", "Outstanding"),
        ("2.1", "Assessment", "Requires improvement"),
    ]
    table_ev = [s.evidence for s in rec.standard_ratings if s.standard_code]
    assert all(ev.section == "ratings" for ev in table_ev)
