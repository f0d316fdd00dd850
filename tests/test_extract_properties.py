"""Property-based checks: extraction never crashes and never points outside the text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from probstats.extract import ExtractionError, extract_text
from probstats.extract.readers import decode_bytes, read_html
from probstats.extract.text import normalise, sentences

RELEASE = (
    "Ashford Vale PDU has received an overall rating of 'Good'. "
    "The vacancy rate for POs was 20 per cent. The report makes four recommendations."
)

WORDS = st.sampled_from(
    [
        "PDU",
        "rated",
        "'Good'",
        "‘Inadequate’",
        "per cent",
        "%",
        "40",
        "1,170",
        "overall rating of",
        "previously",
        "in 2022",
        "recommendations",
        "nine",
        "vacancy rate",
        "PO",
        "PSO",
        "\n",
        "\n\n",
        "Notes to editor",
        "For media enquiries 0123 456789",
        "Skip to content",
        "cookies",
        ".",
        "staffed at",
        "of target",
        "cases",
        "Fieldwork",
        "March 2024",
        "between",
        "and",
        "<p>",
        "&amp;",
    ]
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _spans_ok(text: str) -> None:
    for rec in extract_text(text):
        assert 0 <= rec.doc_start <= rec.doc_end <= len(text)
        evs = list(rec.evidence.values()) + [
            f.evidence for f in [*rec.staffing, *rec.case_measures, *rec.standard_ratings]
        ]
        for ev in evs:
            assert 0 <= ev.start <= ev.end <= len(text)
            assert text[ev.start : ev.end] == ev.text


@SETTINGS
@given(st.text())
def test_any_text_is_safe(text):
    _spans_ok(text)


@SETTINGS
@given(st.lists(WORDS, max_size=60).map(" ".join))
def test_publication_like_noise_is_safe(text):
    _spans_ok(text)


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_fail_clearly(data):
    try:
        text, warnings = decode_bytes(data, "sample.bin")
    except ExtractionError as exc:
        assert "sample.bin" in str(exc)
        return
    assert isinstance(text, str) and isinstance(warnings, list)
    _spans_ok(text)
    try:
        read_html(text)
    except ExtractionError:
        pass


@SETTINGS
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.text(max_size=300),
)
def test_release_survives_surrounding_junk(before, after):
    # Junk before and after a release (e.g. a banner and a footer) must not change its facts
    # unless the junk itself states facts; the release's own rating must still be found.
    text = before + "\n\n" + RELEASE + "\n\n" + after
    recs = extract_text(text)
    assert any(r.unit_name == "Ashford Vale" and r.overall_rating == "Good" for r in recs)


@SETTINGS
@given(st.text())
def test_normalise_keeps_length_and_sentences_are_in_bounds(text):
    norm = normalise(text)
    assert len(norm) == len(text)
    prev = 0
    for s in sentences(norm):
        assert prev <= s.start <= s.end <= len(text)
        prev = s.end


def test_large_repetitive_input_finishes():
    # Long runs of capitalised words and digits are the worst case for name and number scans.
    text = (
        ("Alpha Beta Gamma, Delta and Epsilon " * 20000)
        + " PDU rated 'Good'. "
        + ("1,234 5 per cent " * 20000)
    )
    recs = extract_text(text)
    assert recs and recs[0].overall_rating == "Good"


def _seconds(text: str) -> float:
    import time

    best = 1e9
    for _ in range(3):
        t0 = time.perf_counter()
        extract_text(text)
        best = min(best, time.perf_counter() - t0)
    return best


@pytest.mark.parametrize(
    "unit",
    [
        "rated 'Good' and 'Inadequate' then 'Requires improvement' ",
        "in 45% of cases work was sufficient, ",
        " " * 64,
        "North PDU South PDU ",
        "cookies ",
    ],
)
def test_hostile_input_takes_linear_time(unit):
    # Sixteen times the text: linear time is ~16 times as long, quadratic ~256; the bound
    # leaves room for a loaded machine.
    lead = "Westmoor PDU has received an overall rating of 'Good'. "
    small = _seconds(lead + unit * (2_000 // len(unit)))
    large = _seconds(lead + unit * (32_000 // len(unit)))
    assert large < 100 * max(small, 1e-3)
